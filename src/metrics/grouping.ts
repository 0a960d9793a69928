/**
 * The rows of a grouped answer: which group(s) a figure falls in, and the list of rows to answer with.
 * Time groupings answer every bucket of the range, empty ones included (a chart needs its zeros), in
 * order; dimension groupings answer the keys that occur, sorted, with `null` ("none") last.
 */
import { bucketRange, bucketKey, WEEKDAY_HOUR_KEYS, type TimeBucket } from '../domain/kpi/index.js';
import { isTimeGrouping, type GroupBy, type MetricsQuery } from './metrics-query.js';

export type GroupKey = string | null;

export interface Grouping {
  /**
   * The group keys of a figure dated `at` whose grouping column holds `value` (a dimension's value, or the
   * `|a|b|` tags for `tag`): one key, none (outside every bucket), or several (one per tag).
   */
  keysOf(at: number, value: string | null): readonly GroupKey[];
  /**
   * The starts of the time buckets, ascending (each ends where the next starts, the last at the period's
   * end), so the database can name a figure's bucket (src/metrics/sql-buckets.ts); null ungrouped by time.
   */
  bucketStarts: readonly number[] | null;
  /** `keysOf` for a figure in bucket `index` of `bucketStarts` (or any bucket when not grouped by time). */
  keysOfBucket(index: number, value: string | null): readonly GroupKey[];
  /** The keys to answer with, in order, given the keys that occurred. */
  rowKeys(seen: Iterable<GroupKey>): GroupKey[];
}

const NONE: readonly GroupKey[] = [null];

/** Most buckets one answer may have (an hourly chart of a year is 8,784). */
export const MAX_BUCKETS = 10_000;

/** The buckets of a time grouping over the query's range: `[start, end)` each, in order. */
export function timeBuckets(
  query: Pick<MetricsQuery, 'from' | 'to' | 'timeZone'>,
  unit: 'hour' | 'day' | 'week' | 'month',
): TimeBucket[] {
  return bucketRange(query.from, query.to, unit, query.timeZone);
}

/** The number of buckets a time grouping would answer with (to refuse absurd requests before running them). */
export function bucketCount(query: Pick<MetricsQuery, 'from' | 'to' | 'timeZone'>, groupBy: GroupBy): number {
  if (!isTimeGrouping(groupBy)) return 0;
  if (groupBy === 'weekday-hour') return WEEKDAY_HOUR_KEYS.length;
  // Cheap upper bounds first: a bucket is at least 23 hours for days, 1 hour (or part) for hours.
  const hours = Math.ceil((query.to - query.from) / 3_600_000) + 2;
  if (groupBy === 'hour') return hours;
  if (groupBy === 'day') return Math.ceil(hours / 23) + 1;
  return timeBuckets(query, groupBy).length;
}

/** The index of the bucket holding `at` (buckets are sorted and contiguous), or -1. */
function bucketIndex(starts: Float64Array, ends: Float64Array, at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (at < starts[mid]!) hi = mid - 1;
    else if (at >= ends[mid]!) lo = mid + 1;
    else return mid;
  }
  return -1;
}

export function groupingFor(query: Pick<MetricsQuery, 'from' | 'to' | 'timeZone' | 'groupBy'>): Grouping {
  const groupBy = query.groupBy;
  if (groupBy === 'none')
    return { keysOf: () => NONE, bucketStarts: null, keysOfBucket: () => NONE, rowKeys: () => [null] };
  if (isTimeGrouping(groupBy)) {
    // Buckets are computed once; each figure then costs a binary search, not a time-zone conversion.
    const buckets = timeBuckets(query, groupBy === 'weekday-hour' ? 'hour' : groupBy);
    const keys = buckets.map((bucket) =>
      groupBy === 'weekday-hour' ? bucketKey(bucket.start, 'weekday-hour', query.timeZone) : bucket.key,
    );
    const starts = Float64Array.from(buckets, (bucket) => bucket.start);
    const ends = Float64Array.from(buckets, (bucket) => bucket.end);
    const single = keys.map((key) => [key] as const);
    const order = groupBy === 'weekday-hour' ? [...WEEKDAY_HOUR_KEYS] : keys;
    return {
      keysOf: (at) => {
        const index = bucketIndex(starts, ends, at);
        return index === -1 ? [] : (single[index] as readonly GroupKey[]);
      },
      bucketStarts: buckets.map((bucket) => bucket.start),
      keysOfBucket: (index) => (single[index] as readonly GroupKey[] | undefined) ?? [],
      rowKeys: () => order,
    };
  }
  const sortKeys = (seen: Iterable<GroupKey>) =>
    [...new Set(seen)].sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0));
  if (groupBy === 'tag') {
    const cache = new Map<string, readonly GroupKey[]>();
    const keysOf = (_at: number, tags: string | null) => {
      if (tags === null || tags === '') return NONE;
      let keys = cache.get(tags);
      if (keys === undefined) {
        keys = tags.slice(1, -1).split('|');
        cache.set(tags, keys);
      }
      return keys;
    };
    return { keysOf, bucketStarts: null, keysOfBucket: (_index, tags) => keysOf(0, tags), rowKeys: sortKeys };
  }
  const cache = new Map<string | null, readonly GroupKey[]>([[null, NONE]]);
  const keysOf = (_at: number, value: string | null) => {
    let keys = cache.get(value);
    if (keys === undefined) {
      keys = [value];
      cache.set(value, keys);
    }
    return keys;
  };
  return { keysOf, bucketStarts: null, keysOfBucket: (_index, value) => keysOf(0, value), rowKeys: sortKeys };
}
