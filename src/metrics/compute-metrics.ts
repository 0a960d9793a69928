/**
 * `GET /api/v1/metrics`: every figure of DESIGN.md's KPI table for a period, ungrouped or by one
 * dimension or time unit. Three range scans (cycle facts, message facts, new contacts), each costing the
 * figures dated in the period; grouping happens as the rows stream by.
 */
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../store/dialect.js';
import type { Database } from '../store/schema.js';
import { collectContactMetrics, optOutsApply as optOutsApplyTo } from './contact-metrics.js';
import { collectCycleMetrics } from './cycle-metrics.js';
import { groupingFor, type GroupKey } from './grouping.js';
import { collectMessageMetrics } from './message-metrics.js';
import type { MetricsQuery } from './metrics-query.js';
import { MetricsAccumulator, type Metrics } from './metrics-shape.js';

export interface MetricsRow {
  /** The bucket (`2026-03-08`, `2026-W10`, `1-09`...), the dimension's value (`null` = none), or null ungrouped. */
  key: GroupKey;
  metrics: Metrics;
}

export async function computeMetrics(
  db: Kysely<Database>,
  dialect: StoreDialect,
  query: MetricsQuery,
): Promise<MetricsRow[]> {
  const grouping = groupingFor(query);
  const rows = new Map<GroupKey, MetricsAccumulator>();
  const rowFor = (key: GroupKey) => {
    let row = rows.get(key);
    if (row === undefined) {
      row = new MetricsAccumulator();
      rows.set(key, row);
    }
    return row;
  };
  await collectCycleMetrics(db, dialect, query, grouping, rowFor);
  await collectMessageMetrics(db, dialect, query, grouping, rowFor);
  const contactsApply = await collectContactMetrics(db, query, grouping, rowFor);
  const optOutsApply = optOutsApplyTo(query);
  return grouping.rowKeys(rows.keys()).map((key) => {
    const row = rows.get(key) ?? new MetricsAccumulator();
    if (!contactsApply) row.newContacts = null;
    if (!optOutsApply) row.optOuts = null;
    return { key, metrics: row.finish(query.settings.rateCard) };
  });
}
