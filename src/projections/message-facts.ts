/**
 * `message_facts`: each message's place in the delivery funnel and its pricing, as the metrics count them,
 * derived from the `messages` row (src/projections/messages.ts, which already made the delivery state
 * order-independent: a `read` implies delivered, timestamps are the earliest seen). Runs after the
 * conversations projection, which says which cycle (and so which dimensions) each message belongs to
 * (src/projections/metric-facts.ts).
 */
import type { Kysely, Transaction } from 'kysely';
import { eventOrderKey, stringProperty, type JsonObject, type LedgerEvent } from '../domain/events.js';
import { countryOfContact } from '../domain/kpi/cycle-facts.js';
import { chunk } from '../store/chunk.js';
import type { StoreDialect } from '../store/dialect.js';
import type { Database, MessageFactsTable, MessageRow } from '../store/schema.js';
import { isMessageEvent } from './messages.js';
import { NO_CYCLE, relinkMessages, type MessageLinks } from './metric-facts.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The columns this step owns; the cycle link and its dimensions belong to the conversations projection. */
type MessageStatusFacts = Pick<
  MessageFactsTable,
  | 'workspace_id'
  | 'message_id'
  | 'at'
  | 'direction'
  | 'author'
  | 'sender_id'
  | 'contact_id'
  | 'channel'
  | 'country'
  | 'delivered'
  | 'read'
  | 'failed'
  | 'billable'
  | 'pricing_category'
  | 'template_id'
  | 'survey'
  | 'campaign_id'
  | 'link'
  | 'clicked'
>;
const OWNED_COLUMNS = [
  'at',
  'direction',
  'author',
  'sender_id',
  'contact_id',
  'channel',
  'country',
  'delivered',
  'read',
  'failed',
  'billable',
  'pricing_category',
  'template_id',
  'survey',
  'campaign_id',
  'link',
  'clicked',
] as const;

const minOf = (...values: (number | null)[]): number | null => {
  const known = values.filter((value): value is number => value !== null);
  return known.length === 0 ? null : Math.min(...known);
};

/** Who wrote the message, as src/domain/conversation/message-author.ts decides from the event. */
function authorOf(row: MessageRow): { author: string; senderId: string | null } {
  if (row.direction === 'inbound') return { author: 'customer', senderId: row.contact_id };
  if (row.message_version === null) return { author: 'unknown', senderId: null };
  if (row.campaign_id !== null) return { author: 'automated', senderId: null };
  if (row.actor_type === 'agent') return { author: 'agent', senderId: row.agent_id };
  if (row.actor_type === 'bot' || row.service_mode?.toLowerCase() === 'bot')
    return { author: 'bot', senderId: row.agent_id };
  if (row.agent_id !== null && row.actor_type !== 'customer')
    return { author: 'agent', senderId: row.agent_id };
  return { author: 'automated', senderId: null };
}

/** WhatsApp's status `pricing` object: `{billable, category, pricing_model, type}`. */
function pricingOf(json: string | null): { billable: number; category: string | null } {
  if (json === null) return { billable: 0, category: null };
  try {
    const pricing = JSON.parse(json) as JsonObject;
    const category = typeof pricing.category === 'string' ? pricing.category.toLowerCase() : null;
    return { billable: pricing.billable === false ? 0 : 1, category };
  } catch {
    return { billable: 0, category: null };
  }
}

/** A message asks for a CSAT rating when its source says so (`csatSurvey: true` or `survey: "csat"`). */
export function isSurveyMessage(properties: JsonObject): boolean {
  return properties.csatSurvey === true || properties.survey === 'csat';
}

/** A message carries a tracked link when its source says so (`trackedLink: true`, or a `links` list). */
export function carriesTrackedLink(properties: JsonObject): boolean {
  return properties.trackedLink === true || (Array.isArray(properties.links) && properties.links.length > 0);
}

/** What the message's describing event says beyond the `messages` row: survey, tracked link. */
interface DescribedFlags {
  survey: number;
  link: number;
}

export function messageStatusFacts(
  row: MessageRow,
  flags: DescribedFlags,
  clicked: boolean,
): MessageStatusFacts | null {
  const at =
    row.message_at ?? minOf(row.sent_at, row.delivered_at, row.read_at, row.played_at, row.failed_at);
  if (at === null) return null;
  const { author, senderId } = authorOf(row);
  const pricing = pricingOf(row.pricing);
  return {
    workspace_id: row.workspace_id,
    message_id: row.message_id,
    at,
    direction: row.direction ?? 'outbound',
    author,
    sender_id: senderId,
    contact_id: row.contact_id,
    channel: row.channel,
    country: countryOfContact(row.contact_id),
    delivered: row.delivered_at === null ? 0 : 1,
    read: row.read_at === null ? 0 : 1,
    failed: row.failed_at === null ? 0 : 1,
    billable: pricing.billable,
    pricing_category: pricing.category,
    template_id: row.template_id,
    survey: flags.survey,
    campaign_id: row.campaign_id,
    // A click proves the message carried a link, whatever its source said.
    link: clicked ? 1 : flags.link,
    clicked: clicked ? 1 : 0,
  };
}

/**
 * The commit's messages' rows, with the cycle links the conversations projection found (`links`): a message
 * written now gets its link in the same upsert; a message of an earlier commit that moved to another cycle
 * gets an update.
 */
export async function projectMessageFacts(
  db: Db,
  dialect: StoreDialect,
  workspaceId: string,
  events: readonly LedgerEvent[],
  links: MessageLinks,
): Promise<void> {
  await projectLinkClicks(db, dialect, workspaceId, events);
  await projectOptOuts(db, dialect, workspaceId, events);
  const relevant = events.filter(isMessageEvent);
  const written = await writeMessageFacts(db, dialect, workspaceId, relevant, links);
  const moved: MessageLinks = new Map([...links].filter(([messageId]) => !written.has(messageId)));
  if (moved.size > 0) await relinkMessages(db, workspaceId, moved);
}

/** Upserts the rows of the messages `relevant` events concern; returns their ids. */
async function writeMessageFacts(
  db: Db,
  dialect: StoreDialect,
  workspaceId: string,
  relevant: readonly LedgerEvent[],
  links: MessageLinks,
): Promise<Set<string>> {
  if (relevant.length === 0) return new Set();
  const ids = [...new Set(relevant.map((event) => event.subjects.messageId as string))];
  const messages: MessageRow[] = [];
  const stored = new Map<string, DescribedFlags>();
  const clicked = new Set<string>();
  for (const part of chunk(ids, dialect.maxParameters - 1)) {
    messages.push(
      ...(await db
        .selectFrom('messages')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('message_id', 'in', part)
        .execute()),
    );
    const existing = await db
      .selectFrom('message_facts')
      .select(['message_id', 'survey', 'link'])
      .where('workspace_id', '=', workspaceId)
      .where('message_id', 'in', part)
      .execute();
    for (const row of existing) stored.set(row.message_id, { survey: row.survey, link: row.link });
    const clicks = await db
      .selectFrom('link_clicks')
      .select('message_id')
      .where('workspace_id', '=', workspaceId)
      .where('message_id', 'in', part)
      .execute();
    for (const row of clicks) clicked.add(row.message_id);
  }
  // Survey and link flags come from the event that describes the message (the earliest by order key, as
  // the messages row's other fields do): taken when that event is in this batch, kept otherwise.
  const describing = new Map<string, LedgerEvent>();
  for (const event of relevant) describing.set(`${event.subjects.messageId}\n${eventOrderKey(event)}`, event);
  const linked: MessageFactsTable[] = [];
  const unlinked: MessageFactsTable[] = [];
  for (const message of messages) {
    const winner =
      message.message_version === null
        ? undefined
        : describing.get(`${message.message_id}\n${message.message_version}`);
    const flags =
      winner !== undefined
        ? {
            survey: isSurveyMessage(winner.payload.properties) ? 1 : 0,
            link: carriesTrackedLink(winner.payload.properties) ? 1 : 0,
          }
        : (stored.get(message.message_id) ?? { survey: 0, link: 0 });
    const facts = messageStatusFacts(message, flags, clicked.has(message.message_id));
    if (facts === null) continue;
    const link = links.get(message.message_id);
    if (link === undefined) unlinked.push({ ...facts, ...NO_CYCLE });
    else linked.push({ ...facts, ...link });
  }
  // A row with its link takes every column; one without keeps the link it has (a status of an older message).
  for (const [rows, columns] of [
    [linked, [...OWNED_COLUMNS, ...LINK_COLUMNS]],
    [unlinked, OWNED_COLUMNS],
  ] as const) {
    for (const part of chunk(rows, Math.floor(dialect.maxParameters / 29))) {
      await db
        .insertInto('message_facts')
        .values(part)
        .onConflict((conflict) =>
          conflict
            .columns(['workspace_id', 'message_id'])
            .doUpdateSet((eb) =>
              Object.fromEntries(columns.map((column) => [column, eb.ref(`excluded.${column}`)])),
            ),
        )
        .execute();
    }
  }
  return new Set([...linked, ...unlinked].map((row) => row.message_id));
}

const LINK_COLUMNS = [
  'conversation_id',
  'cycle_index',
  'agent_id',
  'team_id',
  'source',
  'conversation_type',
  'priority',
  'campaign',
  'tags',
] as const;

/**
 * `link.clicked` events naming a message: the message is clicked from its first click on. Repeated clicks
 * (or the same click twice) change nothing: CTR counts unique clicked messages.
 */
async function projectLinkClicks(
  db: Db,
  dialect: StoreDialect,
  workspaceId: string,
  events: readonly LedgerEvent[],
): Promise<void> {
  const first = new Map<string, number>();
  for (const event of events) {
    if (event.type !== 'link.clicked') continue;
    const messageId = event.subjects.messageId ?? stringProperty(event.payload.properties, 'messageId');
    if (messageId === null) continue;
    first.set(messageId, Math.min(first.get(messageId) ?? event.eventTime, event.eventTime));
  }
  if (first.size === 0) return;
  const rows = [...first].map(([message_id, first_at]) => ({
    workspace_id: workspaceId,
    message_id,
    first_at,
  }));
  for (const part of chunk(rows, Math.floor(dialect.maxParameters / 3))) {
    await db
      .insertInto('link_clicks')
      .values(part)
      .onConflict((conflict) =>
        conflict.columns(['workspace_id', 'message_id']).doUpdateSet((eb) => ({
          first_at: eb.fn(dialect.leastFunction, ['link_clicks.first_at', 'excluded.first_at']),
        })),
      )
      .execute();
  }
  for (const part of chunk([...first.keys()], dialect.maxParameters - 1)) {
    await db
      .updateTable('message_facts')
      .set({ clicked: 1, link: 1 })
      .where('workspace_id', '=', workspaceId)
      .where('message_id', 'in', part)
      .execute();
  }
}

/** `contact.opted_out` / `contact.opted_in`: the latest by event order wins, in any arrival order. */
async function projectOptOuts(
  db: Db,
  dialect: StoreDialect,
  workspaceId: string,
  events: readonly LedgerEvent[],
): Promise<void> {
  const relevant = events.filter(
    (event) =>
      (event.type === 'contact.opted_out' || event.type === 'contact.opted_in') &&
      event.subjects.contactId !== null,
  );
  if (relevant.length === 0) return;
  const ids = [...new Set(relevant.map((event) => event.subjects.contactId as string))];
  const current = new Map<string, { opted_out: number; at: number; version: string }>();
  for (const part of chunk(ids, dialect.maxParameters - 1)) {
    const rows = await db
      .selectFrom('contact_opt_outs')
      .select(['contact_id', 'opted_out', 'at', 'version'])
      .where('workspace_id', '=', workspaceId)
      .where('contact_id', 'in', part)
      .execute();
    for (const row of rows) current.set(row.contact_id, row);
  }
  const changed = new Set<string>();
  for (const event of relevant) {
    const contactId = event.subjects.contactId as string;
    const version = eventOrderKey(event);
    const before = current.get(contactId);
    if (before !== undefined && before.version >= version) continue;
    current.set(contactId, {
      opted_out: event.type === 'contact.opted_out' ? 1 : 0,
      at: event.eventTime,
      version,
    });
    changed.add(contactId);
  }
  const rows = [...changed].map((contactId) => ({
    workspace_id: workspaceId,
    contact_id: contactId,
    ...(current.get(contactId) as { opted_out: number; at: number; version: string }),
    country: countryOfContact(contactId),
  }));
  for (const part of chunk(rows, Math.floor(dialect.maxParameters / 6))) {
    await db
      .insertInto('contact_opt_outs')
      .values(part)
      .onConflict((conflict) =>
        conflict.columns(['workspace_id', 'contact_id']).doUpdateSet((eb) => ({
          opted_out: eb.ref('excluded.opted_out'),
          at: eb.ref('excluded.at'),
          version: eb.ref('excluded.version'),
        })),
      )
      .execute();
  }
}
