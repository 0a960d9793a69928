/**
 * Filters and grouping columns over the two fact tables. Both carry the cycle's dimensions on every row,
 * so a filter is a condition on the row itself (no join); `tag` finds `|tag|` in the row's `|a|b|` tags.
 */
import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { StoreDialect } from '../store/dialect.js';
import type { Dimension, MetricsQuery } from './metrics-query.js';

export type FactTable = 'metric_facts' | 'message_facts';

const COLUMNS: Record<Exclude<Dimension, 'campaign'>, string> = {
  agent: 'agent_id',
  team: 'team_id',
  channel: 'channel',
  source: 'source',
  type: 'conversation_type',
  tag: 'tags',
  priority: 'priority',
  country: 'country',
};

/**
 * The column (or expression) holding a dimension's value on a fact table. A message's campaign is its own
 * campaign, else its conversation's.
 */
export function dimensionColumn(table: FactTable, dimension: Dimension): RawBuilder<string | null> {
  if (dimension === 'campaign') {
    return table === 'message_facts'
      ? sql<string | null>`coalesce(${sql.ref(`${table}.campaign_id`)}, ${sql.ref(`${table}.campaign`)})`
      : sql<string | null>`${sql.ref(`${table}.campaign`)}`;
  }
  return sql<string | null>`${sql.ref(`${table}.${COLUMNS[dimension]}`)}`;
}

/** The conditions of the query's filters on `table`, to AND together. */
export function filterConditions(
  table: FactTable,
  filters: MetricsQuery['filters'],
  dialect: StoreDialect,
): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [];
  for (const [dimension, value] of Object.entries(filters) as [Dimension, string | undefined][]) {
    if (value === undefined) continue;
    if (dimension === 'tag') {
      conditions.push(
        sql<SqlBool>`${sql.raw(dialect.positionFunction)}(${sql.ref(`${table}.tags`)}, ${`|${value}|`}) > 0`,
      );
    } else conditions.push(sql<SqlBool>`${dimensionColumn(table, dimension)} = ${value}`);
  }
  return conditions;
}
