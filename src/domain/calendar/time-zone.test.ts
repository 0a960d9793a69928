import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  civilFromDays,
  daysFromCivil,
  formatIsoWeek,
  isoWeekdayOfDay,
  parseDay,
} from './civil-date.js';
import { InvalidTimeZoneError, canonicalTimeZone, isValidTimeZone, zoneRules } from './time-zone.js';

const ZONES = [
  'America/New_York',
  'Europe/Madrid',
  'Australia/Sydney',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'UTC',
];
const instant = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) });

describe('civil dates', () => {
  it('agree with Luxon on date, weekday and ISO week for any day', () => {
    fc.assert(
      fc.property(fc.integer({ min: -200_000, max: 200_000 }), (day) => {
        const reference = DateTime.fromMillis(day * DAY_MS, { zone: 'UTC' });
        expect(civilFromDays(day)).toEqual({
          year: reference.year,
          month: reference.month,
          day: reference.day,
        });
        expect(daysFromCivil(reference.year, reference.month, reference.day)).toBe(day);
        expect(isoWeekdayOfDay(day)).toBe(reference.weekday);
        if (reference.year >= 1000) {
          expect(formatIsoWeek(day)).toBe(
            `${reference.weekYear}-W${String(reference.weekNumber).padStart(2, '0')}`,
          );
        }
      }),
    );
  });

  it('parse only real dates', () => {
    expect(parseDay('2026-03-08')).toBe(daysFromCivil(2026, 3, 8));
    expect(parseDay('2024-02-29')).not.toBeNull();
    for (const bad of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-3-8', '08/03/2026', '']) {
      expect(parseDay(bad)).toBeNull();
    }
  });
});

describe('zone rules', () => {
  it('give the same offset as Luxon at any instant', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instant, (zone, t) => {
        expect(zoneRules(zone).offsetAt(t)).toBe(DateTime.fromMillis(t, { zone }).offset * 60_000);
      }),
      { numRuns: 2000 },
    );
  });

  it('find DST changes to the millisecond', () => {
    const ny = zoneRules('America/New_York');
    expect(ny.transitionsBetween(Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1))).toEqual([
      Date.UTC(2026, 2, 8, 7),
      Date.UTC(2026, 10, 1, 6),
    ]);
    expect(ny.offsetAt(Date.UTC(2026, 2, 8, 7) - 1)).toBe(-5 * 3_600_000);
    expect(ny.offsetAt(Date.UTC(2026, 2, 8, 7))).toBe(-4 * 3_600_000);
    expect(zoneRules('Asia/Kolkata').transitionsBetween(Date.UTC(2000, 0, 1), Date.UTC(2030, 0, 1))).toEqual(
      [],
    );
  });

  it('map a wall-clock range to the instants that show it', () => {
    const madrid = zoneRules('Europe/Madrid');
    const local = (iso: string) => Date.parse(`${iso}Z`);
    // 02:30–04:00 on the spring-forward day: only 03:00–04:00 CEST exists.
    expect(madrid.wallRangeToIntervals(local('2026-03-29T02:30'), local('2026-03-29T04:00'))).toEqual([
      { start: Date.UTC(2026, 2, 29, 1), end: Date.UTC(2026, 2, 29, 2) },
    ]);
    // 02:00–02:30 on the fall-back day happens twice.
    expect(madrid.wallRangeToIntervals(local('2026-10-25T02:00'), local('2026-10-25T02:30'))).toEqual([
      { start: Date.UTC(2026, 9, 25, 0), end: Date.UTC(2026, 9, 25, 0, 30) },
      { start: Date.UTC(2026, 9, 25, 1), end: Date.UTC(2026, 9, 25, 1, 30) },
    ]);
    expect(madrid.earliestAtOrAfterLocal(local('2026-03-29T02:30'))).toBe(Date.UTC(2026, 2, 29, 1));
    expect(madrid.earliestAtOrAfterLocal(local('2026-10-25T02:30'))).toBe(Date.UTC(2026, 9, 25, 0, 30));
  });

  it('accept IANA names in any case and aliases, and refuse anything else with a typed error', () => {
    expect(canonicalTimeZone('america/new_york')).toBe('America/New_York');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    for (const bad of ['Mars/Base', '', '+01:00', 'local', 42, null, 'x'.repeat(200)]) {
      expect(isValidTimeZone(bad)).toBe(false);
    }
    expect(() => zoneRules('Mars/Base')).toThrow(InvalidTimeZoneError);
    try {
      zoneRules('Mars/Base');
    } catch (error) {
      expect((error as InvalidTimeZoneError).code).toBe('invalid_time_zone');
    }
  });
});
