import type { Actor } from '../events.js';
import type { ConversationState, CycleOpening } from './conversation-state.js';
import {
  activeCycle,
  closeSpans,
  lastCycle,
  newCycle,
  switchSpan,
  updateActiveCycle,
  updateLastCycle,
} from './cycle.js';
import type { ConversationSettings } from './settings.js';
import { isEndingStatus, type ActiveStatus, type EndingStatus } from './vocabulary.js';

/**
 * The status lifecycle of DESIGN.md: a cycle runs from open to one of the ending statuses; a status
 * change while active is recorded as a span of the cycle; reopening starts a new cycle.
 */

export const isEnded = (conversation: ConversationState): boolean => activeCycle(conversation) === null;

/**
 * Whether a customer message at `at` belongs to this conversation: it is active, or its last cycle ended
 * at most the reopen window before (then the message reopens it). Otherwise it opens a new conversation.
 */
export function acceptsMessageAt(
  conversation: ConversationState,
  at: number,
  settings: ConversationSettings,
): boolean {
  const end = lastCycle(conversation)?.end ?? null;
  return end === null || at - end.at <= settings.reopenWindowMs;
}

/** Starts a cycle, marking the ended one before it as reopened. */
export function startCycle(
  conversation: ConversationState,
  at: number,
  openedBy: CycleOpening,
  status: ActiveStatus,
  snoozedUntil: number | null = null,
): ConversationState {
  const reopened =
    conversation.cycles.length === 0
      ? conversation
      : updateLastCycle(conversation, (cycle) => ({ ...cycle, reopened: true, reopenedAt: at }));
  return {
    ...reopened,
    cycles: [...reopened.cycles, newCycle(reopened, at, openedBy, status)],
    status,
    statusSince: at,
    snoozedUntil: status === 'snoozed' ? snoozedUntil : null,
    // Each cycle may start with the bot again; the mode is known from the cycle's own replies and signals.
    serviceMode: null,
  };
}

/** Ends the active cycle with the owner and team of that moment. */
export function endCycle(
  conversation: ConversationState,
  at: number,
  status: EndingStatus,
  resolutionType: string | null,
  endedBy: Actor,
): ConversationState {
  const ended = updateLastCycle(conversation, (cycle) => ({
    ...cycle,
    statusSpans: closeSpans(cycle.statusSpans, at),
    teamSpans: closeSpans(cycle.teamSpans, at),
    end: { at, status, resolutionType, endedBy, owner: conversation.owner, team: conversation.team },
    resolutionSeconds: (at - cycle.startedAt) / 1000,
  }));
  return { ...ended, status, statusSince: at, snoozedUntil: null };
}

/** Moves an active conversation to another active status (or the same one with a new snooze time). */
export function changeActiveStatus(
  conversation: ConversationState,
  status: ActiveStatus,
  at: number,
  snoozedUntil: number | null,
): ConversationState {
  const until = status === 'snoozed' ? snoozedUntil : null;
  if (status === conversation.status) return { ...conversation, snoozedUntil: until };
  const moved = updateActiveCycle(conversation, (cycle) => ({
    ...cycle,
    statusSpans: switchSpan(cycle.statusSpans, at, { status, from: at, to: null }),
  }));
  return { ...moved, status, statusSince: at, snoozedUntil: until };
}

/**
 * Changes how an ended conversation ended (a resolved chat whose deal is won later becomes closed-won):
 * the cycle keeps its end time, only its outcome changes.
 */
export function changeEndingStatus(
  conversation: ConversationState,
  status: EndingStatus,
  at: number,
): ConversationState {
  if (status === conversation.status) return conversation;
  const changed = updateLastCycle(conversation, (cycle) =>
    cycle.end === null ? cycle : { ...cycle, end: { ...cycle.end, status } },
  );
  return { ...changed, status, statusSince: at };
}

/**
 * Applies the passing of time up to `at`: a snooze with a time limit ends at that time and the
 * conversation is open again. Deterministic: the wake-up time is the snooze's own, not when it is noticed.
 */
export function wakeFromSnooze(conversation: ConversationState, at: number): ConversationState {
  const until = conversation.snoozedUntil;
  if (conversation.status !== 'snoozed' || until === null || until > at || isEnded(conversation)) {
    return conversation;
  }
  return changeActiveStatus(conversation, 'open', until, null);
}

/** A status set by a person or an integration, applied whether the conversation is active or ended. */
export function applyStatus(
  conversation: ConversationState,
  status: ActiveStatus | EndingStatus,
  at: number,
  options: { snoozedUntil: number | null; resolutionType: string | null; actor: Actor },
): ConversationState {
  const ended = isEnded(conversation);
  if (isEndingStatus(status)) {
    return ended
      ? changeEndingStatus(conversation, status, at)
      : endCycle(conversation, at, status, options.resolutionType, options.actor);
  }
  // Setting an active status on an ended conversation is a manual reopen, whatever the reopen window.
  return ended
    ? startCycle(conversation, at, 'status-change', status, options.snoozedUntil)
    : changeActiveStatus(conversation, status, at, options.snoozedUntil);
}
