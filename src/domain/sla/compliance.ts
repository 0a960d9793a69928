import type { Priority } from '../conversation/vocabulary.js';
import type { SlaState, SlaTargetState } from './evaluate-sla.js';

/**
 * SLA compliance facts of an ended cycle, for the metrics' `sla {applicable, met, compliance, firstHit,
 * nextHit, resolutionHit}` (DESIGN.md "KPI definitions": cycles ended within all their SLA targets ÷ cycles
 * with a policy that ended, plus a hit rate per target). Dated at the cycle's end.
 *
 * - `applicable`: at least one target was measured in the cycle (a P3 cycle, or a cycle a bot served alone
 *   under a policy with only response targets, measured nothing and is not counted);
 * - `met`: applicable and no target missed;
 * - per target: `hit`, `missed`, or `null` when the cycle had no such target; `nextResponse` is `missed` when
 *   any customer turn missed it, `hit` when every one was hit, and the turn counts give the per-turn rate.
 */

export type TargetOutcome = 'hit' | 'missed' | null;

export interface SlaCompliance {
  cycleIndex: number;
  endedAt: number;
  applicable: boolean;
  met: boolean;
  /** The policy and priority in force at the end. */
  policyId: string | null;
  priority: Priority | null;
  firstResponse: TargetOutcome;
  nextResponse: TargetOutcome;
  nextResponseTurns: { hit: number; missed: number };
  resolution: TargetOutcome;
}

const outcome = (targets: readonly SlaTargetState[]): TargetOutcome =>
  targets.length === 0 ? null : targets.some((target) => target.status === 'missed') ? 'missed' : 'hit';

/** The compliance of the cycle `state` describes, or `null` while that cycle has not ended (as of `state.asOf`). */
export function slaCompliance(state: SlaState): SlaCompliance | null {
  if (state.endedAt === null) return null;
  const of = (kind: SlaTargetState['target']) => state.targets.filter((target) => target.target === kind);
  const next = of('next-response');
  const applicable = state.targets.length > 0;
  return {
    cycleIndex: state.cycleIndex,
    endedAt: state.endedAt,
    applicable,
    met: applicable && state.targets.every((target) => target.status !== 'missed'),
    policyId: state.sla?.policyId ?? null,
    priority: state.sla?.priority ?? null,
    firstResponse: outcome(of('first-response')),
    nextResponse: outcome(next),
    nextResponseTurns: {
      hit: next.filter((target) => target.status === 'hit').length,
      missed: next.filter((target) => target.status === 'missed').length,
    },
    resolution: outcome(of('resolution')),
  };
}
