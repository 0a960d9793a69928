import { describe, expect, it } from 'vitest';
import { WALL_TIME_CALENDAR, businessCalendar, type Calendar } from '../calendar/index.js';
import type { ConversationState, ThreadEvent } from '../conversation/conversation-state.js';
import { agent, given, hours, minutes, seconds, T0 } from '../conversation/test-events.js';
import { slaCompliance } from './compliance.js';
import { evaluateSla, nextSlaDeadline, type SlaInForce, type SlaState } from './evaluate-sla.js';
import { slaPolicyTimelines, cycleKey } from './policy-timeline.js';
import { slaFor, slaSubjectOf } from './select-policy.js';
import { DEFAULT_SLA_CONFIG, slaConfig } from './sla-config.js';
import { breachesDue, slaBreachKey } from './sla-events.js';
import type { SlaConfig } from './sla-policy.js';
import { conversationOf, madrid, madridIso, MADRID } from './test-support.js';

const g = given();

/** The SLA state of the conversation's last cycle at `now`, under the SLA chosen for it now. */
function slaNow(
  events: ThreadEvent[],
  now: number,
  options: { config?: SlaConfig; calendar?: Calendar } = {},
): { conversation: ConversationState; state: SlaState } {
  const conversation = conversationOf(events.filter((event) => event.eventTime <= now));
  const cycle = conversation.cycles.at(-1)!;
  const sla = slaFor(slaSubjectOf(conversation, cycle), options.config ?? DEFAULT_SLA_CONFIG);
  return { conversation, state: evaluateSla(cycle, sla, options.calendar ?? WALL_TIME_CALENDAR, now) };
}

/** The same, under the SLA history built from the events (policy-timeline.ts). */
function slaWithHistory(events: ThreadEvent[], now: number, config: SlaConfig = DEFAULT_SLA_CONFIG) {
  const known = events.filter((event) => event.eventTime <= now);
  const conversation = conversationOf(known);
  const cycle = conversation.cycles.at(-1)!;
  const history: SlaInForce =
    slaPolicyTimelines(known, config).get(cycleKey(conversation.id, cycle.index)) ?? null;
  return { conversation, state: evaluateSla(cycle, history, WALL_TIME_CALENDAR, now) };
}

const target = (state: SlaState, key: string) => {
  const found = state.targets.find((candidate) => candidate.key === key);
  if (found === undefined)
    throw new Error(`no target ${key} in ${state.targets.map((t) => t.key).join(', ')}`);
  return found;
};

const weekdays = (ranges: { start: string; end: string }[]) => ({
  mon: ranges,
  tue: ranges,
  wed: ranges,
  thu: ranges,
  fri: ranges,
});
/** Mon–Fri 09:00–17:00, Madrid. */
const office = businessCalendar({ timeZone: MADRID, weekly: weekdays([{ start: '09:00', end: '17:00' }]) });

describe('a P0 chat (5 min first response, wall time)', () => {
  const events = [g.inbound(T0), g.priority(T0 + seconds(1), 'P0')];

  it('is active and due at exactly 5 minutes until then; the timer is armed for that moment', () => {
    const { state } = slaNow(events, T0 + minutes(5) - 1);
    expect(target(state, 'first-response')).toMatchObject({
      status: 'active',
      startedAt: T0,
      dueAt: T0 + minutes(5),
      elapsedMs: minutes(5) - 1,
      policyId: 'default',
      priority: 'P0',
    });
    expect(nextSlaDeadline(state)).toBe(T0 + minutes(5));
  });

  it('breaches at exactly 5 minutes, and the breach is dated then', () => {
    const { conversation, state } = slaNow(events, T0 + minutes(5));
    expect(target(state, 'first-response')).toMatchObject({ status: 'missed', breachedAt: T0 + minutes(5) });
    const [breach] = breachesDue(conversation, state);
    expect(breach).toMatchObject({
      type: 'sla.breached',
      eventTime: T0 + minutes(5),
      idempotencyKey: slaBreachKey(conversation.id, 0, 'first-response'),
      actor: { type: 'system', id: 'sla' },
    });
    expect(breach!.payload.properties).toMatchObject({
      chatId: 'chat-1',
      cycle: 0,
      target: 'first-response',
      policyId: 'default',
      priority: 'P0',
      dueAt: T0 + minutes(5),
      breachedAt: T0 + minutes(5),
      targetMs: minutes(5),
      calendar: 'wall-time',
    });
    expect(nextSlaDeadline(state)).toBeNull();
  });

  it('is hit by a human reply at exactly 5 minutes, and a bot reply does not count', () => {
    const replied = [...events, g.agentReply(T0 + minutes(5), 'ana')];
    expect(target(slaNow(replied, T0 + hours(1)).state, 'first-response')).toMatchObject({
      status: 'hit',
      stoppedAt: T0 + minutes(5),
      stoppedBy: 'reply',
    });
    const handedOff = [
      g.inbound(T0),
      g.priority(T0, 'P0'),
      g.botReply(T0 + seconds(5)),
      g.handoff(T0 + minutes(2), null),
    ];
    // A cycle that began with a bot waits for a human from the handoff on.
    expect(target(slaNow(handedOff, T0 + minutes(6)).state, 'first-response')).toMatchObject({
      status: 'active',
      startedAt: T0 + minutes(2),
      dueAt: T0 + minutes(7),
    });
  });

  it('a breach that fell due while the scheduler was down is recorded later with its true due time', () => {
    const late = slaNow([...events, g.agentReply(T0 + minutes(9), 'ana')], T0 + hours(3));
    const [breach] = breachesDue(late.conversation, late.state);
    expect(breach).toMatchObject({ eventTime: T0 + minutes(5) });
    expect(target(late.state, 'first-response')).toMatchObject({
      status: 'missed',
      stoppedAt: T0 + minutes(9),
    });
  });
});

describe('business hours', () => {
  it('a P1 chat opened Friday 16:30 under Mon–Fri 9:00–17:00 breaches Monday 9:30', () => {
    const opened = madrid('2025-01-10T16:30'); // a Friday
    const events = [g.inbound(opened), g.priority(opened, 'P1')];
    const friday = slaNow(events, opened + minutes(1), { calendar: office }).state;
    expect(madridIso(target(friday, 'first-response').dueAt!)).toBe('Mon 2025-01-13T09:30:00');
    expect(nextSlaDeadline(friday)).toBe(madrid('2025-01-13T09:30'));
    // Over the weekend only the 30 business minutes of Friday have elapsed.
    const sunday = slaNow(events, madrid('2025-01-12T20:00'), { calendar: office }).state;
    expect(target(sunday, 'first-response')).toMatchObject({ status: 'active', elapsedMs: minutes(30) });
    const monday = slaNow(events, madrid('2025-01-13T09:30'), { calendar: office });
    expect(target(monday.state, 'first-response')).toMatchObject({
      status: 'missed',
      breachedAt: madrid('2025-01-13T09:30'),
    });
    expect(breachesDue(monday.conversation, monday.state)[0]!.eventTime).toBe(madrid('2025-01-13T09:30'));
    expect(
      target(slaNow(events, madrid('2025-01-13T09:29:59'), { calendar: office }).state, 'first-response')
        .status,
    ).toBe('active');
  });

  it('skips a lunch break', () => {
    const withLunch = businessCalendar({
      timeZone: MADRID,
      weekly: weekdays([
        { start: '09:00', end: '13:00' },
        { start: '14:00', end: '18:00' },
      ]),
    });
    const opened = madrid('2025-01-07T12:30');
    const { state } = slaNow([g.inbound(opened), g.priority(opened, 'P1')], opened, { calendar: withLunch });
    expect(madridIso(target(state, 'first-response').dueAt!)).toBe('Tue 2025-01-07T14:30:00');
  });

  it("uses a policy's own calendar over the workspace's", () => {
    const config = slaConfig({
      policies: [
        {
          id: 'office',
          calendar: { timeZone: MADRID, weekly: weekdays([{ start: '09:00', end: '17:00' }]) },
          targets: { firstResponse: '1h' },
        },
      ],
      defaultPolicy: 'office',
    });
    const opened = madrid('2025-01-10T16:30');
    const { state } = slaNow([g.inbound(opened)], opened, { config, calendar: WALL_TIME_CALENDAR });
    expect(madridIso(target(state, 'first-response').dueAt!)).toBe('Mon 2025-01-13T09:30:00');
  });
});

describe('pausing while pending-customer', () => {
  const config = (pause: boolean) =>
    slaConfig({
      policies: [
        { id: 'p', pauseWhilePendingCustomer: pause, targets: { firstResponse: '5m', resolution: '4h' } },
      ],
      defaultPolicy: 'p',
    });
  const events = [
    g.inbound(T0),
    g.agentReply(T0 + minutes(2), 'ana'),
    g.status(T0 + hours(1), 'pending-customer'),
    // The customer answers: the engine reopens the conversation to `open`.
    g.inbound(T0 + hours(3)),
  ];

  it('stops the resolution clock while pending-customer when the option is on', () => {
    const during = slaNow(events, T0 + hours(2), { config: config(true) }).state;
    expect(target(during, 'resolution')).toMatchObject({
      status: 'active',
      dueAt: null,
      paused: true,
      elapsedMs: hours(1),
      pausedMs: hours(1),
    });
    expect(nextSlaDeadline(during)).toBeNull();
    const after = slaNow(events, T0 + hours(4), { config: config(true) }).state;
    expect(target(after, 'resolution')).toMatchObject({
      status: 'active',
      dueAt: T0 + hours(6),
      paused: false,
      elapsedMs: hours(2),
      pausedMs: hours(2),
    });
  });

  it('lets the clock run when the option is off', () => {
    const { state } = slaNow(events, T0 + hours(4), { config: config(false) });
    expect(target(state, 'resolution')).toMatchObject({
      status: 'missed',
      breachedAt: T0 + hours(4),
      pausedMs: 0,
    });
  });

  it('a pause before the first reply moves the first-response due time by its length', () => {
    const { state } = slaNow(
      [g.inbound(T0), g.status(T0 + minutes(1), 'pending-customer'), g.status(T0 + minutes(11), 'open')],
      T0 + minutes(12),
      { config: config(true) },
    );
    // 1 minute ran, 10 were paused: 4 minutes remain from 11 minutes past.
    expect(target(state, 'first-response')).toMatchObject({ dueAt: T0 + minutes(15), pausedMs: minutes(10) });
  });
});

describe('a priority change mid-cycle', () => {
  it('recomputes the due time from the start of the target under the new priority', () => {
    const events = [g.inbound(T0), g.priority(T0, 'P2'), g.priority(T0 + minutes(2), 'P0')];
    expect(target(slaNow(events.slice(0, 2), T0 + minutes(1)).state, 'first-response').dueAt).toBe(
      T0 + hours(24),
    );
    for (const evaluate of [slaNow, slaWithHistory]) {
      const { state } = evaluate(events, T0 + minutes(3));
      expect(target(state, 'first-response')).toMatchObject({
        status: 'active',
        dueAt: T0 + minutes(5),
        priority: 'P0',
      });
      expect(nextSlaDeadline(state)).toBe(T0 + minutes(5));
    }
    expect(target(slaWithHistory(events, T0 + minutes(5)).state, 'first-response')).toMatchObject({
      status: 'missed',
      breachedAt: T0 + minutes(5),
    });
  });

  it('raised after the new due time has passed: missed at the moment of the change, not in the past', () => {
    const events = [g.inbound(T0), g.priority(T0 + minutes(10), 'P0')];
    const { state } = slaWithHistory(events, T0 + minutes(10));
    expect(target(state, 'first-response')).toMatchObject({
      status: 'missed',
      dueAt: T0 + minutes(5),
      breachedAt: T0 + minutes(10),
    });
  });

  it('lowered before the due time: the later due time applies; lowered after a breach: the breach stands', () => {
    const early = [
      g.inbound(T0),
      g.priority(T0, 'P0'),
      g.priority(T0 + minutes(3), 'P1'),
      g.agentReply(T0 + minutes(20), 'ana'),
    ];
    expect(target(slaWithHistory(early, T0 + hours(2)).state, 'first-response')).toMatchObject({
      status: 'hit',
      dueAt: T0 + hours(1),
      priority: 'P1',
    });
    const late = [
      g.inbound(T0),
      g.priority(T0, 'P0'),
      g.priority(T0 + minutes(7), 'P1'),
      g.agentReply(T0 + minutes(20), 'ana'),
    ];
    expect(target(slaWithHistory(late, T0 + hours(2)).state, 'first-response')).toMatchObject({
      status: 'missed',
      breachedAt: T0 + minutes(5),
      priority: 'P0',
      policyId: 'default',
    });
  });

  it('a policy chosen by a tag applies from the moment the tag is added', () => {
    const config = slaConfig({
      policies: [
        { id: 'vip', targets: { firstResponse: '2m' } },
        { id: 'standard', targets: { firstResponse: '1h' } },
      ],
      rules: [{ when: { tags: 'vip' }, policy: 'vip' }],
      defaultPolicy: 'standard',
    });
    const events = [g.inbound(T0), g.tagged(T0 + minutes(1), 'vip')];
    const timeline = slaPolicyTimelines(events, config);
    const conversation = conversationOf(events);
    expect(
      timeline.get(cycleKey(conversation.id, 0))!.map((segment) => [segment.from, segment.sla?.policyId]),
    ).toEqual([
      [T0, 'standard'],
      [T0 + minutes(1), 'vip'],
    ]);
    expect(target(slaWithHistory(events, T0 + minutes(3), config).state, 'first-response')).toMatchObject({
      status: 'missed',
      breachedAt: T0 + minutes(2),
      policyId: 'vip',
    });
  });
});

describe('next-response targets', () => {
  const events = [
    g.inbound(T0),
    g.priority(T0, 'P1'),
    g.agentReply(T0 + minutes(10), 'ana'),
    g.inbound(T0 + minutes(30)),
    g.inbound(T0 + minutes(40)),
  ];

  it('run per customer turn from its oldest unanswered message', () => {
    const { state } = slaNow(events, T0 + minutes(45));
    expect(state.targets.map((t) => [t.key, t.status])).toEqual([
      ['first-response', 'hit'],
      [`next-response@${T0 + minutes(30)}`, 'active'],
    ]);
    expect(target(state, `next-response@${T0 + minutes(30)}`)).toMatchObject({
      turn: 1,
      dueAt: T0 + minutes(90),
    });
    expect(nextSlaDeadline(state)).toBe(T0 + minutes(90));
  });

  it('each turn breaches once, under its own key', () => {
    const more = [...events, g.agentReply(T0 + hours(2), 'ana'), g.inbound(T0 + hours(3))];
    const { conversation, state } = slaNow(more, T0 + hours(5));
    expect(breachesDue(conversation, state).map((draft) => [draft.idempotencyKey, draft.eventTime])).toEqual([
      [slaBreachKey(conversation.id, 0, `next-response@${T0 + minutes(30)}`), T0 + minutes(90)],
      [slaBreachKey(conversation.id, 0, `next-response@${T0 + hours(3)}`), T0 + hours(4)],
    ]);
  });
});

describe('breach drafts', () => {
  it('are the same for the same input (two scheduler nodes append once), and not repeated once recorded', () => {
    const events = [g.inbound(T0), g.priority(T0, 'P0')];
    const first = slaNow(events, T0 + minutes(6));
    const second = slaNow(events, T0 + minutes(9)); // another node, a little later
    const a = breachesDue(first.conversation, first.state);
    const b = breachesDue(second.conversation, second.state);
    expect(a).toHaveLength(1);
    expect(b).toEqual(a);
    expect(
      breachesDue(second.conversation, second.state, new Set(a.map((draft) => draft.idempotencyKey))),
    ).toEqual([]);
  });
});

describe('resolution and compliance', () => {
  const config = slaConfig({
    policies: [{ id: 'full', targets: { firstResponse: '5m', nextResponse: '10m', resolution: '1h' } }],
    defaultPolicy: 'full',
  });

  it('resolution is due from the start of the cycle and stopped by its end', () => {
    const events = [
      g.inbound(T0),
      g.agentReply(T0 + minutes(1), 'ana'),
      g.resolved(T0 + minutes(50), agent('ana')),
    ];
    const { state } = slaNow(events, T0 + hours(2), { config });
    expect(target(state, 'resolution')).toMatchObject({
      status: 'hit',
      dueAt: T0 + hours(1),
      stoppedBy: 'end',
    });
    expect(slaCompliance(state)).toEqual({
      cycleIndex: 0,
      endedAt: T0 + minutes(50),
      applicable: true,
      met: true,
      policyId: 'full',
      priority: 'P2',
      firstResponse: 'hit',
      nextResponse: null,
      nextResponseTurns: { hit: 0, missed: 0 },
      resolution: 'hit',
    });
  });

  it('a cycle that missed one turn is not met; the end answers a turn still waiting', () => {
    const events = [
      g.inbound(T0),
      g.agentReply(T0 + minutes(1), 'ana'),
      g.inbound(T0 + minutes(5)),
      g.agentReply(T0 + minutes(20), 'ana'),
      g.inbound(T0 + minutes(30)),
      g.resolved(T0 + minutes(35), agent('ana')),
    ];
    const { state } = slaNow(events, T0 + hours(2), { config });
    expect(slaCompliance(state)).toMatchObject({
      applicable: true,
      met: false,
      firstResponse: 'hit',
      nextResponse: 'missed',
      nextResponseTurns: { hit: 1, missed: 1 },
      resolution: 'hit',
    });
  });

  it('is not known while the cycle is active, and not applicable to a P3 or bot-only cycle', () => {
    expect(slaCompliance(slaNow([g.inbound(T0)], T0 + minutes(1), { config }).state)).toBeNull();
    const p3 = slaNow(
      [g.inbound(T0), g.priority(T0, 'P3'), g.resolved(T0 + minutes(9))],
      T0 + hours(1),
    ).state;
    expect(slaCompliance(p3)).toMatchObject({ applicable: false, met: false, firstResponse: null });
    const botOnly = slaNow(
      [g.inbound(T0), g.botReply(T0 + seconds(2)), g.resolved(T0 + minutes(3))],
      T0 + hours(1),
    ).state;
    expect(botOnly.targets).toEqual([]);
    expect(slaCompliance(botOnly)).toMatchObject({ applicable: false });
  });
});
