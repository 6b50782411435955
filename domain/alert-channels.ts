/**
 * Who receives a motion alert (pure): one topic serves every camera, and each subscription
 * has a filter policy on the message's `channels` attribute (String.Array, set per camera by
 * "Decide alert"): e-mail subscriptions take messages whose channels include `email`, SMS
 * subscriptions those that include `sms`. The CDK stack puts these policies on the topic's
 * subscriptions; the local outbox applies the same ones before it mails.
 */

/** SNS filter policies (exact-string allowlists) per subscription protocol. */
export const ALERT_FILTER_POLICIES = {
  email: { channels: ['email'] },
  sms: { channels: ['sms'] },
} as const satisfies Record<'email' | 'sms', Record<string, readonly string[]>>;

/** SNS message attributes as Publish takes them. */
export type MessageAttributes = Record<string, { DataType?: string; StringValue?: string } | undefined>;

/**
 * Whether a message with `attributes` passes a filter policy of exact-string allowlists, as
 * SNS matches it: every key of the policy must be an attribute; a String attribute must equal
 * one allowed value, a String.Array attribute must hold at least one.
 */
export function matchesFilterPolicy(policy: Record<string, readonly string[]>, attributes: MessageAttributes | undefined): boolean {
  for (const [name, allowed] of Object.entries(policy)) {
    const attribute = attributes?.[name];
    if (!attribute || typeof attribute.StringValue !== 'string') return false;
    let values: unknown[] = [attribute.StringValue];
    if (attribute.DataType === 'String.Array') {
      try {
        const parsed = JSON.parse(attribute.StringValue) as unknown;
        values = Array.isArray(parsed) ? parsed : [];
      } catch {
        return false;
      }
    }
    if (!values.some((v) => typeof v === 'string' && allowed.includes(v))) return false;
  }
  return true;
}
