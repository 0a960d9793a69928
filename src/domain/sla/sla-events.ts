import type { JsonObject } from '../events.js';
import type { ConversationState } from '../conversation/conversation-state.js';
import { draftFor, type EventDraft } from '../conversation/event-draft.js';
import { clockReaches } from './sla-clock.js';
import type { SlaState, SlaTargetState } from './evaluate-sla.js';

/**
 * The SLA events the scheduler appends, as drafts (the storage layer completes and appends them like any
 * other event). Each is dated at the moment it describes, not when the scheduler noticed it, so a breach that
 * fell due while the server was down is recorded on start with its true time; and each has a key derived
 * from what it is about, so two scheduler nodes (or a retry) append it once.
 *
 * - `sla.breached` {chatId?, cycle, target, targetKey, turnStartedAt, policyId, priority, startedAt, dueAt,
 *   breachedAt, targetMs, calendar}: one per target instance per cycle (per customer turn for next-response);
 *   key `sla.breached:<conversationId>:<cycle>:<targetKey>`; dated `breachedAt`.
 * - `sla.at_risk` {same properties, share, atRiskAt}: a share of the target elapsed while it still ran (the
 *   inbox "at risk" badge); key `sla.at_risk:<conversationId>:<cycle>:<targetKey>`; dated `atRiskAt`.
 * Both have actor `{type: "system", id: "sla"}`. The conversation engine ignores them.
 */

export const SLA_BREACHED = 'sla.breached';
export const SLA_AT_RISK = 'sla.at_risk';
export const SLA_EVENT_TYPES = [SLA_BREACHED, SLA_AT_RISK] as const;

const SLA_ACTOR = { type: 'system', id: 'sla' } as const;

export const slaBreachKey = (conversationId: string, cycleIndex: number, targetKey: string): string =>
  `${SLA_BREACHED}:${conversationId}:${cycleIndex}:${targetKey}`;

export const slaAtRiskKey = (conversationId: string, cycleIndex: number, targetKey: string): string =>
  `${SLA_AT_RISK}:${conversationId}:${cycleIndex}:${targetKey}`;

function targetProperties(state: SlaState, target: SlaTargetState): JsonObject {
  return {
    cycle: state.cycleIndex,
    target: target.target,
    targetKey: target.key,
    turnStartedAt: target.target === 'next-response' ? target.startedAt : null,
    policyId: target.policyId,
    priority: target.priority,
    startedAt: target.startedAt,
    dueAt: target.dueAt,
    targetMs: target.targetMs,
    calendar: target.clock.calendar.kind,
  };
}

/**
 * The `sla.breached` drafts for every missed target of `state` whose key is not in `recorded` (the keys of
 * the breaches already in the ledger; leaving it empty is safe, the ledger stores one event per key).
 * `conversation` is the one `state` was evaluated for.
 */
export function breachesDue(
  conversation: ConversationState,
  state: SlaState,
  recorded: ReadonlySet<string> = new Set(),
): EventDraft[] {
  const drafts: EventDraft[] = [];
  for (const target of state.targets) {
    if (target.status !== 'missed' || target.breachedAt === null) continue;
    const key = slaBreachKey(conversation.id, state.cycleIndex, target.key);
    if (recorded.has(key)) continue;
    drafts.push(
      draftFor(
        conversation,
        SLA_BREACHED,
        { ...targetProperties(state, target), breachedAt: target.breachedAt },
        { idempotencyKey: key, at: target.breachedAt, actor: SLA_ACTOR },
      ),
    );
  }
  return drafts;
}

/** The moment `share` (0–1) of a target's clock has elapsed, or `null` while a pause holds it first. */
export const atRiskMoment = (target: SlaTargetState, share: number): number | null =>
  clockReaches(target.clock, Math.ceil(target.targetMs * share));

/**
 * The `sla.at_risk` drafts for targets still `active` at `state.asOf` whose `share` of the target has elapsed
 * (0.8 = 80 %), dated when it did. A target already hit or missed is no longer at risk, so a scheduler that was
 * down through both moments records only the breach.
 */
export function atRiskDue(
  conversation: ConversationState,
  state: SlaState,
  share: number,
  recorded: ReadonlySet<string> = new Set(),
): EventDraft[] {
  const drafts: EventDraft[] = [];
  for (const target of state.targets) {
    if (target.status !== 'active') continue;
    const at = atRiskMoment(target, share);
    if (at === null || at > state.asOf) continue;
    const key = slaAtRiskKey(conversation.id, state.cycleIndex, target.key);
    if (recorded.has(key)) continue;
    drafts.push(
      draftFor(
        conversation,
        SLA_AT_RISK,
        { ...targetProperties(state, target), share, atRiskAt: at },
        { idempotencyKey: key, at, actor: SLA_ACTOR },
      ),
    );
  }
  return drafts;
}
