/**
 * The query parameters shared by `/api/v1/metrics`, its drill-down and the export: the period, its time
 * zone, wall time or business hours, the grouping and the filters. Every refusal is a 400
 * `invalid_request` that names the parameter.
 */
import { z } from 'zod';
import { DAY_MS } from '../../../domain/calendar/civil-date.js';
import { canonicalTimeZone, zoneRules } from '../../../domain/calendar/index.js';
import { parseDay } from '../../../domain/calendar/civil-date.js';
import { parseConversationType, parsePriority } from '../../../domain/conversation/vocabulary.js';
import { canonicalSource } from '../../../domain/kpi/cycle-facts.js';
import { AppError } from '../../../errors.js';
import { bucketCount, MAX_BUCKETS } from '../../../metrics/grouping.js';
import { DIMENSIONS, GROUP_BY, type Dimension, type MetricsQuery } from '../../../metrics/metrics-query.js';
import type { MetricsSettings } from '../../../workspaces/metrics-settings.js';
import { parseOrThrow } from '../quarantine.js';

const text = z.string().trim().min(1).max(512);

export const metricsParamsSchema = z.strictObject({
  from: text,
  to: text,
  tz: text.optional(),
  businessHours: z.enum(['true', 'false']).default('false'),
  groupBy: z.enum(GROUP_BY).default('none'),
  ...Object.fromEntries(DIMENSIONS.map((dimension) => [dimension, text.optional()])),
});

export const invalidParameter = (parameter: string, message: string) =>
  new AppError('invalid_request', `query ${parameter}: ${message}`, 400, { parameter });

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * An instant from `2026-03-08T10:00:00Z` (or with an offset), a local date `2026-03-08` (its first
 * instant in `timeZone`: 01:00 where a DST change skips midnight) or a local time `2026-03-08T10:00`.
 */
export function parseInstant(value: string, timeZone: string, parameter: string): number {
  if (INSTANT.test(value)) {
    const instant = Date.parse(value);
    if (!Number.isNaN(instant)) return instant;
  }
  const day = parseDay(value);
  if (day !== null) return zoneRules(timeZone).earliestAtOrAfterLocal(day * DAY_MS);
  const local = LOCAL_TIME.exec(value);
  const localDay = local ? parseDay(local[1] as string) : null;
  if (local && localDay !== null) {
    const [hours, minutes, seconds] = [Number(local[2]), Number(local[3]), Number(local[4] ?? 0)];
    if (hours < 24 && minutes < 60 && seconds < 60) {
      const wall = localDay * DAY_MS + ((hours * 60 + minutes) * 60 + seconds) * 1000;
      return zoneRules(timeZone).earliestAtOrAfterLocal(wall);
    }
  }
  throw invalidParameter(
    parameter,
    `${JSON.stringify(value)} is not a date (2026-03-08), a local time (2026-03-08T10:00) or an instant (2026-03-08T10:00:00Z)`,
  );
}

/** A filter's value in the spelling the facts store (priorities upper case, types and known sources lower). */
export function normaliseFilter(dimension: Dimension, value: string): string {
  switch (dimension) {
    case 'priority': {
      const priority = parsePriority(value);
      if (priority === null)
        throw invalidParameter(dimension, `${JSON.stringify(value)} is not P0, P1, P2 or P3`);
      return priority;
    }
    case 'type': {
      const type = parseConversationType(value);
      if (type === null)
        throw invalidParameter(dimension, `${JSON.stringify(value)} is not a conversation type`);
      return type;
    }
    case 'source':
      return canonicalSource(value) as string;
    case 'country':
      if (!/^[A-Za-z]{2}$/.test(value))
        throw invalidParameter(
          dimension,
          `${JSON.stringify(value)} is not an ISO 3166 country code such as "MX"`,
        );
      return value.toUpperCase();
    default:
      return value;
  }
}

/**
 * `parseOrThrow` for a metrics schema, naming an unknown parameter itself (a misspelt filter must not be
 * silently ignored: the figures would look filtered and not be).
 */
export function parseMetricsParams<T extends z.ZodObject>(schema: T, raw: unknown): z.infer<T> {
  if (raw !== null && typeof raw === 'object') {
    const unknown = Object.keys(raw).find((key) => !(key in schema.shape));
    if (unknown !== undefined) throw invalidParameter(unknown, 'unknown parameter');
  }
  return parseOrThrow(schema, raw, 'query') as z.infer<T>;
}

export type MetricsParams = z.infer<typeof metricsParamsSchema> & Partial<Record<Dimension, string>>;

/** Validates the parameters of a metrics request into a query. */
export function parseMetricsQuery(
  raw: unknown,
  workspaceId: string,
  settings: MetricsSettings,
): MetricsQuery {
  return metricsQueryOf(parseMetricsParams(metricsParamsSchema, raw) as MetricsParams, workspaceId, settings);
}

/** The query of parameters that passed `metricsParamsSchema` (or a schema extending it). */
export function metricsQueryOf(
  params: MetricsParams,
  workspaceId: string,
  settings: MetricsSettings,
): MetricsQuery {
  let timeZone = settings.timeZone;
  if (params.tz !== undefined) {
    const canonical = canonicalTimeZone(params.tz);
    if (canonical === null)
      throw invalidParameter(
        'tz',
        `${JSON.stringify(params.tz)} is not an IANA time zone such as "Europe/Madrid"`,
      );
    timeZone = canonical;
  }
  const from = parseInstant(params.from, timeZone, 'from');
  const to = parseInstant(params.to, timeZone, 'to');
  if (to <= from) throw invalidParameter('to', 'must be after from (to is exclusive)');
  const businessHours = params.businessHours === 'true';
  if (businessHours && settings.calendar === null) {
    throw invalidParameter(
      'businessHours',
      'the workspace has no business-hours calendar: set "businessHours" with PATCH /api/v1/workspace/settings',
    );
  }
  const filters: Partial<Record<Dimension, string>> = {};
  for (const dimension of DIMENSIONS) {
    const value = params[dimension];
    if (value !== undefined) filters[dimension] = normaliseFilter(dimension, value);
  }
  const query: MetricsQuery = {
    workspaceId,
    from,
    to,
    timeZone,
    businessHours,
    groupBy: params.groupBy,
    filters,
    settings,
  };
  if (bucketCount(query, query.groupBy) > MAX_BUCKETS) {
    throw invalidParameter(
      'groupBy',
      `more than ${MAX_BUCKETS} ${query.groupBy} buckets: choose a shorter period`,
    );
  }
  return query;
}
