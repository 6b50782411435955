import { describe, expect, it } from 'vitest';
import { CLIP_ID_PATTERN, clipIdFor } from './clip-identity.ts';
import { clipIdOfExecutionName, executionNameFor } from './execution-name.ts';

const ALLOWED = /^[A-Za-z0-9_-]{1,80}$/;

describe('execution names', () => {
  it('read as camera, upload time (UTC, to the second) and digest', () => {
    expect(executionNameFor('frontdoor-3f9a0c1d2e4b5a69', '2026-12-01T14:30:22.789Z')).toBe('frontdoor-20261201T143022Z-3f9a0c1d2e4b5a69');
    expect(executionNameFor('front-door-3f9a0c1d2e4b5a69', '2026-12-01T15:30:22+01:00')).toBe('front-door-20261201T143022Z-3f9a0c1d2e4b5a69');
  });

  it('are pinned: a known upload always gets the same execution name (so a duplicate event starts nothing new across deploys)', () => {
    const clipId = clipIdFor({
      bucket: 'camflow-uploads',
      key: 'front-door/2024/05/01/100000.mp4',
      etag: '"9b2cf535f27731c974343645a3985328"',
      versionId: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo',
    });
    expect(executionNameFor(clipId, '2024-05-01T10:00:00.123Z')).toBe('front-door-20240501T100000Z-cad1aa501054f126');
    expect(clipIdOfExecutionName('front-door-20240501T100000Z-cad1aa501054f126')).toBe('front-door-cad1aa501054f126');
  });

  it('are deterministic, allowed by Step Functions at the longest camera id, and give the clip id back', () => {
    const camera = 'a'.repeat(40);
    const clipId = clipIdFor({ bucket: 'b', key: `${camera}/clip.mp4`, etag: 'e', versionId: 'v' });
    const name = executionNameFor(clipId, '2026-12-01T14:30:22Z');
    expect(name).toBe(executionNameFor(clipId, '2026-12-01T14:30:22Z'));
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).toMatch(ALLOWED);
    expect(clipIdOfExecutionName(name)).toBe(clipId);
    expect(CLIP_ID_PATTERN.test(name)).toBe(false);
  });

  it('sort in time order for one camera', () => {
    const clipIds = ['gate-ffffffffffffffff', 'gate-0000000000000000', 'gate-8888888888888888'];
    const times = ['2026-12-01T09:00:00Z', '2026-12-01T10:00:00Z', '2026-12-02T08:00:00Z'];
    const names = clipIds.map((id, i) => executionNameFor(id, times[i]!));
    expect([...names].sort()).toEqual(names);
  });

  it('an execution named by clip id (before) is its own clip; anything else is no clip', () => {
    expect(clipIdOfExecutionName('garage-00112233445566ff')).toBe('garage-00112233445566ff');
    expect(clipIdOfExecutionName('some-manual-run')).toBeUndefined();
    expect(() => executionNameFor('not a clip', '2026-12-01T14:30:22Z')).toThrow(TypeError);
  });
});
