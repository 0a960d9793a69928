import { describe, expect, it } from 'vitest';
import { WALL_TIME_CALENDAR } from '../calendar/index.js';
import { agent, given, hours, minutes, T0 } from '../conversation/test-events.js';
import { evaluateSla } from './evaluate-sla.js';
import { cycleKey, slaPolicyTimelines } from './policy-timeline.js';
import { DEFAULT_SLA_CONFIG, slaConfig } from './sla-config.js';
import { conversationOf } from './test-support.js';

const g = given();
const segmentsOf = (timeline: ReturnType<typeof slaPolicyTimelines>, key: string) =>
  (timeline.get(key) ?? []).map((segment) => [
    segment.from,
    segment.sla?.policyId ?? null,
    segment.sla?.priority ?? null,
  ]);

describe('the SLA history of a cycle', () => {
  it('starts with the cycle and adds a segment only when the SLA changes, dated by the event', () => {
    const events = [
      g.inbound(T0),
      g.note(T0 + minutes(1), 'nothing that changes the SLA'),
      g.priority(T0 + minutes(2), 'P1'),
      g.priority(T0 + minutes(3), 'P1'),
      g.priority(T0 + minutes(4), 'P0'),
    ];
    const id = conversationOf(events).id;
    // Any arrival order gives the same history: the engine sorts by event time.
    for (const order of [events, [...events].reverse()]) {
      expect(segmentsOf(slaPolicyTimelines(order, DEFAULT_SLA_CONFIG), cycleKey(id, 0))).toEqual([
        [T0, 'default', 'P2'],
        [T0 + minutes(2), 'default', 'P1'],
        [T0 + minutes(4), 'default', 'P0'],
      ]);
    }
  });

  it('keeps each cycle apart, and starts a reopened cycle with the SLA of that moment', () => {
    const events = [
      g.inbound(T0),
      g.priority(T0, 'P0'),
      g.resolved(T0 + minutes(10), agent('ana')),
      g.priority(T0 + hours(1), 'P3'),
      g.inbound(T0 + hours(2)),
    ];
    const id = conversationOf(events).id;
    const timeline = slaPolicyTimelines(events, DEFAULT_SLA_CONFIG);
    expect(segmentsOf(timeline, cycleKey(id, 1))).toEqual([[T0 + hours(2), 'default', 'P3']]);
    // A change after the end is recorded but measures nothing: every clock of the cycle stopped at its end.
    expect(segmentsOf(timeline, cycleKey(id, 0))).toEqual([
      [T0, 'default', 'P0'],
      [T0 + hours(1), 'default', 'P3'],
    ]);
    const first = conversationOf(events).cycles[0]!;
    const state = evaluateSla(first, timeline.get(cycleKey(id, 0))!, WALL_TIME_CALENDAR, T0 + hours(3));
    expect(state.targets.map((target) => [target.key, target.status, target.priority])).toEqual([
      ['first-response', 'missed', 'P0'],
    ]);
  });

  it('dates a settings change by its own time, and evaluation follows it', () => {
    const strict = slaConfig({
      policies: [{ id: 'strict', targets: { firstResponse: '10m' } }],
      defaultPolicy: 'strict',
    });
    const relaxed = slaConfig({
      policies: [{ id: 'relaxed', targets: { firstResponse: '2h' } }],
      defaultPolicy: 'relaxed',
    });
    const events = [g.inbound(T0), g.agentReply(T0 + minutes(30), 'ana')];
    const conversation = conversationOf(events);
    const timeline = slaPolicyTimelines(events, [
      { from: 0, config: strict },
      { from: T0 + minutes(5), config: relaxed },
    ]);
    const segments = timeline.get(cycleKey(conversation.id, 0))!;
    expect(segmentsOf(timeline, cycleKey(conversation.id, 0))).toEqual([
      [T0, 'strict', 'P2'],
      [T0 + minutes(5), 'relaxed', 'P2'],
    ]);
    // Relaxed before the strict due time: the reply at 30 minutes is on time under the SLA in force.
    const state = evaluateSla(conversation.cycles[0]!, segments, WALL_TIME_CALENDAR, T0 + hours(1));
    expect(state.targets[0]).toMatchObject({ status: 'hit', policyId: 'relaxed', dueAt: T0 + hours(2) });
  });
});
