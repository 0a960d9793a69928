import type { ConversationType, Priority } from '../conversation/vocabulary.js';
import { CONVERSATION_TYPES, PRIORITIES } from '../conversation/vocabulary.js';
import { isRecord, joinPath, type IssueList } from './config-issues.js';

/**
 * Conditions on a conversation shared by SLA rules (which policy applies) and escalation rules (which
 * conversations a rule watches). Every field present must match (AND); a field lists alternatives (OR).
 * `tags` matches when the conversation carries at least one of the tags.
 */

/** What conditions look at: a conversation, or an ended cycle with the team it ended in (`slaSubjectOf`). */
export interface SlaSubject {
  team: string | null;
  channel: string;
  conversationType: ConversationType | null;
  tags: readonly string[];
  priority: Priority | null;
}

export interface ConditionsSpec {
  teams?: string | string[];
  types?: string | string[];
  channels?: string | string[];
  tags?: string | string[];
  priorities?: string | string[];
}

export interface Conditions {
  teams: readonly string[] | null;
  types: readonly ConversationType[] | null;
  channels: readonly string[] | null;
  tags: readonly string[] | null;
  priorities: readonly Priority[] | null;
}

export const CONDITION_FIELDS = ['teams', 'types', 'channels', 'tags', 'priorities'] as const;

export function matchesConditions(conditions: Conditions, subject: SlaSubject): boolean {
  const { teams, types, channels, tags, priorities } = conditions;
  if (teams !== null && (subject.team === null || !teams.includes(subject.team))) return false;
  if (types !== null && (subject.conversationType === null || !types.includes(subject.conversationType))) {
    return false;
  }
  if (channels !== null && !channels.includes(subject.channel)) return false;
  if (tags !== null && !tags.some((tag) => subject.tags.includes(tag))) return false;
  if (priorities !== null && (subject.priority === null || !priorities.includes(subject.priority))) {
    return false;
  }
  return true;
}

/** The codes a conditions object can report, named by the document that embeds it. */
export interface ConditionCodes<C extends string> {
  /** a condition's value is not a non-empty string or list of them, or not a known type / priority */
  invalid: C;
  /** no condition at all (would match everything) */
  empty: C;
}

/**
 * Reads `{teams?, types?, channels?, tags?, priorities?}`; each value is a string or a non-empty list of
 * strings. Types and priorities are checked against the vocabulary (`p1` is read as `P1`).
 */
export function parseConditions<C extends string>(
  value: unknown,
  path: string,
  issues: IssueList<C>,
  codes: ConditionCodes<C>,
  options: { allowEmpty: boolean },
): Conditions {
  const conditions: Conditions = { teams: null, types: null, channels: null, tags: null, priorities: null };
  if (value === undefined && options.allowEmpty) return conditions;
  if (!isRecord(value)) {
    issues.add(
      codes.invalid,
      path,
      `conditions must be an object with any of ${CONDITION_FIELDS.join(', ')}`,
    );
    return conditions;
  }
  issues.checkKeys(value, CONDITION_FIELDS, path);
  const list = (field: (typeof CONDITION_FIELDS)[number]): string[] | null => {
    const raw = value[field];
    if (raw === undefined) return null;
    const items = typeof raw === 'string' ? [raw] : raw;
    const fieldPath = joinPath(path, field);
    if (!Array.isArray(items) || items.length === 0 || !items.every((item) => typeof item === 'string')) {
      issues.add(codes.invalid, fieldPath, `"${field}" must be a string or a non-empty list of strings`);
      return null;
    }
    const trimmed = items.map((item) => item.trim());
    if (trimmed.some((item) => item === '')) {
      issues.add(codes.invalid, fieldPath, `"${field}" must not contain empty strings`);
      return null;
    }
    return trimmed;
  };
  const vocabulary = <T extends string>(
    field: 'types' | 'priorities',
    allowed: readonly T[],
    normalise: (item: string) => string,
  ): T[] | null => {
    const items = list(field);
    if (items === null) return null;
    const known = items.map(normalise);
    const bad = known.filter((item) => !(allowed as readonly string[]).includes(item));
    if (bad.length > 0) {
      issues.add(
        codes.invalid,
        joinPath(path, field),
        `${bad.map((item) => JSON.stringify(item)).join(', ')} not one of ${allowed.join(', ')}`,
      );
      return null;
    }
    return known as T[];
  };
  const parsed: Conditions = {
    teams: list('teams'),
    channels: list('channels'),
    tags: list('tags'),
    types: vocabulary('types', CONVERSATION_TYPES, (item) => item.toLowerCase()),
    priorities: vocabulary('priorities', PRIORITIES, (item) => item.toUpperCase()),
  };
  if (!options.allowEmpty && CONDITION_FIELDS.every((field) => value[field] === undefined)) {
    issues.add(
      codes.empty,
      path,
      `name at least one of ${CONDITION_FIELDS.join(', ')} (a rule without conditions would match every conversation)`,
    );
  }
  return parsed;
}

/** The spec form of parsed conditions (lists, only the fields set), for storage and display. */
export function conditionsToSpec(conditions: Conditions): ConditionsSpec {
  const spec: ConditionsSpec = {};
  for (const field of CONDITION_FIELDS) {
    const items = conditions[field];
    if (items !== null) spec[field] = [...items];
  }
  return spec;
}
