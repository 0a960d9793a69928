import type { ThreadEvent } from './conversation-state.js';
import { isEngineConversationId } from './conversation-id.js';
import { readString } from './event-properties.js';

/**
 * The thread an event belongs to: all events of one conversation stream, folded together.
 * - `chat:<chatId>` when the source names the conversation (`properties.chatId`, or a
 *   `subjects.conversationId` that is not one of the engine's own `cv_` ids);
 * - else `contact:<contactId>@<channel>`: one contact on one business number;
 * - else `null`: the event concerns no conversation stream (e.g. a status for an unknown message).
 * The events `decide` drafts carry the conversation's chatId or contact and channel, so they land in the
 * thread of the conversation they act on.
 */
export function threadKeyOf(event: Pick<ThreadEvent, 'channel' | 'subjects' | 'payload'>): string | null {
  const chatId = chatIdOf(event);
  if (chatId !== null) return `chat:${chatId}`;
  const contactId = event.subjects.contactId;
  if (contactId !== null && contactId !== '') return `contact:${contactId}@${event.channel}`;
  return null;
}

/** The source's own conversation id carried by the event, if any. */
export function chatIdOf(event: Pick<ThreadEvent, 'subjects' | 'payload'>): string | null {
  const fromProperties = readString(event.payload.properties, 'chatId');
  if (fromProperties !== null) return fromProperties;
  const subject = event.subjects.conversationId;
  return subject !== null && subject !== '' && !isEngineConversationId(subject) ? subject : null;
}
