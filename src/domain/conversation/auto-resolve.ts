import type { ConversationState } from './conversation-state.js';
import { activeCycle } from './cycle.js';
import { draftFor, type EventDraft } from './event-draft.js';
import { wakeFromSnooze } from './lifecycle.js';
import type { ConversationSettings } from './settings.js';
import type { ConversationStatus } from './vocabulary.js';

/**
 * Inactivity auto-resolve (a workspace setting). Only cycles waiting on nobody in particular or on the
 * customer are auto-resolved; `pending-internal` and `snoozed` wait on the team by choice.
 */
const AUTO_RESOLVABLE: readonly ConversationStatus[] = ['open', 'pending-customer'];

/** The start of the current inactivity: the last message of the cycle, its start, or the last status change. */
export function inactiveSince(conversation: ConversationState): number | null {
  const cycle = activeCycle(conversation);
  if (cycle === null || !AUTO_RESOLVABLE.includes(conversation.status)) return null;
  return Math.max(cycle.lastMessageAt, conversation.statusSince);
}

/** When the active cycle falls due for auto-resolve if nothing happens first; `null` if it never will. */
export function autoResolveDueAt(
  conversation: ConversationState,
  settings: ConversationSettings,
): number | null {
  const since = inactiveSince(conversation);
  return since === null || settings.autoResolveAfterMs === null ? null : since + settings.autoResolveAfterMs;
}

/**
 * The `chat.resolved` to append when the conversation is due for auto-resolve at `now`, else `null`.
 * The event is dated at the due moment, not at `now`, so a late scheduler does not lengthen the cycle;
 * it carries `inactiveSince` so a message that turns out to fall inside the quiet period voids it
 * (see `isInactivityResolutionCurrent`), and a key derived from both so two schedulers append it once.
 */
export function dueAutoResolve(
  state: ConversationState,
  now: number,
  settings: ConversationSettings,
): EventDraft | null {
  const conversation = wakeFromSnooze(state, now);
  const dueAt = autoResolveDueAt(conversation, settings);
  const since = inactiveSince(conversation);
  const cycle = activeCycle(conversation);
  if (dueAt === null || since === null || cycle === null || now < dueAt) return null;
  return draftFor(
    conversation,
    'chat.resolved',
    { agentId: null, resolutionType: AUTO_RESOLUTION_TYPE, inactiveSince: since },
    {
      idempotencyKey: `auto-resolve:${conversation.id}:${cycle.index}:${since}`,
      at: dueAt,
      actor: { type: 'system', id: 'auto-resolve' },
    },
  );
}

export const AUTO_RESOLUTION_TYPE = 'auto-inactivity';

/** Whether an auto-resolve based on inactivity since `since` still holds for the conversation. */
export const isInactivityResolutionCurrent = (
  conversation: ConversationState,
  since: number | null,
): boolean => since !== null && inactiveSince(conversation) === since;
