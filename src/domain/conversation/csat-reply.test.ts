import { describe, expect, it } from 'vitest';
import type { ConversationState, ThreadEvent } from './conversation-state.js';
import { csatReplyScore } from './csat.js';
import { DEFAULT_CONVERSATION_SETTINGS } from './settings.js';
import { agent, given, hours, minutes, T0 } from './test-events.js';
import { foldThread } from './thread.js';

const g = given();
const settings = { ...DEFAULT_CONVERSATION_SETTINGS, csatSurveyTemplates: ['csat_v2'] };
const conversationsOf = (events: ThreadEvent[]): ConversationState[] =>
  foldThread(events, settings).conversations;

/** A resolved chat owned by ana, then a survey at T0 + 1 h. */
const surveyed = (survey: ThreadEvent) => [
  g.inbound(T0),
  g.assigned(T0 + 1, 'ana', { teamId: 'support' }),
  g.agentReply(T0 + minutes(2), 'ana'),
  g.resolved(T0 + minutes(30), agent('ana')),
  survey,
];
const flaggedSurvey = g.agentReply(T0 + hours(1), 'ana', { csatSurvey: true });

describe('a WhatsApp reply to a CSAT survey', () => {
  it('rates the surveyed cycle, credited to its owner, without reopening it', () => {
    const [conversation, ...others] = conversationsOf([
      ...surveyed(flaggedSurvey),
      g.inbound(T0 + hours(2), { text: '4' }),
    ]);
    expect(others).toEqual([]);
    expect(conversation!.cycles).toHaveLength(1);
    expect(conversation!.status).toBe('resolved');
    expect(conversation!.cycles[0]!.csat).toMatchObject({
      rating: 4,
      scale: 5,
      positive: true,
      at: T0 + hours(2),
      owner: { type: 'agent', id: 'ana' },
      team: 'support',
    });
    // It still opens WhatsApp's 24-hour window.
    expect(conversation!.lastInboundAt).toBe(T0 + hours(2));
  });

  it('reads emoji scales, stars and rating buttons; a survey template of the workspace counts as a survey', () => {
    const rated = (survey: ThreadEvent, reply: Record<string, unknown>) =>
      conversationsOf([...surveyed(survey), g.inbound(T0 + hours(2), reply as never)])[0]!.cycles[0]!.csat
        ?.rating;
    expect(rated(flaggedSurvey, { text: '😡' })).toBe(1);
    expect(rated(flaggedSurvey, { text: '⭐⭐⭐' })).toBe(3);
    expect(rated(flaggedSurvey, { button: { payload: 'CSAT_5', text: 'Excellent' } })).toBe(5);
    expect(
      rated(flaggedSurvey, { interactive: { type: 'button_reply', id: 'rating:2', title: 'Bad' } }),
    ).toBe(2);
    expect(rated(g.template(T0 + hours(1), { templateId: 'csat_v2' }), { text: '5' })).toBe(5);
  });

  it('is an ordinary message when it is not a rating, when no survey was sent, or after the window', () => {
    const notARating = conversationsOf([
      ...surveyed(flaggedSurvey),
      g.inbound(T0 + hours(2), { text: 'I still have a problem' }),
    ]);
    expect(notARating[0]!.cycles).toHaveLength(2);
    expect(notARating[0]!.cycles[0]!.csat).toBeNull();

    const noSurvey = conversationsOf([
      ...surveyed(g.agentReply(T0 + hours(1), 'ana')),
      g.inbound(T0 + hours(2), { text: '5' }),
    ]);
    expect(noSurvey[0]!.cycles).toHaveLength(2);

    const late = conversationsOf([...surveyed(flaggedSurvey), g.inbound(T0 + hours(60), { text: '5' })]);
    expect(late).toHaveLength(2);
    expect(late[0]!.cycles[0]!.csat).toBeNull();
  });

  it('answers the survey once: the next rating-shaped message is a message', () => {
    const [conversation] = conversationsOf([
      ...surveyed(flaggedSurvey),
      g.inbound(T0 + hours(2), { text: '5' }),
      g.inbound(T0 + hours(3), { text: '1' }),
    ]);
    expect(conversation!.cycles[0]!.csat?.rating).toBe(5);
    expect(conversation!.cycles).toHaveLength(2);
  });
});

describe('csatReplyScore', () => {
  it('takes the rating from the text, a button or an interactive reply', () => {
    expect(csatReplyScore({ text: '4/5' })).toBe(4);
    expect(csatReplyScore({ text: 'Rate: 4' })).toBeNull();
    expect(csatReplyScore({ button: { payload: 'score-3' } })).toBe(3);
    expect(csatReplyScore({ interactive: { title: '👍' } })).toBe(5);
    expect(csatReplyScore({})).toBeNull();
  });
});
