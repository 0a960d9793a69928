import { addBusinessTime, businessDuration, type Calendar } from '../calendar/index.js';
import type { Cycle } from '../conversation/conversation-state.js';
import type { ConversationStatus } from '../conversation/vocabulary.js';

/**
 * An SLA clock: business time of a calendar, counted from a start, minus the time spent in pauses (the
 * conversation `pending-customer`, when the policy says so). The inverse question, "when will this clock
 * have counted N ms?", gives due times and at-risk moments. Pure; instants are epoch ms.
 */

/** A stretch during which the clock stands still; `end: null` = still paused. */
export interface Pause {
  start: number;
  end: number | null;
}

export interface SlaClock {
  calendar: Calendar;
  start: number;
  /** Sorted, disjoint, each starting at or after `start`. */
  pauses: readonly Pause[];
}

/** The status the pause option stops the clock in. */
export const PAUSING_STATUS: ConversationStatus = 'pending-customer';

/** The cycle's `pending-customer` spans from `from` on, as pauses (merged when they touch). */
export function pausesOf(cycle: Cycle, from: number): Pause[] {
  const pauses: Pause[] = [];
  for (const span of cycle.statusSpans) {
    if (span.status !== PAUSING_STATUS) continue;
    if (span.to !== null && span.to <= from) continue;
    const start = Math.max(span.from, from);
    const last = pauses.at(-1);
    if (last !== undefined && last.end !== null && last.end >= start) last.end = span.to;
    else pauses.push({ start, end: span.to });
  }
  return pauses;
}

export function slaClock(calendar: Calendar, start: number, pauses: readonly Pause[] = []): SlaClock {
  return { calendar, start, pauses };
}

/** Clock time (business ms, pauses excluded) counted over `[start, until)`. */
export function clockElapsed(clock: SlaClock, until: number): number {
  if (until <= clock.start) return 0;
  return businessDuration(clock.calendar, clock.start, until) - clockPaused(clock, until);
}

/** Business ms of `[start, until)` that fell inside pauses: what the pause option kept off the clock. */
export function clockPaused(clock: SlaClock, until: number): number {
  let paused = 0;
  for (const pause of clock.pauses) {
    if (pause.start >= until) break;
    paused += businessDuration(clock.calendar, pause.start, Math.min(pause.end ?? until, until));
  }
  return paused;
}

/** Whether the clock stands still at instant `at` (inside a pause). */
export const clockPausedAt = (clock: SlaClock, at: number): boolean =>
  clock.pauses.some((pause) => pause.start <= at && (pause.end === null || at < pause.end));

/**
 * The earliest instant at which the clock has counted `budgetMs` (a due time, an at-risk moment), or `null`
 * when a pause that has not ended comes first: the moment is unknown until the pause ends. A budget that
 * runs out exactly when a pause or a closing time begins is due at that moment, not after it.
 */
export function clockReaches(clock: SlaClock, budgetMs: number): number | null {
  let remaining = budgetMs;
  let cursor = clock.start;
  for (const pause of clock.pauses) {
    if (pause.start > cursor) {
      const running = businessDuration(clock.calendar, cursor, pause.start);
      if (running >= remaining) return addBusinessTime(clock.calendar, cursor, remaining);
      remaining -= running;
    }
    if (pause.end === null) return null;
    cursor = Math.max(cursor, pause.end);
  }
  return addBusinessTime(clock.calendar, cursor, remaining);
}
