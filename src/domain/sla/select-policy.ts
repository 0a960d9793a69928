import type { Calendar } from '../calendar/index.js';
import type { ConversationState, Cycle } from '../conversation/conversation-state.js';
import type { Priority } from '../conversation/vocabulary.js';
import { matchesConditions, type SlaSubject } from './conditions.js';
import { NO_TARGETS, type SlaConfig, type SlaPolicy, type SlaTargets } from './sla-policy.js';

/**
 * Which SLA applies to a conversation: the first rule whose conditions match chooses the policy, else the
 * default policy; within the policy, the conversation's priority (or the policy's `unprioritised` priority)
 * chooses the targets. Pure; the subject is read as it is now, so a change of team, type, channel, tag or
 * priority can change the SLA in force (evaluate-sla.ts says what that does to due times).
 */

/** The SLA in force for a subject: a policy with the targets of one priority. */
export interface AppliedSla {
  policyId: string;
  policyName: string;
  /** The rule that chose the policy, `null` when it is the default policy. */
  ruleId: string | null;
  /** The priority the targets are for (the subject's, or the policy's `unprioritised`), `null` if none. */
  priority: Priority | null;
  targets: SlaTargets;
  /** `null`: the workspace calendar. */
  calendar: Calendar | null;
  pauseWhilePendingCustomer: boolean;
}

/**
 * What the rules look at for a cycle: the conversation while the cycle is active; for an ended cycle, the
 * team it ended in and its own organisation (priority, type and tags set while wrapping it up included).
 */
export function slaSubjectOf(conversation: ConversationState, cycle: Cycle | null = null): SlaSubject {
  const last = conversation.cycles.at(-1) ?? null;
  const target = cycle ?? last;
  if (target === null || (target === last && target.end === null)) {
    return {
      team: conversation.team,
      channel: conversation.channel,
      conversationType: conversation.conversationType,
      tags: conversation.tags,
      priority: conversation.priority,
    };
  }
  return {
    team: target.end?.team ?? conversation.team,
    channel: conversation.channel,
    conversationType: target.conversationType,
    tags: target.tags,
    priority: target.priority,
  };
}

/** The SLA in force for `subject` under `config`, or `null` when no rule matches and there is no default. */
export function slaFor(subject: SlaSubject, config: SlaConfig): AppliedSla | null {
  const rule = config.rules.find((candidate) => matchesConditions(candidate.when, subject)) ?? null;
  const policyId = rule?.policyId ?? config.defaultPolicyId;
  const policy = policyId === null ? undefined : config.policies.get(policyId);
  if (policy === undefined) return null;
  return applyPolicy(policy, subject.priority, rule?.id ?? null);
}

/** A policy with the targets for `priority` (a missing priority is measured as the policy's `unprioritised`). */
export function applyPolicy(
  policy: SlaPolicy,
  priority: Priority | null,
  ruleId: string | null = null,
): AppliedSla {
  const effective = priority ?? policy.unprioritised;
  return {
    policyId: policy.id,
    policyName: policy.name,
    ruleId,
    priority: effective,
    targets: effective === null ? NO_TARGETS : policy.byPriority[effective],
    calendar: policy.calendar,
    pauseWhilePendingCustomer: policy.pauseWhilePendingCustomer,
  };
}

/** Whether two applied SLAs measure the same way (same policy, priority, targets, calendar and pause option). */
export function sameSla(a: AppliedSla | null, b: AppliedSla | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.policyId === b.policyId &&
    a.priority === b.priority &&
    a.calendar === b.calendar &&
    a.pauseWhilePendingCustomer === b.pauseWhilePendingCustomer &&
    a.targets.firstResponse === b.targets.firstResponse &&
    a.targets.nextResponse === b.targets.nextResponse &&
    a.targets.resolution === b.targets.resolution
  );
}
