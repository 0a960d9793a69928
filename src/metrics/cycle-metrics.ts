/**
 * The cycle-based figures of a period: conversations, cycles opened and ended, first response, bot first
 * response, agent and bot reply times, resolution, reopen rate, CSAT ratings, conversion, self-serve and
 * length. Range scans of `metric_facts (workspace_id, metric, at)`: the cost is the number of figures
 * dated in the period, whatever the age of the data.
 */
import { sql, type Kysely } from 'kysely';
import { DURATION_FACTS, FACT_KINDS, type FactKind } from '../domain/kpi/cycle-facts.js';
import type { StoreDialect } from '../store/dialect.js';
import type { Database } from '../store/schema.js';
import { dimensionColumn, filterConditions } from './fact-filters.js';
import type { Grouping, GroupKey } from './grouping.js';
import { isDimension, type MetricsQuery } from './metrics-query.js';
import type { MetricsAccumulator } from './metrics-shape.js';
import { bucketIndexSql } from './sql-buckets.js';

/** One `metric_facts` row as the figures need it. */
export interface CycleFactRow {
  metric: string;
  at: number;
  value: number;
  business_value: number | null;
  outcome: string | null;
}

/**
 * Adds one fact to a row's figures. Durations are the wall-time `value`, or with `businessHours` the
 * `business_value`; the drill-down shows the same number as each fact's contribution.
 */
export function addCycleFact(into: MetricsAccumulator, fact: CycleFactRow, businessHours: boolean): void {
  const duration = businessHours ? fact.business_value : fact.value;
  switch (fact.metric) {
    case 'conversation':
      into.conversations += 1;
      return;
    case 'cycle_opened':
      into.cyclesOpened += 1;
      return;
    case 'cycle_ended':
      into.cyclesEnded += 1;
      if (fact.outcome === 'bot-only') into.botOnly += 1;
      else if (fact.outcome === 'assisted') into.assisted += 1;
      return;
    case 'first_response':
      if (duration !== null) into.firstResponse.push(duration);
      return;
    case 'bot_first_response':
      if (duration !== null) into.botFirstResponse.push(duration);
      return;
    case 'agent_response':
      if (duration !== null) into.agentResponse.push(duration);
      return;
    case 'bot_response':
      if (duration !== null) into.botResponse.push(duration);
      return;
    case 'resolution':
      if (duration !== null) into.resolution.push(duration);
      return;
    case 'reopen':
      into.reopens += 1;
      return;
    case 'rating':
      into.ratings += 1;
      if (fact.outcome === 'positive') into.positive += 1;
      return;
    case 'sale':
      into.sales += 1;
      if (fact.outcome === 'won') {
        into.won += 1;
        into.revenue.push(fact.value);
      } else if (fact.outcome === 'lost') into.lost += 1;
      return;
    case 'length':
      into.length.push(fact.value);
      return;
  }
}

/** Facts that only count (and by outcome): the database counts them, per bucket and group. */
export const COUNTED_FACTS: readonly FactKind[] = [
  'conversation',
  'cycle_opened',
  'cycle_ended',
  'reopen',
  'rating',
];
/** Facts whose values the figures need one by one (percentiles; revenue summed exactly). */
export const MEASURED_FACTS: readonly FactKind[] = FACT_KINDS.filter((kind) => !COUNTED_FACTS.includes(kind));

/** Adds `count` facts of a counted kind (see `addCycleFact` for what each adds). */
export function addCountedFacts(
  into: MetricsAccumulator,
  metric: string,
  outcome: string | null,
  count: number,
) {
  switch (metric) {
    case 'conversation':
      into.conversations += count;
      return;
    case 'cycle_opened':
      into.cyclesOpened += count;
      return;
    case 'cycle_ended':
      into.cyclesEnded += count;
      if (outcome === 'bot-only') into.botOnly += count;
      else if (outcome === 'assisted') into.assisted += count;
      return;
    case 'reopen':
      into.reopens += count;
      return;
    case 'rating':
      into.ratings += count;
      if (outcome === 'positive') into.positive += count;
      return;
  }
}

/**
 * Two range scans of `metric_facts`: the counted kinds aggregated by the database (per kind, outcome, time
 * bucket and group value), and the measured kinds' values, which exact percentiles need one by one.
 */
export async function collectCycleMetrics(
  db: Kysely<Database>,
  dialect: StoreDialect,
  query: MetricsQuery,
  grouping: Grouping,
  rowFor: (key: GroupKey) => MetricsAccumulator,
): Promise<void> {
  const groupColumn = isDimension(query.groupBy)
    ? dimensionColumn('metric_facts', query.groupBy)
    : sql<string | null>`null`;
  const bucket =
    grouping.bucketStarts === null ? sql<number>`0` : bucketIndexSql('at', grouping.bucketStarts);
  const inRange = (kinds: readonly FactKind[], from = query.from, to = query.to) =>
    db
      .selectFrom('metric_facts')
      .where('workspace_id', '=', query.workspaceId)
      // Naming the kinds lets both databases range-scan (workspace_id, metric, at) once per kind.
      .where('metric', 'in', kinds)
      .where('at', '>=', from)
      .where('at', '<', to)
      .where((eb) => eb.and(filterConditions('metric_facts', query.filters, dialect)));
  const counted = await inRange(COUNTED_FACTS)
    .select((eb) => [
      'metric',
      'outcome',
      bucket.as('bucket'),
      groupColumn.as('group_value'),
      eb.fn.countAll<number>().as('count'),
    ])
    .groupBy(['metric', 'outcome', sql`bucket`, sql`group_value`])
    .execute();
  for (const row of counted) {
    for (const key of grouping.keysOfBucket(Number(row.bucket), row.group_value))
      addCountedFacts(rowFor(key), row.metric, row.outcome, Number(row.count));
  }
  // One kind at a time, reading only what it needs: the values (wall or business seconds), the instant when
  // grouped by time, the group's value, the outcome of sales. Narrow rows are what makes the scan fast.
  // Each kind is read a slice of time at a time, so memory holds one slice of rows, not the period's.
  const timed = grouping.bucketStarts !== null;
  for (const kind of MEASURED_FACTS) {
    const business = query.businessHours && DURATION_FACTS.includes(kind);
    for (let from = query.from; from < query.to; from += MEASURED_SLICE_MS) {
      const rows = await inRange([kind], from, Math.min(from + MEASURED_SLICE_MS, query.to))
        .select([
          (business ? sql<number | null>`business_value` : sql<number | null>`value`).as('value'),
          (timed ? sql<number>`at` : sql<number>`0`).as('at'),
          groupColumn.as('group_value'),
          (kind === 'sale' ? sql<string | null>`outcome` : sql<string | null>`null`).as('outcome'),
        ])
        .execute();
      for (const row of rows) {
        if (row.value === null) continue;
        const fact = {
          metric: kind,
          at: row.at,
          value: row.value,
          business_value: row.value,
          outcome: row.outcome,
        };
        for (const key of grouping.keysOf(Number(row.at), row.group_value))
          addCycleFact(rowFor(key), fact, false);
      }
    }
  }
}

/** A week: the rows one read of measured values brings into memory. */
const MEASURED_SLICE_MS = 7 * 86_400_000;
