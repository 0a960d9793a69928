/**
 * Proleptic Gregorian calendar arithmetic on "day numbers" (days since 1970-01-01), with no time zone.
 * A local date in any zone is a day number; local wall-clock time is `dayNumber * DAY_MS + msOfDay`
 * ("local milliseconds", the instant the same wall clock would show in UTC).
 *
 * The conversions are Howard Hinnant's `days_from_civil` / `civil_from_days`
 * (https://howardhinnant.github.io/date_algorithms.html), exact for every year.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const WEEK_DAYS = 7;

export interface CivilDate {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export function civilFromDays(dayNumber: number): CivilDate {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** 1970-01-01 (day 0) was a Thursday (ISO weekday 4). */
export function isoWeekdayOfDay(dayNumber: number): IsoWeekday {
  return (((((dayNumber + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

/** The ISO 8601 week (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeekOfDay(dayNumber: number): { weekYear: number; week: number } {
  const thursday = dayNumber - isoWeekdayOfDay(dayNumber) + 4;
  const weekYear = civilFromDays(thursday).year;
  const week = Math.floor((thursday - daysFromCivil(weekYear, 1, 1)) / 7) + 1;
  return { weekYear, week };
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** `2026-03-08` */
export function formatDay(dayNumber: number): string {
  const { year, month, day } = civilFromDays(dayNumber);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** `2026-03` */
export function formatMonth(dayNumber: number): string {
  const { year, month } = civilFromDays(dayNumber);
  return `${pad(year, 4)}-${pad(month, 2)}`;
}

/** `2026-W10` (ISO week-year, which differs from the calendar year around New Year). */
export function formatIsoWeek(dayNumber: number): string {
  const { weekYear, week } = isoWeekOfDay(dayNumber);
  return `${pad(weekYear, 4)}-W${pad(week, 2)}`;
}

/** `+01:00`, `-04:00`, `+05:45` from an offset in milliseconds (seconds, as in old LMT offsets, are dropped). */
export function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.floor(Math.abs(offsetMs) / MINUTE_MS);
  return `${sign}${pad(Math.floor(minutes / 60), 2)}:${pad(minutes % 60, 2)}`;
}

export const pad2 = (value: number) => pad(value, 2);

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses a real calendar date `YYYY-MM-DD` to its day number, or null (`2026-02-30` is null). */
export function parseDay(text: string): number | null {
  const match = DATE_PATTERN.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const dayNumber = daysFromCivil(year, month, day);
  const back = civilFromDays(dayNumber);
  return back.month === month && back.day === day ? dayNumber : null;
}

/** The first day of the month holding `dayNumber`. */
export function firstDayOfMonth(dayNumber: number): number {
  const { year, month } = civilFromDays(dayNumber);
  return daysFromCivil(year, month, 1);
}

/** The first day of the month after the one holding `dayNumber`. */
export function firstDayOfNextMonth(dayNumber: number): number {
  const { year, month } = civilFromDays(dayNumber);
  return month === 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, month + 1, 1);
}

/** The Monday of the ISO week holding `dayNumber`. */
export function mondayOfWeek(dayNumber: number): number {
  return dayNumber - isoWeekdayOfDay(dayNumber) + 1;
}
