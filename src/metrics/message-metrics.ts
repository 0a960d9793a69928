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

/** Adds `count` billable messages of a pricing category to a contact in `country`: their cost. */
export function addBillableMessages(
  into: MetricsAccumulator,
  category: string | null,
  country: string | null,
  settings: MetricsSettings,
  count: number,
): void {
  into.billable += count;
  const cost = priceOf(settings.rateCard, category, country);
  if (cost === null) {
    into.unpriced += count;
    return;
  }
  // Each message's price, once per message: the sum is the same bits as the drill-down's (exactSum).
  const key = category ?? 'unknown';
  const list = into.costByCategory.get(key) ?? [];
  for (let i = 0; i < count; i += 1) {
    into.costs.push(cost);
    list.push(cost);
  }
  into.costByCategory.set(key, list);
}

/**
 * Range scans of `message_facts`, aggregated by the database: the funnel, surveys and link clicks summed
 * per time bucket and group, billable messages counted by category and country (their cost), then the
 * distinct contacts messaged and, of them, those who wrote. Tags are the exception for distinct contacts: a contact messaged in a `vip` cycle and in a
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
  // The funnel as sums per bucket and group (a scan, no sort of the rows by every column).
  const outbound = sql`direction = 'outbound'`;
  const templates = query.settings.csatSurveyTemplates;
  const survey =
    templates.length === 0
      ? sql`survey = 1`
      : sql`(survey = 1 OR template_id IN (${sql.join(templates.map((template) => sql`${template}`))}))`;
  const count = (condition: ReturnType<typeof sql>) =>
    sql<number>`sum(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;
  const funnel = await inRange()
    .select([
      bucket.as('bucket'),
      groupColumn.as('group_value'),
      count(sql`direction = 'inbound'`).as('received'),
      count(outbound).as('sent'),
      count(sql`${outbound} AND delivered = 1`).as('delivered'),
      count(sql`${outbound} AND read = 1`).as('read'),
      count(sql`${outbound} AND failed = 1`).as('failed'),
      count(sql`${outbound} AND ${survey}`).as('surveys'),
      count(sql`${outbound} AND link = 1 AND delivered = 1`).as('link_messages'),
      count(sql`${outbound} AND link = 1 AND delivered = 1 AND clicked = 1`).as('clicked'),
    ])
    .groupBy([sql`bucket`, sql`group_value`])
    .execute();
  for (const row of funnel) {
    for (const key of grouping.keysOfBucket(Number(row.bucket), row.group_value)) {
      const into = rowFor(key);
      into.received += Number(row.received);
      into.sent += Number(row.sent);
      into.delivered += Number(row.delivered);
      into.read += Number(row.read);
      into.failed += Number(row.failed);
      into.surveys += Number(row.surveys);
      into.linkMessages += Number(row.link_messages);
      into.clicked += Number(row.clicked);
    }
  }
  // Billable messages by what prices them (few rows).
  const billable = await inRange()
    .select((eb) => [
      'pricing_category',
      'country',
      bucket.as('bucket'),
      groupColumn.as('group_value'),
      eb.fn.countAll<number>().as('count'),
    ])
    .where('direction', '=', 'outbound')
    .where('billable', '=', 1)
    .groupBy(['pricing_category', 'country', sql`bucket`, sql`group_value`])
    .execute();
  for (const row of billable) {
    for (const key of grouping.keysOfBucket(Number(row.bucket), row.group_value))
      addBillableMessages(rowFor(key), row.pricing_category, row.country, query.settings, Number(row.count));
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
