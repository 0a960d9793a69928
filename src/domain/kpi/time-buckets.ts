import {
  DAY_MS,
  HOUR_MS,
  firstDayOfMonth,
  firstDayOfNextMonth,
  formatDay,
  formatIsoWeek,
  formatMonth,
  formatOffset,
  isoWeekdayOfDay,
  mondayOfWeek,
  pad2,
} from '../calendar/civil-date.js';
import { assertInstant, zoneRules } from '../calendar/time-zone.js';
import type { ZoneRules } from '../calendar/time-zone.js';

/**
 * Grouping instants by local hour, day, ISO week, month, or weekday × hour, in an IANA time zone,
 * correctly across DST changes: a local day is 23, 24 or 25 hours long, and keys are local.
 *
 * Keys (they sort chronologically as strings within a unit):
 * - `day`          `2026-03-08`
 * - `week`         `2026-W10` — ISO 8601: weeks start on Monday, the week-year can differ from the
 *                  calendar year around New Year (2026-12-31 is in `2026-W53`, 2027-01-01 too).
 * - `month`        `2026-03`
 * - `hour`         `2026-03-08T14`. On a fall-back day the repeated wall hour is two buckets: the first
 *                  pass keeps the plain key, the second gets its UTC offset appended, ISO style
 *                  (`2026-11-01T01` then `2026-11-01T01-05:00` in New York; `2026-10-25T02` then
 *                  `2026-10-25T02+01:00` in Madrid). So a local day has 23, 24 or 25 hour buckets,
 *                  each one real hour (or the part of it that exists), and keys stay unique and sorted.
 * - `weekday-hour` `1-09` … `7-23`: ISO weekday (1 = Monday) and the zero-padded local hour, for the
 *                  peak-hours grid. Not a time range: the two passes of a repeated hour share one cell.
 *
 * An unknown zone name throws {@link InvalidTimeZoneError} (code `invalid_time_zone`).
 */

export const BUCKET_UNITS = ['hour', 'day', 'week', 'month', 'weekday-hour'] as const;
export type BucketUnit = (typeof BUCKET_UNITS)[number];
export const TIME_BUCKET_UNITS = ['hour', 'day', 'week', 'month'] as const;
/** Units whose buckets are spans of time (all but `weekday-hour`). */
export type TimeBucketUnit = (typeof TIME_BUCKET_UNITS)[number];

export const isBucketUnit = (value: unknown): value is BucketUnit =>
  (BUCKET_UNITS as readonly unknown[]).includes(value);

/** A bucket: its key and the instants `[start, end)` it covers. */
export interface TimeBucket {
  key: string;
  start: number;
  end: number;
}

/** The 168 weekday-hour keys in order (`1-00` … `7-23`), so a peak-hours grid shows empty cells too. */
export const WEEKDAY_HOUR_KEYS: readonly string[] = Object.freeze(
  Array.from({ length: 7 * 24 }, (_, index) => `${Math.floor(index / 24) + 1}-${pad2(index % 24)}`),
);

const localHourStart = (local: number) => Math.floor(local / HOUR_MS) * HOUR_MS;

/**
 * True when the wall-clock hour holding `t` already happened earlier under a larger offset, i.e. `t` is
 * in the second pass of a fall-back. A fall-back is at most 2 h, so only a change in the last 3 h matters.
 */
function isRepeatedHour(rules: ZoneRules, t: number, local: number): boolean {
  const changes = rules.transitionsBetween(t - 3 * HOUR_MS, t + 1);
  const change = changes[changes.length - 1];
  if (change === undefined) return false;
  const before = rules.offsetAt(change - 1);
  return before > rules.offsetAt(change) && change + before > localHourStart(local);
}

/** The key of the bucket holding instant `t`. */
export function bucketKey(t: number, unit: BucketUnit, timeZone: string): string {
  assertInstant(t, 't');
  const rules = zoneRules(timeZone);
  const local = rules.localMs(t);
  const day = Math.floor(local / DAY_MS);
  const hour = Math.floor((local - day * DAY_MS) / HOUR_MS);
  switch (unit) {
    case 'day':
      return formatDay(day);
    case 'week':
      return formatIsoWeek(day);
    case 'month':
      return formatMonth(day);
    case 'weekday-hour':
      return `${isoWeekdayOfDay(day)}-${pad2(hour)}`;
    case 'hour': {
      const key = `${formatDay(day)}T${pad2(hour)}`;
      return isRepeatedHour(rules, t, local) ? `${key}${formatOffset(rules.offsetAt(t))}` : key;
    }
    default:
      throw new RangeError(`unknown bucket unit ${JSON.stringify(unit satisfies never)}`);
  }
}

/** The first instant of local day `day` (01:00 where a spring-forward skips midnight). */
const startOfLocalDay = (rules: ZoneRules, day: number) => rules.earliestAtOrAfterLocal(day * DAY_MS);

function startOf(rules: ZoneRules, t: number, unit: TimeBucketUnit): number {
  const local = rules.localMs(t);
  const day = Math.floor(local / DAY_MS);
  switch (unit) {
    case 'day':
      return startOfLocalDay(rules, day);
    case 'week':
      return startOfLocalDay(rules, mondayOfWeek(day));
    case 'month':
      return startOfLocalDay(rules, firstDayOfMonth(day));
    case 'hour': {
      // The wall hour's start at the current offset, unless an offset change came later (then the
      // bucket began with that change: after a spring-forward, or for the repeat of a fall-back).
      const candidate = localHourStart(local) - rules.offsetAt(t);
      const changes = rules.transitionsBetween(candidate, t + 1);
      return changes[changes.length - 1] ?? candidate;
    }
  }
}

function nextStart(rules: ZoneRules, start: number, unit: TimeBucketUnit): number {
  const local = rules.localMs(start);
  const day = Math.floor(local / DAY_MS);
  switch (unit) {
    case 'day':
      return startOfLocalDay(rules, day + 1);
    case 'week':
      return startOfLocalDay(rules, mondayOfWeek(day) + 7);
    case 'month':
      return startOfLocalDay(rules, firstDayOfNextMonth(day));
    case 'hour': {
      const candidate = localHourStart(local) + HOUR_MS - rules.offsetAt(start);
      return rules.transitionsBetween(start, candidate)[0] ?? candidate;
    }
  }
}

/** The first instant of the bucket holding `t`. */
export function bucketStart(t: number, unit: TimeBucketUnit, timeZone: string): number {
  assertInstant(t, 't');
  return startOf(zoneRules(timeZone), t, unit);
}

/** The bucket holding `t`: key, start and end. */
export function bucketOf(t: number, unit: TimeBucketUnit, timeZone: string): TimeBucket {
  assertInstant(t, 't');
  const rules = zoneRules(timeZone);
  const start = startOf(rules, t, unit);
  return { key: bucketKey(t, unit, timeZone), start, end: nextStart(rules, start, unit) };
}

/**
 * Every bucket that overlaps `[from, to)`, in order, each with its full (unclipped) span: the rows of a
 * by-day or by-hour chart, including empty ones. Empty when `to <= from`. Cost: one step per bucket.
 */
export function bucketRange(from: number, to: number, unit: TimeBucketUnit, timeZone: string): TimeBucket[] {
  assertInstant(from, 'from');
  assertInstant(to, 'to');
  const rules = zoneRules(timeZone);
  const buckets: TimeBucket[] = [];
  for (let start = from < to ? startOf(rules, from, unit) : to; start < to;) {
    const end = nextStart(rules, start, unit);
    const key = bucketKey(start, unit, timeZone);
    const last = buckets[buckets.length - 1];
    // An offset change that alters no key (none in tzdata today) must not split a bucket in two.
    if (last && last.key === key) last.end = end;
    else buckets.push({ key, start, end });
    start = end;
  }
  return buckets;
}
