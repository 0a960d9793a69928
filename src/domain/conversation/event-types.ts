/**
 * The event types the conversation engine reads, by how a thread routes them (thread.ts). Message
 * statuses, link clicks, opt-outs and unknown types do not change a conversation.
 */

/**
 * Event types this engine adds to DESIGN.md's catalogue for the commands; the capture validator accepts
 * them with these properties (times as ISO 8601 strings or epoch milliseconds):
 * - `chat.type_changed` {chatId?, conversationType}
 * - `chat.watcher_added` / `chat.watcher_removed` {chatId?, watcherId}
 * - `chat.next_action_set` {chatId?, text, dueAt: time | null}
 * - `chat.next_action_cleared` {chatId?}
 */
export const CONVERSATION_EXTRA_EVENT_TYPES = [
  'chat.type_changed',
  'chat.watcher_added',
  'chat.watcher_removed',
  'chat.next_action_set',
  'chat.next_action_cleared',
] as const;

/** Set the contact's first-touch source, the fallback source of its conversations. */
export const CONTACT_EVENT_TYPES: readonly string[] = ['contact.created', 'contact.updated'];

/**
 * Organisation of the latest conversation. Dated before the thread's first conversation (a chat assigned
 * a moment before the first message by another clock), they wait and apply when it opens.
 */
export const ORGANISATION_EVENT_TYPES: readonly string[] = [
  'chat.assigned',
  'agent.handoff',
  'chat.tagged',
  'chat.untagged',
  'chat.priority_changed',
  'chat.note_added',
  'deal.updated',
  ...CONVERSATION_EXTRA_EVENT_TYPES,
];

/** Apply to the latest conversation; with none yet there is nothing to resolve or rate, so they are ignored. */
export const LATEST_CONVERSATION_EVENT_TYPES: readonly string[] = [
  'chat.resolved',
  'chat.status_changed',
  'csat.submitted',
];

/**
 * What an earlier, superseded conversation of the thread still takes when an event names it by its
 * engine id (`subjects.conversationId`): organisation and ratings, never a change of status or owner.
 */
export const EARLIER_CONVERSATION_EVENT_TYPES: readonly string[] = [
  'chat.tagged',
  'chat.untagged',
  'chat.priority_changed',
  'chat.note_added',
  'csat.submitted',
  'chat.type_changed',
  'chat.watcher_added',
  'chat.watcher_removed',
  'chat.next_action_set',
  'chat.next_action_cleared',
  // A won or lost deal can only change how the ended conversation ended; it cannot reopen it.
  'deal.updated',
];
