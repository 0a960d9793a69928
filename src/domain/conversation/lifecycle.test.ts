import { describe, expect, it } from 'vitest';
import { autoResolveDueAt, dueAutoResolve } from './auto-resolve.js';
import type { ConversationState, ThreadEvent } from './conversation-state.js';
import { overdue } from './next-action.js';
import { windowClosesAt, windowOpen } from './service-window.js';
import { DEFAULT_CONVERSATION_SETTINGS, type ConversationSettings } from './settings.js';
import { agent, chatThread, contactThread, given, hours, minutes, T0 } from './test-events.js';
import { foldThread } from './thread.js';

const fold = (events: ThreadEvent[], settings: ConversationSettings = DEFAULT_CONVERSATION_SETTINGS) =>
  foldThread(events, settings).conversations;

function only(conversations: ConversationState[]): ConversationState {
  expect(conversations).toHaveLength(1);
  return conversations[0] as ConversationState;
}

describe('opening a conversation', () => {
  it('opens on the first customer message, named by the source chatId', () => {
    const g = given(chatThread('wa-chat-9'));
    const conversation = only(fold([g.inbound(T0)]));
    expect(conversation).toMatchObject({
      chatId: 'wa-chat-9',
      threadKey: 'chat:wa-chat-9',
      status: 'open',
      openedAt: T0,
      ordinal: 1,
      version: 1,
    });
    expect(conversation.id).toMatch(/^cv_[0-9a-f]{16}$/);
    expect(conversation.cycles).toHaveLength(1);
    expect(conversation.cycles[0]).toMatchObject({
      startedAt: T0,
      openedBy: 'inbound',
      isReopen: false,
      end: null,
    });
  });

  it('gives the same id to the same thread whatever message opened it', () => {
    const g = given(contactThread());
    const early = only(fold([g.inbound(T0, { text: 'a' })]));
    const later = only(fold([g.inbound(T0 + minutes(3), { text: 'b' })]));
    expect(early.id).toBe(later.id);
    expect(early.threadKey).toBe('contact:+5215512345678@pn-100');
  });

  it('opens on an outbound template, and waits for a human only once the customer writes', () => {
    const g = given();
    const conversation = only(
      fold([
        g.template(T0, { campaignId: 'spring-sale' }),
        g.inbound(T0 + hours(2)),
        g.agentReply(T0 + hours(2) + minutes(5), 'ana'),
      ]),
    );
    const cycle = conversation.cycles[0];
    expect(cycle).toMatchObject({ startedAt: T0, openedBy: 'template', firstInboundAt: T0 + hours(2) });
    expect(cycle?.firstHumanReply).toEqual({
      by: 'ana',
      from: T0 + hours(2),
      at: T0 + hours(2) + minutes(5),
      seconds: 300,
    });
    expect(cycle?.automatedMessageCount).toBe(1);
    expect(conversation.source).toMatchObject({
      origin: 'template',
      kind: 'campaign',
      campaignId: 'spring-sale',
    });
  });

  it('does not open a conversation on a non-template outbound message or a message status', () => {
    const g = given();
    expect(fold([g.agentReply(T0, 'ana'), g.delivered(T0 + 1)])).toEqual([]);
  });

  it('applies an assignment dated just before the first message when the conversation opens', () => {
    const g = given();
    const conversation = only(fold([g.assigned(T0 - 500, 'ana', { teamId: 'sales' }), g.inbound(T0)]));
    expect(conversation.owner).toEqual({ type: 'agent', id: 'ana' });
    expect(conversation.team).toBe('sales');
    expect(conversation.version).toBe(2);
    expect(conversation.cycles[0]?.timeInTeam).toEqual([]);
    expect(conversation.cycles[0]?.teamSpans).toEqual([{ team: 'sales', from: T0, to: null }]);
  });
});

describe('reopening', () => {
  const g = given();
  const resolvedAt = T0 + hours(1);

  it('reopens the same conversation within the reopen window, as a new cycle', () => {
    const conversation = only(
      fold([
        g.inbound(T0),
        g.agentReply(T0 + minutes(5), 'ana'),
        g.resolved(resolvedAt),
        g.inbound(resolvedAt + hours(47)),
      ]),
    );
    expect(conversation.status).toBe('open');
    expect(conversation.cycles).toHaveLength(2);
    expect(conversation.cycles[0]).toMatchObject({ reopened: true, reopenedAt: resolvedAt + hours(47) });
    expect(conversation.cycles[1]).toMatchObject({
      index: 1,
      isReopen: true,
      startedAt: resolvedAt + hours(47),
      reopened: false,
    });
  });

  it('opens a new conversation when the customer writes after the reopen window', () => {
    const conversations = fold([
      g.inbound(T0),
      g.resolved(resolvedAt),
      g.inbound(resolvedAt + hours(48) + 1),
    ]);
    expect(conversations).toHaveLength(2);
    const [first, second] = conversations as [ConversationState, ConversationState];
    expect(first.cycles).toHaveLength(1);
    expect(first.cycles[0]?.reopened).toBe(false);
    expect(first.status).toBe('resolved');
    expect(second).toMatchObject({ ordinal: 2, status: 'open', openedAt: resolvedAt + hours(48) + 1 });
    expect(second.id).not.toBe(first.id);
    expect(second.cycles[0]?.isReopen).toBe(false);
  });

  it('follows the workspace reopen window', () => {
    const settings = { ...DEFAULT_CONVERSATION_SETTINGS, reopenWindowMs: hours(2) };
    expect(
      fold([g.inbound(T0), g.resolved(resolvedAt), g.inbound(resolvedAt + hours(3))], settings),
    ).toHaveLength(2);
    expect(
      fold([g.inbound(T0), g.resolved(resolvedAt), g.inbound(resolvedAt + hours(2))], settings),
    ).toHaveLength(1);
  });

  it('reopens on an agent setting an active status, whatever the window', () => {
    const conversation = only(
      fold([g.inbound(T0), g.resolved(resolvedAt), g.status(resolvedAt + hours(100), 'pending-internal')]),
    );
    expect(conversation.status).toBe('pending-internal');
    expect(conversation.cycles[1]).toMatchObject({
      openedBy: 'status-change',
      isReopen: true,
      firstInboundAt: null,
    });
  });

  it('does not reopen on a template sent after the resolution; the reply to it does', () => {
    const conversation = only(
      fold([
        g.inbound(T0),
        g.resolved(resolvedAt),
        g.template(resolvedAt + hours(1)),
        g.inbound(resolvedAt + hours(2)),
      ]),
    );
    expect(conversation.cycles).toHaveLength(2);
    expect(conversation.cycles[0]?.outboundCount).toBe(0);
    expect(conversation.lastOutboundAt).toBe(resolvedAt + hours(1));
  });

  it('ignores a second resolution of an ended cycle', () => {
    const conversation = only(
      fold([g.inbound(T0), g.resolved(resolvedAt), g.resolved(resolvedAt + minutes(1), agent('bo'))]),
    );
    expect(conversation.cycles[0]?.end).toMatchObject({ at: resolvedAt, status: 'resolved' });
    expect(conversation.version).toBe(3);
  });
});

describe('statuses', () => {
  const g = given();

  it('returns to open when the customer answers a pending-customer or snoozed chat, not a pending-internal one', () => {
    expect(
      only(fold([g.inbound(T0), g.status(T0 + 10, 'pending-customer'), g.inbound(T0 + 20)])).status,
    ).toBe('open');
    expect(
      only(fold([g.inbound(T0), g.status(T0 + 10, 'pending-internal'), g.inbound(T0 + 20)])).status,
    ).toBe('pending-internal');
    const snoozedUntil = new Date(T0 + hours(5)).toISOString();
    expect(
      only(fold([g.inbound(T0), g.status(T0 + 10, 'snoozed', { snoozedUntil }), g.inbound(T0 + 20)])).status,
    ).toBe('open');
  });

  it('wakes a snoozed chat at its snooze time, and counts the time snoozed', () => {
    const events = [g.inbound(T0), g.status(T0 + hours(1), 'snoozed', { snoozedUntil: T0 + hours(3) })];
    const asleep = only(
      foldThread(events, DEFAULT_CONVERSATION_SETTINGS, { now: T0 + hours(2) }).conversations,
    );
    expect(asleep.status).toBe('snoozed');
    const awake = only(
      foldThread(events, DEFAULT_CONVERSATION_SETTINGS, { now: T0 + hours(4) }).conversations,
    );
    expect(awake).toMatchObject({ status: 'open', statusSince: T0 + hours(3), snoozedUntil: null });
    expect(awake.cycles[0]?.timeInStatus).toEqual({ open: 2 * 3600, snoozed: 2 * 3600 });
  });

  it('ends a cycle as closed-won or closed-lost, by status or by the deal', () => {
    const won = only(
      fold([g.inbound(T0), g.status(T0 + hours(1), 'closed-won', { resolutionType: 'sale' })]),
    );
    expect(won.cycles[0]?.end).toMatchObject({
      status: 'closed-won',
      resolutionType: 'sale',
      at: T0 + hours(1),
    });
    const lost = only(
      fold([g.inbound(T0), g.deal(T0 + hours(1), { stage: 'closed-lost', value: 900, currency: 'mxn' })]),
    );
    expect(lost.status).toBe('closed-lost');
    expect(lost.deal).toMatchObject({
      outcome: 'lost',
      value: 900,
      currency: 'MXN',
      closedAt: T0 + hours(1),
    });
    expect(lost.cycles[0]?.deal?.outcome).toBe('lost');
  });

  it('turns a resolved chat into closed-won when its deal is won later, keeping the end time', () => {
    const conversation = only(
      fold([g.inbound(T0), g.resolved(T0 + hours(1)), g.deal(T0 + hours(3), { stage: 'won', value: 100 })]),
    );
    expect(conversation.status).toBe('closed-won');
    expect(conversation.cycles).toHaveLength(1);
    expect(conversation.cycles[0]?.end).toMatchObject({ status: 'closed-won', at: T0 + hours(1) });
  });
});

describe('inactivity auto-resolve', () => {
  const g = given();
  const settings = { ...DEFAULT_CONVERSATION_SETTINGS, autoResolveAfterMs: hours(24) };
  const lastMessage = T0 + minutes(10);
  const events = [g.inbound(T0), g.agentReply(lastMessage, 'ana')];
  const stateOf = (list: ThreadEvent[]) => only(fold(list, settings));

  it('is off by default', () => {
    expect(dueAutoResolve(stateOf(events), T0 + hours(1000), DEFAULT_CONVERSATION_SETTINGS)).toBeNull();
  });

  it('is due after the inactivity period, dated at the due moment, with a key two schedulers share', () => {
    const state = stateOf(events);
    expect(autoResolveDueAt(state, settings)).toBe(lastMessage + hours(24));
    expect(dueAutoResolve(state, lastMessage + hours(24) - 1, settings)).toBeNull();
    const draft = dueAutoResolve(state, lastMessage + hours(30), settings);
    expect(draft).toMatchObject({
      type: 'chat.resolved',
      eventTime: lastMessage + hours(24),
      actor: { type: 'system', id: 'auto-resolve' },
      payload: {
        properties: { chatId: 'chat-1', resolutionType: 'auto-inactivity', inactiveSince: lastMessage },
      },
    });
    expect(dueAutoResolve(state, lastMessage + hours(31), settings)?.idempotencyKey).toBe(
      draft?.idempotencyKey,
    );
    const resolved = stateOf([...events, draft as ThreadEvent]);
    expect(resolved.cycles[0]?.end).toMatchObject({
      at: lastMessage + hours(24),
      resolutionType: 'auto-inactivity',
    });
  });

  it('is voided by a message that turns out to fall inside the quiet period', () => {
    const draft = dueAutoResolve(stateOf(events), lastMessage + hours(30), settings) as ThreadEvent;
    const lateMessage = g.inbound(lastMessage + hours(23));
    const conversation = stateOf([...events, draft, lateMessage]);
    expect(conversation.status).toBe('open');
    expect(conversation.cycles).toHaveLength(1);
    expect(autoResolveDueAt(conversation, settings)).toBe(lastMessage + hours(47));
  });

  it('leaves pending-internal chats alone', () => {
    const state = stateOf([...events, g.status(lastMessage + 1, 'pending-internal')]);
    expect(dueAutoResolve(state, lastMessage + hours(100), settings)).toBeNull();
  });
});

describe('the 24-hour customer-service window and next actions', () => {
  const g = given();

  it('is open until 24 h after the last customer message', () => {
    const conversation = only(
      fold([g.inbound(T0), g.agentReply(T0 + hours(1), 'ana'), g.inbound(T0 + hours(2))]),
    );
    expect(windowClosesAt(conversation)).toBe(T0 + hours(26));
    expect(windowOpen(conversation, T0 + hours(26) - 1)).toBe(true);
    expect(windowOpen(conversation, T0 + hours(26))).toBe(false);
  });

  it('is closed for a conversation the customer has not written in', () => {
    expect(windowOpen(only(fold([g.template(T0)])), T0 + 1)).toBe(false);
  });

  it('flags a next action once its due time has passed', () => {
    const dueAt = new Date(T0 + hours(4)).toISOString();
    const events = [
      g.inbound(T0),
      g.event('chat.next_action_set', T0 + 1, { text: 'Call back', dueAt }, agent('ana')),
    ];
    const conversation = only(fold(events));
    expect(conversation.nextAction).toEqual({
      text: 'Call back',
      dueAt: T0 + hours(4),
      setBy: 'ana',
      setAt: T0 + 1,
    });
    expect(overdue(conversation, T0 + hours(4))).toBe(false);
    expect(overdue(conversation, T0 + hours(4) + 1)).toBe(true);
    expect(overdue(only(fold([...events, g.event('chat.next_action_cleared', T0 + 2)])), T0 + hours(5))).toBe(
      false,
    );
  });
});

describe('source', () => {
  const g = given();

  it('comes from the first customer message: a click-to-WhatsApp referral is an ad', () => {
    const referral = {
      source_id: 'ad-77',
      source_url: 'https://fb.me/x',
      headline: 'Sale',
      ctwa_clid: 'clid-1',
    };
    const conversation = only(
      fold([
        g.inbound(T0, { referral, utm_campaign: 'spring' }),
        g.inbound(T0 + 1, { source: 'web', utmSource: 'google' }),
      ]),
    );
    expect(conversation.source).toEqual({
      origin: 'inbound',
      kind: 'ad',
      utmSource: null,
      utmMedium: null,
      utmCampaign: 'spring',
      utmContent: null,
      utmTerm: null,
      ctwaClid: 'clid-1',
      adId: 'ad-77',
      adUrl: 'https://fb.me/x',
      adHeadline: 'Sale',
      campaignId: null,
    });
  });

  it('falls back to the contact, whenever the contact event is dated', () => {
    const conversation = only(
      fold([g.inbound(T0), g.contactCreated(T0 + 5, { name: 'Lucía', source: 'QR' })]),
    );
    expect(conversation.source).toMatchObject({ origin: 'contact', kind: 'qr' });
    const fromOptions = foldThread([g.inbound(T0)], DEFAULT_CONVERSATION_SETTINGS, {
      contactSource: {
        ...(conversation.source as NonNullable<ConversationState['source']>),
        kind: 'referral',
      },
    });
    expect(fromOptions.conversations[0]?.source?.kind).toBe('referral');
  });
});
