import { describe, expect, it } from 'vitest';
import {
  CalendarValidationError,
  WALL_TIME_CALENDAR,
  businessCalendar,
  calendarFromSpec,
  calendarToSpec,
  parseBusinessCalendar,
  parseCalendar,
  parseTimeOfDay,
} from './calendar-spec.js';
import type { CalendarIssue } from './calendar-spec.js';

const errorsOf = (input: unknown): Pick<CalendarIssue, 'code' | 'path'>[] => {
  const result = parseCalendar(input);
  if (result.ok) throw new Error('expected the spec to be refused');
  return result.errors.map(({ code, path }) => ({ code, path }));
};

const valid = {
  timeZone: 'Europe/Madrid',
  weekly: { mon: [{ start: '09:00', end: '13:00' }] },
};

describe('parseCalendar', () => {
  it('accepts several ranges per weekday, midnight spans and partial-day holidays', () => {
    const result = parseBusinessCalendar({
      timeZone: 'america/new_york',
      weekly: {
        mon: [
          { start: '14:00', end: '18:00' },
          { start: '09:00', end: '13:00' },
        ],
        fri: [{ start: '22:00', end: '02:00' }],
        sat: [{ start: '02:00', end: '06:00' }],
      },
      holidays: [{ date: '2026-12-24', name: 'Christmas Eve', closed: [{ start: '14:00', end: '24:00' }] }],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const calendar = result.value;
    expect(calendar.timeZone).toBe('America/New_York');
    expect(calendar.weekly[0]).toEqual([
      [540, 780],
      [840, 1080],
    ]);
    // Friday 22:00–02:00 is Friday 22:00–24:00 plus Saturday 00:00–02:00, which touches Saturday 02:00–06:00.
    expect(calendar.weekly[4]).toEqual([[1320, 1440]]);
    expect(calendar.weekly[5]).toEqual([[0, 360]]);
    expect(calendar.weeklyMs).toBe((8 + 2 + 6) * 3_600_000);
    expect([...calendar.holidays.values()]).toEqual([[[840, 1440]]]);
  });

  it('round-trips through its stored spec', () => {
    const calendar = businessCalendar({ ...valid, holidays: [{ date: '2026-01-06', name: 'Reyes' }] });
    const again = calendarFromSpec(calendarToSpec(calendar));
    expect(again).toEqual(calendar);
    expect(calendarFromSpec({ kind: 'wall-time' })).toBe(WALL_TIME_CALENDAR);
    expect(calendarToSpec(WALL_TIME_CALENDAR)).toEqual({ kind: 'wall-time' });
  });

  it('names each problem with a stable code and the path to it', () => {
    expect(
      errorsOf({
        timeZone: 'Mars/Olympus_Mons',
        weekly: {
          mon: [
            { start: '09:00', end: '13:00' },
            { start: '12:00', end: '18:00' },
          ],
          funday: [],
          tue: [{ start: '9am', end: '17:00' }],
          wed: [{ start: '10:00', end: '10:00' }],
          thu: [{ start: '24:00', end: '10:00' }],
          fri: [{ start: '09:00' }],
        },
        holidays: [
          { date: '2026-02-30' },
          { date: '2026-12-24', closed: [{ start: '18:00', end: '14:00' }] },
          { date: '2026-12-31', closed: [] },
          { name: 'no date' },
        ],
        extra: true,
      }),
    ).toEqual([
      { code: 'unknown_field', path: 'extra' },
      { code: 'invalid_time_zone', path: 'timeZone' },
      { code: 'invalid_weekday', path: 'weekly.funday' },
      { code: 'invalid_time', path: 'weekly.tue[0].start' },
      { code: 'invalid_range', path: 'weekly.wed[0]' },
      { code: 'invalid_time', path: 'weekly.thu[0].start' },
      { code: 'missing_field', path: 'weekly.fri[0].end' },
      { code: 'overlapping_ranges', path: 'weekly.mon[1]' },
      { code: 'invalid_date', path: 'holidays[0].date' },
      { code: 'invalid_range', path: 'holidays[1].closed[0]' },
      { code: 'invalid_range', path: 'holidays[2].closed' },
      { code: 'missing_field', path: 'holidays[3].date' },
    ]);
  });

  it('refuses a range spilling past midnight into the next day’s hours', () => {
    expect(
      errorsOf({
        timeZone: 'UTC',
        weekly: { sun: [{ start: '20:00', end: '09:30' }], mon: [{ start: '09:00', end: '17:00' }] },
      }),
    ).toEqual([{ code: 'overlapping_ranges', path: 'weekly.mon[0]' }]);
  });

  it('refuses a week with no business time, and shapes that are not a calendar', () => {
    expect(errorsOf({ timeZone: 'UTC', weekly: {} })).toEqual([
      { code: 'no_business_hours', path: 'weekly' },
    ]);
    expect(errorsOf({ timeZone: 'UTC', weekly: { sat: [] } })).toEqual([
      { code: 'no_business_hours', path: 'weekly' },
    ]);
    expect(errorsOf(null)).toEqual([{ code: 'invalid_calendar', path: '' }]);
    expect(errorsOf({ timeZone: 'UTC' })).toEqual([{ code: 'missing_field', path: 'weekly' }]);
    expect(errorsOf({ weekly: valid.weekly })).toEqual([{ code: 'missing_field', path: 'timeZone' }]);
    expect(errorsOf({ ...valid, weekly: [] })).toEqual([{ code: 'invalid_calendar', path: 'weekly' }]);
    expect(errorsOf({ ...valid, weekly: { mon: 'all day' } })).toEqual([
      { code: 'invalid_calendar', path: 'weekly.mon' },
    ]);
    expect(errorsOf({ ...valid, holidays: {} })).toEqual([{ code: 'invalid_calendar', path: 'holidays' }]);
    expect(errorsOf({ ...valid, kind: 'lunar' })).toEqual([{ code: 'invalid_kind', path: 'kind' }]);
    expect(errorsOf({ kind: 'wall-time', timeZone: 'UTC' })).toEqual([
      { code: 'unknown_field', path: 'timeZone' },
    ]);
    expect(errorsOf({ ...valid, timeZone: '+01:00' })).toEqual([
      { code: 'invalid_time_zone', path: 'timeZone' },
    ]);
  });

  it('throws a typed error carrying every issue when built directly', () => {
    try {
      businessCalendar({ timeZone: 'Nowhere', weekly: {} });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CalendarValidationError);
      const validation = error as CalendarValidationError;
      expect(validation.code).toBe('invalid_time_zone');
      expect(validation.issues.map((issue) => issue.code)).toEqual([
        'invalid_time_zone',
        'no_business_hours',
      ]);
    }
  });
});

describe('parseTimeOfDay', () => {
  it('reads HH:MM from 00:00 to 24:00', () => {
    expect(parseTimeOfDay('00:00')).toBe(0);
    expect(parseTimeOfDay('9:05')).toBe(545);
    expect(parseTimeOfDay('24:00')).toBe(1440);
    for (const bad of ['24:01', '12:60', '1200', '12:00:00', '', ' 09:00'])
      expect(parseTimeOfDay(bad)).toBeNull();
  });
});
