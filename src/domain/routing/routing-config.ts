import {
  IssueList,
  isRecord,
  joinPath,
  type ConfigIssue,
  type ConfigParseResult,
} from '../sla/config-issues.js';

/**
 * Routing settings: per team, a strategy, stickiness and skill rules; for the workspace, the default
 * capacity of an agent and the team of chats that have none.
 *
 * ```json
 * {
 *   "defaultTeam": "support",
 *   "defaultCapacity": 5,
 *   "routeNewChats": true,
 *   "teams": [
 *     {"team": "support", "strategy": "round-robin", "sticky": true,
 *      "rules": [{"when": {"languages": "es"}, "skills": ["es"]},
 *                {"when": {"types": "complaint"}, "skills": ["senior"], "required": false}]},
 *     {"team": "sales", "strategy": "least-loaded",
 *      "rules": [{"when": {"countries": ["MX", "CO"], "sources": "ad"}, "skills": ["latam"]}]}
 *   ]
 * }
 * ```
 * A rule's `when` matches the chat's language (`es` also matches `es-MX`), country (ISO 3166 alpha-2),
 * source kind, conversation type, or a skill the request already asks for; every field present must match,
 * a list means any of. Every matching rule applies: its `skills` are required of the agent (`required`,
 * the default), or only preferred (`required: false`: agents with them first, anyone eligible otherwise).
 */

export const ROUTING_STRATEGIES = ['round-robin', 'least-loaded'] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

/** The capacity of an agent whose profile sets none. */
export const DEFAULT_AGENT_CAPACITY = 5;

export interface RoutingConditionsSpec {
  languages?: string | string[];
  countries?: string | string[];
  sources?: string | string[];
  types?: string | string[];
  skills?: string | string[];
}

export interface RoutingRuleSpec {
  id?: string;
  when: RoutingConditionsSpec;
  skills: string[];
  /** Default true. */
  required?: boolean;
}

export interface TeamRoutingSpec {
  team: string;
  /** Default `round-robin`. */
  strategy?: RoutingStrategy;
  /** A returning customer goes back to their previous agent when available. Default true. */
  sticky?: boolean;
  rules?: RoutingRuleSpec[];
}

export interface RoutingConfigSpec {
  teams: TeamRoutingSpec[];
  /** The team of chats that have none; `null`/absent: such chats are not routed. */
  defaultTeam?: string | null;
  /** Default {@link DEFAULT_AGENT_CAPACITY}. */
  defaultCapacity?: number;
  /**
   * Route a new chat as soon as it opens (true, the default), or only when a bot hands it to the agents
   * (false: for workspaces where a bot answers first).
   */
  routeNewChats?: boolean;
}

export interface RoutingConditions {
  languages: readonly string[] | null;
  countries: readonly string[] | null;
  sources: readonly string[] | null;
  types: readonly string[] | null;
  skills: readonly string[] | null;
}

export interface RoutingRule {
  id: string;
  when: RoutingConditions;
  skills: readonly string[];
  required: boolean;
}

export interface TeamRouting {
  team: string;
  strategy: RoutingStrategy;
  sticky: boolean;
  rules: readonly RoutingRule[];
}

export interface RoutingConfig {
  teams: ReadonlyMap<string, TeamRouting>;
  defaultTeam: string | null;
  defaultCapacity: number;
  routeNewChats: boolean;
}

export const ROUTING_ERROR_CODES = [
  /** the document, or one of its values, has the wrong JSON type */
  'invalid_routing_config',
  /** a required field is missing */
  'missing_field',
  /** a field the document does not define (usually a typo) */
  'unknown_field',
  /** `strategy` is not round-robin or least-loaded */
  'invalid_strategy',
  /** a capacity is not a whole number from 0 to 1000 */
  'invalid_capacity',
  /** a team, skill or rule condition is not a non-empty string or list of them */
  'invalid_name',
  /** a rule has no condition (it would apply to every chat: give the skill to the request instead) */
  'empty_conditions',
  /** two team entries name the same team */
  'duplicate_team',
  /** `defaultTeam` names a team without routing settings */
  'unknown_team',
] as const;
export type RoutingErrorCode = (typeof ROUTING_ERROR_CODES)[number];
export type RoutingConfigIssue = ConfigIssue<RoutingErrorCode>;

export class RoutingConfigError extends Error {
  readonly code: RoutingErrorCode;
  constructor(readonly issues: RoutingConfigIssue[]) {
    super(issues.map((issue) => `${issue.path || 'routing'}: ${issue.message}`).join('; '));
    this.name = 'RoutingConfigError';
    this.code = issues[0]?.code ?? 'invalid_routing_config';
  }
}

type Issues = IssueList<RoutingErrorCode>;
const CONDITION_FIELDS = ['languages', 'countries', 'sources', 'types', 'skills'] as const;
const NORMALISE: Record<(typeof CONDITION_FIELDS)[number], (value: string) => string> = {
  languages: (value) => value.toLowerCase(),
  countries: (value) => value.toUpperCase(),
  sources: (value) => value.toLowerCase(),
  types: (value) => value.toLowerCase(),
  skills: (value) => value,
};

function readNames(value: unknown, path: string, issues: Issues, what: string): string[] | null {
  const items = typeof value === 'string' ? [value] : value;
  if (
    !Array.isArray(items) ||
    items.length === 0 ||
    !items.every((item) => typeof item === 'string' && item.trim() !== '')
  ) {
    issues.add('invalid_name', path, `${what} must be a non-empty string or a non-empty list of them`);
    return null;
  }
  return items.map((item: string) => item.trim());
}

function readRule(value: unknown, path: string, issues: Issues): RoutingRule | null {
  if (!isRecord(value)) {
    issues.add('invalid_routing_config', path, 'a rule must be an object {"when": {...}, "skills": [...]}');
    return null;
  }
  issues.checkKeys(value, ['id', 'when', 'skills', 'required'], path);
  const before = issues.count;
  const when: RoutingConditions = {
    languages: null,
    countries: null,
    sources: null,
    types: null,
    skills: null,
  };
  const whenPath = joinPath(path, 'when');
  const rawWhen = value.when;
  if (!isRecord(rawWhen)) {
    issues.add(
      rawWhen === undefined ? 'missing_field' : 'invalid_routing_config',
      whenPath,
      '"when" must be an object of conditions',
    );
  } else {
    issues.checkKeys(rawWhen, CONDITION_FIELDS, whenPath);
    for (const field of CONDITION_FIELDS) {
      if (rawWhen[field] === undefined) continue;
      const names = readNames(rawWhen[field], joinPath(whenPath, field), issues, `"${field}"`);
      if (names !== null) when[field] = names.map(NORMALISE[field]);
    }
    if (CONDITION_FIELDS.every((field) => rawWhen[field] === undefined)) {
      issues.add('empty_conditions', whenPath, `name at least one of ${CONDITION_FIELDS.join(', ')}`);
    }
  }
  const skills =
    value.skills === undefined
      ? (issues.add('missing_field', joinPath(path, 'skills'), '"skills" is required'), null)
      : readNames(value.skills, joinPath(path, 'skills'), issues, '"skills"');
  if (value.required !== undefined && typeof value.required !== 'boolean') {
    issues.add('invalid_routing_config', joinPath(path, 'required'), '"required" must be true or false');
  }
  if (value.id !== undefined && (typeof value.id !== 'string' || value.id === '')) {
    issues.add('invalid_name', joinPath(path, 'id'), '"id" must be a non-empty string');
  }
  if (skills === null || issues.count > before) return null;
  return {
    id: typeof value.id === 'string' ? value.id : path,
    when,
    skills,
    required: value.required !== false,
  };
}

/** Validates routing settings, collecting every issue. */
export function parseRoutingConfig(input: unknown): ConfigParseResult<RoutingConfig, RoutingErrorCode> {
  const issues: Issues = new IssueList<RoutingErrorCode>('unknown_field');
  if (!isRecord(input)) {
    issues.add('invalid_routing_config', '', 'routing settings must be an object {"teams", ...}');
    return { ok: false, errors: issues.issues };
  }
  issues.checkKeys(input, ['teams', 'defaultTeam', 'defaultCapacity', 'routeNewChats'], '');
  const teams = new Map<string, TeamRouting>();
  const seenTeams = new Set<string>();
  if (!Array.isArray(input.teams)) {
    issues.add(
      input.teams === undefined ? 'missing_field' : 'invalid_routing_config',
      'teams',
      '"teams" must be a list',
    );
  } else {
    input.teams.forEach((raw: unknown, index) => {
      const path = `teams[${index}]`;
      if (!isRecord(raw)) {
        issues.add('invalid_routing_config', path, 'a team must be an object {"team", "strategy"?, ...}');
        return;
      }
      issues.checkKeys(raw, ['team', 'strategy', 'sticky', 'rules'], path);
      const before = issues.count;
      const team =
        raw.team === undefined
          ? (issues.add('missing_field', joinPath(path, 'team'), '"team" is required'), null)
          : typeof raw.team === 'string' && raw.team.trim() !== ''
            ? raw.team.trim()
            : (issues.add('invalid_name', joinPath(path, 'team'), '"team" must be a non-empty string'), null);
      if (team !== null && seenTeams.has(team)) {
        issues.add('duplicate_team', joinPath(path, 'team'), `"${team}" already has routing settings`);
      }
      if (team !== null) seenTeams.add(team);
      const strategy = raw.strategy ?? 'round-robin';
      if (!(ROUTING_STRATEGIES as readonly unknown[]).includes(strategy)) {
        issues.add(
          'invalid_strategy',
          joinPath(path, 'strategy'),
          `${JSON.stringify(strategy)} is not one of ${ROUTING_STRATEGIES.join(', ')}`,
        );
      }
      if (raw.sticky !== undefined && typeof raw.sticky !== 'boolean') {
        issues.add('invalid_routing_config', joinPath(path, 'sticky'), '"sticky" must be true or false');
      }
      const rules: RoutingRule[] = [];
      if (raw.rules !== undefined && !Array.isArray(raw.rules)) {
        issues.add('invalid_routing_config', joinPath(path, 'rules'), '"rules" must be a list');
      } else {
        (raw.rules ?? []).forEach((rule: unknown, ruleIndex: number) => {
          const parsed = readRule(rule, `${path}.rules[${ruleIndex}]`, issues);
          if (parsed !== null) rules.push(parsed);
        });
      }
      if (team === null || issues.count > before) return;
      teams.set(team, { team, strategy: strategy as RoutingStrategy, sticky: raw.sticky !== false, rules });
    });
  }
  const capacity = input.defaultCapacity ?? DEFAULT_AGENT_CAPACITY;
  if (!Number.isInteger(capacity) || (capacity as number) < 0 || (capacity as number) > 1000) {
    issues.add(
      'invalid_capacity',
      'defaultCapacity',
      `${JSON.stringify(capacity)} is not a whole number from 0 to 1000`,
    );
  }
  if (input.routeNewChats !== undefined && typeof input.routeNewChats !== 'boolean') {
    issues.add('invalid_routing_config', 'routeNewChats', '"routeNewChats" must be true or false');
  }
  let defaultTeam: string | null = null;
  if (input.defaultTeam !== undefined && input.defaultTeam !== null) {
    if (typeof input.defaultTeam !== 'string') {
      issues.add('invalid_name', 'defaultTeam', '"defaultTeam" must be a team name or null');
    } else if (!seenTeams.has(input.defaultTeam) && Array.isArray(input.teams)) {
      issues.add('unknown_team', 'defaultTeam', `"${input.defaultTeam}" has no routing settings in "teams"`);
    } else defaultTeam = input.defaultTeam;
  }
  if (issues.count > 0) return { ok: false, errors: issues.issues };
  return {
    ok: true,
    value: {
      teams,
      defaultTeam,
      defaultCapacity: capacity as number,
      routeNewChats: input.routeNewChats !== false,
    },
  };
}

/** {@link parseRoutingConfig} for documents known to be valid; throws {@link RoutingConfigError}. */
export function routingConfig(spec: RoutingConfigSpec): RoutingConfig {
  const result = parseRoutingConfig(spec);
  if (!result.ok) throw new RoutingConfigError(result.errors);
  return result.value;
}

/** Routing settings of a team without its own: round robin, sticky, no rules. */
export const defaultTeamRouting = (team: string): TeamRouting => ({
  team,
  strategy: 'round-robin',
  sticky: true,
  rules: [],
});
