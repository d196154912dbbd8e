/**
 * Summary statistics for benchmark samples: percentiles of latencies, and the median and spread
 * of a figure over repeated runs.
 *
 * @module
 */

/** The median of repeated runs with their spread. */
export interface Spread {
  /** The median run's value. */
  median: number;
  /** The lowest value seen. */
  min: number;
  /** The highest value seen. */
  max: number;
  /** How many runs. */
  runs: number;
}

/**
 * The `p`-th percentile of `values` by the nearest-rank method: the smallest value that at least
 * `p` percent of the values are less than or equal to.
 *
 * @param values The samples, in any order (not modified).
 * @param p The percentile, 0 to 100.
 * @returns The percentile, or `NaN` when there are no samples.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be 0 to 100, got ${p}`);
  if (values.length === 0) return NaN;
  const sorted = values.toSorted((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/**
 * The median of repeated runs (the mean of the middle two for an even count) and the min-max.
 *
 * @param values One figure per run.
 * @returns The median and spread.
 * @throws {RangeError} When there are no runs.
 */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError("spread needs at least one run");
  const sorted = values.toSorted((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}
