import { describe, expect, it } from 'vitest';
import { rate } from './rate.js';

describe('rate', () => {
  it('is a percentage, unrounded', () => {
    expect(rate(1, 4)).toBe(25);
    expect(rate(7, 10)).toBe(70);
    expect(rate(1, 3)).toBe(100 / 3);
    expect(rate(0, 5)).toBe(0);
    expect(rate(5, 5)).toBe(100);
  });

  it('is null when the denominator is 0: no data is not 0 %', () => {
    expect(rate(0, 0)).toBeNull();
  });

  it('is not clamped (reply rate = inbound ÷ outbound can exceed 100)', () => {
    expect(rate(3, 2)).toBe(150);
  });

  it('refuses negative and non-finite counts', () => {
    expect(() => rate(-1, 2)).toThrow(RangeError);
    expect(() => rate(1, -2)).toThrow(RangeError);
    expect(() => rate(Number.NaN, 2)).toThrow(RangeError);
    expect(() => rate(1, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
