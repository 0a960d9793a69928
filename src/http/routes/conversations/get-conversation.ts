import type { FastifyInstance } from 'fastify';
import { isEngineConversationId, type ConversationState } from '../../../domain/conversation/index.js';
import type { LedgerEvent } from '../../../domain/events.js';
import { AppError } from '../../../errors.js';
import { threadEvents } from '../../../projections/conversations.js';
import { rowsByKey } from '../../../projections/apply.js';
import type { Store } from '../../../store/open.js';
import type { MessageRow } from '../../../store/schema.js';
import type { KeyResolver } from '../../auth.js';
import { conversationsWithContact, conversationView } from './conversation-view.js';

const iso = (time: number | null) => (time === null ? null : new Date(time).toISOString());

function deliveryOf(message: MessageRow | undefined) {
  if (!message) return null;
  return {
    status: message.status,
    sentAt: iso(message.sent_at),
    deliveredAt: iso(message.delivered_at),
    readAt: iso(message.read_at),
    playedAt: iso(message.played_at),
    failedAt: iso(message.failed_at),
    error: message.error === null ? null : (JSON.parse(message.error) as unknown),
  };
}

/** The conversation's events: those it names, plus those of its thread dated within its span. */
function eventsOfConversation(
  events: readonly LedgerEvent[],
  conversation: ConversationState,
  nextOpenedAt: number | null,
) {
  return events.filter((event) => {
    const named = event.subjects.conversationId;
    if (named !== null && isEngineConversationId(named)) return named === conversation.id;
    return (
      event.eventTime >= conversation.openedAt && (nextOpenedAt === null || event.eventTime < nextOpenedAt)
    );
  });
}

export async function getConversation(
  store: Store,
  workspaceId: string,
  conversationId: string,
  now: number,
) {
  const db = store.db;
  const row = await conversationsWithContact(db, workspaceId)
    .where('conversations.conversation_id', '=', conversationId)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `no conversation ${conversationId}`, 404);
  const state = JSON.parse(row.state) as ConversationState;
  const next = await db
    .selectFrom('conversations')
    .select('opened_at')
    .where('workspace_id', '=', workspaceId)
    .where('thread_key', '=', row.thread_key)
    .where('ordinal', '=', row.ordinal + 1)
    .executeTakeFirst();
  const events = eventsOfConversation(
    await threadEvents(db, workspaceId, row.thread_key),
    state,
    next?.opened_at ?? null,
  ).sort((a, b) => a.eventTime - b.eventTime || a.position - b.position);
  const messageIds = [
    ...new Set(
      events
        .map((event) => event.subjects.messageId)
        .filter((id): id is NonNullable<typeof id> => id !== null),
    ),
  ];
  const messages = await rowsByKey(
    store.db,
    store.dialect,
    'messages',
    'message_id',
    workspaceId,
    messageIds,
  );
  return {
    conversation: conversationView(
      row,
      { id: row.contact_id, phone: row.contact_phone, name: row.contact_name },
      now,
    ),
    handoffs: state.handoffs.map((handoff) => ({ ...handoff, at: iso(handoff.at) })),
    notes: state.notes.map((note) => ({ ...note, at: iso(note.at) })),
    cycles: state.cycles,
    timeline: events.map((event) => ({
      eventId: event.eventId,
      at: iso(event.eventTime),
      type: event.type,
      source: event.source,
      actor: event.actor,
      messageId: event.subjects.messageId,
      properties: event.payload.properties,
      delivery: event.subjects.messageId === null ? null : deliveryOf(messages.get(event.subjects.messageId)),
    })),
  };
}

export function getConversationRoute(app: FastifyInstance, deps: { store: Store; keys: KeyResolver }) {
  app.get<{ Params: { id: string } }>(
    '/api/v1/conversations/:id',
    { preHandler: deps.keys.require('secret') },
    async (request) => getConversation(deps.store, request.workspace.id, request.params.id, Date.now()),
  );
}
