import type { Calendar, CalendarSpec } from '../calendar/index.js';
import type { Priority } from '../conversation/vocabulary.js';
import type { Conditions, ConditionsSpec } from './conditions.js';
import { HOUR_MS, MINUTE_MS } from './duration.js';

/**
 * SLA policies: what a conversation is promised, and which promise applies to which conversation.
 *
 * A policy holds up to three targets per priority, counted on a calendar:
 * - **first response**: from the moment the cycle started waiting for a human (its first customer message,
 *   or the bot → agent handoff when it began with a bot) to the first reply by a human agent;
 * - **next response**: for each customer turn that begins after that first human reply, from the turn's
 *   first (oldest unanswered) message to the next reply;
 * - **resolution**: from the start of the cycle to its end (resolved, closed-won, closed-lost).
 * Targets count business time of the policy's calendar (or of the workspace calendar, the default), and
 * optionally stop while the conversation is `pending-customer`. evaluate-sla.ts has the exact rules.
 *
 * Default targets by priority (DESIGN.md "Organisation": P0 5 min, P1 1 h, P2 24 h, P3 none):
 * - next response = first response: a customer waiting on an answer waits the same whether it is their first
 *   message or their fifth, and one number per priority is easy to explain to the team;
 * - no resolution target: how long a case may take depends on the business (a sales conversation runs for
 *   weeks), and a made-up default would fill the timeline with breaches nobody agreed to. A workspace opts in;
 * - a conversation without a priority is measured as P2, the "normal" priority, so that SLA compliance means
 *   something in a workspace that never sets priorities. `unprioritised: null` turns that off.
 */

export const SLA_TARGET_KINDS = ['first-response', 'next-response', 'resolution'] as const;
export type SlaTargetKind = (typeof SLA_TARGET_KINDS)[number];

/** Target durations in milliseconds of the policy's clock; `null` = no target. */
export interface SlaTargets {
  firstResponse: number | null;
  nextResponse: number | null;
  resolution: number | null;
}

export const TARGET_FIELDS = ['firstResponse', 'nextResponse', 'resolution'] as const;
export type TargetField = (typeof TARGET_FIELDS)[number];

export const fieldOfTarget = (kind: SlaTargetKind): TargetField =>
  kind === 'first-response' ? 'firstResponse' : kind === 'next-response' ? 'nextResponse' : 'resolution';

export const NO_TARGETS: SlaTargets = Object.freeze({
  firstResponse: null,
  nextResponse: null,
  resolution: null,
});

export const DEFAULT_PRIORITY_TARGETS: Readonly<Record<Priority, SlaTargets>> = Object.freeze({
  P0: { firstResponse: 5 * MINUTE_MS, nextResponse: 5 * MINUTE_MS, resolution: null },
  P1: { firstResponse: HOUR_MS, nextResponse: HOUR_MS, resolution: null },
  P2: { firstResponse: 24 * HOUR_MS, nextResponse: 24 * HOUR_MS, resolution: null },
  P3: NO_TARGETS,
});

/** The priority a conversation without one is measured as, unless a policy says otherwise. */
export const DEFAULT_UNPRIORITISED: Priority = 'P2';

// ---- The stored (JSON) form ------------------------------------------------------------------------

/** Durations as text (`5m`, `1h30m`; see duration.ts); `null` = explicitly no target. */
export interface SlaTargetsSpec {
  firstResponse?: string | null;
  nextResponse?: string | null;
  resolution?: string | null;
}

export interface SlaPolicySpec {
  /** Stable id, referenced by rules and recorded on every breach: letters, digits, `-`, `_`, `.`. */
  id: string;
  name?: string;
  /** `workspace` (default): the workspace's calendar; or a calendar of its own (calendar-spec.ts). */
  calendar?: 'workspace' | CalendarSpec;
  /** Stop every clock of this policy while the conversation is `pending-customer`. Default false. */
  pauseWhilePendingCustomer?: boolean;
  /** The priority a conversation without one is measured as; `null` = no targets. Default P2. */
  unprioritised?: Priority | null;
  /** Targets for every priority. */
  targets?: SlaTargetsSpec;
  /** Per-priority targets; a field set here (even to `null`) overrides the same field of `targets`. */
  byPriority?: Partial<Record<Priority, SlaTargetsSpec>>;
}

export interface SlaRuleSpec {
  /** Optional name for messages and the policy's `ruleId`; default `rules[<index>]`. */
  id?: string;
  when: ConditionsSpec;
  /** The id of the policy this rule chooses. */
  policy: string;
}

export interface SlaConfigSpec {
  policies: SlaPolicySpec[];
  /** Tried in order; the first rule whose conditions match chooses the policy. */
  rules?: SlaRuleSpec[];
  /** The policy of conversations no rule matches; `null` or absent = no SLA for them. */
  defaultPolicy?: string | null;
}

// ---- The validated form ----------------------------------------------------------------------------

export interface SlaPolicy {
  readonly id: string;
  readonly name: string;
  /** `null`: the workspace calendar given to `evaluateSla`. */
  readonly calendar: Calendar | null;
  readonly pauseWhilePendingCustomer: boolean;
  readonly unprioritised: Priority | null;
  /** Targets resolved per priority (`byPriority` over `targets`). */
  readonly byPriority: Readonly<Record<Priority, SlaTargets>>;
}

export interface SlaRule {
  readonly id: string;
  readonly when: Conditions;
  readonly policyId: string;
}

/** Policies, rules and default, as `parseSlaConfig` validated them. */
export interface SlaConfig {
  readonly policies: ReadonlyMap<string, SlaPolicy>;
  readonly rules: readonly SlaRule[];
  readonly defaultPolicyId: string | null;
  /** The normalised spec (durations and names canonical), for storage and display. */
  readonly spec: SlaConfigSpec;
}

/** The default: one policy, the DESIGN.md targets by priority on the workspace calendar, for everyone. */
export const DEFAULT_SLA_CONFIG_SPEC: SlaConfigSpec = {
  policies: [
    {
      id: 'default',
      name: 'Default targets by priority',
      calendar: 'workspace',
      pauseWhilePendingCustomer: false,
      unprioritised: DEFAULT_UNPRIORITISED,
      byPriority: {
        P0: { firstResponse: '5m', nextResponse: '5m', resolution: null },
        P1: { firstResponse: '1h', nextResponse: '1h', resolution: null },
        P2: { firstResponse: '24h', nextResponse: '24h', resolution: null },
        P3: { firstResponse: null, nextResponse: null, resolution: null },
      },
    },
  ],
  rules: [],
  defaultPolicy: 'default',
};
