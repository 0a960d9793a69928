/**
 * New contacts of a period: contacts first seen in it (the earliest event about them), dated by that
 * moment. A contact has a country (from its number) and a source (its `contact.created`), but no agent,
 * team, type, tag, priority, channel or campaign: under a filter or grouping by one of those the figure is
 * `null` ("does not apply"), never a number that silently ignores the filter.
 */
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { SOURCE_KINDS } from '../domain/conversation/vocabulary.js';
import type { Database } from '../store/schema.js';
import type { Grouping, GroupKey } from './grouping.js';
import { isDimension, type Dimension, type MetricsQuery } from './metrics-query.js';
import type { MetricsAccumulator } from './metrics-shape.js';
import { bucketIndexSql } from './sql-buckets.js';

const CONTACT_DIMENSIONS: readonly Dimension[] = ['country', 'source'];

export function contactsApply(query: Pick<MetricsQuery, 'filters' | 'groupBy'>): boolean {
  const filtered = Object.entries(query.filters).filter(([, value]) => value !== undefined);
  if (filtered.some(([dimension]) => !CONTACT_DIMENSIONS.includes(dimension as Dimension))) return false;
  return !isDimension(query.groupBy) || CONTACT_DIMENSIONS.includes(query.groupBy);
}

/** A contact's source as `canonicalSource` spells it (known kinds in lower case), in SQL. */
export const canonicalSourceSql = sql<string | null>`CASE WHEN lower(source) IN (${sql.join(
  SOURCE_KINDS.map((kind) => sql`${kind}`),
)}) THEN lower(source) ELSE source END`;

/** Where a period's new contacts (or opt-outs) are looked for: a range, and one grouped row's country or source. */
export interface ContactRestriction {
  from: number;
  to: number;
  country?: string | null;
  source?: string | null;
}

const equalOrNull = (expression: Expression<string | null>, value: string | null) =>
  value === null ? sql<SqlBool>`${expression} is null` : sql<SqlBool>`${expression} = ${value}`;

/** The contacts first seen in the restriction, under the query's country and source filters. */
export function newContactsQuery(db: Kysely<Database>, query: MetricsQuery, restriction: ContactRestriction) {
  let select = db
    .selectFrom('contacts')
    .where('workspace_id', '=', query.workspaceId)
    .where('first_seen_at', '>=', restriction.from)
    .where('first_seen_at', '<', restriction.to);
  for (const country of [query.filters.country, restriction.country])
    if (country !== undefined) select = select.where(equalOrNull(sql.ref('country'), country));
  for (const source of [query.filters.source, restriction.source])
    if (source !== undefined) select = select.where(equalOrNull(canonicalSourceSql, source));
  return select;
}

/** The contacts who opted out in the restriction (their current state), under the query's country filter. */
export function optOutsQuery(db: Kysely<Database>, query: MetricsQuery, restriction: ContactRestriction) {
  let select = db
    .selectFrom('contact_opt_outs')
    .where('workspace_id', '=', query.workspaceId)
    .where('opted_out', '=', 1)
    .where('at', '>=', restriction.from)
    .where('at', '<', restriction.to);
  for (const country of [query.filters.country, restriction.country])
    if (country !== undefined) select = select.where(equalOrNull(sql.ref('country'), country));
  return select;
}

/** Opt-outs have a country, nothing else: no source either. */
export function optOutsApply(query: Pick<MetricsQuery, 'filters' | 'groupBy'>): boolean {
  const filtered = Object.entries(query.filters).filter(([, value]) => value !== undefined);
  if (filtered.some(([dimension]) => dimension !== 'country')) return false;
  return !isDimension(query.groupBy) || query.groupBy === 'country';
}

/** New contacts and opt-outs counted by the database per time bucket and group. */
export async function collectContactMetrics(
  db: Kysely<Database>,
  query: MetricsQuery,
  grouping: Grouping,
  rowFor: (key: GroupKey) => MetricsAccumulator,
): Promise<boolean> {
  const range = { from: query.from, to: query.to };
  if (optOutsApply(query)) {
    const bucket =
      grouping.bucketStarts === null ? sql<number>`0` : bucketIndexSql('at', grouping.bucketStarts);
    const group = query.groupBy === 'country' ? sql<string | null>`country` : sql<string | null>`null`;
    const rows = await optOutsQuery(db, query, range)
      .select((eb) => [bucket.as('bucket'), group.as('group_value'), eb.fn.countAll<number>().as('count')])
      .groupBy([sql`bucket`, sql`group_value`])
      .execute();
    for (const row of rows) {
      for (const key of grouping.keysOfBucket(Number(row.bucket), row.group_value)) {
        const into = rowFor(key);
        into.optOuts = (into.optOuts ?? 0) + Number(row.count);
      }
    }
  }
  if (!contactsApply(query)) return false;
  const bucket =
    grouping.bucketStarts === null ? sql<number>`0` : bucketIndexSql('first_seen_at', grouping.bucketStarts);
  const group =
    query.groupBy === 'country'
      ? sql<string | null>`country`
      : query.groupBy === 'source'
        ? canonicalSourceSql
        : sql<string | null>`null`;
  const rows = await newContactsQuery(db, query, range)
    .select((eb) => [bucket.as('bucket'), group.as('group_value'), eb.fn.countAll<number>().as('count')])
    .groupBy([sql`bucket`, sql`group_value`])
    .execute();
  for (const row of rows) {
    for (const key of grouping.keysOfBucket(Number(row.bucket), row.group_value)) {
      const into = rowFor(key);
      into.newContacts = (into.newContacts ?? 0) + Number(row.count);
    }
  }
  return true;
}
