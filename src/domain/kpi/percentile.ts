/**
 * Exact percentiles and duration summaries (DESIGN.md "Counting rules": percentiles are exact,
 * interpolated linearly between the closest ranks — NumPy's default `method="linear"`, Excel's
 * PERCENTILE.INC, R's type 7). The p50 of 10, 20, 30, 40 is 25.
 */

/** A duration KPI as the API reports it: seconds, unrounded; the statistics are null when count is 0. */
export interface DurationSummary {
  count: number;
  avg: number | null;
  p50: number | null;
  p90: number | null;
}

/**
 * The `p`-th percentile (0–100) of values sorted ascending, or null for no values.
 *
 * The rank is `(n − 1) · p/100`; between the two closest ranks the value is interpolated linearly, with
 * NumPy's `_lerp` formula (from the nearer end) so the result is monotonic in `p`, exact at the ranks,
 * and bit-for-bit what `numpy.percentile(values, p)` returns.
 *
 * Precondition: `sortedValues` is sorted ascending (not checked: it would cost O(n) per call).
 */
export function percentile(sortedValues: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile p must be within 0–100, got ${p}`);
  const n = sortedValues.length;
  if (n === 0) return null;
  const rank = (p / 100) * (n - 1);
  const below = Math.floor(rank);
  const lower = sortedValues[below]!;
  const upper = sortedValues[Math.min(below + 1, n - 1)]!;
  const fraction = rank - below;
  const difference = upper - lower;
  return fraction >= 0.5 ? upper - difference * (1 - fraction) : lower + difference * fraction;
}

/**
 * Sum of values in ascending order with Neumaier's compensation: the same set of values gives the
 * same sum whatever order it arrived in (DESIGN.md principle 2), and the error stays at one rounding.
 */
function stableSum(sortedValues: readonly number[]): number {
  let sum = 0;
  let compensation = 0;
  for (const value of sortedValues) {
    const next = sum + value;
    compensation += Math.abs(sum) >= Math.abs(value) ? sum - next + value : value - next + sum;
    sum = next;
  }
  return sum + compensation;
}

/**
 * `{count, avg, p50, p90}` of durations given in seconds (the unit of the API and of each drill-down
 * row's contributing value, so recomputing a figure from its drill-down rows gives the same bits).
 * Values may be in any order; they must be finite. Nothing is rounded.
 */
export function summarizeDurations(valuesSeconds: readonly number[]): DurationSummary {
  for (const value of valuesSeconds) {
    if (!Number.isFinite(value)) throw new RangeError(`durations must be finite numbers, got ${value}`);
  }
  const count = valuesSeconds.length;
  if (count === 0) return { count: 0, avg: null, p50: null, p90: null };
  const sorted = Float64Array.from(valuesSeconds).sort();
  const values = Array.from(sorted);
  return {
    count,
    avg: stableSum(values) / count,
    p50: percentile(values, 50),
    p90: percentile(values, 90),
  };
}

/** Milliseconds → seconds for one duration: the per-cycle value a drill-down row shows. */
export const msToSeconds = (durationMs: number) => durationMs / 1000;

/** {@link summarizeDurations} of durations measured in milliseconds (converted one by one with {@link msToSeconds}). */
export function summarizeDurationsMs(valuesMs: readonly number[]): DurationSummary {
  return summarizeDurations(valuesMs.map(msToSeconds));
}
