import { calendarToSpec, parseCalendar } from '../calendar/index.js';
import { PRIORITIES, parsePriority, type Priority } from '../conversation/vocabulary.js';
import { conditionsToSpec, parseConditions } from './conditions.js';
import { IssueList, isRecord, joinPath, type ConfigIssue, type ConfigParseResult } from './config-issues.js';
import { formatDuration, parseDuration } from './duration.js';
import {
  DEFAULT_SLA_CONFIG_SPEC,
  DEFAULT_UNPRIORITISED,
  TARGET_FIELDS,
  type SlaConfig,
  type SlaConfigSpec,
  type SlaPolicy,
  type SlaPolicySpec,
  type SlaRule,
  type SlaRuleSpec,
  type SlaTargets,
  type SlaTargetsSpec,
  type TargetField,
} from './sla-policy.js';

/**
 * The parser of SLA settings (sla-policy.ts has the document's shape): it validates a whole document and
 * reports every problem with a stable code and a path, or returns the {@link SlaConfig} the pure functions
 * take. Codes are part of the public API (the settings endpoint answers them as `{code, message, details}`).
 */

export const SLA_ERROR_CODES = [
  /** the document, or one of its values, has the wrong JSON type */
  'invalid_sla_config',
  /** a required field is missing */
  'missing_field',
  /** a field the document does not define (usually a typo) */
  'unknown_field',
  /** a policy or rule id is not 1–64 letters, digits, `-`, `_` or `.` */
  'invalid_id',
  /** two policies, or two rules, share an id */
  'duplicate_id',
  /** a target is not a duration such as `5m` or `1h30m`, or `null` */
  'invalid_duration',
  /** a priority is not P0, P1, P2 or P3 */
  'invalid_priority',
  /** a policy's calendar is not `workspace` or a valid calendar spec (the message names the calendar's own code) */
  'invalid_calendar',
  /** a rule condition is not a string or a non-empty list of them, or names an unknown type or priority */
  'invalid_condition',
  /** a rule has no condition; use `defaultPolicy` for the policy of everything else */
  'empty_conditions',
  /** a rule or `defaultPolicy` names a policy that is not defined */
  'unknown_policy',
] as const;
export type SlaErrorCode = (typeof SLA_ERROR_CODES)[number];
export type SlaConfigIssue = ConfigIssue<SlaErrorCode>;

/** Thrown by {@link slaConfig}; carries every issue found. */
export class SlaConfigError extends Error {
  readonly code: SlaErrorCode;
  constructor(readonly issues: SlaConfigIssue[]) {
    super(issues.map((issue) => `${issue.path || 'sla'}: ${issue.message}`).join('; '));
    this.name = 'SlaConfigError';
    this.code = issues[0]?.code ?? 'invalid_sla_config';
  }
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function readId(
  value: unknown,
  path: string,
  issues: IssueList<SlaErrorCode>,
  what: string,
): string | null {
  if (value === undefined) {
    issues.add('missing_field', path, `"id" is required: a stable name for the ${what}`);
    return null;
  }
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    issues.add(
      'invalid_id',
      path,
      `${JSON.stringify(value)} is not an id (1–64 letters, digits, "-", "_" or ".", starting with a letter or digit)`,
    );
    return null;
  }
  return value;
}

type ParsedTargets = Partial<Record<TargetField, number | null>>;

function readTargets(value: unknown, path: string, issues: IssueList<SlaErrorCode>): ParsedTargets {
  const targets: ParsedTargets = {};
  if (!isRecord(value)) {
    issues.add(
      'invalid_sla_config',
      path,
      'targets must be an object {"firstResponse"?, "nextResponse"?, "resolution"?} of durations such as "1h"',
    );
    return targets;
  }
  issues.checkKeys(value, TARGET_FIELDS, path);
  for (const field of TARGET_FIELDS) {
    const raw = value[field];
    if (raw === undefined) continue;
    if (raw === null) {
      targets[field] = null;
      continue;
    }
    const duration = parseDuration(raw);
    if (duration.ok) targets[field] = duration.ms;
    else issues.add('invalid_duration', joinPath(path, field), `${duration.message}, or null for no target`);
  }
  return targets;
}

const targetsToSpec = (targets: SlaTargets): SlaTargetsSpec => ({
  firstResponse: targets.firstResponse === null ? null : formatDuration(targets.firstResponse),
  nextResponse: targets.nextResponse === null ? null : formatDuration(targets.nextResponse),
  resolution: targets.resolution === null ? null : formatDuration(targets.resolution),
});

function readPolicy(
  value: unknown,
  path: string,
  issues: IssueList<SlaErrorCode>,
): { policy: SlaPolicy; spec: SlaPolicySpec } | null {
  if (!isRecord(value)) {
    issues.add(
      'invalid_sla_config',
      path,
      'a policy must be an object {"id", "targets"?, "byPriority"?, ...}',
    );
    return null;
  }
  issues.checkKeys(
    value,
    ['id', 'name', 'calendar', 'pauseWhilePendingCustomer', 'unprioritised', 'targets', 'byPriority'],
    path,
  );
  const before = issues.count;
  const id = readId(value.id, joinPath(path, 'id'), issues, 'policy');
  const name = value.name ?? id;
  if (typeof name !== 'string' && name !== null) {
    issues.add('invalid_sla_config', joinPath(path, 'name'), '"name" must be a string');
  }
  let calendar: SlaPolicy['calendar'] = null;
  if (value.calendar !== undefined && value.calendar !== 'workspace') {
    const parsed = parseCalendar(value.calendar);
    if (parsed.ok) calendar = parsed.value;
    else {
      for (const issue of parsed.errors) {
        issues.add(
          'invalid_calendar',
          issue.path ? joinPath(joinPath(path, 'calendar'), issue.path) : joinPath(path, 'calendar'),
          `${issue.message} (calendar error ${issue.code}; or "workspace" for the workspace calendar)`,
        );
      }
    }
  }
  const pause = value.pauseWhilePendingCustomer ?? false;
  if (typeof pause !== 'boolean') {
    issues.add('invalid_sla_config', joinPath(path, 'pauseWhilePendingCustomer'), 'must be true or false');
  }
  let unprioritised: Priority | null = DEFAULT_UNPRIORITISED;
  if (value.unprioritised === null) unprioritised = null;
  else if (value.unprioritised !== undefined) {
    unprioritised = parsePriority(value.unprioritised);
    if (unprioritised === null) {
      issues.add(
        'invalid_priority',
        joinPath(path, 'unprioritised'),
        `${JSON.stringify(value.unprioritised)} is not P0, P1, P2 or P3 (or null for no targets)`,
      );
    }
  }
  const common =
    value.targets === undefined ? {} : readTargets(value.targets, joinPath(path, 'targets'), issues);
  const perPriority: Partial<Record<Priority, ParsedTargets>> = {};
  if (value.byPriority !== undefined) {
    const byPath = joinPath(path, 'byPriority');
    if (!isRecord(value.byPriority)) {
      issues.add('invalid_sla_config', byPath, 'must be an object keyed by priority (P0 … P3)');
    } else {
      for (const [key, targets] of Object.entries(value.byPriority)) {
        if (!(PRIORITIES as readonly string[]).includes(key)) {
          issues.add(
            'invalid_priority',
            joinPath(byPath, key),
            `"${key}" is not a priority (P0, P1, P2 or P3)`,
          );
          continue;
        }
        perPriority[key as Priority] = readTargets(targets, joinPath(byPath, key), issues);
      }
    }
  }
  if (id === null || issues.count > before) return null;
  const byPriority = Object.fromEntries(
    PRIORITIES.map((priority) => {
      const own = perPriority[priority] ?? {};
      const resolved = Object.fromEntries(
        TARGET_FIELDS.map((field) => [
          field,
          own[field] !== undefined ? own[field] : (common[field] ?? null),
        ]),
      ) as unknown as SlaTargets;
      return [priority, Object.freeze(resolved)];
    }),
  ) as Record<Priority, SlaTargets>;
  const policy: SlaPolicy = {
    id,
    name: typeof name === 'string' ? name : id,
    calendar,
    pauseWhilePendingCustomer: pause === true,
    unprioritised,
    byPriority,
  };
  const spec: SlaPolicySpec = {
    id,
    name: policy.name,
    calendar: calendar === null ? 'workspace' : calendarToSpec(calendar),
    pauseWhilePendingCustomer: policy.pauseWhilePendingCustomer,
    unprioritised,
    byPriority: Object.fromEntries(
      PRIORITIES.map((priority) => [priority, targetsToSpec(byPriority[priority])]),
    ),
  };
  return { policy, spec };
}

function readRule(
  value: unknown,
  index: number,
  issues: IssueList<SlaErrorCode>,
): { rule: SlaRule; spec: SlaRuleSpec } | null {
  const path = `rules[${index}]`;
  if (!isRecord(value)) {
    issues.add(
      'invalid_sla_config',
      path,
      'a rule must be an object {"when": {...}, "policy": "<policy id>"}',
    );
    return null;
  }
  issues.checkKeys(value, ['id', 'when', 'policy'], path);
  const before = issues.count;
  const id = value.id === undefined ? path : readId(value.id, joinPath(path, 'id'), issues, 'rule');
  if (value.when === undefined) issues.add('missing_field', joinPath(path, 'when'), '"when" is required');
  const when = parseConditions(
    value.when ?? {},
    joinPath(path, 'when'),
    issues,
    { invalid: 'invalid_condition', empty: 'empty_conditions' },
    { allowEmpty: false },
  );
  let policyId: string | null = null;
  if (value.policy === undefined)
    issues.add('missing_field', joinPath(path, 'policy'), '"policy" is required');
  else if (typeof value.policy !== 'string') {
    issues.add('invalid_sla_config', joinPath(path, 'policy'), '"policy" must be a policy id');
  } else policyId = value.policy;
  if (id === null || policyId === null || issues.count > before) return null;
  return {
    rule: { id, when, policyId },
    spec: { ...(value.id === undefined ? {} : { id }), when: conditionsToSpec(when), policy: policyId },
  };
}

/** Validates an SLA settings document, collecting every issue rather than stopping at the first. */
export function parseSlaConfig(input: unknown): ConfigParseResult<SlaConfig, SlaErrorCode> {
  const issues = new IssueList<SlaErrorCode>('unknown_field');
  if (!isRecord(input)) {
    issues.add(
      'invalid_sla_config',
      '',
      'SLA settings must be an object {"policies", "rules"?, "defaultPolicy"?}',
    );
    return { ok: false, errors: issues.issues };
  }
  issues.checkKeys(input, ['policies', 'rules', 'defaultPolicy'], '');
  const policies = new Map<string, SlaPolicy>();
  const policySpecs: SlaPolicySpec[] = [];
  const seenPolicyIds = new Set<string>();
  if (input.policies === undefined) issues.add('missing_field', 'policies', '"policies" is required');
  else if (!Array.isArray(input.policies)) issues.add('invalid_sla_config', 'policies', 'must be an array');
  else {
    input.policies.forEach((raw: unknown, index) => {
      const id = isRecord(raw) && typeof raw.id === 'string' ? raw.id : null;
      if (id !== null && seenPolicyIds.has(id)) {
        issues.add('duplicate_id', `policies[${index}].id`, `another policy already has the id "${id}"`);
        return;
      }
      if (id !== null) seenPolicyIds.add(id);
      const parsed = readPolicy(raw, `policies[${index}]`, issues);
      if (parsed === null) return;
      policies.set(parsed.policy.id, parsed.policy);
      policySpecs.push(parsed.spec);
    });
  }
  const rules: SlaRule[] = [];
  const ruleSpecs: SlaRuleSpec[] = [];
  const known = (policyId: string) => policies.has(policyId) || seenPolicyIds.has(policyId);
  if (input.rules !== undefined && !Array.isArray(input.rules)) {
    issues.add('invalid_sla_config', 'rules', 'must be an array');
  } else {
    const seenRuleIds = new Set<string>();
    (input.rules ?? []).forEach((raw: unknown, index: number) => {
      const parsed = readRule(raw, index, issues);
      if (parsed === null) return;
      if (seenRuleIds.has(parsed.rule.id)) {
        issues.add(
          'duplicate_id',
          `rules[${index}].id`,
          `another rule already has the id "${parsed.rule.id}"`,
        );
        return;
      }
      seenRuleIds.add(parsed.rule.id);
      if (!known(parsed.rule.policyId)) {
        issues.add(
          'unknown_policy',
          `rules[${index}].policy`,
          `no policy has the id "${parsed.rule.policyId}" (defined: ${[...seenPolicyIds].join(', ') || 'none'})`,
        );
        return;
      }
      rules.push(parsed.rule);
      ruleSpecs.push(parsed.spec);
    });
  }
  let defaultPolicyId: string | null = null;
  if (input.defaultPolicy !== undefined && input.defaultPolicy !== null) {
    if (typeof input.defaultPolicy !== 'string') {
      issues.add('invalid_sla_config', 'defaultPolicy', 'must be a policy id or null');
    } else if (!known(input.defaultPolicy)) {
      issues.add(
        'unknown_policy',
        'defaultPolicy',
        `no policy has the id "${input.defaultPolicy}" (defined: ${[...seenPolicyIds].join(', ') || 'none'})`,
      );
    } else defaultPolicyId = input.defaultPolicy;
  }
  if (issues.count > 0) return { ok: false, errors: issues.issues };
  return {
    ok: true,
    value: {
      policies,
      rules,
      defaultPolicyId,
      spec: { policies: policySpecs, rules: ruleSpecs, defaultPolicy: defaultPolicyId },
    },
  };
}

/** {@link parseSlaConfig} for documents known to be valid (code, tests); throws {@link SlaConfigError}. */
export function slaConfig(spec: SlaConfigSpec): SlaConfig {
  const result = parseSlaConfig(spec);
  if (!result.ok) throw new SlaConfigError(result.errors);
  return result.value;
}

/** The settings of a workspace that has not written its own (sla-policy.ts explains the defaults). */
export const DEFAULT_SLA_CONFIG: SlaConfig = slaConfig(DEFAULT_SLA_CONFIG_SPEC);
