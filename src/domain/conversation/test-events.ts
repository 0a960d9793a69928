import type { Actor, JsonObject } from '../events.js';
import { asContactId, asConversationId } from '../ids.js';
import type { ThreadEvent } from './conversation-state.js';

/**
 * Builders of thread events for tests (here and in the storage and metrics tests): terse givens that read
 * like the story they tell. Not used by production code.
 */

/** Monday 6 January 2025, 09:00 UTC. */
export const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
export const seconds = (n: number): number => n * 1000;
export const minutes = (n: number): number => n * 60_000;
export const hours = (n: number): number => n * 3_600_000;

export const CONTACT = '+5215512345678';
export const CHANNEL = 'pn-100';

export interface Thread {
  /** The source's chat id; `null` builds a contact thread (contact + channel, as WhatsApp webhooks do). */
  chatId: string | null;
}
export const chatThread = (chatId = 'chat-1'): Thread => ({ chatId });
export const contactThread = (): Thread => ({ chatId: null });

const customer: Actor = { type: 'customer', id: CONTACT };
export const agent = (id: string): Actor => ({ type: 'agent', id });
export const bot = (id = 'bot-1'): Actor => ({ type: 'bot', id });
export const system: Actor = { type: 'system', id: null };

/**
 * An event of `thread` at `at`. Its idempotency key is derived from its content unless given, so two
 * identical events are duplicates, as they would be in the ledger.
 */
export function threadEvent(
  thread: Thread,
  type: string,
  at: number,
  properties: JsonObject = {},
  actor: Actor = system,
  key?: string,
): ThreadEvent {
  const props = thread.chatId === null ? properties : { chatId: thread.chatId, ...properties };
  return {
    idempotencyKey: key ?? `${type}|${at}|${actor.type}:${actor.id ?? ''}|${JSON.stringify(props)}`,
    type,
    eventTime: at,
    channel: CHANNEL,
    actor,
    subjects: {
      contactId: asContactId(CONTACT),
      conversationId: thread.chatId === null ? null : asConversationId(thread.chatId),
      messageId: null,
    },
    payload: { properties: props, context: {} },
  };
}

/** The stories tests tell, one builder per kind of event. */
export function given(thread: Thread = chatThread()) {
  const on = (type: string, at: number, properties: JsonObject = {}, actor: Actor = system, key?: string) =>
    threadEvent(thread, type, at, properties, actor, key);
  return {
    inbound: (at: number, properties: JsonObject = {}, key?: string) =>
      on('message.received', at, { direction: 'inbound', contentType: 'text', ...properties }, customer, key),
    agentReply: (at: number, agentId: string, properties: JsonObject = {}) =>
      on(
        'message.sent',
        at,
        { direction: 'outbound', contentType: 'text', agentId, ...properties },
        agent(agentId),
      ),
    botReply: (at: number, botId = 'bot-1', properties: JsonObject = {}) =>
      on(
        'message.sent',
        at,
        { direction: 'outbound', contentType: 'text', serviceMode: 'bot', ...properties },
        bot(botId),
      ),
    template: (at: number, properties: JsonObject = {}, actor: Actor = system) =>
      on(
        'message.sent',
        at,
        { direction: 'outbound', contentType: 'template', templateId: 'tpl-1', ...properties },
        actor,
      ),
    handoff: (at: number, agentId: string | null, reason = 'customer asked for a human') =>
      on(
        'agent.handoff',
        at,
        { fromMode: 'bot', toMode: 'agent', handoffReason: reason, ...(agentId === null ? {} : { agentId }) },
        bot(),
      ),
    assigned: (at: number, agentId: string | null, properties: JsonObject = {}, by: Actor = system) =>
      on('chat.assigned', at, { agentId, ...properties }, by),
    resolved: (at: number, by: Actor = system, properties: JsonObject = {}) =>
      on(
        'chat.resolved',
        at,
        { agentId: by.type === 'agent' ? by.id : null, resolutionType: 'solved', ...properties },
        by,
      ),
    status: (at: number, status: string, properties: JsonObject = {}, by: Actor = system) =>
      on('chat.status_changed', at, { status, ...properties }, by),
    tagged: (at: number, tag: string) => on('chat.tagged', at, { tag }),
    untagged: (at: number, tag: string) => on('chat.untagged', at, { tag }),
    priority: (at: number, priority: string) => on('chat.priority_changed', at, { priority }),
    note: (at: number, text: string, by: Actor = agent('ana')) => on('chat.note_added', at, { text }, by),
    csat: (at: number, rating: number, scale = 5) => on('csat.submitted', at, { rating, scale }, customer),
    deal: (at: number, properties: JsonObject) => on('deal.updated', at, properties),
    contactCreated: (at: number, properties: JsonObject) => on('contact.created', at, properties, system),
    delivered: (at: number) => on('message.delivered', at, { deliveredAt: at }),
    event: on,
  };
}
