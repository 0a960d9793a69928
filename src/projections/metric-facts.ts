/**
 * The metrics read models fed by the conversations projection, in the same transaction:
 * - `metric_facts`: the dated figures of each cycle (src/domain/kpi/cycle-facts.ts) with the cycle's
 *   dimensions. Only the cycles whose rows changed are rewritten, so an event usually costs one cycle's rows;
 *   a late event that re-folds a thread rewrites exactly the cycles it changed, which is how a late or
 *   duplicated event corrects the figures instead of adding to them.
 * - the cycle link of `message_facts`: which cycle (and so which dimensions) each message belongs to.
 * Both depend only on the folded conversations, so `rebuild` reproduces them.
 */
import type { Kysely, Transaction } from 'kysely';
import { businessDuration, type BusinessCalendar } from '../domain/calendar/index.js';
import type { ConversationState, Cycle, ThreadState } from '../domain/conversation/index.js';
import { stringProperty, type LedgerEvent } from '../domain/events.js';
import { cycleDimensions, encodeTags, factsOfCycle } from '../domain/kpi/cycle-facts.js';
import { chunk } from '../store/chunk.js';
import type { StoreDialect } from '../store/dialect.js';
import type { Database, MessageFactsTable, MetricFactsTable } from '../store/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The `metric_facts` rows of one cycle. */
export function factRowsOfCycle(
  workspaceId: string,
  conversation: ConversationState,
  cycle: Cycle,
  calendar: BusinessCalendar | null,
): MetricFactsTable[] {
  const dims = cycleDimensions(conversation, cycle);
  const tags = encodeTags(dims.tags);
  return factsOfCycle(conversation, cycle).map((fact) => ({
    workspace_id: workspaceId,
    conversation_id: conversation.id,
    cycle_index: cycle.index,
    metric: fact.metric,
    seq: fact.seq,
    at: fact.at,
    from_at: fact.from,
    value: fact.value,
    business_value: businessSeconds(calendar, fact.from, fact.at),
    outcome: fact.outcome,
    agent_id: fact.agent,
    team_id: fact.team === undefined ? dims.teamId : fact.team,
    channel: dims.channel,
    source: dims.source,
    conversation_type: dims.conversationType,
    priority: dims.priority,
    country: dims.country,
    campaign: dims.campaign,
    tags,
  }));
}

export const businessSeconds = (
  calendar: BusinessCalendar | null,
  from: number | null,
  at: number,
): number | null => (from === null || calendar === null ? null : businessDuration(calendar, from, at) / 1000);

/** The cycle dimensions copied onto its messages' `message_facts` rows. */
export type MessageDimensions = Pick<
  MessageFactsTable,
  | 'conversation_id'
  | 'cycle_index'
  | 'agent_id'
  | 'team_id'
  | 'source'
  | 'conversation_type'
  | 'priority'
  | 'campaign'
  | 'tags'
>;

export const NO_CYCLE: MessageDimensions = {
  conversation_id: null,
  cycle_index: null,
  agent_id: null,
  team_id: null,
  source: null,
  conversation_type: null,
  priority: null,
  campaign: null,
  tags: '',
};

function messageDimensions(conversation: ConversationState, cycle: Cycle): MessageDimensions {
  const dims = cycleDimensions(conversation, cycle);
  return {
    conversation_id: conversation.id,
    cycle_index: cycle.index,
    agent_id: dims.ownerId,
    team_id: dims.teamId,
    source: dims.source,
    conversation_type: dims.conversationType,
    priority: dims.priority,
    campaign: dims.campaign,
    tags: encodeTags(dims.tags),
  };
}

/**
 * For a commit's changes, rewrites the facts of every cycle whose rows differ from those of the same
 * cycle `before`, and removes the facts of conversations and cycles that no longer exist. When a cycle's
 * dimensions change (a tag, a new owner), its messages' dimensions follow.
 */
export async function writeMetricFacts(
  db: Db,
  dialect: StoreDialect,
  workspaceId: string,
  changes: readonly ConversationChange[],
  calendar: BusinessCalendar | null,
): Promise<void> {
  const inserts: MetricFactsTable[] = [];
  const stale: { conversationId: string; fromIndex: number; toIndex: number | null }[] = [];
  for (const change of changes) {
    await collectChange(db, workspaceId, change, calendar, inserts, stale);
  }
  for (const { conversationId, fromIndex, toIndex } of stale) {
    let remove = db
      .deleteFrom('metric_facts')
      .where('workspace_id', '=', workspaceId)
      .where('conversation_id', '=', conversationId)
      .where('cycle_index', '>=', fromIndex);
    if (toIndex !== null) remove = remove.where('cycle_index', '<=', toIndex);
    await remove.execute();
  }
  // One insert for the commit's new facts (19 columns a row, within both databases' parameter limits).
  for (const part of chunk(inserts, Math.floor(dialect.maxParameters / 19)))
    await db.insertInto('metric_facts').values(part).execute();
}

/** What a commit changed in one thread: its conversations before, those that changed, those removed. */
export interface ConversationChange {
  previous: readonly ConversationState[];
  changed: readonly ConversationState[];
  removed: readonly string[];
}

/** The facts to insert and the stale cycles to delete for one thread's change (and its messages' dimensions). */
async function collectChange(
  db: Db,
  workspaceId: string,
  { previous: before, changed, removed: removedIds }: ConversationChange,
  calendar: BusinessCalendar | null,
  inserts: MetricFactsTable[],
  stale: { conversationId: string; fromIndex: number; toIndex: number | null }[],
): Promise<void> {
  const previous = new Map(before.map((conversation) => [conversation.id as string, conversation]));
  for (const id of removedIds) stale.push({ conversationId: id, fromIndex: 0, toIndex: null });
  for (const conversation of changed) {
    const old = previous.get(conversation.id);
    const sameContext =
      old !== undefined &&
      old.channel === conversation.channel &&
      old.contactId === conversation.contactId &&
      old.openedAt === conversation.openedAt &&
      JSON.stringify(old.source) === JSON.stringify(conversation.source);
    for (const cycle of conversation.cycles) {
      const oldCycle = old?.cycles[cycle.index];
      // Usually only the last cycle changed: an earlier one with the same facts and context is skipped
      // before any fact is derived (an active cycle also depends on the conversation's owner and team).
      if (
        sameContext &&
        oldCycle !== undefined &&
        (cycle.end !== null ||
          (JSON.stringify(old.owner) === JSON.stringify(conversation.owner) &&
            old.team === conversation.team)) &&
        JSON.stringify(oldCycle) === JSON.stringify(cycle)
      )
        continue;
      const rows = factRowsOfCycle(workspaceId, conversation, cycle, calendar);
      const oldRows = old && oldCycle ? factRowsOfCycle(workspaceId, old, oldCycle, calendar) : null;
      if (oldRows !== null && JSON.stringify(oldRows) === JSON.stringify(rows)) continue;
      if (oldRows !== null)
        stale.push({ conversationId: conversation.id, fromIndex: cycle.index, toIndex: cycle.index });
      inserts.push(...rows);
      const dims = messageDimensions(conversation, cycle);
      if (oldCycle && old && JSON.stringify(messageDimensions(old, oldCycle)) !== JSON.stringify(dims)) {
        await db
          .updateTable('message_facts')
          .set(dims)
          .where('workspace_id', '=', workspaceId)
          .where('conversation_id', '=', conversation.id)
          .where('cycle_index', '=', cycle.index)
          .execute();
      }
    }
    if (old && old.cycles.length > conversation.cycles.length) {
      stale.push({ conversationId: conversation.id, fromIndex: conversation.cycles.length, toIndex: null });
    }
  }
}

/** Whether an event describes a message itself (not one of its delivery statuses). */
export const describesMessage = (event: LedgerEvent): boolean =>
  (event.type === 'message.received' || event.type === 'message.sent') &&
  event.subjects.messageId !== null &&
  stringProperty(event.payload.properties, 'status') === null;

/**
 * The conversation and cycle a message at `at` belongs to: the latest conversation of the thread opened at
 * or before it, and that conversation's latest cycle started at or before it (a message sent after a cycle
 * ended and before the next one began, such as a survey, belongs to the ended cycle). By time alone: a
 * message in the very millisecond a person reopens the chat by a status change counts in the new cycle,
 * whichever the engine folded first.
 */
export function cycleAt(
  thread: ThreadState,
  at: number,
): { conversation: ConversationState; cycle: Cycle } | null {
  let conversation: ConversationState | undefined;
  for (const candidate of thread.conversations) if (candidate.openedAt <= at) conversation = candidate;
  if (conversation === undefined) return null;
  let cycle = conversation.cycles[0];
  for (const candidate of conversation.cycles) if (candidate.startedAt <= at) cycle = candidate;
  return cycle === undefined ? null : { conversation, cycle };
}

/** The cycle link and dimensions of a message's `message_facts` row. */
export type MessageLinks = Map<string, MessageDimensions>;

/**
 * The cycle, with its dimensions, of every message described by `events` (all of the thread's events after a
 * re-fold, the new ones otherwise), for src/projections/message-facts.ts to write with the message's row.
 *
 * New events sort after everything folded before, so they cannot move an earlier message to another cycle,
 * except one in the very instant a new cycle or conversation starts: messages of the thread dated at or
 * after the earliest new event are located again too, so the links depend on the set of events only.
 */
export async function locateThreadMessages(
  db: Db,
  workspaceId: string,
  thread: ThreadState,
  events: readonly LedgerEvent[],
  refolded: boolean,
  into: MessageLinks,
): Promise<void> {
  const messages = new Map<string, number>();
  for (const event of events) {
    if (describesMessage(event)) messages.set(event.subjects.messageId as string, event.eventTime);
  }
  if (!refolded && events.length > 0 && thread.conversations.length > 0) {
    const since = Math.min(...events.map((event) => event.eventTime));
    const linked = await db
      .selectFrom('message_facts')
      .select(['message_id', 'at'])
      .where('workspace_id', '=', workspaceId)
      .where(
        'conversation_id',
        'in',
        thread.conversations.map((conversation) => conversation.id as string),
      )
      .where('at', '>=', since)
      .execute();
    for (const row of linked) if (!messages.has(row.message_id)) messages.set(row.message_id, row.at);
  }
  for (const [messageId, at] of messages) {
    const located = cycleAt(thread, at);
    into.set(messageId, located ? messageDimensions(located.conversation, located.cycle) : NO_CYCLE);
  }
}

/** Writes links to rows that exist already (messages of earlier commits), one statement per cycle. */
export async function relinkMessages(db: Db, workspaceId: string, links: MessageLinks): Promise<void> {
  const byCycle = new Map<string, { dims: MessageDimensions; ids: string[] }>();
  for (const [messageId, dims] of links) {
    const key = JSON.stringify(dims);
    const entry = byCycle.get(key) ?? { dims, ids: [] };
    entry.ids.push(messageId);
    byCycle.set(key, entry);
  }
  for (const { dims, ids } of byCycle.values()) {
    for (const part of chunk(ids, 1000)) {
      await db
        .updateTable('message_facts')
        .set(dims)
        .where('workspace_id', '=', workspaceId)
        .where('message_id', 'in', part)
        .execute();
    }
  }
}

/**
 * Re-measures every stored duration of a workspace in business hours of `calendar` (null: none), after the
 * workspace's calendar changed. Durations keep their span (`from_at`, `at`), so no event is re-read: the
 * cost is one update per duration, paged by primary key.
 */
export async function remeasureBusinessTime(
  db: Db,
  workspaceId: string,
  calendar: BusinessCalendar | null,
): Promise<number> {
  let after: [string, number, string, number] | null = null;
  let updated = 0;
  for (;;) {
    let page = db
      .selectFrom('metric_facts')
      .select(['conversation_id', 'cycle_index', 'metric', 'seq', 'from_at', 'at'])
      .where('workspace_id', '=', workspaceId)
      .where('from_at', 'is not', null)
      .orderBy('conversation_id')
      .orderBy('cycle_index')
      .orderBy('metric')
      .orderBy('seq')
      .limit(2000);
    if (after !== null) {
      const [conversationId, cycleIndex, metric, seq] = after;
      page = page.where((eb) =>
        eb.or([
          eb('conversation_id', '>', conversationId),
          eb.and([eb('conversation_id', '=', conversationId), eb('cycle_index', '>', cycleIndex)]),
          eb.and([
            eb('conversation_id', '=', conversationId),
            eb('cycle_index', '=', cycleIndex),
            eb.or([eb('metric', '>', metric), eb.and([eb('metric', '=', metric), eb('seq', '>', seq)])]),
          ]),
        ]),
      );
    }
    const rows = await page.execute();
    for (const row of rows) {
      await db
        .updateTable('metric_facts')
        .set({ business_value: businessSeconds(calendar, row.from_at, row.at) })
        .where('workspace_id', '=', workspaceId)
        .where('conversation_id', '=', row.conversation_id)
        .where('cycle_index', '=', row.cycle_index)
        .where('metric', '=', row.metric)
        .where('seq', '=', row.seq)
        .execute();
    }
    updated += rows.length;
    const last = rows.at(-1);
    if (last === undefined) return updated;
    after = [last.conversation_id, last.cycle_index, last.metric, last.seq];
  }
}
