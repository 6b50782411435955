import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compositeSha256, judgeUpload, retryDelayMs } from './confirmation.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('base64');
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('judgeUpload: did S3 confirm the bytes received?', () => {
  const received = { sha256: sha('clip'), md5: md5('clip') };

  it("confirms a single PUT by S3's SHA-256, and refuses a different one", () => {
    expect(judgeUpload(received, { checksumSHA256: sha('clip'), etag: '"whatever"' })).toEqual({ outcome: 'confirmed', by: 'checksum-sha256' });
    expect(judgeUpload(received, { checksumSHA256: sha('clip!') })).toMatchObject({ outcome: 'mismatch' });
  });

  it("confirms a multipart upload by S3's composite checksum of the part digests", () => {
    const parts = [sha('part one'), sha('part two'), sha('3')];
    const composite = createHash('sha256')
      .update(Buffer.concat(['part one', 'part two', '3'].map((p) => createHash('sha256').update(p).digest())))
      .digest('base64');
    expect(compositeSha256(parts)).toBe(`${composite}-3`);
    expect(judgeUpload({ ...received, partSha256: parts }, { checksumSHA256: `${composite}-3` })).toEqual({ outcome: 'confirmed', by: 'checksum-sha256' });
    expect(judgeUpload({ ...received, partSha256: parts }, { checksumSHA256: composite })).toEqual({ outcome: 'confirmed', by: 'checksum-sha256' });
    expect(judgeUpload({ ...received, partSha256: parts.slice(0, 2) }, { checksumSHA256: `${composite}-3` })).toMatchObject({ outcome: 'mismatch' });
    expect(judgeUpload(received, { checksumSHA256: `${composite}-3` })).toEqual({ outcome: 'unknown' });
  });

  it('falls back to an MD5 ETag (stores that return no checksum, like s3rver)', () => {
    expect(judgeUpload(received, { etag: `"${md5('clip')}"` })).toEqual({ outcome: 'confirmed', by: 'etag-md5' });
    // Not an MD5 of the content (multipart or encrypted): cannot confirm, read back instead.
    expect(judgeUpload(received, { etag: `"${md5('other')}"` })).toEqual({ outcome: 'unknown' });
    expect(judgeUpload(received, { etag: '"0123456789abcdef0123456789abcdef-4"' })).toEqual({ outcome: 'unknown' });
    expect(judgeUpload(received, {})).toEqual({ outcome: 'unknown' });
  });
});

describe('retryDelayMs: exponential backoff, full jitter, bounded', () => {
  it('grows as base·2^(n-1) up to the cap, jittered over [0, ceiling)', () => {
    const top = () => 0.999999;
    expect(retryDelayMs(0, 1000, 60_000, top)).toBe(0);
    expect(retryDelayMs(1, 1000, 60_000, top)).toBe(999);
    expect(retryDelayMs(2, 1000, 60_000, top)).toBe(1999);
    expect(retryDelayMs(6, 1000, 60_000, top)).toBe(31_999);
    expect(retryDelayMs(7, 1000, 60_000, top)).toBe(59_999);
    expect(retryDelayMs(10_000, 1000, 60_000, top)).toBe(59_999);
    expect(retryDelayMs(5, 1000, 60_000, () => 0)).toBe(0);
  });

  it('spreads retries across the whole window', () => {
    const delays = Array.from({ length: 2000 }, () => retryDelayMs(8, 1000, 60_000));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(60_000);
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(40_000);
  });
});
