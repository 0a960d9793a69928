/**
 * Durations in SLA, escalation and routing settings, written as text: `90s`, `5m`, `1h`, `1h30m`, `24h`.
 *
 * Days are refused on purpose: under a business-hours calendar "1 day" could mean 24 hours of business time
 * (three working days of 9:00–17:00) or one working day (8 hours), so a setting says which, in hours.
 */

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;

/** The longest duration a setting may hold: a year of hours. Longer targets are almost certainly typos. */
export const MAX_DURATION_MS = 8784 * HOUR_MS;

const PATTERN = /^(?:(\d{1,5})h)?(?:(\d{1,6})m)?(?:(\d{1,7})s)?$/;

export type DurationParseResult = { ok: true; ms: number } | { ok: false; message: string };

/** Parses `1h30m`-style text into milliseconds (> 0 and at most {@link MAX_DURATION_MS}). */
export function parseDuration(value: unknown): DurationParseResult {
  if (typeof value !== 'string') {
    return { ok: false, message: 'a duration is text such as "5m", "1h" or "1h30m"' };
  }
  const text = value.trim();
  const match = PATTERN.exec(text);
  if (text === '' || match === null) {
    const hint = /\d+\s*d/i.test(text)
      ? ' (days are ambiguous under business hours: write "24h" or "8h")'
      : ' (use h, m and s in that order, such as "1h30m")';
    return { ok: false, message: `${JSON.stringify(value)} is not a duration${hint}` };
  }
  const [hours, minutes, seconds] = [match[1], match[2], match[3]].map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
  ];
  const ms = hours * HOUR_MS + minutes * MINUTE_MS + seconds * SECOND_MS;
  if (ms <= 0) return { ok: false, message: `${JSON.stringify(value)} is zero; a duration must be positive` };
  if (ms > MAX_DURATION_MS) {
    return {
      ok: false,
      message: `${JSON.stringify(value)} is longer than a year (${MAX_DURATION_MS / HOUR_MS}h)`,
    };
  }
  return { ok: true, ms };
}

/** The canonical text of a duration: `5400000` → `1h30m`, `300000` → `5m`, `1500` → `1.5s`. */
export function formatDuration(ms: number): string {
  const hours = Math.floor(ms / HOUR_MS);
  const minutes = Math.floor((ms % HOUR_MS) / MINUTE_MS);
  const seconds = (ms % MINUTE_MS) / SECOND_MS;
  const text = `${hours > 0 ? `${hours}h` : ''}${minutes > 0 ? `${minutes}m` : ''}${seconds > 0 ? `${seconds}s` : ''}`;
  return text === '' ? '0s' : text;
}
