/**
 * CSAT inputs: ratings on other scales mapped onto 1–5, and customers' WhatsApp replies to a CSAT prompt
 * read as a 1–5 rating. DESIGN.md: CSAT = ratings 4–5 ÷ all ratings × 100.
 *
 * Normalisation rule. A rating r on a scale [min, max] becomes
 *     score = 1 + round_half_up(4 · (r − min) / (max − min))
 * i.e. the scale is stretched linearly onto 1–5 and the nearest point taken (ties, which no common scale
 * has at integer ratings, go up). The ends map to the ends (min → 1, max → 5), so a thumbs-up is 5 and a
 * thumbs-down 1, and "positive" (4–5) is about the top 40 % of every scale:
 *
 * | scale            | → 1   | → 2   | → 3     | → 4   | → 5    | positive |
 * |------------------|-------|-------|---------|-------|--------|----------|
 * | 1–5              | 1     | 2     | 3       | 4     | 5      | 4–5      |
 * | 1–3 (😞 😐 🙂)    | 1     |       | 2       |       | 3      | 3        |
 * | 0–1 (thumbs)     | 0 👎  |       |         |       | 1 👍   | 1        |
 * | 1–10             | 1–2   | 3–4   | 5–6     | 7–8   | 9–10   | 7–10     |
 * | 0–10 (NPS-style) | 0–1   | 2–3   | 4–6     | 7–8   | 9–10   | 7–10     |
 * | 1–7              | 1     | 2–3   | 4       | 5–6   | 7      | 5–7      |
 *
 * Note the 0–10 row: for CSAT, 7–8 count as positive. NPS's own grouping (promoters 9–10, passives
 * 7–8, detractors 0–6) is a different KPI and needs the raw rating, which the event keeps.
 */

export type CsatScore = 1 | 2 | 3 | 4 | 5;

/** A rating scale: the lowest and highest rating, inclusive. */
export interface RatingScale {
  min: number;
  max: number;
}

export const RATING_SCALES = {
  fivePoint: { min: 1, max: 5 },
  threePoint: { min: 1, max: 3 },
  thumbs: { min: 0, max: 1 },
  tenPoint: { min: 1, max: 10 },
  nps: { min: 0, max: 10 },
  sevenPoint: { min: 1, max: 7 },
} as const satisfies Record<string, RatingScale>;

const NAMED_SCALES: Record<string, RatingScale> = {
  thumbs: RATING_SCALES.thumbs,
  binary: RATING_SCALES.thumbs,
  nps: RATING_SCALES.nps,
  stars: RATING_SCALES.fivePoint,
  csat: RATING_SCALES.fivePoint,
};

const RANGE_PATTERN = /^(-?\d{1,3})\s*(?:-|–|\.\.|to)\s*(\d{1,3})$/;

/**
 * Reads a `csat.submitted` event's `scale`: `"1-5"`, `"0-10"`, `"1–10"`, `"1..3"`, a bare maximum
 * (`"5"`, `"10"`: 1 to that), or a name (`thumbs`/`binary` = 0–1, `nps` = 0–10, `stars`/`csat` = 1–5).
 * Absent (undefined) means 1–5. Null when unreadable or when max ≤ min.
 */
export function parseRatingScale(scale: unknown): RatingScale | null {
  if (scale === undefined) return RATING_SCALES.fivePoint;
  if (typeof scale === 'number') return Number.isInteger(scale) && scale > 1 ? { min: 1, max: scale } : null;
  if (typeof scale !== 'string') return null;
  const text = scale.trim().toLowerCase();
  const named = NAMED_SCALES[text];
  if (named) return named;
  if (/^\d{1,3}$/.test(text)) return parseRatingScale(Number(text));
  const match = RANGE_PATTERN.exec(text);
  if (!match) return null;
  const min = Number(match[1]);
  const max = Number(match[2]);
  return max > min ? { min, max } : null;
}

/**
 * The 1–5 score of `rating` on `scale` (rule above), or null when the rating is not a finite number
 * within the scale. Fractional ratings (half stars) are allowed.
 */
export function normalizeRating(
  rating: number,
  scale: RatingScale = RATING_SCALES.fivePoint,
): CsatScore | null {
  if (!Number.isFinite(scale.min) || !Number.isFinite(scale.max) || scale.max <= scale.min) {
    throw new RangeError(`a rating scale needs finite min < max, got ${scale.min}–${scale.max}`);
  }
  if (!Number.isFinite(rating) || rating < scale.min || rating > scale.max) return null;
  // Math.round rounds halves up (towards +∞), which is the documented tie rule.
  return (1 + Math.round((4 * (rating - scale.min)) / (scale.max - scale.min))) as CsatScore;
}

/** DESIGN.md: a rating is positive when it is 4 or 5. */
export const isPositiveScore = (score: CsatScore) => score >= 4;

const FACE_SCORES: ReadonlyMap<string, CsatScore> = new Map<string, CsatScore>([
  // 1: angry
  ['😡', 1],
  ['😠', 1],
  ['🤬', 1],
  ['👎', 1],
  // 2: unhappy
  ['😞', 2],
  ['🙁', 2],
  ['☹', 2],
  ['😟', 2],
  ['😕', 2],
  ['😢', 2],
  ['😔', 2],
  // 3: neutral
  ['😐', 3],
  ['😑', 3],
  ['😶', 3],
  // 4: happy
  ['🙂', 4],
  ['😊', 4],
  ['😀', 4],
  ['😃', 4],
  // 5: delighted
  ['😍', 5],
  ['🤩', 5],
  ['🥰', 5],
  ['😁', 5],
  ['😄', 5],
  ['❤', 5],
  ['👍', 5],
]);

const STARS = new Set(['⭐', '🌟', '★']);
const EMPTY_STAR = '☆';

/** Variation selectors, skin-tone modifiers and zero-width joiners change how an emoji looks, not what it says. */
const PRESENTATION = /\uFE0E|\uFE0F|\u200D|[\u{1F3FB}-\u{1F3FF}]/gu;
const TRAILING_PUNCTUATION = /[\s.!¡?¿,;:)]*$/u;

/**
 * Reads a customer's reply to a CSAT prompt ("rate us from 1 to 5") as a 1–5 score, or null when the
 * reply is not a rating. The whole message must be the rating, so "I waited 3 days" is not a 3:
 * - a digit 1–5, optionally `/5` or `of 5`, optionally followed by punctuation: `4`, `5!`, `4/5`, `3 of 5`;
 *   or a keycap emoji `1️⃣`…`5️⃣`;
 * - 1–5 stars (`⭐⭐⭐⭐`, `★★★☆☆`: the filled stars count, at most five in all);
 * - one face from a 5-point emoji scale, possibly repeated (`😡` 1, `😞` 2, `😐` 3, `🙂` 4, `😍` 5, and
 *   close variants such as `😠` 1, `🙁` 2, `😊` 4, `🤩` 5), or a thumb (`👍` 5, `👎` 1, as the
 *   thumbs scale normalises). Skin tones and variation selectors are ignored; faces of different
 *   scores together are null.
 * A button reply's payload or title can be passed here too when it carries the digit or emoji.
 */
export function parseCsatReply(text: string): CsatScore | null {
  const cleaned = text.normalize('NFKC').replace(PRESENTATION, '').trim().replace(TRAILING_PUNCTUATION, '');
  if (cleaned.length === 0) return null;

  const digit = /^([1-5])(?:\s*(?:\/|of|de|out of)\s*5)?(?:\u20E3)?$/iu.exec(cleaned);
  if (digit) return Number(digit[1]) as CsatScore;

  const symbols = [...cleaned.replace(/\s+/gu, '')];
  if (symbols.length === 0) return null;

  if (symbols.every((symbol) => STARS.has(symbol) || symbol === EMPTY_STAR)) {
    const filled = symbols.filter((symbol) => STARS.has(symbol)).length;
    return filled >= 1 && filled <= 5 && symbols.length <= 5 ? (filled as CsatScore) : null;
  }

  const first = FACE_SCORES.get(symbols[0]!);
  if (first === undefined || symbols.length > 5) return null;
  return symbols.every((symbol) => FACE_SCORES.get(symbol) === first) ? first : null;
}
