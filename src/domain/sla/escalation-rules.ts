import { PRIORITIES, parsePriority, type Priority } from '../conversation/vocabulary.js';
import { conditionsToSpec, parseConditions, type Conditions, type ConditionsSpec } from './conditions.js';
import { IssueList, isRecord, joinPath, type ConfigIssue, type ConfigParseResult } from './config-issues.js';
import { formatDuration, parseDuration } from './duration.js';
import { SLA_TARGET_KINDS, type SlaTargetKind } from './sla-policy.js';

/**
 * Escalation rules: on a trigger, do something. The document's shape, its parser and its error codes;
 * escalation.ts decides when a rule fires.
 *
 * ```json
 * {"rules": [
 *   {"id": "vip-breach", "when": {"tags": "vip"},
 *    "trigger": {"type": "sla-breached", "targets": ["first-response"]},
 *    "actions": [{"type": "notify", "channel": "in-app", "owner": true, "teams": ["leads"]},
 *                {"type": "reassign", "agent": "lead-maria"}, {"type": "raise-priority", "to": "P0"}]},
 *   {"id": "at-risk", "trigger": {"type": "sla-at-risk", "share": 0.8},
 *    "actions": [{"type": "notify", "channel": "webhook", "target": "ops-pager"}]},
 *   {"id": "angry", "trigger": {"type": "negative-sentiment", "scoreAtMost": -0.5},
 *    "actions": [{"type": "reassign", "team": "tier-2"}]},
 *   {"id": "vip", "trigger": {"type": "tag", "tag": "vip"}, "actions": [{"type": "raise-priority", "to": "P1"}]},
 *   {"id": "silent", "trigger": {"type": "no-reply", "after": "30m"},
 *    "actions": [{"type": "notify", "channel": "in-app", "owner": true}]}
 * ]}
 * ```
 * Triggers: `sla-breached` (optionally only some targets), `sla-at-risk` (`share` of a target's clock elapsed,
 * 0 < share < 1), `negative-sentiment` (a message of the cycle scored at most `scoreAtMost`, on the sentiment
 * scale of −1 … 1), `tag` (the conversation carries it), `no-reply` (a customer turn unanswered for `after`, wall
 * time). Actions: `notify` in-app (the owner, the watchers, named agents or teams) or through a webhook target
 * (an outbound-webhook subscription id), `reassign` to a team (the chat goes back to routing in that team)
 * and/or a named agent (say, the team lead), `raise-priority` to a priority (never lowers it).
 * `when` (optional) limits the rule to conversations matching conditions.ts conditions.
 */

export const ESCALATION_TRIGGER_TYPES = [
  'sla-breached',
  'sla-at-risk',
  'negative-sentiment',
  'tag',
  'no-reply',
] as const;
export type EscalationTriggerType = (typeof ESCALATION_TRIGGER_TYPES)[number];

export type EscalationTriggerSpec =
  | { type: 'sla-breached'; targets?: SlaTargetKind[] }
  | { type: 'sla-at-risk'; share: number; targets?: SlaTargetKind[] }
  | { type: 'negative-sentiment'; scoreAtMost: number }
  | { type: 'tag'; tag: string }
  | { type: 'no-reply'; after: string };

export type EscalationActionSpec =
  | {
      type: 'notify';
      channel: 'in-app';
      owner?: boolean;
      watchers?: boolean;
      agents?: string[];
      teams?: string[];
    }
  | { type: 'notify'; channel: 'webhook'; target: string }
  | { type: 'reassign'; team?: string; agent?: string }
  | { type: 'raise-priority'; to: Priority };

export interface EscalationRuleSpec {
  id: string;
  name?: string;
  /** Default true. */
  enabled?: boolean;
  when?: ConditionsSpec;
  trigger: EscalationTriggerSpec;
  actions: EscalationActionSpec[];
}

export interface EscalationRulesSpec {
  rules: EscalationRuleSpec[];
}

export type EscalationTrigger =
  | { type: 'sla-breached'; targets: readonly SlaTargetKind[] | null }
  | { type: 'sla-at-risk'; share: number; targets: readonly SlaTargetKind[] | null }
  | { type: 'negative-sentiment'; scoreAtMost: number }
  | { type: 'tag'; tag: string }
  | { type: 'no-reply'; afterMs: number };

export type EscalationAction = EscalationActionSpec;

export interface EscalationRule {
  id: string;
  name: string;
  enabled: boolean;
  when: Conditions;
  trigger: EscalationTrigger;
  actions: readonly EscalationAction[];
}

export const ESCALATION_ERROR_CODES = [
  /** the document, or one of its values, has the wrong JSON type */
  'invalid_escalation_rules',
  /** a required field is missing */
  'missing_field',
  /** a field the document does not define (usually a typo) */
  'unknown_field',
  /** a rule id is not 1–64 letters, digits, `-`, `_` or `.` */
  'invalid_id',
  /** two rules share an id */
  'duplicate_id',
  /** `trigger.type` is not one of sla-breached, sla-at-risk, negative-sentiment, tag, no-reply */
  'invalid_trigger',
  /** `share` is not a number strictly between 0 and 1 */
  'invalid_share',
  /** `scoreAtMost` is not a number from −1 to 1 */
  'invalid_score',
  /** `after` is not a duration such as `30m` */
  'invalid_duration',
  /** an SLA target is not first-response, next-response or resolution */
  'invalid_target',
  /** a tag, team, agent or webhook target is not a non-empty string */
  'invalid_name',
  /** an action's type or channel is unknown, or a reassign names neither team nor agent */
  'invalid_action',
  /** a rule has no actions */
  'no_actions',
  /** an in-app notification names nobody to notify */
  'no_recipients',
  /** a priority is not P0, P1, P2 or P3 */
  'invalid_priority',
  /** a `when` condition is malformed or names an unknown type or priority (`when: {}` matches everything) */
  'invalid_condition',
] as const;
export type EscalationErrorCode = (typeof ESCALATION_ERROR_CODES)[number];
export type EscalationIssue = ConfigIssue<EscalationErrorCode>;

export class EscalationRulesError extends Error {
  readonly code: EscalationErrorCode;
  constructor(readonly issues: EscalationIssue[]) {
    super(issues.map((issue) => `${issue.path || 'escalation'}: ${issue.message}`).join('; '));
    this.name = 'EscalationRulesError';
    this.code = issues[0]?.code ?? 'invalid_escalation_rules';
  }
}

type Issues = IssueList<EscalationErrorCode>;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function readName(value: unknown, path: string, issues: Issues, what: string): string | null {
  if (value === undefined) {
    issues.add('missing_field', path, `${what} is required`);
    return null;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    issues.add('invalid_name', path, `${what} must be a non-empty string`);
    return null;
  }
  return value.trim();
}

function readNames(value: unknown, path: string, issues: Issues, what: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.trim() !== '')) {
    issues.add('invalid_name', path, `${what} must be a list of non-empty strings`);
    return undefined;
  }
  return value.map((item: string) => item.trim());
}

function readTargets(value: unknown, path: string, issues: Issues): SlaTargetKind[] | null {
  if (value === undefined) return null;
  const items = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(items) || items.length === 0) {
    issues.add(
      'invalid_target',
      path,
      `"targets" must be a non-empty list of ${SLA_TARGET_KINDS.join(', ')}`,
    );
    return null;
  }
  const bad = items.filter((item) => !(SLA_TARGET_KINDS as readonly unknown[]).includes(item));
  if (bad.length > 0) {
    issues.add(
      'invalid_target',
      path,
      `${bad.map((item) => JSON.stringify(item)).join(', ')} not one of ${SLA_TARGET_KINDS.join(', ')}`,
    );
    return null;
  }
  return items as SlaTargetKind[];
}

function readTrigger(value: unknown, path: string, issues: Issues): EscalationTrigger | null {
  if (!isRecord(value)) {
    issues.add('invalid_escalation_rules', path, 'a trigger must be an object {"type", ...}');
    return null;
  }
  const field = (name: string) => joinPath(path, name);
  switch (value.type) {
    case 'sla-breached':
      issues.checkKeys(value, ['type', 'targets'], path);
      return { type: 'sla-breached', targets: readTargets(value.targets, field('targets'), issues) };
    case 'sla-at-risk': {
      issues.checkKeys(value, ['type', 'share', 'targets'], path);
      const share = value.share;
      const targets = readTargets(value.targets, field('targets'), issues);
      if (typeof share !== 'number' || !(share > 0 && share < 1)) {
        issues.add(
          'invalid_share',
          field('share'),
          `${JSON.stringify(share)} is not a share of the target strictly between 0 and 1 (0.8 = 80 %)`,
        );
        return null;
      }
      return { type: 'sla-at-risk', share, targets };
    }
    case 'negative-sentiment': {
      issues.checkKeys(value, ['type', 'scoreAtMost'], path);
      const score = value.scoreAtMost;
      if (typeof score !== 'number' || !(score >= -1 && score <= 1)) {
        issues.add(
          'invalid_score',
          field('scoreAtMost'),
          `${JSON.stringify(score)} is not a score from -1 to 1`,
        );
        return null;
      }
      return { type: 'negative-sentiment', scoreAtMost: score };
    }
    case 'tag': {
      issues.checkKeys(value, ['type', 'tag'], path);
      const tag = readName(value.tag, field('tag'), issues, '"tag"');
      return tag === null ? null : { type: 'tag', tag };
    }
    case 'no-reply': {
      issues.checkKeys(value, ['type', 'after'], path);
      if (value.after === undefined) {
        issues.add('missing_field', field('after'), '"after" is required (a duration such as "30m")');
        return null;
      }
      const after = parseDuration(value.after);
      if (!after.ok) {
        issues.add('invalid_duration', field('after'), after.message);
        return null;
      }
      return { type: 'no-reply', afterMs: after.ms };
    }
    default:
      issues.add(
        value.type === undefined ? 'missing_field' : 'invalid_trigger',
        field('type'),
        `${value.type === undefined ? 'missing' : JSON.stringify(value.type)}: a trigger type is one of ${ESCALATION_TRIGGER_TYPES.join(', ')}`,
      );
      return null;
  }
}

function readAction(value: unknown, path: string, issues: Issues): EscalationAction | null {
  if (!isRecord(value)) {
    issues.add('invalid_escalation_rules', path, 'an action must be an object {"type", ...}');
    return null;
  }
  const field = (name: string) => joinPath(path, name);
  const before = issues.count;
  switch (value.type) {
    case 'notify': {
      if (value.channel === 'webhook') {
        issues.checkKeys(value, ['type', 'channel', 'target'], path);
        const target = readName(
          value.target,
          field('target'),
          issues,
          '"target" (a webhook subscription id)',
        );
        return target === null ? null : { type: 'notify', channel: 'webhook', target };
      }
      if (value.channel !== 'in-app') {
        issues.add(
          'invalid_action',
          field('channel'),
          `${JSON.stringify(value.channel)}: channel is "in-app" or "webhook"`,
        );
        return null;
      }
      issues.checkKeys(value, ['type', 'channel', 'owner', 'watchers', 'agents', 'teams'], path);
      for (const flag of ['owner', 'watchers'] as const) {
        if (value[flag] !== undefined && typeof value[flag] !== 'boolean') {
          issues.add('invalid_escalation_rules', field(flag), `"${flag}" must be true or false`);
        }
      }
      const agents = readNames(value.agents, field('agents'), issues, '"agents"');
      const teams = readNames(value.teams, field('teams'), issues, '"teams"');
      const action = {
        type: 'notify' as const,
        channel: 'in-app' as const,
        ...(value.owner === true ? { owner: true } : {}),
        ...(value.watchers === true ? { watchers: true } : {}),
        ...(agents !== undefined && agents.length > 0 ? { agents } : {}),
        ...(teams !== undefined && teams.length > 0 ? { teams } : {}),
      };
      if (issues.count > before) return null;
      if (!action.owner && !action.watchers && action.agents === undefined && action.teams === undefined) {
        issues.add(
          'no_recipients',
          path,
          'name whom to notify: "owner": true, "watchers": true, "agents" or "teams"',
        );
        return null;
      }
      return action;
    }
    case 'reassign': {
      issues.checkKeys(value, ['type', 'team', 'agent'], path);
      const team =
        value.team === undefined ? undefined : readName(value.team, field('team'), issues, '"team"');
      const agent =
        value.agent === undefined ? undefined : readName(value.agent, field('agent'), issues, '"agent"');
      if (team === undefined && agent === undefined) {
        issues.add(
          'invalid_action',
          path,
          'a reassign names a "team", an "agent" (such as the team lead), or both',
        );
      }
      if (issues.count > before) return null;
      return { type: 'reassign', ...(team ? { team } : {}), ...(agent ? { agent } : {}) };
    }
    case 'raise-priority': {
      issues.checkKeys(value, ['type', 'to'], path);
      const to = parsePriority(value.to);
      if (to === null) {
        issues.add(
          value.to === undefined ? 'missing_field' : 'invalid_priority',
          field('to'),
          `"to" must be one of ${PRIORITIES.join(', ')}`,
        );
        return null;
      }
      return { type: 'raise-priority', to };
    }
    default:
      issues.add(
        value.type === undefined ? 'missing_field' : 'invalid_action',
        field('type'),
        `${value.type === undefined ? 'missing' : JSON.stringify(value.type)}: an action type is notify, reassign or raise-priority`,
      );
      return null;
  }
}

function triggerToSpec(trigger: EscalationTrigger): EscalationTriggerSpec {
  switch (trigger.type) {
    case 'sla-breached':
      return trigger.targets === null
        ? { type: trigger.type }
        : { type: trigger.type, targets: [...trigger.targets] };
    case 'sla-at-risk':
      return trigger.targets === null
        ? { type: trigger.type, share: trigger.share }
        : { type: trigger.type, share: trigger.share, targets: [...trigger.targets] };
    case 'no-reply':
      return { type: 'no-reply', after: formatDuration(trigger.afterMs) };
    default:
      return trigger;
  }
}

/** Validates an escalation rules document `{"rules": [...]}`, collecting every issue. */
export function parseEscalationRules(
  input: unknown,
): ConfigParseResult<{ rules: EscalationRule[]; spec: EscalationRulesSpec }, EscalationErrorCode> {
  const issues: Issues = new IssueList<EscalationErrorCode>('unknown_field');
  if (!isRecord(input) || !Array.isArray(input.rules)) {
    issues.add(
      'invalid_escalation_rules',
      isRecord(input) ? 'rules' : '',
      'escalation settings are {"rules": [...]}',
    );
    return { ok: false, errors: issues.issues };
  }
  issues.checkKeys(input, ['rules'], '');
  const rules: EscalationRule[] = [];
  const seen = new Set<string>();
  input.rules.forEach((raw: unknown, index) => {
    const path = `rules[${index}]`;
    if (!isRecord(raw)) {
      issues.add(
        'invalid_escalation_rules',
        path,
        'a rule must be an object {"id", "trigger", "actions", ...}',
      );
      return;
    }
    issues.checkKeys(raw, ['id', 'name', 'enabled', 'when', 'trigger', 'actions'], path);
    const before = issues.count;
    let id: string | null = null;
    if (raw.id === undefined) issues.add('missing_field', joinPath(path, 'id'), '"id" is required');
    else if (typeof raw.id !== 'string' || !ID_PATTERN.test(raw.id)) {
      issues.add(
        'invalid_id',
        joinPath(path, 'id'),
        `${JSON.stringify(raw.id)} is not an id (1–64 letters, digits, "-", "_", ".")`,
      );
    } else if (seen.has(raw.id)) {
      issues.add('duplicate_id', joinPath(path, 'id'), `another rule already has the id "${raw.id}"`);
    } else {
      id = raw.id;
      seen.add(id);
    }
    if (raw.name !== undefined && typeof raw.name !== 'string') {
      issues.add('invalid_escalation_rules', joinPath(path, 'name'), '"name" must be a string');
    }
    if (raw.enabled !== undefined && typeof raw.enabled !== 'boolean') {
      issues.add('invalid_escalation_rules', joinPath(path, 'enabled'), '"enabled" must be true or false');
    }
    const when = parseConditions(
      raw.when,
      joinPath(path, 'when'),
      issues,
      { invalid: 'invalid_condition', empty: 'invalid_condition' },
      { allowEmpty: true },
    );
    let trigger: EscalationTrigger | null = null;
    if (raw.trigger === undefined)
      issues.add('missing_field', joinPath(path, 'trigger'), '"trigger" is required');
    else trigger = readTrigger(raw.trigger, joinPath(path, 'trigger'), issues);
    const actions: EscalationAction[] = [];
    if (raw.actions === undefined)
      issues.add('missing_field', joinPath(path, 'actions'), '"actions" is required');
    else if (!Array.isArray(raw.actions)) {
      issues.add('invalid_escalation_rules', joinPath(path, 'actions'), '"actions" must be a list');
    } else if (raw.actions.length === 0) {
      issues.add('no_actions', joinPath(path, 'actions'), 'a rule needs at least one action');
    } else {
      raw.actions.forEach((action: unknown, actionIndex) => {
        const parsed = readAction(action, `${path}.actions[${actionIndex}]`, issues);
        if (parsed !== null) actions.push(parsed);
      });
    }
    if (id === null || trigger === null || issues.count > before) return;
    rules.push({
      id,
      name: typeof raw.name === 'string' ? raw.name : id,
      enabled: raw.enabled !== false,
      when,
      trigger,
      actions,
    });
  });
  if (issues.count > 0) return { ok: false, errors: issues.issues };
  return {
    ok: true,
    value: {
      rules,
      spec: {
        rules: rules.map((rule) => ({
          id: rule.id,
          name: rule.name,
          enabled: rule.enabled,
          when: conditionsToSpec(rule.when),
          trigger: triggerToSpec(rule.trigger),
          actions: [...rule.actions],
        })),
      },
    },
  };
}

/** {@link parseEscalationRules} for documents known to be valid; throws {@link EscalationRulesError}. */
export function escalationRules(spec: EscalationRulesSpec): EscalationRule[] {
  const result = parseEscalationRules(spec);
  if (!result.ok) throw new EscalationRulesError(result.errors);
  return result.value.rules;
}
