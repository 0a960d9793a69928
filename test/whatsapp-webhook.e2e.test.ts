/**
 * The WhatsApp Cloud API webhook through the real server on both backends: Meta's handshake, signed
 * notifications from every fixture, at-least-once and out-of-order delivery, bad signatures, bad items and
 * their replay, and unicode under a valid signature.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWhatsAppPayload, toMetaWireJson } from '../src/ingest/whatsapp/index.js';
import { mapWhatsAppNotification } from '../src/ingest/whatsapp/map-notification.js';
import { createWorkspace } from '../src/workspaces/workspaces.js';
import { BACKENDS, startTestApp, type TestApp } from './support/backends.js';

const fixturesDir = new URL('./fixtures/whatsapp/', import.meta.url);
const fixtureText = (name: string) => readFileSync(new URL(name, fixturesDir), 'utf8');
const FIXTURES = readdirSync(fixturesDir)
  .filter((name) => name.endsWith('.json'))
  .sort();
/** What Meta puts on the wire for a fixture: compact, escaped unicode and slashes. The escaped fixture as is. */
const wireBody = (name: string) =>
  name === 'message-text-unicode-escaped.json'
    ? fixtureText(name)
    : toMetaWireJson(JSON.parse(fixtureText(name)));

const APP_SECRET = '3c9a71f0d2b84e65a1f7c0d9e8b2a4f6';
const VERIFY_TOKEN = 'chatledger-verify-7Hq2';
const MAIN = '106540352242922';
const SECOND = '204881736529104';

interface Tenant {
  workspaceId: string;
  secret: Record<string, string>;
  write: Record<string, string>;
  /** Channel id by business number. */
  channels: Record<string, string>;
}

/** A deterministic shuffle (mulberry32), so a failure can be reproduced. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe.each(BACKENDS)('WhatsApp webhook on %s', (backend) => {
  let test: TestApp;
  let main: Tenant;

  const db = () => test.app.store.db;
  const rawPost = async (path: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    const response = await fetch(`${test.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as any };
  };
  /** Posts a body to a channel's webhook signed as Meta signs it (or with the given header). */
  const deliver = (channelId: string, body: string | Buffer, signature?: string | null) =>
    rawPost(
      `/webhooks/whatsapp/${channelId}`,
      body,
      signature === null ? {} : { 'x-hub-signature-256': signature ?? signWhatsAppPayload(body, APP_SECRET) },
    );
  const count = async (tenant: Tenant, table: 'events' | 'messages' | 'contacts' | 'quarantine') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('workspace_id', '=', tenant.workspaceId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const keysOf = async (tenant: Tenant) =>
    (
      await db()
        .selectFrom('events')
        .select('idempotency_key')
        .where('workspace_id', '=', tenant.workspaceId)
        .execute()
    )
      .map((row) => row.idempotency_key)
      .sort();
  const projection = async (tenant: Tenant, table: 'messages' | 'contacts') => {
    const rows = await db()
      .selectFrom(table)
      .selectAll()
      .where('workspace_id', '=', tenant.workspaceId)
      .execute();
    return rows
      .map(({ workspace_id: _workspace, ...row }) => row as Record<string, unknown>)
      .sort((a, b) =>
        String(a['message_id'] ?? a['contact_id']).localeCompare(String(b['message_id'] ?? b['contact_id'])),
      );
  };
  const statsOf = async (tenant: Tenant, number = MAIN) =>
    (await test.get(`/api/v1/channels/${tenant.channels[number]}`, tenant.secret)).body.stats;

  /** A workspace with a channel (same Meta app, so the same app secret) for each business number. */
  async function tenant(name: string, numbers: string[]): Promise<Tenant> {
    const workspace =
      name === 'main' ? test.workspace : await createWorkspace(db(), name, Date.UTC(2026, 0, 1));
    const secret = { authorization: `Bearer ${workspace.secretKey}` };
    const channels: Record<string, string> = {};
    for (const phoneNumberId of numbers) {
      const created = await test.post(
        '/api/v1/channels',
        { phoneNumberId, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN },
        secret,
      );
      expect(created.status).toBe(201);
      channels[phoneNumberId] = created.body.id;
    }
    return {
      workspaceId: workspace.id,
      secret,
      write: { authorization: `Bearer ${workspace.writeKey}` },
      channels,
    };
  }

  beforeAll(async () => {
    test = await startTestApp(backend, { secretsKey: 'webhook-test-secrets-key-0123456789' });
    main = await tenant('main', [MAIN, SECOND]);
  });
  afterAll(() => test.close());

  describe('verification handshake', () => {
    const handshake = (channelId: string, query: string) =>
      fetch(`${test.baseUrl}/webhooks/whatsapp/${channelId}?${query}`, {
        signal: AbortSignal.timeout(20_000),
      });

    it('echoes the challenge as text/plain when the verify token matches', async () => {
      const response = await handshake(
        main.channels[MAIN] as string,
        `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await response.text()).toBe('1158201444');
    });

    it('answers 403 with a code for a wrong token or mode, and 404 for an unknown channel', async () => {
      const wrong = await handshake(
        main.channels[MAIN] as string,
        'hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444',
      );
      expect(wrong.status).toBe(403);
      expect(((await wrong.json()) as any).error.code).toBe('whatsapp_verify_token_mismatch');
      const mode = await handshake(
        main.channels[MAIN] as string,
        `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`,
      );
      expect(mode.status).toBe(403);
      expect(((await mode.json()) as any).error.code).toBe('whatsapp_verify_mode_invalid');
      const unknown = await handshake(
        'ch_doesnotexist00',
        `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`,
      );
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as any).error.code).toBe('channel_not_found');
    });
  });

  describe('notifications', () => {
    it('stores every item of every fixture, and quarantines the parts the mapper rejects', async () => {
      const expectedKeys = new Set<string>();
      let expectedRejections = 0;
      for (const name of FIXTURES) {
        const mapped = mapWhatsAppNotification(JSON.parse(fixtureText(name)), {
          channel: MAIN,
          receivedAt: 0,
          newEventId: () => 'x',
        });
        for (const event of mapped.events) expectedKeys.add(event.idempotencyKey);
        expectedRejections += mapped.rejected.length;

        const answer = await deliver(main.channels[MAIN] as string, wireBody(name));
        expect(answer.status, name).toBe(200);
        expect(answer.body.rejected.map((r: { code: string }) => r.code)).toEqual(
          mapped.rejected.map((r) => r.code),
        );
      }
      expect(await keysOf(main)).toEqual([...expectedKeys].sort());
      expect(await count(main, 'quarantine')).toBe(expectedRejections);
      const stats = await statsOf(main);
      expect(stats).toMatchObject({
        notificationsAccepted: FIXTURES.length,
        eventsStored: expectedKeys.size,
        itemsQuarantined: expectedRejections,
        signaturesRejected: 0,
      });
      expect(Date.parse(stats.lastNotificationAt)).toBeGreaterThan(Date.now() - 60_000);
    });

    it('the batched payload stores every entry, change, message and status, each under its own number', async () => {
      const channels = await db()
        .selectFrom('events')
        .select(['channel', 'type'])
        .where('workspace_id', '=', main.workspaceId)
        .where('channel', '=', SECOND)
        .execute();
      // Entry 2 of batched-multi-entry.json: a message (with its sender's profile) and a status on the second number.
      expect(channels.map((row) => row.type).sort()).toEqual([
        'contact.updated',
        'message.delivered',
        'message.received',
      ]);
      const again = await deliver(main.channels[MAIN] as string, wireBody('batched-multi-entry.json'));
      expect(again.body).toMatchObject({ stored: 0, duplicates: 10, quarantined: 0 });
    });

    it('delivered twice and in shuffled order, gives the same ledger, messages and contacts', async () => {
      const other = await tenant('shuffled', [MAIN, SECOND]);
      const bodies = FIXTURES.map(wireBody);
      for (const [round, seed] of [
        [1, 20261121],
        [2, 4242],
      ] as const) {
        for (const body of shuffled(bodies, seed)) {
          const answer = await deliver(other.channels[MAIN] as string, body);
          expect(answer.status).toBe(200);
          if (round === 2) expect(answer.body).toMatchObject({ stored: 0, quarantined: 0 });
        }
      }
      expect(await keysOf(other)).toEqual(await keysOf(main));
      for (const table of ['messages', 'contacts'] as const) {
        expect(await projection(other, table), table).toEqual(await projection(main, table));
      }
      // A redelivery never fills the quarantine twice either.
      expect(await count(other, 'quarantine')).toBe(await count(main, 'quarantine'));
      const stats = await statsOf(other);
      expect(stats.notificationsAccepted).toBe(2 * FIXTURES.length);
      expect(stats.eventsStored).toBe((await keysOf(main)).length);
      expect(stats.eventsDuplicate).toBe(stats.eventsStored);
    });
  });

  describe('signatures', () => {
    it('a wrong or missing signature is 401, stores nothing, and is counted', async () => {
      const body = toMetaWireJson({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '102290129340398',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550783881', phone_number_id: MAIN },
                  messages: [
                    {
                      from: '16505551234',
                      id: 'wamid.FORGED-1',
                      timestamp: '1780655000',
                      type: 'text',
                      text: { body: 'x' },
                    },
                  ],
                },
              },
            ],
          },
        ],
      });
      const before = { events: await count(main, 'events'), quarantine: await count(main, 'quarantine') };
      const rejectedBefore = (await statsOf(main)).signaturesRejected as number;
      const channel = main.channels[MAIN] as string;

      const forged = await deliver(channel, body, signWhatsAppPayload(body, 'not-the-app-secret'));
      expect(forged.status).toBe(401);
      expect(forged.body.error).toMatchObject({
        code: 'whatsapp_signature_invalid',
        details: { reason: 'mismatch' },
      });
      const missing = await deliver(channel, body, null);
      expect(missing.body.error.details.reason).toBe('missing');
      const sha1 = await deliver(channel, body, `sha1=${'0'.repeat(40)}`);
      expect(sha1.body.error.details.reason).toBe('malformed');
      // Signed, then changed on the way: one byte is enough.
      const tampered = await deliver(
        channel,
        body.replace('"x"', '"y"'),
        signWhatsAppPayload(body, APP_SECRET),
      );
      expect(tampered.status).toBe(401);

      expect(await count(main, 'events')).toBe(before.events);
      expect(await count(main, 'quarantine')).toBe(before.quarantine);
      const stats = await statsOf(main);
      expect(stats.signaturesRejected).toBe(rejectedBefore + 4);
      expect(Date.parse(stats.lastSignatureRejectedAt)).toBeGreaterThan(Date.now() - 60_000);
    });

    it('a notification for an unknown channel is 404 and stores nothing', async () => {
      const body = wireBody('message-text.json');
      const answer = await deliver('ch_doesnotexist00', body);
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('channel_not_found');
    });

    it('accented text and emoji verify and are stored as written, whether or not the body arrives escaped', async () => {
      const unicode = await tenant('unicode', [MAIN]);
      const channel = unicode.channels[MAIN] as string;
      const text = 'Olá! Preciso de ajuda com o pedido nº 42 — obrigado 🙏🏽 çãõ';
      const payload = {
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '102290129340398',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550783881', phone_number_id: MAIN },
                  contacts: [{ profile: { name: 'João Conceição' }, wa_id: '5511987654321' }],
                  messages: [
                    {
                      from: '5511987654321',
                      id: 'wamid.UNICODE-PT-1',
                      timestamp: '1780656000',
                      type: 'text',
                      text: { body: text },
                    },
                  ],
                },
              },
            ],
          },
        ],
      };
      // As Meta sends it: escaped on the wire, signed as is.
      const escaped = toMetaWireJson(payload);
      expect(escaped).not.toMatch(/[\u0080-\uffff]/);
      expect((await deliver(channel, escaped)).status).toBe(200);
      // Decoded by a proxy on the way (raw UTF-8), still under Meta's signature of the escaped form.
      const decoded = JSON.stringify({ ...payload, entry: [{ ...payload.entry[0], id: '102290129340398' }] });
      const redelivered = await deliver(
        channel,
        Buffer.from(decoded, 'utf8'),
        signWhatsAppPayload(escaped, APP_SECRET),
      );
      expect(redelivered.status).toBe(200);
      expect(redelivered.body).toMatchObject({ stored: 0, duplicates: 2 });
      // The escaped fixture exactly as stored in the repository.
      expect((await deliver(channel, wireBody('message-text-unicode-escaped.json'))).status).toBe(200);

      const rows = await db()
        .selectFrom('messages')
        .select(['message_id', 'text'])
        .where('workspace_id', '=', unicode.workspaceId)
        .orderBy('message_id')
        .execute();
      expect(rows).toEqual([
        {
          message_id: 'wamid.HBgLTVRVMU5UQTNPRE00T0RFVkFnQVNHQlVOSUNPREUtMQ==',
          text: '¡Hola! ¿Tienen envío a São Paulo? Gracias 😊📦 https://tienda.example/pedido/123',
        },
        { message_id: 'wamid.UNICODE-PT-1', text },
      ]);
      const contact = await db()
        .selectFrom('contacts')
        .select('name')
        .where('workspace_id', '=', unicode.workspaceId)
        .where('contact_id', '=', '+5511987654321')
        .executeTakeFirstOrThrow();
      expect(contact.name).toBe('João Conceição');
    });
  });

  describe('bad items and the quarantine', () => {
    it('one bad item never costs the rest: good items stored, bad ones quarantined once, replay keeps them', async () => {
      const mixed = await tenant('mixed', [MAIN]);
      const body = wireBody('mixed-bad-items.json');
      const first = await deliver(mixed.channels[MAIN] as string, body);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ stored: 3, duplicates: 0, quarantined: 4 });
      expect(first.body.rejected.map((r: { path: string; code: string }) => `${r.path} ${r.code}`)).toEqual([
        'entry[0].changes[0].value.messages[0] whatsapp_invalid_message',
        'entry[0].changes[0].value.messages[2] whatsapp_invalid_message',
        'entry[0].changes[0].value.statuses[0] whatsapp_unsupported_status',
        'entry[0].changes[1] whatsapp_unsupported_field',
      ]);
      const again = await deliver(mixed.channels[MAIN] as string, body);
      expect(again.body).toMatchObject({ stored: 0, duplicates: 3, quarantined: 0 });

      const listed = await test.get('/api/v1/quarantine', mixed.secret);
      expect(listed.body.items).toHaveLength(4);
      for (const item of listed.body.items) expect(item.source).toBe('whatsapp');
      const badTimestamp = listed.body.items.find((item: any) => item.raw?.timestamp === 'yesterday');
      expect(badTimestamp).toMatchObject({
        code: 'whatsapp_invalid_message',
        raw: { text: { body: 'bad timestamp' } },
      });

      const replay = await test.post('/api/v1/quarantine/replay', { all: true }, mixed.secret);
      expect(replay.status).toBe(200);
      expect(replay.body.results).toHaveLength(4);
      for (const result of replay.body.results) {
        const original = listed.body.items.find((item: { id: string }) => item.id === result.id);
        expect(result).toMatchObject({ status: 'still_rejected', code: original.code });
      }
      const after = await test.get('/api/v1/quarantine', mixed.secret);
      expect(after.body.items.map((item: { attempts: number }) => item.attempts)).toEqual([1, 1, 1, 1]);
      expect(await count(mixed, 'events')).toBe(3);
    });

    it('a change for a number the workspace has not added waits in the quarantine until it is added and replayed', async () => {
      const partial = await tenant('partial', [MAIN]);
      const answer = await deliver(partial.channels[MAIN] as string, wireBody('batched-multi-entry.json'));
      expect(answer.body).toMatchObject({ stored: 7, quarantined: 1 });
      expect(answer.body.rejected).toEqual([
        expect.objectContaining({ path: 'entry[1].changes[0]', code: 'whatsapp_unknown_phone_number' }),
      ]);
      const stillUnknown = await test.post('/api/v1/quarantine/replay', { all: true }, partial.secret);
      expect(stillUnknown.body.results).toEqual([
        expect.objectContaining({ status: 'still_rejected', code: 'whatsapp_unknown_phone_number' }),
      ]);

      const added = await test.post(
        '/api/v1/channels',
        { phoneNumberId: SECOND, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN },
        partial.secret,
      );
      expect(added.status).toBe(201);
      const replayed = await test.post('/api/v1/quarantine/replay', { all: true }, partial.secret);
      expect(replayed.body.results).toEqual([expect.objectContaining({ status: 'replayed' })]);
      expect(await count(partial, 'events')).toBe(10);
      // Exactly what the workspace holds that received every number from the start.
      const secondNumber = async (tenantOf: Tenant) =>
        (
          await db()
            .selectFrom('events')
            .select('idempotency_key')
            .where('workspace_id', '=', tenantOf.workspaceId)
            .where('channel', '=', SECOND)
            .execute()
        )
          .map((row) => row.idempotency_key)
          .sort();
      expect(await secondNumber(partial)).toEqual(await secondNumber(main));
      const pending = await test.get('/api/v1/quarantine', partial.secret);
      expect(pending.body.items).toEqual([]);
    });

    it('a signed body that is not JSON is acknowledged and kept as text', async () => {
      const garbled = await tenant('garbled', [MAIN]);
      const answer = await deliver(
        garbled.channels[MAIN] as string,
        '{"object":"whatsapp_business_account","entry":[',
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        stored: 0,
        quarantined: 1,
        rejected: [{ code: 'whatsapp_invalid_json' }],
      });
      const listed = await test.get('/api/v1/quarantine', garbled.secret);
      expect(listed.body.items[0]).toMatchObject({
        code: 'whatsapp_invalid_json',
        raw: '{"object":"whatsapp_business_account","entry":[',
      });
    });
  });

  describe('statuses and their message', () => {
    it('a status arriving before its message, then the message, gives one message row with both', async () => {
      const early = await tenant('early', [MAIN]);
      const messageId = 'wamid.HBgLMzQ2MTIzNDU2NzgVAgARGBJFQVJMWS1TVEFUVVMtMQ==';
      const status = (value: string, timestamp: string, pricing?: object) =>
        toMetaWireJson({
          object: 'whatsapp_business_account',
          entry: [
            {
              id: '102290129340398',
              changes: [
                {
                  field: 'messages',
                  value: {
                    messaging_product: 'whatsapp',
                    metadata: { display_phone_number: '15550783881', phone_number_id: MAIN },
                    statuses: [
                      {
                        id: messageId,
                        status: value,
                        timestamp,
                        recipient_id: '34612345678',
                        ...(pricing ? { pricing } : {}),
                      },
                    ],
                  },
                },
              ],
            },
          ],
        });
      const pricing = {
        billable: false,
        pricing_model: 'PMP',
        category: 'service',
        type: 'free_customer_service',
      };
      expect((await deliver(early.channels[MAIN] as string, status('read', '1780657260'))).status).toBe(200);
      expect(
        (await deliver(early.channels[MAIN] as string, status('delivered', '1780657230', pricing))).status,
      ).toBe(200);
      const orphan = await db()
        .selectFrom('messages')
        .selectAll()
        .where('workspace_id', '=', early.workspaceId)
        .execute();
      // Kept, with what the statuses say; the message's own facts are still missing.
      expect(orphan).toEqual([
        expect.objectContaining({
          message_id: messageId,
          status: 'read',
          message_at: null,
          agent_id: null,
          text: null,
        }),
      ]);

      // The message itself, as the business's own stack reports it through the capture API.
      const captured = await test.post(
        '/v1/capture',
        {
          type: 'track',
          event: 'message.sent',
          userId: '+34612345678',
          timestamp: '2026-06-05T11:00:00Z',
          context: { channel: MAIN },
          properties: {
            messageId,
            chatId: 'chat-early',
            contentType: 'text',
            agentId: 'agent-ana',
            text: 'Hola',
          },
        },
        early.write,
      );
      expect(captured.body).toMatchObject({ accepted: 1 });
      const rows = await db()
        .selectFrom('messages')
        .selectAll()
        .where('workspace_id', '=', early.workspaceId)
        .execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        message_id: messageId,
        direction: 'outbound',
        agent_id: 'agent-ana',
        text: 'Hola',
        message_at: Date.parse('2026-06-05T11:00:00Z'),
        status: 'read',
        delivered_at: 1_780_657_230_000,
        read_at: 1_780_657_260_000,
      });
      expect(JSON.parse(rows[0]?.pricing as string)).toMatchObject({
        category: 'service',
        type: 'free_customer_service',
      });
    });
  });
});
