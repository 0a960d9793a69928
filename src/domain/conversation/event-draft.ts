import type { Actor, JsonObject, NewEvent } from '../events.js';
import type { ConversationState } from './conversation-state.js';

/**
 * An event the conversation engine asks to append. The storage layer completes it into a `NewEvent`
 * (event id, received time, source `ui` or `system`) and appends it like any other event.
 */
export type EventDraft = Omit<NewEvent, 'eventId' | 'receivedAt' | 'source'>;

/**
 * A draft about `conversation`. It carries the source's chatId, or the contact and channel, so that
 * `threadKeyOf(draft)` is the conversation's thread; `subjects.conversationId` names the engine's id
 * for the storage layer and is not used to find the thread.
 */
export function draftFor(
  conversation: ConversationState,
  type: string,
  properties: JsonObject,
  meta: { idempotencyKey: string; at: number; actor: Actor },
): EventDraft {
  return {
    idempotencyKey: meta.idempotencyKey,
    type,
    eventTime: meta.at,
    channel: conversation.channel,
    actor: meta.actor,
    subjects: { contactId: conversation.contactId, conversationId: conversation.id, messageId: null },
    payload: {
      properties: conversation.chatId === null ? properties : { chatId: conversation.chatId, ...properties },
      context: {},
    },
  };
}
