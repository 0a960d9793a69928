/**
 * A rate as DESIGN.md "Counting rules" defines it: a percentage, unrounded, null when the denominator
 * is 0 ("no data" is not "0 %").
 *
 * Computed as `(numerator · 100) / denominator`: one correctly rounded division, so a rate whose exact
 * value is representable comes out exact (7 of 10 is 70, where `7 / 10 * 100` would be 70.00000000000001).
 * Not clamped: most rates are within 0–100 by construction, but some ratios are not (reply rate =
 * inbound ÷ outbound can exceed 100).
 */
export function rate(numerator: number, denominator: number): number | null {
  if (!Number.isFinite(numerator) || numerator < 0) {
    throw new RangeError(`rate numerator must be a finite number ≥ 0, got ${numerator}`);
  }
  if (!Number.isFinite(denominator) || denominator < 0) {
    throw new RangeError(`rate denominator must be a finite number ≥ 0, got ${denominator}`);
  }
  if (denominator === 0) return null;
  return (numerator * 100) / denominator;
}
