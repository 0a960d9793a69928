import { describe, expect, it } from 'vitest';
import type { ConversationState, Cycle, ThreadEvent } from './conversation-state.js';
import { DEFAULT_CONVERSATION_SETTINGS } from './settings.js';
import { agent, bot, given, hours, minutes, seconds, T0 } from './test-events.js';
import { foldThread } from './thread.js';

const g = given();

function conversationOf(events: ThreadEvent[], now?: number): ConversationState {
  const { conversations } = foldThread(
    events,
    DEFAULT_CONVERSATION_SETTINGS,
    now === undefined ? {} : { now },
  );
  expect(conversations).toHaveLength(1);
  return conversations[0] as ConversationState;
}
const cycle = (conversation: ConversationState, index: number): Cycle => conversation.cycles[index] as Cycle;

describe('first response', () => {
  it('is credited to the agent who replied, not to the assignee', () => {
    const conversation = conversationOf([
      g.inbound(T0),
      g.assigned(T0 + minutes(1), 'ana', { teamId: 'support' }),
      g.agentReply(T0 + minutes(4), 'bo'),
      g.agentReply(T0 + minutes(6), 'ana'),
    ]);
    expect(cycle(conversation, 0).firstHumanReply).toEqual({
      by: 'bo',
      from: T0,
      at: T0 + minutes(4),
      seconds: 240,
    });
    expect(conversation.owner).toEqual({ type: 'agent', id: 'ana' });
  });

  it('of a bot-resolved cycle that is reopened, is measured from the reopen, not the original creation', () => {
    const reopenAt = T0 + hours(20);
    const conversation = conversationOf([
      g.inbound(T0),
      g.botReply(T0 + seconds(2)),
      g.resolved(T0 + minutes(5), bot()),
      g.inbound(reopenAt),
      g.agentReply(reopenAt + minutes(3), 'ana'),
    ]);
    const [first, second] = [cycle(conversation, 0), cycle(conversation, 1)];
    expect(first).toMatchObject({
      service: 'bot-only',
      beganWith: 'bot',
      firstHumanReply: null,
      reopened: true,
    });
    expect(first.firstBotReply).toEqual({ by: 'bot-1', from: T0, at: T0 + seconds(2), seconds: 2 });
    expect(second.firstHumanReply).toEqual({
      by: 'ana',
      from: reopenAt,
      at: reopenAt + minutes(3),
      seconds: 180,
    });
    expect(second).toMatchObject({ beganWith: 'agent', service: 'assisted', isReopen: true });
    // The bot owned the chat it served; the agent who takes it over becomes accountable for it.
    expect(conversation.owner).toEqual({ type: 'agent', id: 'ana' });
    expect(second.handoffs[0]).toMatchObject({ reason: 'agent-took-over', by: 'ana', transfer: true });
  });

  it('of a cycle that began with a bot, is measured from the bot -> agent handoff', () => {
    const conversation = conversationOf([
      g.inbound(T0),
      g.botReply(T0 + seconds(3)),
      g.inbound(T0 + minutes(1)),
      g.botReply(T0 + minutes(1) + seconds(1)),
      g.handoff(T0 + minutes(2), null),
      g.assigned(T0 + minutes(4), 'ana'),
      g.agentReply(T0 + minutes(7), 'ana'),
    ]);
    const facts = cycle(conversation, 0);
    expect(facts).toMatchObject({
      beganWith: 'bot',
      handoffAt: T0 + minutes(2),
      handoffImplicit: false,
      service: 'assisted',
    });
    expect(facts.firstBotReply?.seconds).toBe(3);
    expect(facts.firstHumanReply).toEqual({
      by: 'ana',
      from: T0 + minutes(2),
      at: T0 + minutes(7),
      seconds: 300,
    });
    // The bot owned the chat it served; the handoff without an agent let it go, then routing gave it to Ana.
    expect(
      facts.handoffs.map((h) => [h.from.owner?.id ?? null, h.to.owner?.id ?? null, h.reason, h.transfer]),
    ).toEqual([
      [null, 'bot-1', 'bot-engaged', false],
      ['bot-1', null, 'customer asked for a human', true],
      [null, 'ana', null, false],
    ]);
    expect(facts.handoffCount).toBe(1);
  });

  it('leaves a chat handed to the agents unowned while the bot only tells the customer to wait', () => {
    const conversation = conversationOf([
      g.inbound(T0),
      g.botReply(T0 + seconds(1)),
      g.handoff(T0 + minutes(1), null),
      g.botReply(T0 + minutes(1) + seconds(1), 'bot-1', { text: 'An agent will be with you shortly' }),
    ]);
    expect(conversation.owner).toBeNull();
    expect(conversation.serviceMode).toBe('agent');
    expect(cycle(conversation, 0).handoffs).toHaveLength(2);
  });

  it('when an agent takes over a bot chat without a handoff event, is measured from the turn the agent answers', () => {
    const conversation = conversationOf([
      g.inbound(T0),
      g.botReply(T0 + seconds(1)),
      g.inbound(T0 + minutes(1)),
      g.agentReply(T0 + minutes(3), 'ana'),
    ]);
    expect(cycle(conversation, 0)).toMatchObject({
      handoffAt: T0 + minutes(1),
      handoffImplicit: true,
      firstHumanReply: { by: 'ana', from: T0 + minutes(1), at: T0 + minutes(3), seconds: 120 },
    });
  });

  it('ignores campaign and system messages', () => {
    const conversation = conversationOf([
      g.inbound(T0),
      g.template(T0 + minutes(1), { campaignId: 'c-1' }),
      g.template(T0 + minutes(2)),
      g.agentReply(T0 + minutes(10), 'ana'),
    ]);
    const facts = cycle(conversation, 0);
    expect(facts.firstHumanReply?.seconds).toBe(600);
    expect(facts.turns).toEqual([
      {
        from: T0,
        inboundMessages: 1,
        replyAt: T0 + minutes(10),
        repliedBy: 'agent',
        replierId: 'ana',
        seconds: 600,
      },
    ]);
    expect(facts).toMatchObject({ outboundCount: 3, automatedMessageCount: 2, agentMessageCount: 1 });
  });
});

describe('customer turns', () => {
  it('run from the earliest unanswered customer message to the next reply, by agent or bot', () => {
    const conversation = conversationOf([
      g.inbound(T0),
      g.inbound(T0 + seconds(30), { text: 'hello?' }),
      g.botReply(T0 + minutes(1)),
      g.agentReply(T0 + minutes(2), 'ana'),
      g.inbound(T0 + minutes(10)),
      g.agentReply(T0 + minutes(15), 'ana'),
      g.inbound(T0 + minutes(20)),
    ]);
    expect(cycle(conversation, 0).turns).toEqual([
      {
        from: T0,
        inboundMessages: 2,
        replyAt: T0 + minutes(1),
        repliedBy: 'bot',
        replierId: 'bot-1',
        seconds: 60,
      },
      {
        from: T0 + minutes(10),
        inboundMessages: 1,
        replyAt: T0 + minutes(15),
        repliedBy: 'agent',
        replierId: 'ana',
        seconds: 300,
      },
      {
        from: T0 + minutes(20),
        inboundMessages: 1,
        replyAt: null,
        repliedBy: null,
        replierId: null,
        seconds: null,
      },
    ]);
    expect(cycle(conversation, 0)).toMatchObject({
      inboundCount: 4,
      outboundCount: 3,
      agentMessageCount: 2,
      botMessageCount: 1,
    });
  });
});

describe('resolution', () => {
  it('after a reopen measures only that cycle, credited to the owner at its end', () => {
    const reopenAt = T0 + hours(30);
    const conversation = conversationOf([
      g.inbound(T0),
      g.assigned(T0 + minutes(1), 'ana'),
      g.agentReply(T0 + minutes(2), 'ana'),
      g.resolved(T0 + hours(1), agent('ana')),
      g.inbound(reopenAt),
      g.assigned(reopenAt + minutes(1), 'bo', { reason: 'ana is off' }),
      g.agentReply(reopenAt + minutes(5), 'bo'),
      g.resolved(reopenAt + hours(2), agent('bo')),
    ]);
    expect(cycle(conversation, 0)).toMatchObject({
      resolutionSeconds: 3600,
      end: { owner: { type: 'agent', id: 'ana' } },
    });
    expect(cycle(conversation, 1)).toMatchObject({
      resolutionSeconds: 7200,
      end: {
        at: reopenAt + hours(2),
        status: 'resolved',
        resolutionType: 'solved',
        owner: { type: 'agent', id: 'bo' },
      },
      firstHumanReply: { by: 'bo', seconds: 300 },
      handoffCount: 1,
    });
    expect(cycle(conversation, 1).handoffs[0]).toMatchObject({
      from: { owner: { type: 'agent', id: 'ana' } },
      to: { owner: { type: 'agent', id: 'bo' } },
      reason: 'ana is off',
      at: reopenAt + minutes(1),
    });
  });

  it('classifies cycles ended by a bot alone as self-serve, and silent ones as unattended', () => {
    const botOnly = conversationOf([g.inbound(T0), g.botReply(T0 + 1), g.resolved(T0 + 2, bot())]);
    expect(cycle(botOnly, 0)).toMatchObject({
      service: 'bot-only',
      end: { owner: { type: 'bot', id: 'bot-1' } },
    });
    const silent = conversationOf([g.inbound(T0), g.resolved(T0 + 2)]);
    expect(cycle(silent, 0).service).toBe('unattended');
  });
});

describe('time in stage', () => {
  it('counts time per status and per team up to the end, or up to now while open', () => {
    const events = [
      g.inbound(T0),
      g.assigned(T0, 'ana', { teamId: 'sales' }),
      g.status(T0 + hours(1), 'pending-customer'),
      g.inbound(T0 + hours(3)),
      g.assigned(T0 + hours(4), 'bo', { teamId: 'billing' }),
    ];
    const open = conversationOf(events, T0 + hours(6));
    expect(cycle(open, 0).timeInStatus).toEqual({ open: 4 * 3600, 'pending-customer': 2 * 3600 });
    expect(cycle(open, 0).timeInTeam).toEqual([
      { team: 'sales', seconds: 4 * 3600 },
      { team: 'billing', seconds: 2 * 3600 },
    ]);
    // Without `now`, only finished spans count: the stored facts depend on the events alone.
    expect(cycle(conversationOf(events), 0).timeInStatus).toEqual({
      open: 3600,
      'pending-customer': 2 * 3600,
    });
    const ended = conversationOf([...events, g.resolved(T0 + hours(5))], T0 + hours(100));
    expect(cycle(ended, 0).timeInStatus).toEqual({ open: 3 * 3600, 'pending-customer': 2 * 3600 });
    expect(cycle(ended, 0).timeInTeam).toEqual([
      { team: 'sales', seconds: 4 * 3600 },
      { team: 'billing', seconds: 3600 },
    ]);
    expect(cycle(ended, 0).end).toMatchObject({ owner: { type: 'agent', id: 'bo' }, team: 'billing' });
  });
});

describe('organisation and CSAT', () => {
  it('ties a rating to the cycle it rates and its owner at the end, on a 1-5 scale', () => {
    const conversation = conversationOf([
      g.inbound(T0),
      g.assigned(T0 + 1, 'ana', { teamId: 'support' }),
      g.resolved(T0 + hours(1), agent('ana')),
      g.assigned(T0 + hours(2), 'bo'),
      g.csat(T0 + hours(3), 9, 10),
    ]);
    expect(cycle(conversation, 0).csat).toEqual({
      rating: 9,
      scale: 10,
      score: 1 + (8 * 4) / 9,
      positive: true,
      at: T0 + hours(3),
      owner: { type: 'agent', id: 'ana' },
      team: 'support',
    });
  });

  it('keeps tags, priority and type set while wrapping up on the ended cycle, not on the next one', () => {
    const conversation = conversationOf([
      g.inbound(T0),
      g.tagged(T0 + 1, 'vip'),
      g.priority(T0 + 2, 'p1'),
      g.resolved(T0 + hours(1)),
      g.tagged(T0 + hours(1) + 5, 'refund'),
      g.event('chat.type_changed', T0 + hours(1) + 6, { conversationType: 'complaint' }),
      g.inbound(T0 + hours(5)),
      g.untagged(T0 + hours(5) + 1, 'vip'),
    ]);
    expect(cycle(conversation, 0)).toMatchObject({
      tags: ['refund', 'vip'],
      priority: 'P1',
      conversationType: 'complaint',
    });
    expect(cycle(conversation, 1)).toMatchObject({
      tags: ['refund'],
      priority: 'P1',
      conversationType: 'complaint',
    });
    expect(conversation.tags).toEqual(['refund']);
  });

  it('records notes with their mentions, and watchers', () => {
    const conversation = conversationOf([
      g.inbound(T0),
      g.note(T0 + 1, 'Ask @bo.perez about the refund, cc @Lia.', agent('ana')),
      g.event('chat.watcher_added', T0 + 2, { watcherId: 'lia' }),
      g.event('chat.watcher_added', T0 + 3, { watcherId: 'bo' }),
      g.event('chat.watcher_removed', T0 + 4, { watcherId: 'lia' }),
    ]);
    expect(conversation.notes).toEqual([
      {
        id: expect.any(String),
        text: 'Ask @bo.perez about the refund, cc @Lia.',
        mentions: ['bo.perez', 'Lia'],
        author: agent('ana'),
        at: T0 + 1,
      },
    ]);
    expect(conversation.watchers).toEqual(['bo']);
  });

  it('does not end a reopened cycle when a won deal is only corrected', () => {
    const conversation = conversationOf([
      g.inbound(T0),
      g.deal(T0 + 1, { stage: 'closed-won', value: 100, currency: 'USD' }),
      g.inbound(T0 + hours(1)),
      g.deal(T0 + hours(2), { value: 120 }),
    ]);
    expect(conversation.status).toBe('open');
    expect(conversation.deal).toMatchObject({ outcome: 'won', value: 120, closedAt: T0 + 1 });
    expect(cycle(conversation, 0).end?.status).toBe('closed-won');
  });
});
