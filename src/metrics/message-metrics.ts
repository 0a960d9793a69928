/**
 * The message figures of a period: the delivery funnel (sent → delivered → read, failed), received
 * messages, CSAT surveys sent, and the cost of billable messages under the workspace's rate card. Each
 * message belongs to the period of its own timestamp (DESIGN.md's dating rule), and so does everything
 * that later became of it: a `read` that arrives next week still counts for the message sent today.
 * Range scans of `message_facts (workspace_id, at)`, aggregated by the database.
 */
import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../store/dialect.js';
import type { Database } from '../store/schema.js';
import { dimensionColumn, filterConditions } from './fact-filters.js';
import type { Grouping, GroupKey } from './grouping.js';
import { isDimension, type MetricsQuery } from './metrics-query.js';
import { bucketIndexSql } from './sql-buckets.js';
import { priceOf, type MetricsAccumulator } from './metrics-shape.js';
import type { MetricsSettings } from '../workspaces/metrics-settings.js';

/** What the figures read of a `message_facts` row. */
export interface MessageFactRowForMetrics {
  direction: string;
  link: number;
  clicked: number;
  delivered: number;
  read: number;
  failed: number;
  billable: number;
  pricing_category: string | null;
  country: string | null;
  survey: number;
  template_id: string | null;
}

/** A CSAT survey: flagged by its source, or sent from one of the workspace's CSAT survey templates. */
export const isSurvey = (row: MessageFactRowForMetrics, settings: MetricsSettings): boolean =>
  row.direction === 'outbound' &&
  (row.survey === 1 || (row.template_id !== null && settings.csatSurveyTemplates.includes(row.template_id)));

/** The price of a message under the rate card; null when it is not billable or has no price. */
export const messageCost = (row: MessageFactRowForMetrics, settings: MetricsSettings): number | null =>
  row.direction === 'outbound' && row.billable === 1
    ? priceOf(settings.rateCard, row.pricing_category, row.country)
    : null;

/** Adds `count` messages alike in every column the figures read (what the aggregated scan returns). */
export function addMessageFacts(
  into: MetricsAccumulator,
  row: MessageFactRowForMetrics,
  settings: MetricsSettings,
  count: number,
): void {
  if (row.direction === 'inbound') {
    into.received += count;
    return;
  }
  into.sent += count;
  if (row.link === 1 && row.delivered === 1) {
    into.linkMessages += count;
    into.clicked += row.clicked * count;
  }
  into.delivered += row.delivered * count;
  into.read += row.read * count;
  into.failed += row.failed * count;
  if (isSurvey(row, settings)) into.surveys += count;
  if (row.billable !== 1) return;
  into.billable += count;
  const cost = messageCost(row, settings);
  if (cost === null) {
    into.unpriced += count;
    return;
  }
  // Each message's price, once per message: the sum is the same bits as the drill-down's (exactSum).
  const category = row.pricing_category ?? 'unknown';
  const list = into.costByCategory.get(category) ?? [];
  for (let i = 0; i < count; i += 1) {
    into.costs.push(cost);
    list.push(cost);
  }
  into.costByCategory.set(category, list);
}

const FUNNEL_COLUMNS = [
  'direction',
  'delivered',
  'read',
  'failed',
  'billable',
  'pricing_category',
  'country',
  'survey',
  'template_id',
  'link',
  'clicked',
] as const;

/**
 * Range scans of `message_facts`, aggregated by the database: messages counted by everything the funnel,
 * surveys and cost read (per time bucket and group), then the distinct contacts messaged and, of them, those
 * who wrote. Tags are the exception for distinct contacts: a contact messaged in a `vip` cycle and in a
 * `vip|refund` one is one contact of `vip`, so those sets are built here, per tag.
 */
export async function collectMessageMetrics(
  db: Kysely<Database>,
  dialect: StoreDialect,
  query: MetricsQuery,
  grouping: Grouping,
  rowFor: (key: GroupKey) => MetricsAccumulator,
): Promise<void> {
  const groupColumn = isDimension(query.groupBy)
    ? dimensionColumn('message_facts', query.groupBy)
    : sql<string | null>`null`;
  const bucket =
    grouping.bucketStarts === null ? sql<number>`0` : bucketIndexSql('at', grouping.bucketStarts);
  const inRange = () =>
    db
      .selectFrom('message_facts')
      .where('workspace_id', '=', query.workspaceId)
      .where('at', '>=', query.from)
      .where('at', '<', query.to)
      .where((eb) => eb.and(filterConditions('message_facts', query.filters, dialect)));
  const funnel = await inRange()
    .select((eb) => [
      ...FUNNEL_COLUMNS,
      bucket.as('bucket'),
      groupColumn.as('group_value'),
      eb.fn.countAll<number>().as('count'),
    ])
    .groupBy([...FUNNEL_COLUMNS, sql`bucket`, sql`group_value`])
    .execute();
  for (const row of funnel) {
    for (const key of grouping.keysOfBucket(Number(row.bucket), row.group_value))
      addMessageFacts(rowFor(key), row, query.settings, Number(row.count));
  }

  if (query.groupBy === 'tag') {
    const contacts = await inRange()
      .select(['direction', 'contact_id', 'tags'])
      .where('contact_id', 'is not', null)
      .distinct()
      .execute();
    const sets = new Map<GroupKey, { out: Set<string>; in: Set<string> }>();
    for (const row of contacts) {
      for (const key of grouping.keysOfBucket(0, row.tags)) {
        const set = sets.get(key) ?? { out: new Set<string>(), in: new Set<string>() };
        (row.direction === 'outbound' ? set.out : set.in).add(row.contact_id as string);
        sets.set(key, set);
      }
    }
    for (const [key, set] of sets) {
      const into = rowFor(key);
      into.contactsMessaged += set.out.size;
      for (const contact of set.in) if (set.out.has(contact)) into.contactsReplied += 1;
    }
    return;
  }
  const messaged = await inRange()
    .select((eb) => [
      bucket.as('bucket'),
      groupColumn.as('group_value'),
      eb.fn.count<number>('contact_id').distinct().as('count'),
    ])
    .where('direction', '=', 'outbound')
    .groupBy([sql`bucket`, sql`group_value`])
    .execute();
  for (const row of messaged) {
    for (const key of grouping.keysOfBucket(Number(row.bucket), row.group_value))
      rowFor(key).contactsMessaged += Number(row.count);
  }
  // Contacts both messaged and writing in the same bucket and group: one row per such contact, counted.
  const both = db
    .selectFrom(
      inRange()
        .select([bucket.as('bucket'), groupColumn.as('group_value'), 'contact_id'])
        .where('contact_id', 'is not', null)
        .groupBy([sql`bucket`, sql`group_value`, 'contact_id'])
        .having((eb) => eb(eb.fn.count('direction').distinct(), '=', 2))
        .as('replied'),
    )
    .select((eb) => ['replied.bucket', 'replied.group_value', eb.fn.countAll<number>().as('count')])
    .groupBy(['replied.bucket', 'replied.group_value']);
  for (const row of await both.execute()) {
    for (const key of grouping.keysOfBucket(Number(row.bucket), row.group_value))
      rowFor(key).contactsReplied += Number(row.count);
  }
}
