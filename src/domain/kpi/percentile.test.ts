import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentile, summarizeDurations, summarizeDurationsMs } from './percentile.js';

describe('percentile (linear between closest ranks, as NumPy and Excel PERCENTILE.INC)', () => {
  it('the p50 of 10, 20, 30, 40 is 25 (DESIGN.md)', () => {
    expect(percentile([10, 20, 30, 40], 50)).toBe(25);
  });

  // Expected values are numpy.percentile(values, p) (NumPy 2.4), bit for bit.
  const golden: [number[], Record<number, number>][] = [
    [[10, 20, 30, 40], { 0: 10, 10: 13, 25: 17.5, 50: 25, 90: 37, 99: 39.699999999999996, 100: 40 }],
    [[7], { 0: 7, 10: 7, 50: 7, 90: 7, 100: 7 }],
    [[1, 3], { 0: 1, 10: 1.2, 25: 1.5, 50: 2, 90: 2.8, 99: 2.98, 100: 3 }],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { 10: 1.9, 25: 3.25, 50: 5.5, 90: 9.1, 99: 9.91 }],
    [[0.1, 0.2, 0.7], { 10: 0.12000000000000001, 25: 0.15000000000000002, 50: 0.2, 90: 0.6, 99: 0.69 }],
    [[1, 1, 2, 3, 3, 4, 5, 5, 5, 6, 9], { 25: 2.5, 50: 4, 90: 6, 99: 8.700000000000001 }],
    [[12.5, 60, 61, 3600, 86400], { 10: 31.5, 50: 61, 90: 53280.00000000001, 99: 83088 }],
  ];
  it.each(golden)('matches NumPy on %j', (values, expected) => {
    for (const [p, value] of Object.entries(expected)) expect(percentile(values, Number(p))).toBe(value);
  });

  it('a single value is every percentile; two values interpolate between them', () => {
    expect(percentile([42], 90)).toBe(42);
    expect(percentile([100, 200], 50)).toBe(150);
    expect(percentile([100, 200], 90)).toBe(190);
  });

  it('is null for no values and refuses p outside 0–100', () => {
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });

  it('stays within the data, at the ends equals min and max, and never decreases with p', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1e9, max: 1e9 }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, p, q) => {
          const sorted = [...values].sort((a, b) => a - b);
          const [low, high] = p <= q ? [p, q] : [q, p];
          expect(percentile(sorted, 0)).toBe(sorted[0]);
          expect(percentile(sorted, 100)).toBe(sorted[sorted.length - 1]);
          expect(percentile(sorted, low)!).toBeGreaterThanOrEqual(sorted[0]!);
          expect(percentile(sorted, high)!).toBeLessThanOrEqual(sorted[sorted.length - 1]!);
          expect(percentile(sorted, low)!).toBeLessThanOrEqual(percentile(sorted, high)!);
        },
      ),
    );
  });
});

describe('summarizeDurations', () => {
  it('gives count, avg, p50 and p90 in seconds, unrounded', () => {
    expect(summarizeDurations([40, 10, 30, 20])).toEqual({ count: 4, avg: 25, p50: 25, p90: 37 });
    expect(summarizeDurations([1, 2])).toEqual({ count: 2, avg: 1.5, p50: 1.5, p90: 1.9 });
    expect(summarizeDurations([10, 10, 10.5])).toEqual({
      count: 3,
      avg: 10.166666666666666,
      p50: 10,
      p90: 10.4,
    });
  });

  it('null statistics for no durations', () => {
    expect(summarizeDurations([])).toEqual({ count: 0, avg: null, p50: null, p90: null });
  });

  it('converts milliseconds one value at a time', () => {
    expect(summarizeDurationsMs([1500, 500, 2500])).toEqual({ count: 3, avg: 1.5, p50: 1.5, p90: 2.3 });
  });

  it('gives identical figures whatever order the durations arrive in', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e7, noNaN: true }), { maxLength: 60 }),
        fc.integer(),
        (values, seed) => {
          const shuffled = [...values].sort((a, b) => Math.sin(a * 7 + seed) - Math.sin(b * 7 + seed));
          expect(summarizeDurations(shuffled)).toEqual(summarizeDurations(values));
        },
      ),
    );
  });

  it('refuses values that are not finite numbers', () => {
    expect(() => summarizeDurations([1, Number.NaN])).toThrow(RangeError);
    expect(() => summarizeDurations([Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });
});
