/**
 * Time buckets computed by the database, exactly: the index of the bucket holding a row's instant, given the
 * buckets' start instants (computed once per question by src/domain/kpi/time-buckets.ts, DST and all).
 * The expression is a binary search written as nested `CASE`s, so each row costs log2(buckets)
 * comparisons (12 for a year of hours), and it is plain SQL on both databases.
 */
import { sql, type RawBuilder } from 'kysely';

export function bucketIndexSql(column: string, starts: readonly number[]): RawBuilder<number> {
  const ref = sql.ref(column);
  const search = (lo: number, hi: number): RawBuilder<number> => {
    if (lo >= hi) return sql<number>`${sql.lit(lo)}`;
    const mid = (lo + hi + 1) >>> 1;
    return sql<number>`(CASE WHEN ${ref} < ${starts[mid]} THEN ${search(lo, mid - 1)} ELSE ${search(mid, hi)} END)`;
  };
  return search(0, starts.length - 1);
}
