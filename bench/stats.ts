/**
 * The statistics the benches report: the median of a set of rounds and the nearest-rank
 * percentile (the same rule `camflow metrics` uses).
 */
export { percentile } from '../runtime/metrics-summary.ts';

/** The middle value (the upper of the two middle ones for an even count) of non-empty values. */
export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
