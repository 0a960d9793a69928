import { describe, expect, it } from 'vitest';
import { asContactId, asConversationId } from '../ids.js';
import { conversationIdFor, isEngineConversationId } from './conversation-id.js';
import type { ThreadEvent } from './conversation-state.js';
import { csatScore, isPositiveCsat } from './csat.js';
import { parseMentions } from './mentions.js';
import { messageAuthorOf } from './message-author.js';
import { chatThread, given, T0, threadEvent } from './test-events.js';
import { threadKeyOf } from './thread-key.js';

describe('threadKeyOf', () => {
  const base = threadEvent(chatThread(), 'message.received', T0);
  const withSubjects = (conversationId: string | null, chatId?: string): ThreadEvent => ({
    ...base,
    subjects: {
      contactId: asContactId('+34600000000'),
      conversationId: conversationId === null ? null : asConversationId(conversationId),
      messageId: null,
    },
    payload: { properties: chatId === undefined ? {} : { chatId }, context: {} },
  });

  it('names the thread by the source chatId, from the properties or the subject', () => {
    expect(threadKeyOf(withSubjects(null, 'c-1'))).toBe('chat:c-1');
    expect(threadKeyOf(withSubjects('c-2'))).toBe('chat:c-2');
  });

  it("falls back to the contact on the channel, ignoring the engine's own conversation ids", () => {
    expect(threadKeyOf(withSubjects(conversationIdFor('x', 1)))).toBe('contact:+34600000000@pn-100');
    expect(
      threadKeyOf({
        ...withSubjects(null),
        subjects: { contactId: null, conversationId: null, messageId: null },
      }),
    ).toBeNull();
  });

  it('makes stable, distinct engine ids', () => {
    expect(conversationIdFor('chat:a', 1)).toBe(conversationIdFor('chat:a', 1));
    expect(conversationIdFor('chat:a', 1)).not.toBe(conversationIdFor('chat:a', 2));
    expect(isEngineConversationId(conversationIdFor('chat:a', 1))).toBe(true);
    expect(isEngineConversationId('cv_from-the-source')).toBe(false);
  });
});

describe('parseMentions', () => {
  it('finds each @handle once, in order, and leaves e-mail addresses alone', () => {
    expect(parseMentions('@ana ask @Bo.Perez, then @ana again; mail x@example.com. Thanks @lía!')).toEqual([
      'ana',
      'Bo.Perez',
      'lía',
    ]);
    expect(parseMentions('no mentions @ here')).toEqual([]);
  });
});

describe('csatScore', () => {
  it('maps other scales onto 1-5; 4 and 5 are positive', () => {
    expect(csatScore(4, 5)).toBe(4);
    expect(csatScore(2, 2)).toBe(5);
    expect(csatScore(1, 2)).toBe(1);
    expect(csatScore(10, 10)).toBe(5);
    expect(isPositiveCsat(csatScore(7, 10) ?? 0)).toBe(false);
    expect(isPositiveCsat(csatScore(9, 10) ?? 0)).toBe(true);
    expect(csatScore(3, 1)).toBeNull();
  });
});

describe('messageAuthorOf', () => {
  const g = given();
  it('tells agent replies, bot replies and automated messages apart', () => {
    expect(messageAuthorOf(g.agentReply(T0, 'ana'))).toEqual({ kind: 'agent', id: 'ana' });
    expect(messageAuthorOf(g.botReply(T0))).toEqual({ kind: 'bot', id: 'bot-1' });
    expect(messageAuthorOf(g.template(T0, { campaignId: 'c' }))).toEqual({ kind: 'automated' });
    expect(messageAuthorOf(g.template(T0))).toEqual({ kind: 'automated' });
    const relayed = g.event('message.sent', T0, { agentId: 'bo' }, { type: 'integration', id: 'crm' });
    expect(messageAuthorOf(relayed)).toEqual({ kind: 'agent', id: 'bo' });
    const relayedBot = g.event(
      'message.sent',
      T0,
      { agentId: 'b-9', serviceMode: 'bot' },
      { type: 'integration', id: 'crm' },
    );
    expect(messageAuthorOf(relayedBot)).toEqual({ kind: 'bot', id: 'b-9' });
    expect(messageAuthorOf(g.inbound(T0))).toEqual({ kind: 'customer' });
    expect(messageAuthorOf(g.tagged(T0, 'x'))).toBeNull();
  });
});
