import { describe, expect, it } from 'vitest';
import type { WorkflowState } from './clip-contract.ts';
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

describe('operations notices link to the execution and the clip', () => {
  const links = { executionArnPrefix: 'arn:aws:states:eu-west-1:123456789012:execution:camflow-clip-workflow:', webUrl: 'https://d111.cloudfront.net/' };
  const execution = 'garage-20240501T100005Z-0123456789abcdef';
  const console = `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:123456789012:execution:camflow-clip-workflow:${execution}`;

  it('a failure links to its execution in the Step Functions console, to the clip in the web app, and to the Operations page', () => {
    const notice = failureNotice({ clip, error: { Error: 'ClipNotFound', Cause: 'gone' } }, execution, { written: true }, links);
    expect(notice.message).toContain(`Execution in the Step Functions console: ${console}`);
    expect(notice.message).toContain(`Clip in the web app: https://d111.cloudfront.net/clips/${clip.clipId}#workflow-heading`);
    expect(notice.message).toContain('All failed and quarantined clips: https://d111.cloudfront.net/operations');
  });

  it('a quarantine links the same way; without settings there are no links', () => {
    const state = { clip, validation: { kind: 'invalid' as const, reason: 'empty' as const, capturedAt: clip.uploadedAt } };
    expect(quarantineNotice(state, execution, { written: true }, links).message).toContain(console);
    expect(quarantineNotice(state, execution, { written: true }).message).not.toMatch(/https:/);
  });
});
