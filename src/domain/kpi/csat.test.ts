import { describe, expect, it } from 'vitest';
import { RATING_SCALES, isPositiveScore, normalizeRating, parseCsatReply, parseRatingScale } from './csat.js';
import type { RatingScale } from './csat.js';

const mapScale = (scale: RatingScale) => {
  const scores: Record<number, number | null> = {};
  for (let rating = scale.min; rating <= scale.max; rating += 1)
    scores[rating] = normalizeRating(rating, scale);
  return scores;
};

describe('normalizeRating (1 + round(4 · (r − min) / (max − min)))', () => {
  it('leaves 1–5 alone', () => {
    expect(mapScale(RATING_SCALES.fivePoint)).toEqual({ 1: 1, 2: 2, 3: 3, 4: 4, 5: 5 });
  });

  it('maps the documented scales as the table in csat.ts says', () => {
    expect(mapScale(RATING_SCALES.threePoint)).toEqual({ 1: 1, 2: 3, 3: 5 });
    expect(mapScale(RATING_SCALES.thumbs)).toEqual({ 0: 1, 1: 5 });
    expect(mapScale(RATING_SCALES.tenPoint)).toEqual({
      1: 1,
      2: 1,
      3: 2,
      4: 2,
      5: 3,
      6: 3,
      7: 4,
      8: 4,
      9: 5,
      10: 5,
    });
    expect(mapScale(RATING_SCALES.nps)).toEqual({
      0: 1,
      1: 1,
      2: 2,
      3: 2,
      4: 3,
      5: 3,
      6: 3,
      7: 4,
      8: 4,
      9: 5,
      10: 5,
    });
    expect(mapScale(RATING_SCALES.sevenPoint)).toEqual({ 1: 1, 2: 2, 3: 2, 4: 3, 5: 4, 6: 4, 7: 5 });
  });

  it('keeps the ends at the ends and never reorders ratings, on any scale', () => {
    for (let min = -2; min <= 1; min += 1) {
      for (let max = min + 1; max <= 100; max += 1) {
        const scores: (number | null)[] = [];
        for (let rating = min; rating <= max; rating += 1) scores.push(normalizeRating(rating, { min, max }));
        expect(scores[0]).toBe(1);
        expect(scores[scores.length - 1]).toBe(5);
        scores.forEach(
          (score, index) => index > 0 && expect(score).toBeGreaterThanOrEqual(scores[index - 1]!),
        );
      }
    }
  });

  it('positive means 4–5', () => {
    expect([1, 2, 3, 4, 5].map((score) => isPositiveScore(score as 1 | 2 | 3 | 4 | 5))).toEqual([
      false,
      false,
      false,
      true,
      true,
    ]);
  });

  it('accepts half stars and refuses ratings off the scale', () => {
    expect(normalizeRating(4.5)).toBe(5);
    expect(normalizeRating(0)).toBeNull();
    expect(normalizeRating(6)).toBeNull();
    expect(normalizeRating(11, RATING_SCALES.nps)).toBeNull();
    expect(normalizeRating(Number.NaN)).toBeNull();
    expect(() => normalizeRating(3, { min: 5, max: 1 })).toThrow(RangeError);
  });
});

describe('parseRatingScale', () => {
  it('reads ranges, bare maxima and names', () => {
    expect(parseRatingScale(undefined)).toEqual({ min: 1, max: 5 });
    expect(parseRatingScale('1-10')).toEqual({ min: 1, max: 10 });
    expect(parseRatingScale('0–10')).toEqual({ min: 0, max: 10 });
    expect(parseRatingScale('1..3')).toEqual({ min: 1, max: 3 });
    expect(parseRatingScale('10')).toEqual({ min: 1, max: 10 });
    expect(parseRatingScale(7)).toEqual({ min: 1, max: 7 });
    expect(parseRatingScale('Thumbs')).toEqual({ min: 0, max: 1 });
    expect(parseRatingScale('nps')).toEqual({ min: 0, max: 10 });
    for (const bad of ['5-1', 'stars!', '', 1, 2.5, null, {}]) expect(parseRatingScale(bad)).toBeNull();
  });
});

describe('parseCsatReply', () => {
  it.each([
    ['5', 5],
    [' 4 ', 4],
    ['3!', 3],
    ['4/5', 4],
    ['2 of 5', 2],
    ['4 de 5', 4],
    ['１', 1],
    ['5️⃣', 5],
    ['3⃣', 3],
  ])('reads the digit in %j', (text, score) => {
    expect(parseCsatReply(text)).toBe(score);
  });

  it.each([
    ['⭐', 1],
    ['⭐⭐⭐⭐', 4],
    ['⭐ ⭐ ⭐', 3],
    ['🌟🌟🌟🌟🌟', 5],
    ['★★★☆☆', 3],
  ])('counts the stars in %j', (text, score) => {
    expect(parseCsatReply(text)).toBe(score);
  });

  it.each([
    ['😡', 1],
    ['😞', 2],
    ['😐', 3],
    ['🙂', 4],
    ['😍', 5],
    ['😍😍', 5],
    ['☹️', 2],
    ['❤️', 5],
    ['👍', 5],
    ['👍🏽', 5],
    ['👎🏻', 1],
    ['🤩!', 5],
  ])('reads the face in %j', (text, score) => {
    expect(parseCsatReply(text)).toBe(score);
  });

  it.each([
    '',
    '   ',
    '0',
    '6',
    '10',
    '45',
    'I waited 3 days',
    '5 stars please',
    '⭐⭐⭐⭐⭐⭐',
    '☆☆',
    '😡😍',
    '🍕',
    'thanks',
    '3 4',
  ])('is null for %j', (text) => {
    expect(parseCsatReply(text)).toBeNull();
  });
});
