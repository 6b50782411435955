import { describe, expect, it } from 'vitest';
import type { WorkflowState } from '../workflows/clip-contract.ts';
import { failureNotice, quarantineNotice } from './operations-notice.ts';
import { isValidSnsSubject } from './sns-text.ts';

const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const clip: WorkflowState['clip'] = {
  clipId: 'garage-0123456789abcdef',
  camera: 'garage',
  bucket: 'camflow-uploads',
  key: 'garage/\u001b[31mclip\r\n.mp4',
  size: 10,
  etag: 'abc',
  uploadedAt: '2024-05-01T10:00:05.000Z',
};

describe('operations notices with odd text in them', () => {
  it('a failure whose error name and cause carry line breaks and escapes still has a valid subject and a clean message', () => {
    const notice = failureNotice({ clip, error: { Error: 'Weird\nError\u001b[2J', Cause: 'line one\r\nline \u001b]0;title\u0007two \u202e' } }, clip.clipId, { written: true });
    expect(isValidSnsSubject(notice.subject)).toBe(true);
    expect(notice.subject).toBe(`Failed: garage clip ${clip.clipId} (Weird Error)`);
    expect(notice.message).not.toMatch(CONTROL);
    expect(notice.message).toContain('Object: s3://camflow-uploads/garage/clip .mp4');
    expect(notice.message).toContain('Cause: line one\nline two');
  });

  it('a quarantine notice cleans the object key and the detail', () => {
    const notice = quarantineNotice({ clip, validation: { kind: 'invalid', reason: 'truncated', detail: 'cut \u001b[31mshort\u0000', capturedAt: clip.uploadedAt } }, clip.clipId, { written: true });
    expect(isValidSnsSubject(notice.subject)).toBe(true);
    expect(notice.message).not.toMatch(CONTROL);
    expect(notice.message).toContain('What is wrong and what to do: cut short');
  });
});
