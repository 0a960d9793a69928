import type {
  ConversationState,
  Cycle,
  CycleOpening,
  CycleService,
  StatusSpan,
  TeamSpan,
  TeamTime,
} from './conversation-state.js';
import type { ConversationStatus } from './vocabulary.js';

/** A fresh cycle: the conversation's organisation carries over, the facts start empty. */
export function newCycle(
  conversation: ConversationState,
  at: number,
  openedBy: CycleOpening,
  status: ConversationStatus,
): Cycle {
  return deriveCycle(
    {
      index: conversation.cycles.length,
      startedAt: at,
      openedBy,
      isReopen: conversation.cycles.length > 0,
      firstInboundAt: null,
      beganWith: null,
      handoffAt: null,
      handoffImplicit: false,
      firstHumanReply: null,
      firstBotReply: null,
      turns: [],
      inboundCount: 0,
      outboundCount: 0,
      agentMessageCount: 0,
      botMessageCount: 0,
      automatedMessageCount: 0,
      lastMessageAt: at,
      statusSpans: [{ status, from: at, to: null }],
      teamSpans: [{ team: conversation.team, from: at, to: null }],
      timeInStatus: {},
      timeInTeam: [],
      handoffs: [],
      handoffCount: 0,
      service: 'unattended',
      priority: conversation.priority,
      conversationType: conversation.conversationType,
      tags: conversation.tags,
      deal: conversation.deal,
      end: null,
      resolutionSeconds: null,
      reopened: false,
      reopenedAt: null,
      csat: null,
    },
    null,
  );
}

export const lastCycle = (conversation: ConversationState): Cycle | null =>
  conversation.cycles.at(-1) ?? null;

/** The cycle in progress, or `null` when the conversation has ended (or has not started a cycle yet). */
export function activeCycle(conversation: ConversationState): Cycle | null {
  const cycle = lastCycle(conversation);
  return cycle !== null && cycle.end === null ? cycle : null;
}

/** Replaces the last cycle with `update(cycle)` and refreshes its derived facts. */
export function updateLastCycle(
  conversation: ConversationState,
  update: (cycle: Cycle) => Cycle,
): ConversationState {
  const cycle = lastCycle(conversation);
  if (cycle === null) return conversation;
  return {
    ...conversation,
    cycles: [...conversation.cycles.slice(0, -1), deriveCycle(update(cycle), null)],
  };
}

/** Like `updateLastCycle`, only while that cycle is active. */
export function updateActiveCycle(
  conversation: ConversationState,
  update: (cycle: Cycle) => Cycle,
): ConversationState {
  return activeCycle(conversation) === null ? conversation : updateLastCycle(conversation, update);
}

/** Ends the current span at `at` and starts `next`. */
export function switchSpan<S extends StatusSpan | TeamSpan>(spans: S[], at: number, next: S): S[] {
  return [...closeSpans(spans, at), next];
}

export function closeSpans<S extends StatusSpan | TeamSpan>(spans: S[], at: number): S[] {
  const current = spans.at(-1);
  if (current === undefined || current.to !== null) return spans;
  return [...spans.slice(0, -1), { ...current, to: at }];
}

/**
 * The facts that follow from the others: time per status and team, handoff count, service. The one place
 * they are computed, for the stored state (`until` null: finished spans only) and for a view at `now`.
 */
export function deriveCycle(cycle: Cycle, until: number | null): Cycle {
  return {
    ...cycle,
    timeInStatus: timeInStatus(cycle.statusSpans, until),
    timeInTeam: timeInTeam(cycle.teamSpans, until),
    handoffCount: cycle.handoffs.filter((handoff) => handoff.transfer).length,
    service: serviceOf(cycle),
  };
}

function serviceOf(cycle: Cycle): CycleService {
  if (cycle.agentMessageCount > 0 || cycle.handoffAt !== null) return 'assisted';
  return cycle.botMessageCount > 0 ? 'bot-only' : 'unattended';
}

const spanSeconds = (span: StatusSpan | TeamSpan, until: number | null): number => {
  const to = span.to ?? until;
  return to === null ? 0 : Math.max(0, to - span.from) / 1000;
};

function timeInStatus(
  spans: StatusSpan[],
  until: number | null,
): Partial<Record<ConversationStatus, number>> {
  const totals: Partial<Record<ConversationStatus, number>> = {};
  for (const span of spans) {
    if (span.to === null && until === null) continue;
    totals[span.status] = (totals[span.status] ?? 0) + spanSeconds(span, until);
  }
  return totals;
}

function timeInTeam(spans: TeamSpan[], until: number | null): TeamTime[] {
  const totals: TeamTime[] = [];
  for (const span of spans) {
    if (span.to === null && until === null) continue;
    const existing = totals.find((total) => total.team === span.team);
    if (existing === undefined) totals.push({ team: span.team, seconds: spanSeconds(span, until) });
    else existing.seconds += spanSeconds(span, until);
  }
  return totals;
}
