import { MINUTE_MS, pad2, parseDay } from './civil-date.js';
import { canonicalTimeZone } from './time-zone.js';

/**
 * The stored, JSON form of a calendar (a workspace setting, an SLA policy's calendar) and the parser
 * that turns it into a validated {@link BusinessCalendar} or says precisely what is wrong with it.
 *
 * ```json
 * {
 *   "timeZone": "Europe/Madrid",
 *   "weekly": {
 *     "mon": [{ "start": "09:00", "end": "13:00" }, { "start": "14:00", "end": "18:00" }],
 *     "fri": [{ "start": "09:00", "end": "15:00" }],
 *     "sat": [{ "start": "22:00", "end": "02:00" }]
 *   },
 *   "holidays": [
 *     { "date": "2026-01-06", "name": "Epiphany" },
 *     { "date": "2026-12-24", "name": "Christmas Eve", "closed": [{ "start": "14:00", "end": "24:00" }] }
 *   ]
 * }
 * ```
 * Rules:
 * - Times are local wall-clock `HH:MM`, from `00:00` to `24:00` (`24:00` only as an end). Ranges are
 *   half-open: `09:00–17:00` includes 09:00 and excludes 17:00.
 * - A range whose end is before its start spans midnight: Saturday `22:00–02:00` is Saturday 22:00–24:00
 *   plus Sunday 00:00–02:00. Each part then belongs to its own local date (a holiday on Sunday closes
 *   the 00:00–02:00 part). An end of `00:00` means midnight (`22:00–00:00` = `22:00–24:00`).
 * - Ranges of one weekday (including parts carried over from the day before) may touch but not overlap.
 * - A holiday is a local date; without `closed` the whole day is closed, with `closed` only those local
 *   ranges are (a partial-day holiday). A holiday only removes business time, never adds it. The same
 *   date listed twice (say, from a national and a regional list) closes the union of both.
 * - The week must contain some business time, so a due time always exists.
 */

export const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

export interface TimeRangeSpec {
  /** `HH:MM`, local */
  start: string;
  /** `HH:MM`, local; before `start` means the range spans midnight */
  end: string;
}

export interface HolidaySpec {
  /** local date `YYYY-MM-DD` */
  date: string;
  name?: string;
  /** The closed part of the day; absent = closed all day. */
  closed?: TimeRangeSpec[];
}

export interface BusinessCalendarSpec {
  kind?: 'business-hours';
  /** IANA name, e.g. `America/New_York` */
  timeZone: string;
  /** Weekdays that are absent or empty have no business time. */
  weekly: Partial<Record<WeekdayName, TimeRangeSpec[]>>;
  holidays?: HolidaySpec[];
}

export interface WallTimeCalendarSpec {
  kind: 'wall-time';
}

export type CalendarSpec = BusinessCalendarSpec | WallTimeCalendarSpec;

/** Minutes since local midnight, half-open `[start, end)`, 0 ≤ start < end ≤ 1440. */
export type MinuteRange = readonly [start: number, end: number];

declare const validated: unique symbol;

/** A calendar that passed {@link parseBusinessCalendar}; build one only through it. */
export interface BusinessCalendar {
  readonly kind: 'business-hours';
  /** Canonical IANA name. */
  readonly timeZone: string;
  /** Index 0 = Monday … 6 = Sunday; sorted, disjoint, touching ranges merged. */
  readonly weekly: readonly (readonly MinuteRange[])[];
  /** Local day number → closed ranges (sorted, merged; `[0, 1440]` = all day). */
  readonly holidays: ReadonlyMap<number, readonly MinuteRange[]>;
  /** The holidays' day numbers, ascending. */
  readonly holidayDays: readonly number[];
  /** Business time in a week without holidays or offset changes, in milliseconds. */
  readonly weeklyMs: number;
  /** The normalised spec (canonical zone name), for storage and display. */
  readonly spec: BusinessCalendarSpec;
  readonly [validated]: true;
}

/** 24×7: every instant counts. Same functions, so callers never branch on the calendar kind. */
export interface WallTimeCalendar {
  readonly kind: 'wall-time';
}

export const WALL_TIME_CALENDAR: WallTimeCalendar = Object.freeze({ kind: 'wall-time' });

export type Calendar = BusinessCalendar | WallTimeCalendar;

export const CALENDAR_ERROR_CODES = [
  /** a value has the wrong type (not an object, not an array, not a string) */
  'invalid_calendar',
  /** a required field is missing */
  'missing_field',
  /** a field the spec does not define (usually a typo) */
  'unknown_field',
  /** the time zone is not an IANA name the runtime knows */
  'invalid_time_zone',
  /** a key of `weekly` is not mon…sun */
  'invalid_weekday',
  /** a time is not `HH:MM` between 00:00 and 24:00, or 24:00 starts a range */
  'invalid_time',
  /** a range is empty (start = end), or a holiday's closed range ends before it starts */
  'invalid_range',
  /** two ranges of the same weekday overlap */
  'overlapping_ranges',
  /** a holiday date is not a real `YYYY-MM-DD` date */
  'invalid_date',
  /** the week has no business time at all, so nothing could ever fall due */
  'no_business_hours',
  /** `kind` is neither `business-hours` nor `wall-time` */
  'invalid_kind',
] as const;
export type CalendarErrorCode = (typeof CALENDAR_ERROR_CODES)[number];

export interface CalendarIssue {
  code: CalendarErrorCode;
  /** Where in the spec, e.g. `weekly.mon[1].end`, `holidays[0].date`, or `` for the whole spec. */
  path: string;
  message: string;
}

export type CalendarParseResult<T> = { ok: true; value: T } | { ok: false; errors: CalendarIssue[] };

/** Thrown by {@link businessCalendar} / {@link calendarFromSpec}; carries every issue found. */
export class CalendarValidationError extends Error {
  readonly code: CalendarErrorCode;
  constructor(readonly issues: CalendarIssue[]) {
    super(issues.map((issue) => `${issue.path || 'calendar'}: ${issue.message}`).join('; '));
    this.name = 'CalendarValidationError';
    this.code = issues[0]?.code ?? 'invalid_calendar';
  }
}

/** Minutes in a local day's wall clock (whatever the day's real length). */
export const DAY_MINUTES = 1440;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const TIME_PATTERN = /^(\d{1,2}):(\d{2})$/;

/** `HH:MM` → minutes since midnight (0…1440), or null. */
export function parseTimeOfDay(text: string): number | null {
  const match = TIME_PATTERN.exec(text);
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) return null;
  return hours * 60 + minutes;
}

export const formatTimeOfDay = (minutes: number) => `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;

class IssueList {
  readonly issues: CalendarIssue[] = [];
  add(code: CalendarErrorCode, path: string, message: string) {
    this.issues.push({ code, path, message });
  }
  checkKeys(value: Record<string, unknown>, allowed: readonly string[], path: string) {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        this.add('unknown_field', join(path, key), `unknown field "${key}" (expected ${allowed.join(', ')})`);
      }
    }
  }
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

interface ParsedRange {
  start: number;
  end: number;
  path: string;
}

/** Reads `{start, end}`; returns minutes, with end possibly ≤ start (the caller decides what that means). */
function readRange(value: unknown, path: string, issues: IssueList): ParsedRange | null {
  if (!isRecord(value)) {
    issues.add('invalid_calendar', path, 'a time range must be an object {"start": "HH:MM", "end": "HH:MM"}');
    return null;
  }
  issues.checkKeys(value, ['start', 'end'], path);
  let ok = true;
  const times: number[] = [];
  for (const field of ['start', 'end'] as const) {
    const raw = value[field];
    if (raw === undefined) {
      issues.add('missing_field', join(path, field), `"${field}" is required`);
      ok = false;
    } else if (typeof raw !== 'string') {
      issues.add('invalid_time', join(path, field), `"${field}" must be a string "HH:MM"`);
      ok = false;
    } else {
      const minutes = parseTimeOfDay(raw);
      if (minutes === null) {
        issues.add(
          'invalid_time',
          join(path, field),
          `"${raw}" is not a time of day "HH:MM" between 00:00 and 24:00`,
        );
        ok = false;
      } else times.push(minutes);
    }
  }
  if (!ok) return null;
  const [start, end] = times as [number, number];
  if (start === DAY_MINUTES) {
    issues.add(
      'invalid_time',
      join(path, 'start'),
      '24:00 can only end a range; use 00:00 to start at midnight',
    );
    return null;
  }
  return { start, end, path };
}

function readRangeList(value: unknown, path: string, issues: IssueList): ParsedRange[] {
  if (!Array.isArray(value)) {
    issues.add('invalid_calendar', path, 'must be an array of time ranges');
    return [];
  }
  return value.flatMap((item, index) => readRange(item, `${path}[${index}]`, issues) ?? []);
}

const toSpecRange = (range: ParsedRange): TimeRangeSpec => ({
  start: formatTimeOfDay(range.start),
  end: formatTimeOfDay(range.end),
});

function mergeMinuteRanges(ranges: MinuteRange[]): MinuteRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

function parseWeekly(
  value: unknown,
  issues: IssueList,
): { weekly: MinuteRange[][]; spec: BusinessCalendarSpec['weekly'] } {
  const pieces: ParsedRange[][] = WEEKDAY_NAMES.map(() => []);
  const spec: BusinessCalendarSpec['weekly'] = {};
  if (!isRecord(value)) {
    issues.add('invalid_calendar', 'weekly', 'must be an object keyed by weekday (mon … sun)');
    return { weekly: pieces.map(() => []), spec };
  }
  for (const [key, rawRanges] of Object.entries(value)) {
    const dayIndex = WEEKDAY_NAMES.indexOf(key as WeekdayName);
    const path = `weekly.${key}`;
    if (dayIndex < 0) {
      issues.add(
        'invalid_weekday',
        path,
        `"${key}" is not a weekday (expected one of ${WEEKDAY_NAMES.join(', ')})`,
      );
      continue;
    }
    const ranges = readRangeList(rawRanges, path, issues);
    spec[key as WeekdayName] = ranges.map(toSpecRange);
    for (const range of ranges) {
      if (range.start === range.end) {
        issues.add(
          'invalid_range',
          range.path,
          `${formatTimeOfDay(range.start)}–${formatTimeOfDay(range.end)} is empty; for a whole day use 00:00–24:00`,
        );
      } else if (range.end > range.start) {
        pieces[dayIndex]!.push(range);
      } else {
        // Spans midnight: the part after midnight belongs to the next weekday's local date.
        pieces[dayIndex]!.push({ ...range, end: DAY_MINUTES });
        if (range.end > 0) pieces[(dayIndex + 1) % 7]!.push({ ...range, start: 0 });
      }
    }
  }
  const weekly = pieces.map((dayPieces, dayIndex) => {
    const sorted = [...dayPieces].sort((a, b) => a.start - b.start);
    for (let i = 1; i < sorted.length; i += 1) {
      const previous = sorted[i - 1]!;
      const current = sorted[i]!;
      if (current.start < previous.end) {
        issues.add(
          'overlapping_ranges',
          current.path,
          `on ${WEEKDAY_NAMES[dayIndex]}, ${formatTimeOfDay(current.start)}–${formatTimeOfDay(current.end)} ` +
            `overlaps ${formatTimeOfDay(previous.start)}–${formatTimeOfDay(previous.end)} (${previous.path})`,
        );
      }
    }
    return mergeMinuteRanges(sorted.map((piece) => [piece.start, piece.end] as const));
  });
  return { weekly, spec };
}

function parseHolidays(
  value: unknown,
  issues: IssueList,
): { holidays: Map<number, MinuteRange[]>; spec: HolidaySpec[] } {
  const holidays = new Map<number, MinuteRange[]>();
  const spec: HolidaySpec[] = [];
  if (value === undefined) return { holidays, spec };
  if (!Array.isArray(value)) {
    issues.add(
      'invalid_calendar',
      'holidays',
      'must be an array of {"date": "YYYY-MM-DD", "name"?, "closed"?}',
    );
    return { holidays, spec };
  }
  value.forEach((item: unknown, index) => {
    const path = `holidays[${index}]`;
    if (!isRecord(item)) {
      issues.add(
        'invalid_calendar',
        path,
        'a holiday must be an object {"date": "YYYY-MM-DD", "name"?, "closed"?}',
      );
      return;
    }
    issues.checkKeys(item, ['date', 'name', 'closed'], path);
    let day: number | null = null;
    if (item.date === undefined) issues.add('missing_field', `${path}.date`, '"date" is required');
    else if (typeof item.date !== 'string' || (day = parseDay(item.date)) === null) {
      issues.add('invalid_date', `${path}.date`, `${JSON.stringify(item.date)} is not a date "YYYY-MM-DD"`);
    }
    if (item.name !== undefined && typeof item.name !== 'string') {
      issues.add('invalid_calendar', `${path}.name`, '"name" must be a string');
    }
    let closed: MinuteRange[] = [[0, DAY_MINUTES]];
    if (item.closed !== undefined) {
      const ranges = readRangeList(item.closed, `${path}.closed`, issues);
      if (Array.isArray(item.closed) && item.closed.length === 0) {
        issues.add(
          'invalid_range',
          `${path}.closed`,
          'list at least one closed range, or omit "closed" to close the whole day',
        );
      }
      for (const range of ranges) {
        if (range.end <= range.start) {
          issues.add(
            'invalid_range',
            range.path,
            `${formatTimeOfDay(range.start)}–${formatTimeOfDay(range.end)} must end after it starts (end 24:00 for midnight)`,
          );
        }
      }
      closed = ranges
        .filter((range) => range.end > range.start)
        .map((range) => [range.start, range.end] as const);
    }
    if (day === null) return;
    holidays.set(day, mergeMinuteRanges([...(holidays.get(day) ?? []), ...closed]));
    spec.push({
      date: item.date as string,
      ...(typeof item.name === 'string' ? { name: item.name } : {}),
      ...(item.closed !== undefined
        ? { closed: closed.map(([start, end]) => toSpecRange({ start, end, path })) }
        : {}),
    });
  });
  return { holidays, spec };
}

/** Validates a business-hours spec, collecting every issue rather than stopping at the first. */
export function parseBusinessCalendar(input: unknown): CalendarParseResult<BusinessCalendar> {
  const issues = new IssueList();
  if (!isRecord(input)) {
    issues.add('invalid_calendar', '', 'a calendar must be an object {"timeZone", "weekly", "holidays"?}');
    return { ok: false, errors: issues.issues };
  }
  issues.checkKeys(input, ['kind', 'timeZone', 'weekly', 'holidays'], '');
  if (input.kind !== undefined && input.kind !== 'business-hours') {
    issues.add('invalid_kind', 'kind', `${JSON.stringify(input.kind)} is not "business-hours"`);
  }
  let timeZone: string | null = null;
  if (input.timeZone === undefined) issues.add('missing_field', 'timeZone', '"timeZone" is required');
  else if ((timeZone = canonicalTimeZone(input.timeZone)) === null) {
    issues.add(
      'invalid_time_zone',
      'timeZone',
      `${JSON.stringify(input.timeZone)} is not an IANA time zone name (for example "Europe/Madrid")`,
    );
  }
  if (input.weekly === undefined) issues.add('missing_field', 'weekly', '"weekly" is required');
  const issuesBeforeWeekly = issues.issues.length;
  const weekly = parseWeekly(input.weekly ?? {}, issues);
  const weeklyIsClean = input.weekly !== undefined && issues.issues.length === issuesBeforeWeekly;
  const holidays = parseHolidays(input.holidays, issues);
  const weeklyMinutes = weekly.weekly.flat().reduce((sum, [start, end]) => sum + end - start, 0);
  if (weeklyIsClean && weeklyMinutes === 0) {
    issues.add(
      'no_business_hours',
      'weekly',
      'the week has no business hours, so no due time could ever be reached',
    );
  }
  if (issues.issues.length > 0 || timeZone === null) return { ok: false, errors: issues.issues };
  const calendar = {
    kind: 'business-hours' as const,
    timeZone,
    weekly: weekly.weekly,
    holidays: holidays.holidays,
    holidayDays: [...holidays.holidays.keys()].sort((a, b) => a - b),
    weeklyMs: weeklyMinutes * MINUTE_MS,
    spec: {
      kind: 'business-hours' as const,
      timeZone,
      weekly: weekly.spec,
      ...(input.holidays !== undefined ? { holidays: holidays.spec } : {}),
    },
  } as Omit<BusinessCalendar, typeof validated> as BusinessCalendar;
  return { ok: true, value: calendar };
}

/** Validates either kind of calendar spec (`{"kind": "wall-time"}` or a business-hours spec). */
export function parseCalendar(input: unknown): CalendarParseResult<Calendar> {
  if (isRecord(input) && input.kind === 'wall-time') {
    const extra = Object.keys(input).filter((key) => key !== 'kind');
    if (extra.length > 0) {
      return {
        ok: false,
        errors: extra.map((key) => ({
          code: 'unknown_field' as const,
          path: key,
          message: `unknown field "${key}" (a wall-time calendar has only "kind")`,
        })),
      };
    }
    return { ok: true, value: WALL_TIME_CALENDAR };
  }
  return parseBusinessCalendar(input);
}

/** {@link parseBusinessCalendar} for specs known to be valid (code, tests); throws {@link CalendarValidationError}. */
export function businessCalendar(spec: BusinessCalendarSpec): BusinessCalendar {
  const result = parseBusinessCalendar(spec);
  if (!result.ok) throw new CalendarValidationError(result.errors);
  return result.value;
}

/** {@link parseCalendar}, throwing {@link CalendarValidationError}. */
export function calendarFromSpec(spec: CalendarSpec): Calendar {
  const result = parseCalendar(spec);
  if (!result.ok) throw new CalendarValidationError(result.errors);
  return result.value;
}

/** The spec to store for a calendar (round-trips through {@link parseCalendar}). */
export function calendarToSpec(calendar: Calendar): CalendarSpec {
  return calendar.kind === 'wall-time' ? { kind: 'wall-time' } : calendar.spec;
}
