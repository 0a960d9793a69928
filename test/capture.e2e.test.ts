import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestApp, type TestApp } from './support/backends.js';
import { CUSTOMER, fullConversationBatch } from './fixtures/capture-events.js';

const countRows = async (test: TestApp, table: 'events' | 'messages' | 'contacts' | 'quarantine') =>
  Number(
    (
      await test.app.store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', test.workspace.id)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe.each(BACKENDS)('capture API on %s', (backend) => {
  let test: TestApp;
  let auth: Record<string, string>;
  let secret: Record<string, string>;
  beforeAll(async () => {
    test = await startTestApp(backend, { maxBatchEvents: 50, maxEventBytes: 4096, maxBodyBytes: 200_000 });
    auth = { authorization: `Bearer ${test.workspace.writeKey}` };
    secret = { authorization: `Bearer ${test.workspace.secretKey}` };
  });
  afterAll(() => test.close());

  it("accepts the seed's full conversation, then the same batch again stores nothing new and says so", async () => {
    const batch = fullConversationBatch('chat-seed');
    const first = await test.post('/v1/capture', batch, auth);
    expect(first).toEqual({ status: 200, body: { accepted: 7, duplicates: 0, rejected: [] } });
    const before = await countRows(test, 'events');
    const again = await test.post('/v1/batch', batch, auth);
    expect(again).toEqual({ status: 200, body: { accepted: 0, duplicates: 7, rejected: [] } });
    expect(await countRows(test, 'events')).toBe(before);

    const message = await test.app.store.db
      .selectFrom('messages')
      .selectAll()
      .where('workspace_id', '=', test.workspace.id)
      .where('message_id', '=', 'chat-seed-out-1')
      .executeTakeFirstOrThrow();
    // A read counts as delivered even though `message.delivered` never came.
    expect(message).toMatchObject({
      direction: 'outbound',
      status: 'read',
      agent_id: 'agent-ana',
      contact_id: '+525512345678',
    });
    expect(message.delivered_at).toBe(Date.parse('2026-11-02T15:05:00Z'));
    const contact = await test.app.store.db
      .selectFrom('contacts')
      .selectAll()
      .where('workspace_id', '=', test.workspace.id)
      .where('contact_id', '=', '+525512345678')
      .executeTakeFirst();
    expect(contact).toMatchObject({
      phone: '+525512345678',
      country: 'MX',
      name: 'Lucía Pérez',
      source: 'ad',
    });
  });

  it('stores the 7 good events of a batch of 10 and quarantines the 3 bad ones with codes', async () => {
    const good = fullConversationBatch('chat-mixed').batch;
    const bad = [
      { type: 'track', event: 'message.received', userId: '+999 123 4567', properties: { messageId: 'x1' } },
      { type: 'track', event: 'message.sent', userId: CUSTOMER, properties: { chatId: 'chat-mixed' } },
      {
        type: 'track',
        event: 'chat.priority_changed',
        properties: { chatId: 'chat-mixed', priority: 'urgent' },
      },
    ];
    const batch = [good[0], bad[0], good[1], good[2], bad[1], good[3], good[4], bad[2], good[5], good[6]];
    const eventsBefore = await countRows(test, 'events');
    const quarantineBefore = await countRows(test, 'quarantine');
    const response = await test.post('/v1/capture', { batch }, auth);
    expect(response.status).toBe(200);
    expect(response.body.accepted).toBe(7);
    expect(response.body.rejected).toEqual([
      { index: 1, code: 'invalid_phone', message: expect.stringContaining('not a valid phone number') },
      { index: 4, code: 'invalid_event', message: expect.stringContaining('properties.messageId') },
      { index: 7, code: 'invalid_event', message: expect.stringContaining('properties.priority') },
    ]);
    expect(await countRows(test, 'events')).toBe(eventsBefore + 7);
    expect(await countRows(test, 'quarantine')).toBe(quarantineBefore + 3);

    const listed = await test.get('/api/v1/quarantine?limit=100', secret);
    expect(listed.status).toBe(200);
    const raws = listed.body.items.map((item: { raw: unknown }) => item.raw);
    for (const item of bad) expect(raws).toContainEqual(item);
  });

  it('a wrong or missing key is 401 and stores nothing', async () => {
    const before = await countRows(test, 'events');
    const batch = fullConversationBatch('chat-unauthorised');
    expect((await test.post('/v1/capture', batch, { authorization: 'Bearer wk_wrong' })).status).toBe(401);
    expect((await test.post('/v1/capture', batch)).body.error.code).toBe('unauthorized');
    // A secret key is not a write key.
    expect((await test.post('/v1/capture', batch, secret)).status).toBe(401);
    expect(await countRows(test, 'events')).toBe(before);
    expect(await countRows(test, 'quarantine')).toBeGreaterThanOrEqual(0);
  });

  it('takes the write key as Bearer, X-Write-Key, or Basic user name', async () => {
    const event = (id: string) => ({
      event: 'message.received',
      userId: CUSTOMER,
      properties: { messageId: id },
    });
    const basic = `Basic ${Buffer.from(`${test.workspace.writeKey}:`).toString('base64')}`;
    expect(
      (await test.post('/v1/capture', { batch: [event('k1')] }, { 'x-write-key': test.workspace.writeKey }))
        .body.accepted,
    ).toBe(1);
    expect(
      (await test.post('/v1/capture', { batch: [event('k2')] }, { authorization: basic })).body.accepted,
    ).toBe(1);
    // A single event object is a batch of one.
    expect((await test.post('/v1/capture', event('k3'), auth)).body.accepted).toBe(1);
  });

  it('answers each limit breach with a 4xx whose code names the limit, and malformed JSON with a 400', async () => {
    const before = await countRows(test, 'events');
    const many = Array.from({ length: 51 }, (_, i) => ({
      event: 'message.received',
      userId: CUSTOMER,
      properties: { messageId: `many-${i}` },
    }));
    const tooMany = await test.post('/v1/capture', { batch: many }, auth);
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error).toMatchObject({ code: 'too_many_events', details: { limit: 50 } });

    const huge = await test.post(
      '/v1/capture',
      { batch: [{ event: 'x', properties: { blob: 'x'.repeat(250_000) } }] },
      auth,
    );
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('body_too_large');

    const malformed = await test.post('/v1/capture', '{"batch": [', auth);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_json');
    const notABatch = await test.post('/v1/capture', '[1,2]', auth);
    expect(notABatch.status).toBe(400);
    expect(notABatch.body.error.code).toBe('invalid_batch');

    const future = new Date(Date.now() + 3 * 3600_000).toISOString();
    const perEvent = await test.post(
      '/v1/capture',
      {
        batch: [
          { event: 'note.big', properties: { text: 'y'.repeat(5000) } },
          {
            event: 'message.received',
            userId: CUSTOMER,
            timestamp: future,
            properties: { messageId: 'future-1' },
          },
        ],
      },
      auth,
    );
    expect(perEvent.status).toBe(200);
    expect(perEvent.body.rejected.map((r: { code: string }) => r.code)).toEqual([
      'event_too_large',
      'timestamp_in_future',
    ]);
    expect(await countRows(test, 'events')).toBe(before);
  });

  it('corrects client clock skew with sentAt', async () => {
    // The client's clock is two hours fast: it stamps the event and the send two hours ahead.
    const skew = 2 * 3600_000;
    const now = Date.now();
    const response = await test.post(
      '/v1/capture',
      {
        sentAt: new Date(now + skew).toISOString(),
        batch: [
          {
            event: 'message.received',
            userId: CUSTOMER,
            timestamp: new Date(now + skew - 60_000).toISOString(),
            properties: { messageId: 'skewed-1' },
          },
        ],
      },
      auth,
    );
    expect(response.body.accepted).toBe(1);
    const row = await test.app.store.db
      .selectFrom('events')
      .select('event_time')
      .where('workspace_id', '=', test.workspace.id)
      .where('message_id', '=', 'skewed-1')
      .executeTakeFirstOrThrow();
    expect(Math.abs(row.event_time - (now - 60_000))).toBeLessThan(5_000);
  });

  it('stores unknown event names and lists them', async () => {
    const response = await test.post(
      '/v1/capture',
      { batch: [{ event: 'loyalty.points_awarded', userId: CUSTOMER, properties: { points: 50 } }] },
      auth,
    );
    expect(response.body.accepted).toBe(1);
    const types = await test.get('/api/v1/event-types', secret);
    expect(types.body.items).toContainEqual(
      expect.objectContaining({ type: 'loyalty.points_awarded', known: false, count: 1 }),
    );
    expect(types.body.items).toContainEqual(
      expect.objectContaining({ type: 'message.received', known: true }),
    );
    expect((await test.get('/api/v1/event-types', auth)).status).toBe(401);
  });

  it('replays a quarantined event once the limit that rejected it is fixed', async () => {
    // Rejected under this server's 4 KB event limit…
    const big = {
      event: 'chat.note_added',
      userId: CUSTOMER,
      properties: { chatId: 'chat-note', text: 'n'.repeat(4100) },
    };
    const response = await test.post('/v1/capture', { batch: [big] }, auth);
    expect(response.body.rejected[0].code).toBe('event_too_large');
    const pending = await test.get('/api/v1/quarantine', secret);
    const item = pending.body.items.find(
      (entry: { raw: unknown }) => JSON.stringify(entry.raw) === JSON.stringify(big),
    );
    expect(item).toBeDefined();
    // …still rejected when replayed under the same limit, and kept with an attempt counted.
    const still = await test.post('/api/v1/quarantine/replay', { ids: [item.id] }, secret);
    expect(still.body.results).toEqual([
      expect.objectContaining({ id: item.id, status: 'still_rejected', code: 'event_too_large' }),
    ]);
  });
});
