/**
 * Times given in queries (`from`, `to`) as instants: any ISO 8601 date-time with `Z` or a
 * `±hh:mm` offset becomes the UTC form capture times are stored in
 * (`2026-01-01T08:00:00.000Z`), so `10:00:00+02:00` and `08:00:00Z` select the same clips.
 */
import { invalid } from './errors.ts';

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * The UTC ISO form of `value`, or a 400 naming `field`. A query string decodes a literal `+`
 * to a space, so `…T10:00:00 02:00` is read as the `+02:00` offset it was typed as.
 */
export function toInstant(field: string, value: string): string {
  const text = value.trim().replace(/ (\d{2}:\d{2})$/, '+$1');
  const match = ISO_DATE_TIME.exec(text);
  const refuse = () => invalid(field, 'must be an ISO 8601 date-time with Z or an offset, e.g. 2025-01-31T18:00:00Z or 2025-01-31T20:00:00%2B02:00');
  if (!match) throw refuse();
  const [, year, month, day, hour, minute, second = '00', , zone] = match as unknown as string[];
  const offset = zone!.toUpperCase() === 'Z' ? 0 : (zone!.startsWith('-') ? -1 : 1) * (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(4, 6)));
  if (Math.abs(offset) > 18 * 60) throw refuse();
  const ms = Date.parse(text.toUpperCase());
  if (!Number.isFinite(ms)) throw refuse();
  // Date.parse rolls 2025-02-30 over to March: the wall time must read back as given.
  const wall = new Date(ms + offset * 60_000).toISOString();
  if (wall.slice(0, 19) !== `${year}-${month}-${day}T${hour}:${minute}:${second}`) throw refuse();
  return new Date(ms).toISOString();
}
