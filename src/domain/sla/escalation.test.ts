import { describe, expect, it } from 'vitest';
import { WALL_TIME_CALENDAR } from '../calendar/index.js';
import type { ThreadEvent } from '../conversation/conversation-state.js';
import { agent, given, hours, minutes, seconds, T0 } from '../conversation/test-events.js';
import { evaluateSla } from './evaluate-sla.js';
import { escalationKey, escalationsDue, nextEscalationAt, type SentimentReading } from './escalation.js';
import { escalationRules, parseEscalationRules, type EscalationRuleSpec } from './escalation-rules.js';
import { slaFor, slaSubjectOf } from './select-policy.js';
import { DEFAULT_SLA_CONFIG } from './sla-config.js';
import { conversationOf } from './test-support.js';

const g = given();

/** Evaluates `rules` the way the scheduler does: the conversation and its SLA as they stand at `now`. */
function due(
  specs: EscalationRuleSpec[],
  events: ThreadEvent[],
  now: number,
  options: { fired?: ReadonlySet<string>; sentiment?: SentimentReading[] } = {},
) {
  const conversation = conversationOf(events.filter((event) => event.eventTime <= now));
  const cycle = conversation.cycles.at(-1)!;
  const sla = evaluateSla(
    cycle,
    slaFor(slaSubjectOf(conversation), DEFAULT_SLA_CONFIG),
    WALL_TIME_CALENDAR,
    now,
  );
  const rules = escalationRules({ rules: specs });
  return {
    conversation,
    firings: escalationsDue(rules, conversation, sla, options.sentiment ?? [], now, options.fired),
    next: nextEscalationAt(rules, conversation, sla, now),
  };
}

const notifyOwner = [{ type: 'notify' as const, channel: 'in-app' as const, owner: true }];
const p1Chat = [
  g.inbound(T0),
  g.priority(T0, 'P1'),
  g.assigned(T0 + seconds(10), 'ana', { teamId: 'support' }),
];

describe('an SLA breach escalation', () => {
  const rules: EscalationRuleSpec[] = [
    { id: 'breach', trigger: { type: 'sla-breached' }, actions: notifyOwner },
  ];

  it('fires once, dated at the breach, under a key the ledger dedupes', () => {
    const before = due(rules, p1Chat, T0 + hours(1) - 1);
    expect(before.firings).toEqual([]);
    expect(before.next).toBe(T0 + hours(1));
    const { conversation, firings } = due(rules, p1Chat, T0 + hours(1) + minutes(2));
    expect(firings).toHaveLength(1);
    const [firing] = firings;
    expect(firing).toMatchObject({
      key: escalationKey('breach', conversation.id, 0, 'breach:first-response'),
      ruleId: 'breach',
      trigger: 'sla-breached',
      at: T0 + hours(1),
    });
    expect(firing!.events[0]).toMatchObject({
      type: 'escalation.fired',
      idempotencyKey: firing!.key,
      eventTime: T0 + hours(1),
      actor: { type: 'system', id: 'escalation' },
    });
    expect(firing!.events[0]!.payload.properties).toMatchObject({
      ruleId: 'breach',
      trigger: 'sla-breached',
      instance: 'breach:first-response',
      cycle: 0,
      actions: notifyOwner,
    });
    // The same input on another node gives the same key; once recorded, nothing fires again.
    expect(due(rules, p1Chat, T0 + hours(2)).firings.map((f) => f.key)).toEqual([firing!.key]);
    expect(due(rules, p1Chat, T0 + hours(2), { fired: new Set([firing!.key]) }).firings).toEqual([]);
  });

  it('watches only the targets and conversations it names', () => {
    const onlyResolution: EscalationRuleSpec[] = [
      { id: 'r', trigger: { type: 'sla-breached', targets: ['resolution'] }, actions: notifyOwner },
    ];
    expect(due(onlyResolution, p1Chat, T0 + hours(2)).firings).toEqual([]);
    const otherTeam: EscalationRuleSpec[] = [
      { id: 't', when: { teams: 'billing' }, trigger: { type: 'sla-breached' }, actions: notifyOwner },
    ];
    expect(due(otherTeam, p1Chat, T0 + hours(2)).firings).toEqual([]);
  });
});

describe('an SLA at-risk escalation', () => {
  const rules: EscalationRuleSpec[] = [
    { id: 'risk', trigger: { type: 'sla-at-risk', share: 0.8 }, actions: notifyOwner },
  ];

  it('does not fire before 80 % of the target has elapsed, and fires at that moment', () => {
    expect(due(rules, p1Chat, T0 + minutes(48) - 1).firings).toEqual([]);
    expect(due(rules, p1Chat, T0 + minutes(48) - 1).next).toBe(T0 + minutes(48));
    expect(due(rules, p1Chat, T0 + minutes(50)).firings.map((f) => [f.instance, f.at])).toEqual([
      ['at-risk:first-response', T0 + minutes(48)],
    ]);
  });

  it('does not fire once the target was met or missed: the risk is over', () => {
    expect(due(rules, [...p1Chat, g.agentReply(T0 + minutes(55), 'ana')], T0 + minutes(56)).firings).toEqual(
      [],
    );
    expect(due(rules, p1Chat, T0 + hours(2)).firings).toEqual([]);
  });
});

describe('a tag escalation', () => {
  const rules: EscalationRuleSpec[] = [
    { id: 'vip', trigger: { type: 'tag', tag: 'vip' }, actions: [{ type: 'raise-priority', to: 'P0' }] },
  ];

  it('fires when a tag is added later, then, once per cycle', () => {
    const untagged = [g.inbound(T0), g.priority(T0, 'P2')];
    expect(due(rules, untagged, T0 + minutes(10)).firings).toEqual([]);
    const tagged = [...untagged, g.tagged(T0 + minutes(20), 'vip')];
    const { conversation, firings } = due(rules, tagged, T0 + minutes(20));
    expect(firings.map((f) => [f.instance, f.at])).toEqual([['tag:vip', T0 + minutes(20)]]);
    expect(firings[0]!.events.map((event) => [event.type, event.payload.properties['priority']])).toEqual([
      ['escalation.fired', undefined],
      ['chat.priority_changed', 'P0'],
    ]);
    const fired = new Set(firings.map((f) => f.key));
    expect(due(rules, tagged, T0 + hours(1), { fired }).firings).toEqual([]);
    // A new cycle of the same conversation is a new instance of the trigger.
    const reopened = [...tagged, g.resolved(T0 + hours(1), agent('ana')), g.inbound(T0 + hours(2))];
    const again = due(rules, reopened, T0 + hours(2), { fired });
    expect(again.firings.map((f) => f.key)).toEqual([escalationKey('vip', conversation.id, 1, 'tag:vip')]);
  });

  it('raises the priority only when that raises it', () => {
    const urgent = [g.inbound(T0), g.priority(T0, 'P0'), g.tagged(T0 + minutes(1), 'vip')];
    expect(due(rules, urgent, T0 + minutes(1)).firings[0]!.events.map((event) => event.type)).toEqual([
      'escalation.fired',
    ]);
  });
});

describe('a no-reply escalation', () => {
  const rules: EscalationRuleSpec[] = [
    {
      id: 'silent',
      trigger: { type: 'no-reply', after: '30m' },
      actions: [{ type: 'reassign', team: 'tier-2' }],
    },
  ];

  it('fires after N minutes without a reply, not before, per customer turn', () => {
    expect(due(rules, p1Chat, T0 + minutes(30) - 1).firings).toEqual([]);
    const { firings } = due(rules, p1Chat, T0 + minutes(30));
    expect(firings.map((f) => [f.instance, f.at])).toEqual([[`no-reply@${T0}`, T0 + minutes(30)]]);
    // Reassigning to a team clears the owner, so the chat goes to that team's routing.
    expect(firings[0]!.events[1]).toMatchObject({ type: 'chat.assigned', eventTime: T0 + minutes(30) });
    expect(firings[0]!.events[1]!.payload.properties).toMatchObject({
      agentId: null,
      teamId: 'tier-2',
      assignedBy: 'escalation',
      reason: 'escalation:silent',
    });
  });

  it('does not fire for a turn that was answered in time, nor after the cycle ended', () => {
    expect(due(rules, [...p1Chat, g.agentReply(T0 + minutes(29), 'ana')], T0 + hours(1)).firings).toEqual([]);
    expect(due(rules, [...p1Chat, g.resolved(T0 + minutes(10))], T0 + hours(1)).firings).toEqual([]);
  });
});

describe('a negative-sentiment escalation', () => {
  const rules: EscalationRuleSpec[] = [
    {
      id: 'angry',
      trigger: { type: 'negative-sentiment', scoreAtMost: -0.5 },
      actions: [{ type: 'reassign', agent: 'lead-maria' }],
    },
  ];

  it("fires once per cycle, at the cycle's first message scored at or below the threshold", () => {
    const sentiment: SentimentReading[] = [
      { at: T0 - hours(1), score: -0.9 }, // before the cycle
      { at: T0 + minutes(5), score: -0.7, messageId: 'm2' },
      { at: T0 + minutes(2), score: -0.2 },
      { at: T0 + minutes(9), score: -0.95 },
    ];
    const { firings } = due(rules, p1Chat, T0 + minutes(10), { sentiment });
    expect(firings.map((f) => [f.instance, f.at])).toEqual([['sentiment', T0 + minutes(5)]]);
    expect(firings[0]!.events[1]!.payload.properties).toMatchObject({
      agentId: 'lead-maria',
      assignedBy: 'escalation',
    });
    expect(firings[0]!.events[1]!.payload.properties).not.toHaveProperty('teamId');
  });
});

describe('parseEscalationRules', () => {
  it('reports each problem with a stable code and path', () => {
    const result = parseEscalationRules({
      rules: [
        { id: 'a', trigger: { type: 'sla-at-risk', share: 80 }, actions: [] },
        { id: 'a', trigger: { type: 'mood' }, actions: [{ type: 'notify', channel: 'in-app' }] },
        {
          id: 'c',
          trigger: { type: 'no-reply', after: '2 days' },
          actions: [{ type: 'reassign' }, { type: 'raise-priority', to: 'urgent' }, { type: 'call' }],
        },
        {
          id: 'd',
          when: { priorities: 'P9' },
          trigger: { type: 'sla-breached', targets: ['reply'] },
          actions: notifyOwner,
        },
      ],
    });
    expect(result.ok ? [] : result.errors.map((issue) => [issue.code, issue.path])).toEqual([
      ['invalid_share', 'rules[0].trigger.share'],
      ['no_actions', 'rules[0].actions'],
      ['duplicate_id', 'rules[1].id'],
      ['invalid_trigger', 'rules[1].trigger.type'],
      ['no_recipients', 'rules[1].actions[0]'],
      ['invalid_duration', 'rules[2].trigger.after'],
      ['invalid_action', 'rules[2].actions[0]'],
      ['invalid_priority', 'rules[2].actions[1].to'],
      ['invalid_action', 'rules[2].actions[2].type'],
      ['invalid_condition', 'rules[3].when.priorities'],
      ['invalid_target', 'rules[3].trigger.targets'],
    ]);
  });

  it('accepts the documented example and normalises it', () => {
    const result = parseEscalationRules({
      rules: [
        {
          id: 'silent',
          when: { tags: 'vip' },
          trigger: { type: 'no-reply', after: '90m' },
          actions: notifyOwner,
        },
        {
          id: 'hook',
          trigger: { type: 'sla-breached' },
          actions: [{ type: 'notify', channel: 'webhook', target: 'ops' }],
        },
      ],
    });
    expect(result.ok && result.value.spec.rules[0]).toEqual({
      id: 'silent',
      name: 'silent',
      enabled: true,
      when: { tags: ['vip'] },
      trigger: { type: 'no-reply', after: '1h30m' },
      actions: notifyOwner,
    });
  });
});
