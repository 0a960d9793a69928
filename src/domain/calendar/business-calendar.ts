import { DAY_MS, MINUTE_MS, WEEK_DAYS, isoWeekdayOfDay } from './civil-date.js';
import type { BusinessCalendar, Calendar, MinuteRange } from './calendar-spec.js';
import { assertInstant, mergeIntervals, zoneRules } from './time-zone.js';
import type { Interval, ZoneRules } from './time-zone.js';

/**
 * Business time: how much of a span falls inside a calendar's business hours, and when a budget of
 * business time runs out (an SLA due time). Pure functions of their arguments; instants are epoch ms.
 *
 * Definition. An instant is business time when its local wall-clock time, on its local date, lies in
 * one of that date's ranges (the weekday's ranges minus the date's holiday closures). Everything else
 * follows from that one rule, so it is exact across DST changes:
 * - a 09:00–17:00 day is 8 h of real time on a change day, because the jump (at 02:00 or 03:00) is
 *   outside the range;
 * - a range the jump falls inside counts the real elapsed time: 01:00–04:00 is 2 h on the US
 *   spring-forward day and 4 h on the fall-back day (01:00–02:00 happens twice);
 * - a range starting inside a skipped hour starts at the jump (02:30–04:00 is 1 h that spring day).
 *
 * Ranges that span midnight are supported (see calendar-spec.ts): each part belongs to its own local
 * date, so a holiday closes only the part on its date.
 *
 * Cost. Work is per local day (a handful of arithmetic operations), and a stretch of 7 days with no
 * holiday and no offset change is added as one `weeklyMs` step, so a year-long span takes about 70
 * steps, not 365 days or 525,600 minutes.
 *
 * Limits.
 * - A zone changes offset at most once per UTC day (see time-zone.ts; checked against `zdump` for all
 *   418 ICU zones, 1970–2040: no two transitions are less than 24 h apart).
 * - `addBusinessTime` and `nextBusinessStart` walk local days in order, which assumes local dates never
 *   run backwards. No tzdata rule since 2010 does that; before, a few zones fell back from 00:01 to
 *   23:01 of the previous day (America/St_Johns, Moncton, Goose_Bay until 2010, Antarctica/Casey
 *   once). `businessDuration`, `isBusinessTime` and `businessIntervals` are exact even then.
 */

/** Refuse to search further than this for business time (only reachable with decades of holidays). */
const MAX_SEARCH_DAYS = 366 * 200;

/** The ranges open on local day `day`: the weekday's ranges minus the date's holiday closures. */
function openRanges(calendar: BusinessCalendar, day: number): readonly MinuteRange[] {
  const ranges = calendar.weekly[isoWeekdayOfDay(day) - 1] ?? [];
  const closed = calendar.holidays.get(day);
  if (!closed || ranges.length === 0) return ranges;
  const open: MinuteRange[] = [];
  for (const [start, end] of ranges) {
    let cursor = start;
    for (const [closedStart, closedEnd] of closed) {
      if (closedEnd <= cursor || closedStart >= end) continue;
      if (closedStart > cursor) open.push([cursor, closedStart]);
      cursor = Math.max(cursor, closedEnd);
    }
    if (cursor < end) open.push([cursor, end]);
  }
  return open;
}

/** The business intervals (instants) of local day `day`, sorted and disjoint. */
function dayIntervals(calendar: BusinessCalendar, rules: ZoneRules, day: number): Interval[] {
  const ranges = openRanges(calendar, day);
  if (ranges.length === 0) return [];
  const midnight = day * DAY_MS; // local ms of the day's 00:00
  // Every instant of this local date lies within a day either side (offsets are under ±24 h).
  const segments = rules.segments(midnight - DAY_MS, midnight + 2 * DAY_MS);
  if (segments.length === 1) {
    const offset = segments[0]!.offsetMs;
    return ranges.map(([start, end]) => ({
      start: midnight + start * MINUTE_MS - offset,
      end: midnight + end * MINUTE_MS - offset,
    }));
  }
  // A DST change nearby: each range's preimage under local = t + offset, segment by segment.
  const pieces: Interval[] = [];
  for (const [start, end] of ranges) {
    for (const segment of segments) {
      const from = Math.max(segment.start, midnight + start * MINUTE_MS - segment.offsetMs);
      const to = Math.min(segment.end, midnight + end * MINUTE_MS - segment.offsetMs);
      if (from < to) pieces.push({ start: from, end: to });
    }
  }
  return mergeIntervals(pieces);
}

/** First index in the sorted array whose value is ≥ `value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * True when local days `day … day+6` hold exactly `weeklyMs` of business time: no holiday among them and
 * one offset over every instant that can belong to them.
 */
function isPlainWeek(calendar: BusinessCalendar, rules: ZoneRules, day: number): boolean {
  const nextHoliday = calendar.holidayDays[lowerBound(calendar.holidayDays, day)];
  if (nextHoliday !== undefined && nextHoliday < day + WEEK_DAYS) return false;
  return rules.isConstantBetween((day - 1) * DAY_MS, (day + WEEK_DAYS + 1) * DAY_MS);
}

function checkSpan(start: number, end: number) {
  assertInstant(start, 'start');
  assertInstant(end, 'end');
}

/**
 * Milliseconds of business time in `[start, end)`; 0 when `end <= start`. For the wall-time calendar,
 * `end - start`.
 */
export function businessDuration(calendar: Calendar, start: number, end: number): number {
  checkSpan(start, end);
  if (end <= start) return 0;
  if (calendar.kind === 'wall-time') return end - start;
  const rules = zoneRules(calendar.timeZone);
  const lastDay = rules.localDay(end) + 1;
  let total = 0;
  let day = rules.localDay(start) - 1;
  while (day <= lastDay) {
    const weekInside = (day - 1) * DAY_MS >= start && (day + WEEK_DAYS + 1) * DAY_MS <= end;
    if (weekInside && isPlainWeek(calendar, rules, day)) {
      total += calendar.weeklyMs;
      day += WEEK_DAYS;
      continue;
    }
    for (const interval of dayIntervals(calendar, rules, day)) {
      const from = Math.max(interval.start, start);
      const to = Math.min(interval.end, end);
      if (from < to) total += to - from;
    }
    day += 1;
  }
  return total;
}

/**
 * The earliest instant at which `durationMs` of business time has elapsed since `start` (an SLA due
 * time): P1 (1 h) at Friday 16:30 under Mon–Fri 09:00–17:00 is due Monday 09:30. When the budget runs
 * out exactly at a closing time the answer is that closing time, not the next opening. A duration of
 * 0 returns `start`. Inverse of {@link businessDuration}: `businessDuration(c, s, addBusinessTime(c, s, d)) === d`.
 */
export function addBusinessTime(calendar: Calendar, start: number, durationMs: number): number {
  assertInstant(start, 'start');
  if (!Number.isFinite(durationMs) || durationMs < 0) {
    throw new RangeError(`durationMs must be a finite number ≥ 0, got ${durationMs}`);
  }
  if (durationMs === 0) return start;
  if (calendar.kind === 'wall-time') return start + durationMs;
  const rules = zoneRules(calendar.timeZone);
  let remaining = durationMs;
  const firstDay = rules.localDay(start) - 1;
  for (let day = firstDay; day < firstDay + MAX_SEARCH_DAYS;) {
    if (remaining > calendar.weeklyMs && (day - 1) * DAY_MS >= start && isPlainWeek(calendar, rules, day)) {
      remaining -= calendar.weeklyMs;
      day += WEEK_DAYS;
      continue;
    }
    for (const interval of dayIntervals(calendar, rules, day)) {
      const from = Math.max(interval.start, start);
      if (from >= interval.end) continue;
      if (remaining <= interval.end - from) return from + remaining;
      remaining -= interval.end - from;
    }
    day += 1;
  }
  throw new RangeError(`no ${durationMs} ms of business time within ${MAX_SEARCH_DAYS} days of ${start}`);
}

/** Whether instant `t` is business time (always true for the wall-time calendar). */
export function isBusinessTime(calendar: Calendar, t: number): boolean {
  assertInstant(t, 't');
  if (calendar.kind === 'wall-time') return true;
  const local = zoneRules(calendar.timeZone).localMs(t);
  const day = Math.floor(local / DAY_MS);
  const minuteMs = local - day * DAY_MS;
  return openRanges(calendar, day).some(
    ([start, end]) => start * MINUTE_MS <= minuteMs && minuteMs < end * MINUTE_MS,
  );
}

/** `t` when it is business time, else the instant business time next begins. */
export function nextBusinessStart(calendar: Calendar, t: number): number {
  assertInstant(t, 't');
  if (calendar.kind === 'wall-time') return t;
  const rules = zoneRules(calendar.timeZone);
  const firstDay = rules.localDay(t) - 1;
  for (let day = firstDay; day < firstDay + MAX_SEARCH_DAYS; day += 1) {
    for (const interval of dayIntervals(calendar, rules, day)) {
      if (interval.end > t) return Math.max(interval.start, t);
    }
  }
  throw new RangeError(`no business time within ${MAX_SEARCH_DAYS} days of ${t}`);
}

/**
 * The business intervals within `[from, to)`, sorted and disjoint (adjacent ranges, such as one
 * spanning midnight, are merged). For timelines and for checking the other functions. Iterates per day.
 */
export function businessIntervals(calendar: Calendar, from: number, to: number): Interval[] {
  checkSpan(from, to);
  if (to <= from) return [];
  if (calendar.kind === 'wall-time') return [{ start: from, end: to }];
  const rules = zoneRules(calendar.timeZone);
  const pieces: Interval[] = [];
  const lastDay = rules.localDay(to) + 1;
  for (let day = rules.localDay(from) - 1; day <= lastDay; day += 1) {
    for (const interval of dayIntervals(calendar, rules, day)) {
      const start = Math.max(interval.start, from);
      const end = Math.min(interval.end, to);
      if (start < end) pieces.push({ start, end });
    }
  }
  return mergeIntervals(pieces);
}
