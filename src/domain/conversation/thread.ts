import { compareByEventTime } from '../events.js';
import { conversationAsOf } from './as-of.js';
import { conversationIdFor } from './conversation-id.js';
import type { ConversationState, SourceAttribution, ThreadEvent } from './conversation-state.js';
import { answersSurvey, evolveConversation } from './evolve.js';
import {
  CONTACT_EVENT_TYPES,
  EARLIER_CONVERSATION_EVENT_TYPES,
  LATEST_CONVERSATION_EVENT_TYPES,
  ORGANISATION_EVENT_TYPES,
} from './event-types.js';
import { acceptsMessageAt, startCycle } from './lifecycle.js';
import { isTemplateMessage } from './message-author.js';
import { DEFAULT_CONVERSATION_SETTINGS, type ConversationSettings } from './settings.js';
import { attributionFrom, attributionFromTemplate } from './source-attribution.js';
import { chatIdOf, threadKeyOf } from './thread-key.js';

/** All conversations of one thread (see thread-key.ts), folded from its events. */
export interface ThreadState {
  key: string | null;
  /** The contact's first known source: the source of conversations whose messages name none. */
  contactSource: SourceAttribution | null;
  /** Organisation events dated before the thread's first conversation, applied when it opens. */
  pending: ThreadEvent[];
  /** In order of opening; only the last one can be active. */
  conversations: ConversationState[];
  /** The last event applied; a later-sorting event can be applied incrementally (`appliesInOrder`). */
  last: Pick<ThreadEvent, 'eventTime' | 'idempotencyKey'> | null;
}

export const emptyThread = (key: string | null = null): ThreadState => ({
  key,
  contactSource: null,
  pending: [],
  conversations: [],
  last: null,
});

export interface FoldOptions {
  /** Views the conversations at this moment (see `conversationAsOf`); without it, as the events leave them. */
  now?: number;
  /** The contact's source from the contacts projection, for threads holding no contact event. */
  contactSource?: SourceAttribution | null;
}

/**
 * The conversations of a thread from the set of its events: sorted by event time (tie-break: idempotency
 * key), duplicates of an idempotency key counted once, then reduced with `evolveThread`. Arrival order,
 * positions and event ids play no part, so a late event with an earlier timestamp lands in the cycle it
 * belongs to and re-folding the thread corrects every fact. (Duplicates of a key are the same event: the
 * ledger stores one event per key.)
 */
export function foldThread(
  events: readonly ThreadEvent[],
  settings: ConversationSettings = DEFAULT_CONVERSATION_SETTINGS,
  options: FoldOptions = {},
): ThreadState {
  const seen = new Set<string>();
  let thread = emptyThread();
  for (const event of [...events].sort(compareByEventTime)) {
    if (seen.has(event.idempotencyKey)) continue;
    seen.add(event.idempotencyKey);
    thread = evolveThread(thread, event, settings);
  }
  if (thread.contactSource === null && options.contactSource != null) {
    thread = adoptContactSource(thread, options.contactSource);
  }
  const now = options.now;
  if (now === undefined) return thread;
  return {
    ...thread,
    conversations: thread.conversations.map((conversation) => conversationAsOf(conversation, now)),
  };
}

/** Whether `event` sorts after everything applied so far, so `evolveThread` may apply it without a re-fold. */
export const appliesInOrder = (thread: ThreadState, event: ThreadEvent): boolean =>
  thread.last === null || compareByEventTime(event, thread.last) > 0;

/**
 * The thread after `event`, which must sort after every event applied before (see `appliesInOrder`).
 * Decides which conversation the event belongs to: a customer message (or an outbound template) opens a
 * new conversation when there is none, or when the last one ended more than the reopen window before;
 * everything else goes to the latest conversation (or to the earlier one it names, see `targetOf`).
 */
export function evolveThread(
  thread: ThreadState,
  event: ThreadEvent,
  settings: ConversationSettings,
): ThreadState {
  const next: ThreadState = {
    ...thread,
    key: thread.key ?? threadKeyOf(event),
    last: { eventTime: event.eventTime, idempotencyKey: event.idempotencyKey },
  };
  const latest = next.conversations.at(-1) ?? null;
  if (CONTACT_EVENT_TYPES.includes(event.type)) {
    const source = attributionFrom(event.payload.properties, event.payload.context, 'contact');
    return next.contactSource === null && source !== null ? adoptContactSource(next, source) : next;
  }
  const opens = event.type === 'message.received' || isTemplateMessage(event);
  if (
    opens &&
    (latest === null ||
      (!acceptsMessageAt(latest, event.eventTime, settings) &&
        answersSurvey(latest, event, settings) === null))
  ) {
    return openConversation(next, event, settings);
  }
  if (latest === null) {
    return ORGANISATION_EVENT_TYPES.includes(event.type)
      ? { ...next, pending: [...next.pending, event] }
      : next;
  }
  const applies =
    event.type === 'message.received' ||
    event.type === 'message.sent' ||
    ORGANISATION_EVENT_TYPES.includes(event.type) ||
    LATEST_CONVERSATION_EVENT_TYPES.includes(event.type);
  if (!applies) return next;
  const target = targetOf(next, event);
  return {
    ...next,
    conversations: next.conversations.map((conversation, index) =>
      index === target ? evolveConversation(conversation, event, settings) : conversation,
    ),
  };
}

/**
 * The conversation an event applies to: the latest, unless the event names an earlier one by its engine id
 * and is of a kind an earlier conversation still takes (a note, a tag, a rating). Status changes and
 * messages always go to the latest, so that only the latest conversation can be active.
 */
function targetOf(thread: ThreadState, event: ThreadEvent): number {
  const latest = thread.conversations.length - 1;
  const named = event.subjects.conversationId;
  if (named === null || !EARLIER_CONVERSATION_EVENT_TYPES.includes(event.type)) return latest;
  const index = thread.conversations.findIndex((conversation) => conversation.id === named);
  return index === -1 ? latest : index;
}

function openConversation(
  thread: ThreadState,
  event: ThreadEvent,
  settings: ConversationSettings,
): ThreadState {
  const at = event.eventTime;
  const ordinal = thread.conversations.length + 1;
  const key = thread.key ?? '';
  let conversation: ConversationState = {
    id: conversationIdFor(key, ordinal),
    threadKey: key,
    ordinal,
    chatId: chatIdOf(event),
    contactId: event.subjects.contactId,
    channel: event.channel,
    version: 0,
    openedAt: at,
    status: 'open',
    statusSince: at,
    snoozedUntil: null,
    serviceMode: null,
    owner: null,
    team: null,
    watchers: [],
    handoffs: [],
    tags: [],
    priority: null,
    conversationType: null,
    source: thread.contactSource,
    deal: null,
    nextAction: null,
    notes: [],
    lastInboundAt: null,
    lastOutboundAt: null,
    lastActivityAt: at,
    supersededBy: null,
    cycles: [],
  };
  for (const pending of thread.pending) conversation = evolveConversation(conversation, pending, settings);
  if (event.type === 'message.sent') {
    const source = attributionFromTemplate(event.payload.properties) ?? conversation.source;
    conversation = startCycle({ ...conversation, source }, at, 'template', 'open');
  }
  conversation = evolveConversation(conversation, event, settings);
  const earlier = thread.conversations.map((previous, index) =>
    index === thread.conversations.length - 1 ? { ...previous, supersededBy: conversation.id } : previous,
  );
  return { ...thread, pending: [], conversations: [...earlier, conversation] };
}

/** Sets the contact's source, and gives it to the conversations that have no source of their own. */
function adoptContactSource(thread: ThreadState, source: SourceAttribution): ThreadState {
  return {
    ...thread,
    contactSource: source,
    conversations: thread.conversations.map((conversation) =>
      conversation.source === null || conversation.source.origin === 'contact'
        ? { ...conversation, source }
        : conversation,
    ),
  };
}
