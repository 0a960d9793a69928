import type { Assignment, ConversationState, Handoff, Owner } from './conversation-state.js';
import { activeCycle, switchSpan, updateActiveCycle } from './cycle.js';
import type { ServiceMode } from './vocabulary.js';

export const sameOwner = (a: Owner | null, b: Owner | null): boolean =>
  a === b || (a !== null && b !== null && a.type === b.type && a.id === b.id);

/**
 * Gives the conversation to `to` (owner and team), recording the change as a handoff with who made it and
 * why, on the conversation and, while a cycle is active, on the cycle (with a new team span).
 * Exactly one owner at a time: the new owner replaces the old one.
 */
export function changeAssignment(
  conversation: ConversationState,
  to: Assignment,
  at: number,
  by: string | null,
  reason: string | null,
): ConversationState {
  const from: Assignment = { owner: conversation.owner, team: conversation.team };
  const ownerChanged = !sameOwner(from.owner, to.owner);
  const teamChanged = from.team !== to.team;
  if (!ownerChanged && !teamChanged) return conversation;
  const handoff: Handoff = {
    at,
    from,
    to,
    by,
    reason,
    transfer: (ownerChanged && from.owner !== null) || (teamChanged && from.team !== null),
  };
  const recorded = updateActiveCycle(conversation, (cycle) => ({
    ...cycle,
    handoffs: [...cycle.handoffs, handoff],
    teamSpans: teamChanged
      ? switchSpan(cycle.teamSpans, at, { team: to.team, from: at, to: null })
      : cycle.teamSpans,
  }));
  return {
    ...recorded,
    owner: to.owner,
    team: to.team,
    handoffs: [...recorded.handoffs, handoff],
  };
}

/**
 * Records that the customer is served in `mode` from now on. The first mode seen in a cycle tells who it
 * began with; the first bot -> agent switch of a cycle that began with a bot is its handoff, the moment
 * it starts waiting for a human. `switchAt` lets an agent's reply without a handoff event date the
 * (implicit) handoff to the start of the customer turn it answers.
 */
export function noteServiceMode(
  conversation: ConversationState,
  mode: ServiceMode,
  at: number,
  implicit: { switchAt: number } | null = null,
): ConversationState {
  const noted = conversation.serviceMode === mode ? conversation : { ...conversation, serviceMode: mode };
  const cycle = activeCycle(noted);
  if (cycle === null) return noted;
  const beganWith = cycle.beganWith ?? mode;
  const handsOff = beganWith === 'bot' && mode === 'agent' && cycle.handoffAt === null;
  if (beganWith === cycle.beganWith && !handsOff) return noted;
  return updateActiveCycle(noted, (current) => ({
    ...current,
    beganWith,
    handoffAt: handsOff ? (implicit?.switchAt ?? at) : current.handoffAt,
    handoffImplicit: handsOff ? implicit !== null : current.handoffImplicit,
  }));
}
