import type { Calendar } from '../calendar/index.js';
import type { Cycle } from '../conversation/conversation-state.js';
import type { Priority } from '../conversation/vocabulary.js';
import type { AppliedSla } from './select-policy.js';
import {
  clockElapsed,
  clockPaused,
  clockPausedAt,
  clockReaches,
  pausesOf,
  slaClock,
  type SlaClock,
} from './sla-clock.js';
import { fieldOfTarget, type SlaTargetKind } from './sla-policy.js';

/**
 * SLA evaluation of one cycle at `now`: for each target, when it started, when it is or was due, and whether
 * it is `active`, `hit` or `missed`. Pure: the same cycle, SLA history, calendar and `now` give the same state.
 *
 * Target instances of a cycle:
 * - `first-response`: starts when the cycle starts waiting for a human (its first customer message; the
 *   bot → agent handoff when it began with a bot; a cycle a bot serves alone has none), stops at the first
 *   human reply;
 * - `next-response`, one per customer turn that begins after the first human reply: starts at the turn's
 *   first message (the oldest unanswered one), stops at the turn's reply (agent or bot, as the response-time
 *   KPI counts it);
 * - `resolution`: starts at the start of the cycle, stops at its end.
 * The end of the cycle stops every clock: resolving a case answers whatever was waiting.
 *
 * Due time. Under an SLA `S`, a target is due when its clock, counted from the target's start on `S`'s calendar
 * (minus `pending-customer` time when `S` pauses), reaches `S`'s target. Due times are always counted from the
 * target's own start: changing the priority or the policy recomputes them from there, never from the change.
 *
 * SLA history. The SLA in force can change during a cycle (priority, team, type, tag, channel or settings
 * change). `evaluateSla` takes either one SLA (in force throughout) or the history as segments
 * `[{from, sla}]` (policy-timeline.ts builds it from the events): segment `i` is in force over
 * `[from_i, from_i+1)`, the first one also before its `from`. A target is **missed** at the first instant `t`
 * at which it is still unanswered (its stop is after `t`) while the SLA in force at `t` has it due at or
 * before `t`; that is `t = max(due_i, from_i)` for the first segment where this falls inside the segment. So:
 * - raising the priority moves the due time earlier; if it is already past, the target is missed at the
 *   moment of the change (the breach is dated then, not in the past);
 * - lowering the priority before the due time moves it later; after a breach, the breach stands;
 * - a reply exactly at the due time is a hit.
 * A target that was never missed is `hit` when it has stopped and `active` while it runs, measured by the SLA
 * in force at its stop (or now); if that SLA has no such target, the instance is not reported.
 */

export type SlaTargetStatus = 'active' | 'hit' | 'missed';

/** The SLA in force over `[from, next segment's from)`; `sla: null` = no SLA then. */
export interface PolicySegment {
  from: number;
  sla: AppliedSla | null;
}

/** One SLA throughout the cycle, or its history (segments sorted by `from`). */
export type SlaInForce = AppliedSla | null | readonly PolicySegment[];

export interface SlaTargetState {
  /**
   * Identifies the instance within its cycle: `first-response`, `resolution`, or `next-response@<ms>` with the
   * start of the customer turn. Part of the breach and escalation idempotency keys.
   */
  key: string;
  target: SlaTargetKind;
  /** Index in `cycle.turns` of the customer turn, for `next-response`. */
  turn: number | null;
  startedAt: number;
  /** The reply or the end that stopped the clock, when it happened at or before `now`. */
  stoppedAt: number | null;
  stoppedBy: 'reply' | 'end' | null;
  status: SlaTargetStatus;
  /** The moment it was missed (see above); `null` unless `missed`. */
  breachedAt: number | null;
  /** Due time under the SLA reported here; `null` while a pause that has not ended holds the clock. */
  dueAt: number | null;
  /** The target, in ms of the clock. */
  targetMs: number;
  /** Clock time counted from the start to the stop (or `now`). */
  elapsedMs: number;
  /** Clock time (business ms of the calendar) the pause option kept off the clock, to the stop (or `now`). */
  pausedMs: number;
  /** True while the clock stands still (`pending-customer` under a pausing policy). */
  paused: boolean;
  /** The SLA this instance is reported under: in force at the breach, the stop, or now. */
  policyId: string;
  priority: Priority | null;
  clock: SlaClock;
}

export interface SlaState {
  cycleIndex: number;
  cycleStartedAt: number;
  /** The end of the cycle, when it ended at or before `now`. */
  endedAt: number | null;
  /** The `now` of the evaluation. */
  asOf: number;
  /** The SLA in force at `now` (at the end, for an ended cycle). */
  sla: AppliedSla | null;
  targets: SlaTargetState[];
}

interface TargetInstance {
  key: string;
  target: SlaTargetKind;
  turn: number | null;
  startedAt: number;
  stop: { at: number; by: 'reply' | 'end' } | null;
}

function earliestStop(replyAt: number | null, endAt: number | null, now: number): TargetInstance['stop'] {
  const reply = replyAt !== null && replyAt <= now ? replyAt : null;
  const end = endAt !== null && endAt <= now ? endAt : null;
  if (reply !== null && (end === null || reply <= end)) return { at: reply, by: 'reply' };
  return end === null ? null : { at: end, by: 'end' };
}

/** The target instances of a cycle as it stands at `now` (see the module comment). */
export function targetInstances(cycle: Cycle, now: number): TargetInstance[] {
  const endAt = cycle.end?.at ?? null;
  const instances: TargetInstance[] = [];
  const firstHuman =
    cycle.firstHumanReply !== null && cycle.firstHumanReply.at <= now ? cycle.firstHumanReply : null;
  const waitFrom = cycle.beganWith === 'bot' ? cycle.handoffAt : cycle.firstInboundAt;
  if (waitFrom !== null && waitFrom <= now) {
    instances.push({
      key: 'first-response',
      target: 'first-response',
      turn: null,
      startedAt: waitFrom,
      stop: earliestStop(firstHuman?.at ?? null, endAt, now),
    });
  }
  if (firstHuman !== null) {
    cycle.turns.forEach((turn, index) => {
      if (turn.from <= firstHuman.at || turn.from > now) return;
      instances.push({
        key: `next-response@${turn.from}`,
        target: 'next-response',
        turn: index,
        startedAt: turn.from,
        stop: earliestStop(turn.replyAt, endAt, now),
      });
    });
  }
  instances.push({
    key: 'resolution',
    target: 'resolution',
    turn: null,
    startedAt: cycle.startedAt,
    stop: earliestStop(null, endAt, now),
  });
  return instances;
}

const segmentsOf = (sla: SlaInForce): readonly PolicySegment[] =>
  sla === null
    ? []
    : Array.isArray(sla)
      ? (sla as readonly PolicySegment[])
      : [{ from: -Infinity, sla: sla as AppliedSla }];

/** The segment in force at `at`: the last one starting at or before it, or the first. */
function segmentAt(segments: readonly PolicySegment[], at: number): PolicySegment | null {
  let found: PolicySegment | null = segments[0] ?? null;
  for (const segment of segments) {
    if (segment.from <= at) found = segment;
    else break;
  }
  return found;
}

/** The SLA in force at `at` under `sla` (one SLA, or a history). */
export const slaInForceAt = (sla: SlaInForce, at: number): AppliedSla | null =>
  segmentAt(segmentsOf(sla), at)?.sla ?? null;

/** Evaluates every SLA target of `cycle` at `now`; `calendar` is the workspace's, for policies that use it. */
export function evaluateSla(cycle: Cycle, sla: SlaInForce, calendar: Calendar, now: number): SlaState {
  const segments = segmentsOf(sla);
  const endedAt = cycle.end !== null && cycle.end.at <= now ? cycle.end.at : null;
  const clocks = new Map<AppliedSla, Map<number, SlaClock>>();
  const clockFor = (applied: AppliedSla, start: number): SlaClock => {
    let byStart = clocks.get(applied);
    if (byStart === undefined) clocks.set(applied, (byStart = new Map()));
    let clock = byStart.get(start);
    if (clock === undefined) {
      const pauses = applied.pauseWhilePendingCustomer ? pausesOf(cycle, start) : [];
      clock = slaClock(applied.calendar ?? calendar, start, pauses);
      byStart.set(start, clock);
    }
    return clock;
  };
  const targets: SlaTargetState[] = [];
  for (const instance of targetInstances(cycle, now)) {
    const field = fieldOfTarget(instance.target);
    const stopAt = instance.stop?.at ?? null;
    let breach: { at: number; segment: PolicySegment } | null = null;
    for (let i = 0; i < segments.length && breach === null; i += 1) {
      const segment = segments[i]!;
      const targetMs = segment.sla?.targets[field] ?? null;
      if (segment.sla === null || targetMs === null) continue;
      const due = clockReaches(clockFor(segment.sla, instance.startedAt), targetMs);
      if (due === null) continue;
      const at = i === 0 ? due : Math.max(due, segment.from);
      const until = segments[i + 1]?.from ?? Infinity;
      if (at < until && at <= now && (stopAt === null || stopAt > at)) breach = { at, segment };
    }
    const reportAt = breach?.at ?? stopAt ?? now;
    const segment = breach?.segment ?? segmentAt(segments, reportAt);
    const applied = segment?.sla ?? null;
    const targetMs = applied?.targets[field] ?? null;
    if (applied === null || targetMs === null) continue;
    const clock = clockFor(applied, instance.startedAt);
    const measuredUntil = stopAt ?? now;
    const status: SlaTargetStatus = breach !== null ? 'missed' : stopAt !== null ? 'hit' : 'active';
    targets.push({
      key: instance.key,
      target: instance.target,
      turn: instance.turn,
      startedAt: instance.startedAt,
      stoppedAt: stopAt,
      stoppedBy: instance.stop?.by ?? null,
      status,
      breachedAt: breach?.at ?? null,
      dueAt: clockReaches(clock, targetMs),
      targetMs,
      elapsedMs: clockElapsed(clock, measuredUntil),
      pausedMs: clockPaused(clock, measuredUntil),
      paused: stopAt === null && clockPausedAt(clock, now),
      policyId: applied.policyId,
      priority: applied.priority,
      clock,
    });
  }
  return {
    cycleIndex: cycle.index,
    cycleStartedAt: cycle.startedAt,
    endedAt,
    asOf: now,
    sla: slaInForceAt(sla, endedAt ?? now),
    targets,
  };
}

/**
 * The earliest moment after `state.asOf` at which a target of the state falls due (the SLA timer to arm),
 * or `null` when nothing can fall due without another event (all settled, or paused). Re-evaluate and re-arm
 * after every event of the conversation: a reply, a priority change or a status change moves it.
 */
export function nextSlaDeadline(state: SlaState): number | null {
  let next: number | null = null;
  for (const target of state.targets) {
    if (target.status !== 'active' || target.dueAt === null || target.dueAt <= state.asOf) continue;
    if (next === null || target.dueAt < next) next = target.dueAt;
  }
  return next;
}
