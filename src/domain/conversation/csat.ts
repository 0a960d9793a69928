/**
 * CSAT ratings on the 1-5 scale DESIGN.md counts (4-5 are positive). A rating on another scale `n`
 * (1..n: thumbs are 2, stars 5, 1..10 is 10) is mapped linearly onto 1..5 and clamped, so a 9 of 10 is
 * 4.56 and counts as positive, a 7 of 10 is 3.67 and does not.
 */
export function csatScore(rating: number, scale: number): number | null {
  if (!Number.isFinite(rating) || !Number.isFinite(scale) || scale < 2) return null;
  const clamped = Math.min(Math.max(rating, 1), scale);
  return scale === 5 ? clamped : 1 + ((clamped - 1) * 4) / (scale - 1);
}

export const isPositiveCsat = (score: number): boolean => score >= 4;
