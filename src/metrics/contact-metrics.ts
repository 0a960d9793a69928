/**
 * New contacts of a period: contacts first seen in it (the earliest event about them), dated by that
 * moment. A contact has a country (from its number) and a source (its `contact.created`), but no agent,
 * team, type, tag, priority, channel or campaign: under a filter or grouping by one of those the figure is
 * `null` ("does not apply"), never a number that silently ignores the filter.
 */
import type { Kysely } from 'kysely';
import { canonicalSource } from '../domain/kpi/cycle-facts.js';
import type { Database } from '../store/schema.js';
import type { Grouping, GroupKey } from './grouping.js';
import { isDimension, type Dimension, type MetricsQuery } from './metrics-query.js';
import type { MetricsAccumulator } from './metrics-shape.js';

const CONTACT_DIMENSIONS: readonly Dimension[] = ['country', 'source'];

export function contactsApply(query: Pick<MetricsQuery, 'filters' | 'groupBy'>): boolean {
  const filtered = Object.entries(query.filters).filter(([, value]) => value !== undefined);
  if (filtered.some(([dimension]) => !CONTACT_DIMENSIONS.includes(dimension as Dimension))) return false;
  return !isDimension(query.groupBy) || CONTACT_DIMENSIONS.includes(query.groupBy);
}

export interface ContactRowForMetrics {
  contact_id: string;
  first_seen_at: number;
  country: string | null;
  source: string | null;
}

/** The contacts new in the period that pass the query's country and source filters. */
export async function newContacts(
  db: Kysely<Database>,
  query: MetricsQuery,
): Promise<ContactRowForMetrics[]> {
  let select = db
    .selectFrom('contacts')
    .select(['contact_id', 'first_seen_at', 'country', 'source'])
    .where('workspace_id', '=', query.workspaceId)
    .where('first_seen_at', '>=', query.from)
    .where('first_seen_at', '<', query.to);
  if (query.filters.country !== undefined) select = select.where('country', '=', query.filters.country);
  const rows = await select.execute();
  const source = query.filters.source;
  return rows
    .map((row) => ({ ...row, source: canonicalSource(row.source) }))
    .filter((row) => source === undefined || row.source === source);
}

/** The contacts who opted out in the period (their current state), under the query's country filter. */
export async function optedOutContacts(
  db: Kysely<Database>,
  query: MetricsQuery,
): Promise<{ contact_id: string; at: number; country: string | null }[]> {
  let select = db
    .selectFrom('contact_opt_outs')
    .select(['contact_id', 'at', 'country'])
    .where('workspace_id', '=', query.workspaceId)
    .where('opted_out', '=', 1)
    .where('at', '>=', query.from)
    .where('at', '<', query.to);
  if (query.filters.country !== undefined) select = select.where('country', '=', query.filters.country);
  return select.execute();
}

/** Opt-outs have a country, nothing else: no source either. */
export function optOutsApply(query: Pick<MetricsQuery, 'filters' | 'groupBy'>): boolean {
  const filtered = Object.entries(query.filters).filter(([, value]) => value !== undefined);
  if (filtered.some(([dimension]) => dimension !== 'country')) return false;
  return !isDimension(query.groupBy) || query.groupBy === 'country';
}

export async function collectContactMetrics(
  db: Kysely<Database>,
  query: MetricsQuery,
  grouping: Grouping,
  rowFor: (key: GroupKey) => MetricsAccumulator,
): Promise<boolean> {
  if (optOutsApply(query)) {
    for (const row of await optedOutContacts(db, query)) {
      for (const key of grouping.keysOf(row.at, query.groupBy === 'country' ? row.country : null)) {
        const into = rowFor(key);
        into.optOuts = (into.optOuts ?? 0) + 1;
      }
    }
  }
  if (!contactsApply(query)) return false;
  for (const row of await newContacts(db, query)) {
    const value = query.groupBy === 'country' ? row.country : query.groupBy === 'source' ? row.source : null;
    for (const key of grouping.keysOf(row.first_seen_at, value)) {
      const into = rowFor(key);
      into.newContacts = (into.newContacts ?? 0) + 1;
    }
  }
  return true;
}
