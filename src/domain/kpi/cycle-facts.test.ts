import { describe, expect, it } from 'vitest';
import type { ConversationState, ThreadEvent } from '../conversation/conversation-state.js';
import { DEFAULT_CONVERSATION_SETTINGS } from '../conversation/settings.js';
import { agent, bot, given, hours, minutes, seconds, T0 } from '../conversation/test-events.js';
import { foldThread } from '../conversation/thread.js';
import {
  cycleDimensions,
  decodeTags,
  encodeTags,
  factsOfCycle,
  isSalesCycle,
  ratingScore,
  type CycleFact,
} from './cycle-facts.js';

const g = given();

/** Given these events, the facts of every cycle of the (single) conversation, as `kind@minute=value by`. */
function factsOf(events: ThreadEvent[]): string[][] {
  const { conversations } = foldThread(events, DEFAULT_CONVERSATION_SETTINGS);
  expect(conversations).toHaveLength(1);
  const conversation = conversations[0] as ConversationState;
  const show = (fact: CycleFact) =>
    `${fact.metric}@${(fact.at - T0) / 60_000}=${fact.value}${fact.outcome ? `/${fact.outcome}` : ''} ${fact.agent ?? '-'}`;
  return conversation.cycles.map((cycle) => factsOfCycle(conversation, cycle).map(show));
}

describe('the dated facts of a cycle', () => {
  it('date a first response at the reply and credit the replier; a resolution at the end, to the owner', () => {
    expect(
      factsOf([
        g.inbound(T0),
        g.assigned(T0 + minutes(1), 'ana'),
        g.agentReply(T0 + minutes(4), 'bo'),
        g.resolved(T0 + minutes(30), agent('ana')),
      ]),
    ).toEqual([
      [
        'conversation@0=1 ana',
        'cycle_opened@0=1/new ana',
        'first_response@4=240 bo',
        'agent_response@4=240 bo',
        'cycle_ended@30=1/assisted ana',
        'resolution@30=1800 ana',
        'length@30=2 ana',
      ],
    ]);
  });

  it('measure a bot-first cycle’s first response from the handoff, and its bot figures from the start', () => {
    expect(
      factsOf([
        g.inbound(T0),
        g.botReply(T0 + seconds(5), 'faq'),
        g.inbound(T0 + minutes(1)),
        g.handoff(T0 + minutes(2), 'ana'),
        g.agentReply(T0 + minutes(5), 'ana'),
      ])[0],
    ).toEqual([
      'conversation@0=1 ana',
      'cycle_opened@0=1/new ana',
      'first_response@5=180 ana',
      'bot_first_response@0.08333333333333333=5 faq',
      'bot_response@0.08333333333333333=5 faq',
      'agent_response@5=240 ana',
    ]);
  });

  it('date a reopen at the reopening message, on the cycle that was reopened', () => {
    const facts = factsOf([
      g.inbound(T0),
      g.botReply(T0 + seconds(2), 'faq'),
      g.resolved(T0 + minutes(5), bot('faq')),
      g.inbound(T0 + hours(20)),
    ]);
    expect(facts[0]).toContain('reopen@1200=1 faq');
    expect(facts[0]).toContain('cycle_ended@5=1/bot-only faq');
    // The reopened cycle starts with the owner the conversation had.
    expect(facts[1]).toEqual(['cycle_opened@1200=1/reopen faq']);
  });

  it('date a rating at its submission, on the 1-5 scale of the KPI module, credited to the owner at the end', () => {
    const facts = factsOf([
      g.inbound(T0),
      g.assigned(T0 + 1, 'ana'),
      g.resolved(T0 + hours(1), agent('ana')),
      g.assigned(T0 + hours(2), 'bo'),
      g.csat(T0 + hours(3), 7, 10),
    ]);
    expect(facts[0]).toContain('rating@180=4/positive ana');
  });

  it('count a won sale with its value and a lost one with none, and do not sell again after a reopen', () => {
    const facts = factsOf([
      g.inbound(T0),
      g.deal(T0 + minutes(1), { stage: 'proposal', value: 900 }),
      g.deal(T0 + minutes(2), { outcome: 'won' }),
      g.inbound(T0 + hours(1)),
      g.resolved(T0 + hours(2)),
    ]);
    expect(facts[0]).toContain('sale@2=900/won -');
    expect(facts[1]!.filter((fact) => fact.startsWith('sale'))).toEqual([]);
  });
});

describe('sales cycles', () => {
  const cycleOf = (events: ThreadEvent[]) => foldThread(events).conversations[0]!.cycles[0]!;
  it('are opportunities, cycles with an open deal, and cycles closed won or lost', () => {
    expect(
      isSalesCycle(
        cycleOf([g.inbound(T0), g.event('chat.type_changed', T0 + 1, { conversationType: 'opportunity' })]),
      ),
    ).toBe(true);
    expect(isSalesCycle(cycleOf([g.inbound(T0), g.deal(T0 + 1, { stage: 'proposal' })]))).toBe(true);
    expect(isSalesCycle(cycleOf([g.inbound(T0), g.status(T0 + 1, 'closed-lost')]))).toBe(true);
    expect(isSalesCycle(cycleOf([g.inbound(T0), g.resolved(T0 + 1)]))).toBe(false);
  });
});

describe('ratingScore', () => {
  it('maps a rating of 1..n onto 1-5 as src/domain/kpi/csat.ts does, a 0 counting as 1', () => {
    expect([1, 2, 3, 4, 5].map((r) => ratingScore(r, 5))).toEqual([1, 2, 3, 4, 5]);
    expect([7, 9, 10].map((r) => ratingScore(r, 10))).toEqual([4, 5, 5]);
    expect([1, 2, 3].map((r) => ratingScore(r, 3))).toEqual([1, 3, 5]);
    expect(ratingScore(0, 10)).toBe(1);
    expect(ratingScore(1, 1)).toBeNull();
    expect(ratingScore(Number.NaN, 5)).toBeNull();
  });
});

describe('cycle dimensions', () => {
  it('describe an active cycle as it is now and an ended one as it ended', () => {
    const { conversations } = foldThread([
      g.inbound(T0),
      g.assigned(T0 + 1, 'ana', { teamId: 'support' }),
      g.tagged(T0 + 2, 'vip'),
      g.resolved(T0 + minutes(5), agent('ana')),
      g.inbound(T0 + hours(1)),
      g.assigned(T0 + hours(1) + 1, 'bo', { teamId: 'sales' }),
    ]);
    const conversation = conversations[0]!;
    expect(cycleDimensions(conversation, conversation.cycles[0]!)).toMatchObject({
      ownerId: 'ana',
      teamId: 'support',
      tags: ['vip'],
      country: 'MX',
    });
    expect(cycleDimensions(conversation, conversation.cycles[1]!)).toMatchObject({
      ownerId: 'bo',
      teamId: 'sales',
    });
  });

  it('encode tags so that one is found as |tag| and none as the empty string', () => {
    expect(encodeTags(['vip', 'a'])).toBe('|a|vip|');
    expect(encodeTags([])).toBe('');
    expect(decodeTags('|a|vip|')).toEqual(['a', 'vip']);
    expect(decodeTags('')).toEqual([]);
  });
});
