import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  addBusinessTime,
  businessDuration,
  businessIntervals,
  isBusinessTime,
  nextBusinessStart,
} from './business-calendar.js';
import { WALL_TIME_CALENDAR, businessCalendar } from './calendar-spec.js';
import type { Calendar, TimeRangeSpec } from './calendar-spec.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `09:00-17:00` → a range spec. */
const r = (text: string): TimeRangeSpec => {
  const [start, end] = text.split('-') as [string, string];
  return { start, end };
};
const weekdays = (ranges: TimeRangeSpec[]) => ({
  mon: ranges,
  tue: ranges,
  wed: ranges,
  thu: ranges,
  fri: ranges,
});
const allWeek = (ranges: TimeRangeSpec[]) => ({ ...weekdays(ranges), sat: ranges, sun: ranges });

/** An instant from a local ISO time in a zone (Luxon is the independent oracle for local ↔ UTC). */
const at = (zone: string) => (local: string) => {
  const dateTime = DateTime.fromISO(local, { zone });
  if (!dateTime.isValid) throw new Error(`bad local time ${local}`);
  return dateTime.toMillis();
};
const iso = (zone: string) => (t: number) => DateTime.fromMillis(t, { zone }).toISO() ?? 'invalid';

const NY = 'America/New_York';
const MADRID = 'Europe/Madrid';
const ny = at(NY);
const madrid = at(MADRID);
const nyIso = iso(NY);
const madridIso = iso(MADRID);

/** Mon–Fri 09:00–17:00, New York. */
const officeNy = businessCalendar({ timeZone: NY, weekly: weekdays([r('09:00-17:00')]) });

describe('the wall-time calendar', () => {
  it('counts every millisecond: a P0 (5 min) chat is due 5 min after it opens, day or night', () => {
    const opened = ny('2026-03-07T23:58'); // a Saturday night
    expect(addBusinessTime(WALL_TIME_CALENDAR, opened, 5 * MINUTE)).toBe(opened + 5 * MINUTE);
    expect(businessDuration(WALL_TIME_CALENDAR, opened, opened + 5 * MINUTE)).toBe(5 * MINUTE);
    expect(isBusinessTime(WALL_TIME_CALENDAR, opened)).toBe(true);
    expect(nextBusinessStart(WALL_TIME_CALENDAR, opened)).toBe(opened);
    expect(businessIntervals(WALL_TIME_CALENDAR, opened, opened + HOUR)).toEqual([
      { start: opened, end: opened + HOUR },
    ]);
  });

  it('gives 0 for an empty or reversed span', () => {
    expect(businessDuration(WALL_TIME_CALENDAR, 1000, 1000)).toBe(0);
    expect(businessDuration(WALL_TIME_CALENDAR, 2000, 1000)).toBe(0);
    expect(businessDuration(officeNy, ny('2026-01-14T12:00'), ny('2026-01-14T10:00'))).toBe(0);
  });
});

describe('business hours, Mon–Fri 09:00–17:00', () => {
  it('a P1 (1 h) chat opened Friday 16:30 is due Monday 09:30', () => {
    expect(nyIso(addBusinessTime(officeNy, ny('2026-01-16T16:30'), HOUR))).toBe(
      '2026-01-19T09:30:00.000-05:00',
    );
  });

  it('the same across the weekend of the spring-forward (EST on Friday, EDT on Monday)', () => {
    const due = addBusinessTime(officeNy, ny('2026-03-06T16:30'), HOUR);
    expect(nyIso(due)).toBe('2026-03-09T09:30:00.000-04:00');
    // Real elapsed time is 65 h − 1 h, yet exactly 1 h of business time.
    expect(due - ny('2026-03-06T16:30')).toBe(64 * HOUR);
    expect(businessDuration(officeNy, ny('2026-03-06T16:30'), due)).toBe(HOUR);
  });

  it('counts a span over a weekend as the two partial weekdays only', () => {
    expect(businessDuration(officeNy, ny('2026-01-16T12:00'), ny('2026-01-19T12:00'))).toBe(8 * HOUR);
    expect(businessDuration(officeNy, ny('2026-01-17T00:00'), ny('2026-01-19T00:00'))).toBe(0);
  });

  it('a budget that runs out exactly at closing time is due at closing, not at the next opening', () => {
    expect(nyIso(addBusinessTime(officeNy, ny('2026-01-16T16:30'), 30 * MINUTE))).toBe(
      '2026-01-16T17:00:00.000-05:00',
    );
  });

  it('a chat opened outside hours starts its clock at the next opening', () => {
    expect(nyIso(addBusinessTime(officeNy, ny('2026-01-17T10:00'), 5 * MINUTE))).toBe(
      '2026-01-19T09:05:00.000-05:00',
    );
    expect(nyIso(nextBusinessStart(officeNy, ny('2026-01-16T17:00')))).toBe('2026-01-19T09:00:00.000-05:00');
    expect(nextBusinessStart(officeNy, ny('2026-01-16T16:59'))).toBe(ny('2026-01-16T16:59'));
  });

  it('ranges are half-open: opening time is business time, closing time is not', () => {
    expect(isBusinessTime(officeNy, ny('2026-01-16T09:00'))).toBe(true);
    expect(isBusinessTime(officeNy, ny('2026-01-16T16:59:59.999'))).toBe(true);
    expect(isBusinessTime(officeNy, ny('2026-01-16T17:00'))).toBe(false);
    expect(isBusinessTime(officeNy, ny('2026-01-16T08:59:59.999'))).toBe(false);
    expect(isBusinessTime(officeNy, ny('2026-01-17T12:00'))).toBe(false);
  });

  it('a P2 (24 h) target is three business days', () => {
    expect(nyIso(addBusinessTime(officeNy, ny('2026-01-14T10:00'), 24 * HOUR))).toBe(
      '2026-01-19T10:00:00.000-05:00',
    );
  });

  it('lists the business intervals of a span', () => {
    expect(businessIntervals(officeNy, ny('2026-01-16T12:00'), ny('2026-01-19T10:00'))).toEqual([
      { start: ny('2026-01-16T12:00'), end: ny('2026-01-16T17:00') },
      { start: ny('2026-01-19T09:00'), end: ny('2026-01-19T10:00') },
    ]);
  });
});

describe('a lunch break (09:00–13:00 and 14:00–18:00, Madrid)', () => {
  const lunch = businessCalendar({
    timeZone: MADRID,
    weekly: weekdays([r('09:00-13:00'), r('14:00-18:00')]),
  });

  it('skips the break when counting', () => {
    expect(businessDuration(lunch, madrid('2026-01-14T12:00'), madrid('2026-01-14T15:00'))).toBe(2 * HOUR);
    expect(businessDuration(lunch, madrid('2026-01-14T00:00'), madrid('2026-01-15T00:00'))).toBe(8 * HOUR);
  });

  it('skips the break when computing a due time', () => {
    expect(madridIso(addBusinessTime(lunch, madrid('2026-01-14T12:30'), HOUR))).toBe(
      '2026-01-14T14:30:00.000+01:00',
    );
    expect(isBusinessTime(lunch, madrid('2026-01-14T13:30'))).toBe(false);
    expect(madridIso(nextBusinessStart(lunch, madrid('2026-01-14T13:30')))).toBe(
      '2026-01-14T14:00:00.000+01:00',
    );
  });
});

describe('holidays', () => {
  const withHolidays = businessCalendar({
    timeZone: NY,
    weekly: weekdays([r('09:00-17:00')]),
    holidays: [
      { date: '2026-01-16', name: 'a Friday off' },
      { date: '2026-12-23', name: 'half day', closed: [r('12:00-24:00')] },
    ],
  });

  it('a whole-day holiday is skipped', () => {
    expect(nyIso(addBusinessTime(withHolidays, ny('2026-01-15T16:30'), HOUR))).toBe(
      '2026-01-19T09:30:00.000-05:00',
    );
    expect(businessDuration(withHolidays, ny('2026-01-15T00:00'), ny('2026-01-20T00:00'))).toBe(16 * HOUR);
    expect(isBusinessTime(withHolidays, ny('2026-01-16T10:00'))).toBe(false);
  });

  it('a partial-day holiday closes only its ranges', () => {
    expect(businessDuration(withHolidays, ny('2026-12-23T00:00'), ny('2026-12-24T00:00'))).toBe(3 * HOUR);
    expect(nyIso(addBusinessTime(withHolidays, ny('2026-12-23T11:30'), HOUR))).toBe(
      '2026-12-24T09:30:00.000-05:00',
    );
  });

  it('the same date listed twice closes the union', () => {
    const twice = businessCalendar({
      timeZone: NY,
      weekly: weekdays([r('09:00-17:00')]),
      holidays: [
        { date: '2026-01-14', closed: [r('09:00-10:00')] },
        { date: '2026-01-14', closed: [r('16:00-24:00')] },
      ],
    });
    expect(businessDuration(twice, ny('2026-01-14T00:00'), ny('2026-01-15T00:00'))).toBe(6 * HOUR);
  });
});

describe('ranges spanning midnight', () => {
  // A night desk: Friday 22:00 to Saturday 02:00, and Saturday 22:00 to Sunday 02:00.
  const nightDesk = businessCalendar({
    timeZone: MADRID,
    weekly: { fri: [r('22:00-02:00')], sat: [r('22:00-02:00')] },
    holidays: [{ date: '2026-01-18' }], // a Sunday: closes only the after-midnight part of Saturday's shift
  });

  it('count on both sides of midnight', () => {
    expect(businessDuration(nightDesk, madrid('2026-01-09T00:00'), madrid('2026-01-11T00:00'))).toBe(
      6 * HOUR,
    );
    expect(madridIso(addBusinessTime(nightDesk, madrid('2026-01-09T23:00'), 2 * HOUR))).toBe(
      '2026-01-10T01:00:00.000+01:00',
    );
    expect(isBusinessTime(nightDesk, madrid('2026-01-10T01:59'))).toBe(true);
  });

  it('a holiday closes only the part on its date', () => {
    expect(businessDuration(nightDesk, madrid('2026-01-17T00:00'), madrid('2026-01-19T00:00'))).toBe(
      4 * HOUR,
    );
    expect(isBusinessTime(nightDesk, madrid('2026-01-18T01:00'))).toBe(false);
  });

  it('are merged into one interval across midnight', () => {
    expect(businessIntervals(nightDesk, madrid('2026-01-09T00:00'), madrid('2026-01-10T12:00'))).toEqual([
      { start: madrid('2026-01-09T22:00'), end: madrid('2026-01-10T02:00') },
    ]);
  });
});

describe('DST changes are exact', () => {
  // US: 2026-03-08 02:00 EST → 03:00 EDT; 2026-11-01 02:00 EDT → 01:00 EST.
  // Spain: 2026-03-29 02:00 CET → 03:00 CEST; 2026-10-25 03:00 CEST → 02:00 CET.
  const cases = [
    { zone: NY, spring: '2026-03-08', fall: '2026-11-01', before: '2026-03-01' },
    { zone: MADRID, spring: '2026-03-29', fall: '2026-10-25', before: '2026-03-22' },
  ];

  for (const { zone, spring, fall, before } of cases) {
    const local = at(zone);
    const day = (date: string) => [local(`${date}T00:00`), local(`${date}T00:00`) + 2 * DAY] as const;

    describe(zone, () => {
      it('a 09:00–17:00 day is 8 h of real time on both change days (the jump is outside the range)', () => {
        const office = businessCalendar({ timeZone: zone, weekly: allWeek([r('09:00-17:00')]) });
        for (const date of [spring, fall, before]) {
          const [start] = day(date);
          expect(businessDuration(office, start, local(`${date}T23:59`))).toBe(8 * HOUR);
        }
      });

      it('a range the jump falls inside counts the real elapsed time', () => {
        const night = businessCalendar({ timeZone: zone, weekly: { sun: [r('00:00-06:00')] } });
        expect(businessDuration(night, ...day(before))).toBe(6 * HOUR);
        expect(businessDuration(night, ...day(spring))).toBe(5 * HOUR);
        expect(businessDuration(night, ...day(fall))).toBe(7 * HOUR);
        // Due times: after a fall-back 6 h of budget run out at 05:00 local; after a spring-forward
        // the day's 5 h run out at closing time, 06:00.
        expect(iso(zone)(addBusinessTime(night, local(`${fall}T00:00`), 6 * HOUR)).slice(0, 16)).toBe(
          `${fall}T05:00`,
        );
        expect(addBusinessTime(night, local(`${spring}T00:00`), 5 * HOUR)).toBe(local(`${spring}T06:00`));
      });

      it('a range starting in the skipped hour starts at the jump', () => {
        const skipped = businessCalendar({ timeZone: zone, weekly: { sun: [r('02:30-04:00')] } });
        expect(businessDuration(skipped, ...day(spring))).toBe(HOUR);
        expect(businessDuration(skipped, ...day(before))).toBe(90 * MINUTE);
      });

      it('a 24×7 calendar measures real time: the change days are 23 h and 25 h', () => {
        const always = businessCalendar({ timeZone: zone, weekly: allWeek([r('00:00-24:00')]) });
        const localDay = (date: string) => {
          const midnight = DateTime.fromISO(date, { zone });
          return [midnight.toMillis(), midnight.plus({ days: 1 }).toMillis()] as const;
        };
        expect(businessDuration(always, ...localDay(before))).toBe(24 * HOUR);
        expect(businessDuration(always, ...localDay(spring))).toBe(23 * HOUR);
        expect(businessDuration(always, ...localDay(fall))).toBe(25 * HOUR);
        expect(addBusinessTime(always, localDay(fall)[0], 25 * HOUR)).toBe(localDay(fall)[1]);
      });

      it('isBusinessTime follows the wall clock through the repeated hour', () => {
        const repeated = zone === NY ? '01' : '02';
        const hour = businessCalendar({
          timeZone: zone,
          weekly: { sun: [r(`${repeated}:00-${repeated}:30`)] },
        });
        // Luxon resolves an ambiguous wall time to its second pass; an hour earlier is the first.
        const first = DateTime.fromISO(`${fall}T${repeated}:10`, { zone }).toMillis() - HOUR;
        expect(iso(zone)(first).slice(11, 16)).toBe(`${repeated}:10`);
        expect(isBusinessTime(hour, first)).toBe(true);
        expect(isBusinessTime(hour, first + HOUR)).toBe(true); // the same wall time, one hour later
        expect(isBusinessTime(hour, first + 30 * MINUTE)).toBe(false);
        expect(businessDuration(hour, ...day(fall))).toBe(HOUR);
      });
    });
  }
});

describe('long spans', () => {
  it('a year is the sum of its days, holidays and DST changes included', () => {
    const calendar = businessCalendar({
      timeZone: NY,
      weekly: { ...weekdays([r('09:00-13:00'), r('14:00-18:00')]), sun: [r('01:00-03:00')] },
      holidays: [{ date: '2026-07-03' }, { date: '2026-12-24', closed: [r('12:00-24:00')] }],
    });
    const start = ny('2026-01-01T00:00');
    const end = ny('2027-01-01T00:00');
    const perDay = businessIntervals(calendar, start, end).reduce(
      (sum, { start: s, end: e }) => sum + e - s,
      0,
    );
    // 261 weekdays × 8 h − 8 h (July 3) − 5 h (Dec 24 from noon: 12–13 and 14–18)
    // + 52 Sundays × 2 h − 1 h (spring-forward) + 1 h (fall-back).
    expect(perDay).toBe(261 * 8 * HOUR - 13 * HOUR + 52 * 2 * HOUR);
    expect(businessDuration(calendar, start, end)).toBe(perDay);
  });
});

/** Calendars for the properties: DST zones, breaks, holidays, midnight spans, 24×7, wall time. */
const propertyCalendars: [string, Calendar][] = [
  ['wall time', WALL_TIME_CALENDAR],
  ['NY office', officeNy],
  [
    'Madrid, lunch break, Saturday morning, holidays',
    businessCalendar({
      timeZone: MADRID,
      weekly: { ...weekdays([r('09:00-13:00'), r('14:00-18:00')]), sat: [r('10:00-12:30')] },
      holidays: [
        { date: '2026-01-06' },
        { date: '2026-04-02', closed: [r('13:00-24:00')] },
        { date: '2026-12-25' },
      ],
    }),
  ],
  [
    'NY night shifts over the DST hours',
    businessCalendar({ timeZone: NY, weekly: { sat: [r('22:00-04:00')], sun: [r('22:00-03:00')] } }),
  ],
  ['Madrid 24×7', businessCalendar({ timeZone: MADRID, weekly: allWeek([r('00:00-24:00')]) })],
  [
    'Sydney (southern DST), Mon–Fri',
    businessCalendar({ timeZone: 'Australia/Sydney', weekly: weekdays([r('08:30-17:30')]) }),
  ],
];

const instant = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) });
/** Instants near the 2026 changes, so the properties visit them often. */
const nearChange = fc
  .constantFrom(
    ny('2026-03-08T02:00'),
    ny('2026-11-01T01:00'),
    madrid('2026-03-29T02:00'),
    madrid('2026-10-25T02:00'),
    Date.UTC(2026, 3, 4, 16),
    Date.UTC(2026, 9, 3, 16),
  )
  .chain((change) => fc.integer({ min: change - 3 * DAY, max: change + 3 * DAY }));
const anyInstant = fc.oneof(instant, nearChange);

describe.each(propertyCalendars)('properties: %s', (_name, calendar) => {
  it('addBusinessTime is the inverse of businessDuration, and its answer is the earliest one', () => {
    fc.assert(
      fc.property(anyInstant, fc.integer({ min: 0, max: 90 * DAY }), (start, duration) => {
        const due = addBusinessTime(calendar, start, duration);
        expect(businessDuration(calendar, start, due)).toBe(duration);
        if (duration > 0) {
          expect(businessDuration(calendar, start, due - 1)).toBe(duration - 1);
          expect(isBusinessTime(calendar, due - 1)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('durations add up over any split point (long spans use whole-week steps, parts may not)', () => {
    fc.assert(
      fc.property(
        anyInstant,
        fc.integer({ min: 0, max: 400 * DAY }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (s, length, at) => {
          const end = s + length;
          const middle = s + Math.floor(length * at);
          expect(businessDuration(calendar, s, middle) + businessDuration(calendar, middle, end)).toBe(
            businessDuration(calendar, s, end),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('businessDuration agrees with isBusinessTime minute by minute around DST changes', () => {
    fc.assert(
      fc.property(nearChange, (t) => {
        const start = Math.floor(t / MINUTE) * MINUTE;
        const minutes = 36 * 60;
        let counted = 0;
        for (let i = 0; i < minutes; i += 1)
          if (isBusinessTime(calendar, start + i * MINUTE)) counted += MINUTE;
        expect(businessDuration(calendar, start, start + minutes * MINUTE)).toBe(counted);
      }),
      { numRuns: 25 },
    );
  });

  it('nextBusinessStart is the first business instant at or after t', () => {
    fc.assert(
      fc.property(anyInstant, (t) => {
        const next = nextBusinessStart(calendar, t);
        expect(next).toBeGreaterThanOrEqual(t);
        expect(isBusinessTime(calendar, next)).toBe(true);
        expect(businessDuration(calendar, t, next)).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('argument checks', () => {
  it('rejects a negative or non-finite duration and non-finite instants', () => {
    expect(() => addBusinessTime(officeNy, 0, -1)).toThrow(RangeError);
    expect(() => addBusinessTime(officeNy, 0, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => businessDuration(officeNy, Number.NaN, 0)).toThrow(RangeError);
    expect(() => isBusinessTime(officeNy, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('a zero duration is due at once, even outside business hours', () => {
    expect(addBusinessTime(officeNy, ny('2026-01-17T10:00'), 0)).toBe(ny('2026-01-17T10:00'));
  });
});
