/**
 * The conversations read model, fed by the pure conversation engine (src/domain/conversation).
 *
 * Events are grouped by thread (one conversation stream: a source chatId, or one contact on one
 * number). A thread's folded state is stored; events that sort after everything folded so far extend
 * it (the common case), and a late event, dated before something already folded, re-folds the thread
 * from all its events. Either way the result depends only on the set of events, so a late message
 * lands in the cycle it belongs to and `rebuild` gives the same rows.
 */
import type { Kysely, Transaction } from 'kysely';
import {
  CONTACT_EVENT_TYPES,
  emptyThread,
  evolveThread,
  foldThread,
  isEngineConversationId,
  LATEST_CONVERSATION_EVENT_TYPES,
  ORGANISATION_EVENT_TYPES,
  threadKeyOf,
  type ConversationSettings,
  type ConversationState,
  type Cycle,
  type ThreadState,
  windowClosesAt,
} from '../domain/conversation/index.js';
import { compareByEventTime, eventOrderKey, stringProperty, type LedgerEvent } from '../domain/events.js';
import { eventFromRow } from '../ledger/event-row.js';
import { insertRows } from '../store/bulk-insert.js';
import { chunk } from '../store/chunk.js';
import type { StoreDialect } from '../store/dialect.js';
import type { ConversationsTable, CyclesTable, Database } from '../store/schema.js';
import type { BusinessCalendar } from '../domain/calendar/index.js';
import { cycleDimensions, encodeTags, ratingScore } from '../domain/kpi/cycle-facts.js';
import { loadMetricsSettings } from '../workspaces/metrics-settings.js';
import { conversationSettingsOf, parseWorkspaceSettings } from '../workspaces/settings.js';
import { locateThreadMessages, writeMetricFacts, type MessageLinks } from './metric-facts.js';

type Db = Kysely<Database> | Transaction<Database>;

const ENGINE_EVENT_TYPES = new Set([
  'message.received',
  'message.sent',
  ...CONTACT_EVENT_TYPES,
  ...ORGANISATION_EVENT_TYPES,
  ...LATEST_CONVERSATION_EVENT_TYPES,
]);

/**
 * Whether the conversation engine reads this event. Delivery statuses never change a conversation;
 * WhatsApp's `sent` status shares the `message.sent` type but carries a `status` property.
 */
export const feedsConversations = (event: LedgerEvent) =>
  ENGINE_EVENT_TYPES.has(event.type) &&
  !(event.type === 'message.sent' && stringProperty(event.payload.properties, 'status') !== null);

export async function loadConversationSettings(db: Db, workspaceId: string): Promise<ConversationSettings> {
  const row = await db
    .selectFrom('workspaces')
    .select('settings')
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return conversationSettingsOf(parseWorkspaceSettings(row?.settings ?? '{}'));
}

/**
 * Folds the events into their threads and rewrites what changed. Returns where each message the commit
 * describes (or moved) now belongs, for the message facts written after it (src/projections/message-facts.ts).
 */
export async function projectConversations(
  db: Db,
  dialect: StoreDialect,
  workspaceId: string,
  events: readonly LedgerEvent[],
): Promise<MessageLinks> {
  const links: MessageLinks = new Map();
  const relevant = events.filter(feedsConversations);
  if (relevant.length === 0) return links;
  const byThread = await groupByThread(db, workspaceId, relevant);
  if (byThread.size === 0) return links;
  const rows = [...byThread].flatMap(([threadKey, threadEvents]) =>
    threadEvents.map((event) => ({
      workspace_id: workspaceId,
      thread_key: threadKey,
      position: event.position,
    })),
  );
  await insertRows(db, dialect, 'thread_events', rows);

  const settings = await loadConversationSettings(db, workspaceId);
  const { calendar } = await loadMetricsSettings(db, workspaceId);
  // One statement per table per commit, not per thread: a commit touches hundreds of threads.
  const stored = await storedThreads(db, dialect, workspaceId, [...byThread.keys()]);
  const updates: ThreadUpdate[] = [];
  for (const [threadKey, threadEvents] of byThread) {
    updates.push(
      await foldThreadUpdate(db, workspaceId, threadKey, threadEvents, stored.get(threadKey), settings),
    );
  }
  await insertRows(
    db,
    dialect,
    'threads',
    updates.map((update) => ({
      workspace_id: workspaceId,
      thread_key: update.threadKey,
      state: JSON.stringify(update.next),
      last_order_key: update.next.last ? eventOrderKey(update.next.last) : '',
    })),
    { onConflict: { columns: ['workspace_id', 'thread_key'], update: 'all' } },
  );
  await writeConversations(db, dialect, workspaceId, updates, calendar);
  for (const update of updates) {
    await locateThreadMessages(db, workspaceId, update.next, update.folded, update.refolded, links);
  }
  return links;
}

/** What folding a commit's events into one thread changed. */
interface ThreadUpdate {
  threadKey: string;
  previous: ThreadState;
  next: ThreadState;
  /** The events whose messages must be (re)linked to their cycles: the new ones, or all after a re-fold. */
  folded: readonly LedgerEvent[];
  refolded: boolean;
}

async function storedThreads(db: Db, dialect: StoreDialect, workspaceId: string, keys: readonly string[]) {
  const found = new Map<string, { state: string; last_order_key: string }>();
  for (const part of chunk(keys, dialect.maxParameters - 1)) {
    const rows = await db
      .selectFrom('threads')
      .select(['thread_key', 'state', 'last_order_key'])
      .where('workspace_id', '=', workspaceId)
      .where('thread_key', 'in', part)
      .execute();
    for (const row of rows) found.set(row.thread_key, row);
  }
  return found;
}

async function groupByThread(db: Db, workspaceId: string, events: readonly LedgerEvent[]) {
  const byThread = new Map<string, LedgerEvent[]>();
  for (const event of events) {
    let key = threadKeyOf(event);
    // An event that names only an engine conversation id belongs to that conversation's thread.
    const conversationId = event.subjects.conversationId;
    if (key === null && conversationId !== null && isEngineConversationId(conversationId)) {
      const row = await db
        .selectFrom('conversations')
        .select('thread_key')
        .where('workspace_id', '=', workspaceId)
        .where('conversation_id', '=', conversationId)
        .executeTakeFirst();
      key = row?.thread_key ?? null;
    }
    if (key === null) continue;
    const list = byThread.get(key) ?? [];
    list.push(event);
    byThread.set(key, list);
  }
  return byThread;
}

/** Extends the stored thread with the new events, or re-folds it when one of them sorts before its end. */
async function foldThreadUpdate(
  db: Db,
  workspaceId: string,
  threadKey: string,
  newEvents: LedgerEvent[],
  stored: { state: string; last_order_key: string } | undefined,
  settings: ConversationSettings,
): Promise<ThreadUpdate> {
  const previous: ThreadState = stored ? (JSON.parse(stored.state) as ThreadState) : emptyThread(threadKey);
  const sorted = [...newEvents].sort(compareByEventTime);
  const first = sorted[0] as LedgerEvent;
  const refolded = !(stored === undefined || eventOrderKey(first) > stored.last_order_key);
  if (!refolded) {
    const next = sorted.reduce((thread, event) => evolveThread(thread, event, settings), previous);
    return { threadKey, previous, next, folded: sorted, refolded };
  }
  const folded = await threadEvents(db, workspaceId, threadKey);
  return { threadKey, previous, next: foldThread(folded, settings), folded, refolded };
}

/** Every ledger event of a thread, for a full re-fold. */
export async function threadEvents(db: Db, workspaceId: string, threadKey: string): Promise<LedgerEvent[]> {
  const rows = await db
    .selectFrom('thread_events')
    .innerJoin('events', 'events.position', 'thread_events.position')
    .selectAll('events')
    .where('thread_events.workspace_id', '=', workspaceId)
    .where('thread_events.thread_key', '=', threadKey)
    .orderBy('events.position')
    .execute();
  return rows.map(eventFromRow);
}

/**
 * Rewrites only the conversations whose state changed (usually just each thread's latest one): one
 * delete and one insert per table for the whole commit.
 */
async function writeConversations(
  db: Db,
  dialect: StoreDialect,
  workspaceId: string,
  updates: readonly ThreadUpdate[],
  calendar: BusinessCalendar | null,
): Promise<void> {
  const changes = updates.map(({ previous, next }) => {
    const before = new Map(
      previous.conversations.map((conversation) => [conversation.id as string, JSON.stringify(conversation)]),
    );
    const changed = next.conversations.filter(
      (conversation) => before.get(conversation.id) !== JSON.stringify(conversation),
    );
    const kept = new Set(next.conversations.map((conversation) => conversation.id as string));
    const removed = previous.conversations
      .map((conversation) => conversation.id as string)
      .filter((id) => !kept.has(id));
    return { previous: previous.conversations, changed, removed };
  });
  const stale = changes.flatMap(({ changed, removed }) => [
    ...changed.map((conversation) => conversation.id as string),
    ...removed,
  ]);
  if (stale.length === 0) return;
  for (const table of ['conversations', 'conversation_tags', 'cycles'] as const) {
    for (const part of chunk(stale, dialect.maxParameters - 1)) {
      await db
        .deleteFrom(table)
        .where('workspace_id', '=', workspaceId)
        .where('conversation_id', 'in', part)
        .execute();
    }
  }
  await writeMetricFacts(db, dialect, workspaceId, changes, calendar);
  const changed = changes.flatMap((change) => change.changed);
  await insertRows(
    db,
    dialect,
    'conversations',
    changed.map((conversation) => conversationRow(workspaceId, conversation)),
  );
  await insertRows(
    db,
    dialect,
    'conversation_tags',
    changed.flatMap((conversation) =>
      conversation.tags.map((tag) => ({
        workspace_id: workspaceId,
        conversation_id: conversation.id,
        thread_key: conversation.threadKey,
        tag,
      })),
    ),
  );
  await insertRows(
    db,
    dialect,
    'cycles',
    changed.flatMap((conversation) =>
      conversation.cycles.map((cycle) => cycleRow(workspaceId, conversation, cycle)),
    ),
  );
}

function conversationRow(workspaceId: string, conversation: ConversationState): ConversationsTable {
  const cycle = conversation.cycles.at(-1);
  const turn = cycle?.turns.at(-1);
  const waiting = cycle !== undefined && cycle.end === null && turn !== undefined && turn.replyAt === null;
  return {
    workspace_id: workspaceId,
    conversation_id: conversation.id,
    thread_key: conversation.threadKey,
    ordinal: conversation.ordinal,
    chat_id: conversation.chatId,
    contact_id: conversation.contactId,
    channel: conversation.channel,
    status: conversation.status,
    owner_type: conversation.owner?.type ?? null,
    owner_id: conversation.owner?.id ?? null,
    team_id: conversation.team,
    priority: conversation.priority,
    conversation_type: conversation.conversationType,
    service_mode: conversation.serviceMode,
    opened_at: conversation.openedAt,
    last_inbound_at: conversation.lastInboundAt,
    last_outbound_at: conversation.lastOutboundAt,
    last_activity_at: conversation.lastActivityAt,
    waiting_since: waiting ? (turn?.from ?? null) : null,
    window_closes_at: windowClosesAt(conversation),
    next_action_due_at: conversation.nextAction?.dueAt ?? null,
    superseded_by: conversation.supersededBy,
    cycle_count: conversation.cycles.length,
    version: conversation.version,
    state: JSON.stringify(conversation),
  };
}

function cycleRow(workspaceId: string, conversation: ConversationState, cycle: Cycle): CyclesTable {
  return {
    workspace_id: workspaceId,
    conversation_id: conversation.id,
    cycle_index: cycle.index,
    thread_key: conversation.threadKey,
    channel: conversation.channel,
    contact_id: conversation.contactId,
    started_at: cycle.startedAt,
    ended_at: cycle.end?.at ?? null,
    end_status: cycle.end?.status ?? null,
    owner_id: cycle.end?.owner?.id ?? null,
    team_id: cycle.end?.team ?? null,
    first_response_at: cycle.firstHumanReply?.at ?? null,
    first_response_seconds: cycle.firstHumanReply?.seconds ?? null,
    first_responder_id: cycle.firstHumanReply?.by ?? null,
    bot_first_response_seconds: cycle.firstBotReply?.seconds ?? null,
    resolution_seconds: cycle.resolutionSeconds,
    reopened: cycle.reopened ? 1 : 0,
    service: cycle.service,
    inbound_count: cycle.inboundCount,
    outbound_count: cycle.outboundCount,
    handoff_count: cycle.handoffCount,
    // The 1-5 score of the KPI module (an integer, as the column is): src/domain/kpi/csat.ts.
    csat_score: cycle.csat ? ratingScore(cycle.csat.rating, cycle.csat.scale) : null,
    facts: JSON.stringify(cycle),
    ...cycleDimensionColumns(conversation, cycle),
  };
}

/** The cycle's dimensions as metrics see them (src/domain/kpi/cycle-facts.ts), for the per-cycle export. */
function cycleDimensionColumns(conversation: ConversationState, cycle: Cycle) {
  const dims = cycleDimensions(conversation, cycle);
  return {
    cycle_owner_id: dims.ownerId,
    cycle_team_id: dims.teamId,
    priority: dims.priority,
    conversation_type: dims.conversationType,
    source: dims.source,
    campaign: dims.campaign,
    country: dims.country,
    tags: encodeTags(dims.tags),
  };
}
