import { describe, expect, it } from 'vitest';
import { ALERT_FILTER_POLICIES, matchesFilterPolicy } from './alert-channels.ts';
import { protocolsOf } from './clip-contract.ts';

const channels = (list: string[]) => ({ channels: { DataType: 'String.Array', StringValue: JSON.stringify(list) } });

describe('alert filter policies, as SNS matches them', () => {
  it.each([
    ['both', ['email', 'sms']],
    ['email', ['email']],
    ['sms', ['sms']],
    ['none', []],
  ] as const)('a camera on %s reaches %j', (setting, expected) => {
    const attributes = channels(protocolsOf(setting));
    expect((['email', 'sms'] as const).filter((p) => matchesFilterPolicy(ALERT_FILTER_POLICIES[p], attributes))).toEqual(expected);
  });

  it('a String attribute matches by value; a missing or broken attribute matches nothing', () => {
    expect(matchesFilterPolicy({ channels: ['sms'] }, { channels: { DataType: 'String', StringValue: 'sms' } })).toBe(true);
    expect(matchesFilterPolicy({ channels: ['sms'] }, undefined)).toBe(false);
    expect(matchesFilterPolicy({ channels: ['sms'] }, { channels: { DataType: 'String.Array', StringValue: '[sms' } })).toBe(false);
  });
});
