import type { JsonObject } from '../events.js';
import type { ConversationState, Cycle } from '../conversation/conversation-state.js';
import { draftFor, type EventDraft } from '../conversation/event-draft.js';
import { PRIORITIES, type Priority } from '../conversation/vocabulary.js';
import { matchesConditions } from './conditions.js';
import type { SlaState, SlaTargetState } from './evaluate-sla.js';
import type { EscalationAction, EscalationRule, EscalationTriggerType } from './escalation-rules.js';
import { slaSubjectOf } from './select-policy.js';
import { atRiskMoment } from './sla-events.js';

/**
 * When escalation rules fire (escalation-rules.ts has the rules' shape). Pure: `escalationsDue` looks at the
 * conversation's active cycle, its SLA state, the sentiment scores of its messages and `now`, and returns
 * what has to happen, each firing **once per trigger instance**:
 *
 * | trigger              | instance (one firing each)                      | dated at                       |
 * |----------------------|-------------------------------------------------|--------------------------------|
 * | `sla-breached`       | each missed SLA target instance                 | its `breachedAt`               |
 * | `sla-at-risk`        | each SLA target instance still running at share | when the share had elapsed     |
 * | `negative-sentiment` | the cycle (its first message at or below score) | that message                   |
 * | `tag`                | the cycle, while it carries the tag             | `now` (the evaluation after the tag event) |
 * | `no-reply`           | each customer turn unanswered for `after`       | turn start + `after`           |
 *
 * Key of a firing: `escalation:<ruleId>:<conversationId>:<cycle>:<instance>` — the idempotency key of its
 * `escalation.fired` event, so two scheduler nodes append it once and `alreadyFired` (the keys in the ledger)
 * stops it from firing again. Only the active cycle escalates: once a cycle ends nothing more fires for it.
 * `sla-at-risk` and `no-reply` describe a wait that is still going on, so they fire only while it is (a
 * scheduler that was down until after the reply does not page anyone about it); the others are facts and
 * fire whenever they are noticed, with their true time.
 *
 * Events of a firing (actor `{type: "system", id: "escalation"}`):
 * - `escalation.fired` {chatId?, ruleId, ruleName, trigger, instance, cycle, triggeredAt, details, actions}
 *   dated at the trigger moment: the timeline entry, and what in-app notifications and webhook subscriptions
 *   (`notify` actions are listed in `actions`) deliver;
 * - `chat.assigned` {agentId?, teamId?, assignedBy: "escalation", reason: "escalation:<ruleId>"} for a
 *   reassign that changes something (a team alone clears the owner: the chat goes to that team's routing);
 * - `chat.priority_changed` {priority, reason} for a raise that raises.
 * Actions are dated `max(now, last activity + 1 ms)`: when they are taken, after everything they react to.
 */

/** A sentiment score of one customer message, normalised to −1 (negative) … 1 (positive). */
export interface SentimentReading {
  at: number;
  score: number;
  messageId?: string | null;
}

export interface EscalationFiring {
  key: string;
  ruleId: string;
  trigger: EscalationTriggerType;
  /** What fired within the cycle: `breach:first-response`, `at-risk:next-response@…`, `sentiment`, `tag:vip`, `no-reply@…`. */
  instance: string;
  /** The trigger moment. */
  at: number;
  /** `escalation.fired` first, then the action events. */
  events: EventDraft[];
}

export const ESCALATION_FIRED = 'escalation.fired';
const ESCALATION_ACTOR = { type: 'system', id: 'escalation' } as const;

export const escalationKey = (
  ruleId: string,
  conversationId: string,
  cycleIndex: number,
  instance: string,
): string => `escalation:${ruleId}:${conversationId}:${cycleIndex}:${instance}`;

interface Occurrence {
  instance: string;
  at: number;
  details: JsonObject;
}

const activeCycleOf = (conversation: ConversationState): Cycle | null => {
  const cycle = conversation.cycles.at(-1) ?? null;
  return cycle !== null && cycle.end === null ? cycle : null;
};

const targetDetails = (target: SlaTargetState): JsonObject => ({
  target: target.target,
  targetKey: target.key,
  policyId: target.policyId,
  priority: target.priority,
  dueAt: target.dueAt,
});

const slaTargetsOf = (state: SlaState | null, cycle: Cycle, kinds: readonly string[] | null) =>
  state === null || state.cycleIndex !== cycle.index
    ? []
    : state.targets.filter((target) => kinds === null || kinds.includes(target.target));

/** The trigger instances of `rule` that have occurred by `now` (fired or not). */
function occurrences(
  rule: EscalationRule,
  conversation: ConversationState,
  cycle: Cycle,
  sla: SlaState | null,
  sentiment: readonly SentimentReading[],
  now: number,
): Occurrence[] {
  const trigger = rule.trigger;
  switch (trigger.type) {
    case 'sla-breached':
      return slaTargetsOf(sla, cycle, trigger.targets).flatMap((target) =>
        target.status === 'missed' && target.breachedAt !== null && target.breachedAt <= now
          ? [{ instance: `breach:${target.key}`, at: target.breachedAt, details: targetDetails(target) }]
          : [],
      );
    case 'sla-at-risk':
      return slaTargetsOf(sla, cycle, trigger.targets).flatMap((target) => {
        if (target.status !== 'active') return [];
        const at = atRiskMoment(target, trigger.share);
        return at === null || at > now
          ? []
          : [
              {
                instance: `at-risk:${target.key}`,
                at,
                details: { ...targetDetails(target), share: trigger.share },
              },
            ];
      });
    case 'negative-sentiment': {
      const first = sentiment
        .filter(
          (reading) =>
            reading.at >= cycle.startedAt && reading.at <= now && reading.score <= trigger.scoreAtMost,
        )
        .sort((a, b) => a.at - b.at)[0];
      return first === undefined
        ? []
        : [
            {
              instance: 'sentiment',
              at: first.at,
              details: {
                score: first.score,
                messageId: first.messageId ?? null,
                scoreAtMost: trigger.scoreAtMost,
              },
            },
          ];
    }
    case 'tag':
      return conversation.tags.includes(trigger.tag)
        ? [{ instance: `tag:${trigger.tag}`, at: now, details: { tag: trigger.tag } }]
        : [];
    case 'no-reply': {
      const turn = cycle.turns.at(-1);
      if (turn === undefined || (turn.replyAt !== null && turn.replyAt <= now)) return [];
      const at = turn.from + trigger.afterMs;
      return at > now
        ? []
        : [
            {
              instance: `no-reply@${turn.from}`,
              at,
              details: { turnStartedAt: turn.from, afterMs: trigger.afterMs },
            },
          ];
    }
  }
}

const urgency = (priority: Priority | null): number =>
  priority === null ? PRIORITIES.length : PRIORITIES.indexOf(priority);

function actionEvents(
  conversation: ConversationState,
  rule: EscalationRule,
  key: string,
  actions: readonly EscalationAction[],
  at: number,
): EventDraft[] {
  const drafts: EventDraft[] = [];
  const meta = (suffix: string) => ({ idempotencyKey: `${key}:${suffix}`, at, actor: ESCALATION_ACTOR });
  const reason = `escalation:${rule.id}`;
  for (const action of actions) {
    if (action.type === 'reassign') {
      const team = action.team ?? conversation.team;
      const agent = action.agent ?? (action.team !== undefined ? null : (conversation.owner?.id ?? null));
      const changes = team !== conversation.team || agent !== (conversation.owner?.id ?? null);
      if (!changes) continue;
      drafts.push(
        draftFor(
          conversation,
          'chat.assigned',
          {
            agentId: agent,
            ...(action.team !== undefined ? { teamId: action.team } : {}),
            assignedBy: 'escalation',
            reason,
          },
          meta('reassign'),
        ),
      );
    } else if (action.type === 'raise-priority' && urgency(action.to) < urgency(conversation.priority)) {
      drafts.push(
        draftFor(conversation, 'chat.priority_changed', { priority: action.to, reason }, meta('priority')),
      );
    }
  }
  return drafts;
}

/**
 * The escalations due for `conversation` at `now` that are not in `alreadyFired`, oldest trigger first.
 * `sla` is the SLA state of its active cycle (evaluate-sla.ts), `sentiment` the scores of its customer
 * messages (any order; those outside the cycle are ignored).
 */
export function escalationsDue(
  rules: readonly EscalationRule[],
  conversation: ConversationState,
  sla: SlaState | null,
  sentiment: readonly SentimentReading[],
  now: number,
  alreadyFired: ReadonlySet<string> = new Set(),
): EscalationFiring[] {
  const cycle = activeCycleOf(conversation);
  if (cycle === null) return [];
  const subject = slaSubjectOf(conversation);
  const actionsAt = Math.max(now, conversation.lastActivityAt + 1);
  const firings: EscalationFiring[] = [];
  for (const rule of rules) {
    if (!rule.enabled || !matchesConditions(rule.when, subject)) continue;
    for (const occurrence of occurrences(rule, conversation, cycle, sla, sentiment, now)) {
      const key = escalationKey(rule.id, conversation.id, cycle.index, occurrence.instance);
      if (alreadyFired.has(key)) continue;
      const fired = draftFor(
        conversation,
        ESCALATION_FIRED,
        {
          ruleId: rule.id,
          ruleName: rule.name,
          trigger: rule.trigger.type,
          instance: occurrence.instance,
          cycle: cycle.index,
          triggeredAt: occurrence.at,
          details: occurrence.details,
          actions: rule.actions.map((action) => ({ ...action }) as JsonObject),
        },
        { idempotencyKey: key, at: occurrence.at, actor: ESCALATION_ACTOR },
      );
      firings.push({
        key,
        ruleId: rule.id,
        trigger: rule.trigger.type,
        instance: occurrence.instance,
        at: occurrence.at,
        events: [fired, ...actionEvents(conversation, rule, key, rule.actions, actionsAt)],
      });
    }
  }
  return firings.sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The earliest moment after `now` at which a rule can fire without another event (an SLA due time, an at-risk
 * moment, a turn's no-reply moment): the escalation timer to arm. `null` when none. Sentiment and tags arrive
 * with events, which trigger an evaluation anyway.
 */
export function nextEscalationAt(
  rules: readonly EscalationRule[],
  conversation: ConversationState,
  sla: SlaState | null,
  now: number,
): number | null {
  const cycle = activeCycleOf(conversation);
  if (cycle === null) return null;
  const subject = slaSubjectOf(conversation);
  let next: number | null = null;
  const consider = (at: number | null) => {
    if (at !== null && at > now && (next === null || at < next)) next = at;
  };
  for (const rule of rules) {
    if (!rule.enabled || !matchesConditions(rule.when, subject)) continue;
    const trigger = rule.trigger;
    if (trigger.type === 'sla-breached' || trigger.type === 'sla-at-risk') {
      for (const target of slaTargetsOf(sla, cycle, trigger.targets)) {
        if (target.status !== 'active') continue;
        consider(trigger.type === 'sla-breached' ? target.dueAt : atRiskMoment(target, trigger.share));
      }
    } else if (trigger.type === 'no-reply') {
      const turn = cycle.turns.at(-1);
      if (turn !== undefined && (turn.replyAt === null || turn.replyAt > now))
        consider(turn.from + trigger.afterMs);
    }
  }
  return next;
}
