import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { InvalidTimeZoneError } from '../calendar/time-zone.js';
import { WEEKDAY_HOUR_KEYS, bucketKey, bucketOf, bucketRange, bucketStart } from './time-buckets.js';
import type { TimeBucketUnit } from './time-buckets.js';

const HOUR = 3_600_000;
const NY = 'America/New_York';
const MADRID = 'Europe/Madrid';
const at = (zone: string, local: string) => DateTime.fromISO(local, { zone }).toMillis();
const localDay = (zone: string, date: string) => {
  const midnight = DateTime.fromISO(date, { zone });
  return [midnight.toMillis(), midnight.plus({ days: 1 }).toMillis()] as const;
};

describe('keys', () => {
  it('use the documented formats', () => {
    const t = at(NY, '2026-03-08T14:25');
    expect(bucketKey(t, 'hour', NY)).toBe('2026-03-08T14');
    expect(bucketKey(t, 'day', NY)).toBe('2026-03-08');
    expect(bucketKey(t, 'week', NY)).toBe('2026-W10');
    expect(bucketKey(t, 'month', NY)).toBe('2026-03');
    expect(bucketKey(t, 'weekday-hour', NY)).toBe('7-14');
    expect(bucketKey(at(NY, '2026-03-09T09:00'), 'weekday-hour', NY)).toBe('1-09');
  });

  it('are local: the same instant is a different day in another zone', () => {
    const t = Date.UTC(2026, 2, 8, 2, 30); // 21:30 on the 7th in New York, 03:30 on the 8th in Madrid
    expect(bucketKey(t, 'day', NY)).toBe('2026-03-07');
    expect(bucketKey(t, 'day', MADRID)).toBe('2026-03-08');
    expect(bucketKey(t, 'day', 'UTC')).toBe('2026-03-08');
  });

  it('weeks are ISO: they start on Monday and the week-year can differ from the year', () => {
    expect(bucketKey(at(MADRID, '2026-03-01T23:59'), 'week', MADRID)).toBe('2026-W09'); // Sunday
    expect(bucketKey(at(MADRID, '2026-03-02T00:00'), 'week', MADRID)).toBe('2026-W10'); // Monday
    expect(bucketKey(at(MADRID, '2027-01-01T12:00'), 'week', MADRID)).toBe('2026-W53');
    expect(bucketKey(at(MADRID, '2025-12-29T12:00'), 'week', MADRID)).toBe('2026-W01');
  });

  it('agree with Luxon for any instant and zone', () => {
    const zones = [NY, MADRID, 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'UTC'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2035, 0, 1) }),
        (zone, t) => {
          const local = DateTime.fromMillis(t, { zone });
          expect(bucketKey(t, 'day', zone)).toBe(local.toISODate());
          expect(bucketKey(t, 'month', zone)).toBe(local.toFormat('yyyy-MM'));
          expect(bucketKey(t, 'week', zone)).toBe(local.toFormat("kkkk-'W'WW"));
          expect(bucketKey(t, 'weekday-hour', zone)).toBe(local.toFormat('c-HH'));
          expect(bucketKey(t, 'hour', zone).slice(0, 13)).toBe(local.toFormat("yyyy-MM-dd'T'HH"));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuse an unknown time zone with the invalid_time_zone code', () => {
    expect(() => bucketKey(0, 'day', 'Mars/Base')).toThrow(InvalidTimeZoneError);
    expect(() => bucketRange(0, HOUR, 'hour', 'GMT+25')).toThrow(
      expect.objectContaining({ code: 'invalid_time_zone' }),
    );
  });

  it('list all 168 weekday-hour cells in order', () => {
    expect(WEEKDAY_HOUR_KEYS).toHaveLength(168);
    expect(WEEKDAY_HOUR_KEYS[0]).toBe('1-00');
    expect(WEEKDAY_HOUR_KEYS[14]).toBe('1-14');
    expect(WEEKDAY_HOUR_KEYS[167]).toBe('7-23');
  });
});

describe('across DST changes', () => {
  const changeDays = [
    { zone: NY, date: '2026-03-08', hours: 23 },
    { zone: NY, date: '2026-11-01', hours: 25 },
    { zone: NY, date: '2026-07-01', hours: 24 },
    { zone: MADRID, date: '2026-03-29', hours: 23 },
    { zone: MADRID, date: '2026-10-25', hours: 25 },
  ];

  it.each(changeDays)(
    '$zone $date has $hours hourly buckets, each keyed on that day',
    ({ zone, date, hours }) => {
      const [start, end] = localDay(zone, date);
      const buckets = bucketRange(start, end, 'hour', zone);
      expect(buckets).toHaveLength(hours);
      expect(new Set(buckets.map((bucket) => bucket.key)).size).toBe(hours);
      expect(buckets.every((bucket) => bucket.key.startsWith(`${date}T`))).toBe(true);
      expect(buckets.map((bucket) => bucket.key)).toEqual([...buckets.map((bucket) => bucket.key)].sort());
      for (const bucket of buckets) expect(bucket.end - bucket.start).toBe(HOUR);
      expect(bucketRange(start, end, 'day', zone)).toEqual([{ key: date, start, end }]);
      expect(end - start).toBe(hours * HOUR);
    },
  );

  it('the repeated hour of a fall-back is two buckets, the second keyed with its offset', () => {
    const [nyStart, nyEnd] = localDay(NY, '2026-11-01');
    expect(
      bucketRange(nyStart, nyEnd, 'hour', NY)
        .slice(0, 4)
        .map(({ key }) => key),
    ).toEqual(['2026-11-01T00', '2026-11-01T01', '2026-11-01T01-05:00', '2026-11-01T02']);
    const [madridStart, madridEnd] = localDay(MADRID, '2026-10-25');
    expect(
      bucketRange(madridStart, madridEnd, 'hour', MADRID)
        .slice(1, 5)
        .map(({ key }) => key),
    ).toEqual(['2026-10-25T01', '2026-10-25T02', '2026-10-25T02+01:00', '2026-10-25T03']);
  });

  it('the skipped hour of a spring-forward has no bucket', () => {
    const [start, end] = localDay(NY, '2026-03-08');
    const keys = bucketRange(start, end, 'hour', NY).map(({ key }) => key);
    expect(keys.slice(0, 3)).toEqual(['2026-03-08T00', '2026-03-08T01', '2026-03-08T03']);
  });

  it('days around a change are 24, 23, 24 hours long and keyed by their local date', () => {
    const buckets = bucketRange(
      at(MADRID, '2026-03-28T12:00'),
      at(MADRID, '2026-03-30T12:00'),
      'day',
      MADRID,
    );
    expect(buckets.map(({ key, start, end }) => [key, (end - start) / HOUR])).toEqual([
      ['2026-03-28', 24],
      ['2026-03-29', 23],
      ['2026-03-30', 24],
    ]);
    expect(bucketKey(at(MADRID, '2026-03-29T23:59'), 'day', MADRID)).toBe('2026-03-29');
    expect(bucketKey(at(MADRID, '2026-03-30T00:00'), 'day', MADRID)).toBe('2026-03-30');
  });

  it('weeks and months containing a change are an hour short or long', () => {
    expect(bucketOf(at(NY, '2026-03-05T00:00'), 'week', NY)).toEqual({
      key: '2026-W10',
      start: at(NY, '2026-03-02T00:00'),
      end: at(NY, '2026-03-09T00:00'),
    });
    expect((at(NY, '2026-03-09T00:00') - at(NY, '2026-03-02T00:00')) / HOUR).toBe(7 * 24 - 1);
    const march = bucketOf(at(NY, '2026-03-15T00:00'), 'month', NY);
    expect((march.end - march.start) / HOUR).toBe(31 * 24 - 1);
    const october = bucketOf(at(MADRID, '2026-10-15T00:00'), 'month', MADRID);
    expect((october.end - october.start) / HOUR).toBe(31 * 24 + 1);
  });

  it('a day that starts at 01:00 (spring-forward at midnight) starts at 01:00', () => {
    // Santiago de Chile moved from -04 to -03 at 2026-09-06 00:00 local: 00:00–01:00 never happened.
    const zone = 'America/Santiago';
    const start = bucketStart(at(zone, '2026-09-06T12:00'), 'day', zone);
    expect(DateTime.fromMillis(start, { zone }).toFormat('yyyy-MM-dd HH:mm')).toBe('2026-09-06 01:00');
  });
});

describe('bucket ranges', () => {
  const units: TimeBucketUnit[] = ['hour', 'day', 'week', 'month'];
  const zones = [NY, MADRID, 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Kathmandu'];

  it('tile [from, to) without gaps or overlaps, and each bucket holds exactly the instants with its key', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(...units),
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2028, 0, 1) }),
        fc.integer({ min: 0, max: 3 * 24 * HOUR }),
        (zone, unit, from, length) => {
          const to = from + (unit === 'hour' ? length : length * 10);
          const buckets = bucketRange(from, to, unit, zone);
          if (to === from) {
            expect(buckets).toEqual([]);
            return;
          }
          expect(buckets[0]!.start).toBeLessThanOrEqual(from);
          expect(buckets[buckets.length - 1]!.end).toBeGreaterThanOrEqual(to);
          buckets.forEach((bucket, index) => {
            if (index > 0) expect(bucket.start).toBe(buckets[index - 1]!.end);
            expect(bucket.start).toBeLessThan(bucket.end);
            expect(bucketKey(bucket.start, unit, zone)).toBe(bucket.key);
            expect(bucketKey(bucket.end - 1, unit, zone)).toBe(bucket.key);
            expect(bucketKey(bucket.start - 1, unit, zone)).not.toBe(bucket.key);
            expect(bucketStart(bucket.end - 1, unit, zone)).toBe(bucket.start);
          });
          expect(new Set(buckets.map((bucket) => bucket.key)).size).toBe(buckets.length);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is empty for an empty span', () => {
    expect(bucketRange(HOUR, HOUR, 'day', 'UTC')).toEqual([]);
    expect(bucketRange(2 * HOUR, HOUR, 'day', 'UTC')).toEqual([]);
  });
});
