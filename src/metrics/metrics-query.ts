/**
 * A metrics question, already validated (src/http/routes/metrics/metrics-params.ts parses it): a range
 * of instants, the time zone of its buckets, wall time or business hours, one grouping and any filters.
 */
import type { BucketUnit } from '../domain/kpi/index.js';
import type { MetricsSettings } from '../workspaces/metrics-settings.js';

/** What metrics can be filtered and grouped by (DESIGN.md "KPI definitions", last paragraph). */
export const DIMENSIONS = [
  'agent',
  'team',
  'channel',
  'source',
  'type',
  'tag',
  'priority',
  'country',
  'campaign',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const GROUP_BY = ['none', ...DIMENSIONS, 'hour', 'day', 'week', 'month', 'weekday-hour'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export const isTimeGrouping = (groupBy: GroupBy): groupBy is BucketUnit =>
  groupBy === 'hour' ||
  groupBy === 'day' ||
  groupBy === 'week' ||
  groupBy === 'month' ||
  groupBy === 'weekday-hour';

export const isDimension = (groupBy: GroupBy): groupBy is Dimension =>
  (DIMENSIONS as readonly string[]).includes(groupBy);

export interface MetricsQuery {
  workspaceId: string;
  /** Inclusive, epoch ms. */
  from: number;
  /** Exclusive, epoch ms. */
  to: number;
  /** IANA time zone of hour/day/week/month/weekday-hour buckets. */
  timeZone: string;
  /** Durations in business hours of the workspace calendar instead of wall time. */
  businessHours: boolean;
  groupBy: GroupBy;
  filters: Partial<Record<Dimension, string>>;
  settings: MetricsSettings;
}
