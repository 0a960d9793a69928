import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WALL_TIME_CALENDAR, businessCalendar, type Calendar } from '../calendar/index.js';
import { clockElapsed, clockReaches, slaClock, type Pause } from './sla-clock.js';
import { madrid, MADRID } from './test-support.js';

const HOUR = 3_600_000;
const office = businessCalendar({
  timeZone: MADRID,
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [
      day,
      [
        { start: '09:00', end: '13:00' },
        { start: '14:00', end: '18:00' },
      ],
    ]),
  ),
});

/** Sorted, disjoint pauses after `start`, the last possibly open. */
const pausesArbitrary = (start: number) =>
  fc
    .array(fc.tuple(fc.integer({ min: 1, max: 72 * HOUR }), fc.integer({ min: 1, max: 24 * HOUR })), {
      maxLength: 4,
    })
    .map((gaps) => {
      const pauses: Pause[] = [];
      let cursor = start;
      for (const [gap, length] of gaps) {
        pauses.push({ start: cursor + gap, end: cursor + gap + length });
        cursor += gap + length;
      }
      return pauses;
    });

describe('the SLA clock', () => {
  for (const [name, calendar] of [
    ['wall time', WALL_TIME_CALENDAR],
    ['business hours with a lunch break', office],
  ] as [string, Calendar][]) {
    it(`${name}: the due time is the first instant the clock has counted the target`, () => {
      const start = madrid('2025-03-03T08:00');
      fc.assert(
        fc.property(pausesArbitrary(start), fc.integer({ min: 1, max: 40 * HOUR }), (pauses, budget) => {
          const clock = slaClock(calendar, start, pauses);
          const due = clockReaches(clock, budget);
          expect(due).not.toBeNull();
          expect(clockElapsed(clock, due!)).toBe(budget);
          expect(clockElapsed(clock, due! - 1)).toBeLessThan(budget);
        }),
        { numRuns: 200 },
      );
    });
  }

  it('has no due time while an open pause holds it before the budget is spent', () => {
    const start = madrid('2025-03-03T10:00');
    const clock = slaClock(office, start, [{ start: start + HOUR, end: null }]);
    expect(clockReaches(clock, HOUR)).toBe(start + HOUR);
    expect(clockReaches(clock, HOUR + 1)).toBeNull();
  });
});
