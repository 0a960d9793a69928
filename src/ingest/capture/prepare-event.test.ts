import { describe, expect, it } from 'vitest';
import { prepareCaptureEvent, type CaptureContext, type Prepared } from './prepare-event.js';

const RECEIVED_AT = Date.parse('2026-11-21T12:00:00Z');
const context: CaptureContext = {
  source: 'capture',
  receivedAt: RECEIVED_AT,
  maxEventBytes: 10_000,
  maxFutureMs: 3600_000,
  newEventId: () => 'evt-1',
};
const prepare = (raw: unknown, overrides: Partial<CaptureContext> = {}) =>
  prepareCaptureEvent(raw, { ...context, ...overrides });
const event = (prepared: Prepared) => {
  if (!prepared.ok) throw new Error(`${prepared.code}: ${prepared.message}`);
  return prepared.event;
};

describe('prepareCaptureEvent', () => {
  it('normalises the customer phone to E.164 in every common spelling', () => {
    for (const userId of ['+34 612 34 56 78', '34612345678', '0034612345678', '+34-612-345-678']) {
      const prepared = event(prepare({ event: 'message.received', userId, properties: { messageId: 'm1' } }));
      expect(prepared.subjects.contactId).toBe('+34612345678');
    }
    // National form with the country the source gives.
    const national = event(
      prepare({ event: 'contact.created', userId: '612 34 56 78', properties: { countryCode: 'ES' } }),
    );
    expect(national.subjects.contactId).toBe('+34612345678');
    // WhatsApp's Mexican wa_id keeps the old mobile "1"; it is the same person as +52 55….
    expect(
      event(prepare({ event: 'message.received', userId: '5215512345678', properties: { messageId: 'm2' } }))
        .subjects.contactId,
    ).toBe('+525512345678');
  });

  it('keeps opaque customer ids as they are and rejects invalid phone numbers', () => {
    expect(
      event(
        prepare({
          event: 'message.received',
          userId: 'US.13491208655302741918',
          properties: { messageId: 'm' },
        }),
      ).subjects.contactId,
    ).toBe('US.13491208655302741918');
    expect(
      prepare({ event: 'message.received', userId: '+999 123 4567', properties: { messageId: 'm' } }),
    ).toMatchObject({ ok: false, code: 'invalid_phone' });
  });

  it('corrects client clock skew with sentAt, per event or per batch', () => {
    // The client clock runs 10 minutes fast: timestamp and sentAt are both 10 minutes ahead.
    const raw = { event: 'x', timestamp: '2026-11-21T12:09:00Z', sentAt: '2026-11-21T12:10:00Z' };
    expect(event(prepare(raw)).eventTime).toBe(Date.parse('2026-11-21T11:59:00Z'));
    const { sentAt: _sentAt, ...withoutSentAt } = raw;
    expect(event(prepare(withoutSentAt, { batchSentAt: '2026-11-21T12:10:00Z' })).eventTime).toBe(
      Date.parse('2026-11-21T11:59:00Z'),
    );
    // No timestamp: the moment of receipt.
    expect(event(prepare({ event: 'x' })).eventTime).toBe(RECEIVED_AT);
  });

  it('rejects a timestamp too far in the future, after correction, naming the limit', () => {
    const rejected = prepare({ event: 'x', timestamp: '2026-11-21T14:00:01Z' });
    expect(rejected).toMatchObject({ ok: false, code: 'timestamp_in_future' });
    expect(event(prepare({ event: 'x', timestamp: '2026-11-21T12:59:00Z' })).eventTime).toBe(
      Date.parse('2026-11-21T12:59:00Z'),
    );
  });

  it('rejects events over the size limit, with the size and the limit', () => {
    const rejected = prepare({ event: 'x', properties: { blob: 'z'.repeat(10_001) } });
    expect(rejected).toMatchObject({ ok: false, code: 'event_too_large' });
    expect(!rejected.ok && rejected.message).toMatch(/limit is 10000/);
  });

  it("validates each known type's properties and names the failing field", () => {
    expect(prepare({ event: 'chat.assigned', properties: { chatId: 'c' } })).toMatchObject({
      ok: false,
      code: 'invalid_event',
      message: expect.stringContaining('agentId or teamId'),
    });
    expect(prepare({ event: 'csat.submitted', properties: { rating: 7, scale: 5 } })).toMatchObject({
      ok: false,
      message: expect.stringContaining('properties.rating'),
    });
    expect(prepare({ event: 'message.received', properties: { messageId: 'm' } })).toMatchObject({
      ok: false,
      code: 'missing_user_id',
    });
    expect(prepare({ event: '', properties: {} })).toMatchObject({ ok: false, code: 'invalid_event' });
    expect(prepare('not an object')).toMatchObject({ ok: false, code: 'invalid_event' });
  });

  it('accepts unknown event names with any properties, keeping them', () => {
    const prepared = event(
      prepare({ event: 'loyalty.points', userId: 'crm-42', properties: { points: 10, nested: { a: [1] } } }),
    );
    expect(prepared).toMatchObject({
      type: 'loyalty.points',
      actor: { type: 'integration' },
      payload: { properties: { points: 10, nested: { a: [1] } } },
    });
  });

  it('derives who did it from the event, unless the source says', () => {
    const actorOf = (raw: unknown) => event(prepare(raw)).actor;
    const customer = '+34612345678';
    expect(actorOf({ event: 'message.received', userId: customer, properties: { messageId: 'a' } })).toEqual({
      type: 'customer',
      id: customer,
    });
    expect(
      actorOf({ event: 'message.sent', userId: customer, properties: { messageId: 'b', agentId: 'ana' } }),
    ).toEqual({ type: 'agent', id: 'ana' });
    expect(actorOf({ event: 'message.sent', userId: customer, properties: { messageId: 'c' } })).toEqual({
      type: 'bot',
      id: null,
    });
    expect(
      actorOf({
        event: 'message.sent',
        userId: customer,
        properties: { messageId: 'd', agentId: 'helper-bot', serviceMode: 'bot' },
      }),
    ).toEqual({ type: 'bot', id: 'helper-bot' });
    expect(
      actorOf({
        event: 'message.sent',
        userId: customer,
        properties: { messageId: 'e', campaignId: 'black-friday' },
      }),
    ).toEqual({ type: 'system', id: 'campaign:black-friday' });
    expect(actorOf({ event: 'message.read', properties: { messageId: 'b' } })).toEqual({
      type: 'system',
      id: 'whatsapp',
    });
    expect(
      actorOf({ event: 'chat.assigned', properties: { chatId: 'c', agentId: 'ana', assignedBy: 'luis' } }),
    ).toEqual({ type: 'agent', id: 'luis' });
    expect(actorOf({ event: 'x', context: { actor: { type: 'bot', id: 'faq' } } })).toEqual({
      type: 'bot',
      id: 'faq',
    });
    expect(prepare({ event: 'x', context: { actor: { type: 'robot' } } })).toMatchObject({
      ok: false,
      code: 'invalid_event',
    });
  });

  it('keys idempotency by the envelope id, else by message and status, else by content', () => {
    const key = (raw: unknown) => event(prepare(raw)).idempotencyKey;
    const customer = '+34612345678';
    expect(key({ event: 'x', messageId: 'seg-1' })).toBe('id:seg-1');
    expect(key({ event: 'message.sent', userId: customer, properties: { messageId: 'wamid.1' } })).toBe(
      'message.sent:wamid.1',
    );
    expect(key({ event: 'message.read', properties: { messageId: 'wamid.1' } })).toBe('status:read:wamid.1');
    const note = {
      event: 'chat.note_added',
      timestamp: '2026-11-21T11:00:00Z',
      properties: { chatId: 'c', text: 'call back' },
    };
    expect(key(note)).toBe(key({ ...note }));
    expect(key(note)).not.toBe(key({ ...note, properties: { chatId: 'c', text: 'call back later' } }));
  });
});
