/**
 * The channels API through HTTP on both backends: a channel per business number, answers that never hold a
 * secret in full, secrets encrypted at rest with CHATLEDGER_SECRETS_KEY, and what happens without that key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../src/app.js';
import { signWhatsAppPayload } from '../src/ingest/whatsapp/index.js';
import { createWorkspace } from '../src/workspaces/workspaces.js';
import { BACKENDS, createTestDatabase, startTestApp, type TestApp } from './support/backends.js';

const APP_SECRET = '5f2c1e9b7a3d4c6e8f0a1b2c3d4e5f6a';
const VERIFY_TOKEN = 'meatyhamhock-verify-2026';
const ACCESS_TOKEN = `EAAJZCk${'x7Qp'.repeat(40)}ZDZD`;
const SECRETS_KEY = 'test-secrets-key-for-channels-0123456789';

const request = async (
  test: { baseUrl: string },
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => {
  const response = await fetch(`${test.baseUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // plain text answer
  }
  return { status: response.status, body: parsed, text };
};

const notification = (messageId: string) =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }],
              messages: [
                {
                  from: '16505551234',
                  id: messageId,
                  timestamp: '1780650000',
                  type: 'text',
                  text: { body: 'Hi' },
                },
              ],
            },
          },
        ],
      },
    ],
  });

const expectNoSecretIn = (text: string) => {
  for (const secret of [APP_SECRET, VERIFY_TOKEN, ACCESS_TOKEN, SECRETS_KEY])
    expect(text).not.toContain(secret);
};

describe.each(BACKENDS)('channels API on %s', (backend) => {
  let test: TestApp;
  let secret: Record<string, string>;
  beforeAll(async () => {
    test = await startTestApp(backend, { secretsKey: SECRETS_KEY });
    secret = { authorization: `Bearer ${test.workspace.secretKey}` };
  });
  afterAll(() => test.close());

  it('creates a channel and answers with its webhook path and hints of its secrets, never the secrets', async () => {
    const created = await request(
      test,
      'POST',
      '/api/v1/channels',
      {
        phoneNumberId: '106540352242922',
        appSecret: APP_SECRET,
        verifyToken: VERIFY_TOKEN,
        accessToken: ACCESS_TOKEN,
        name: 'Support line',
      },
      secret,
    );
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(id).toMatch(/^ch_[0-9A-Za-z]{16}$/);
    expect(created.body).toMatchObject({
      kind: 'whatsapp',
      name: 'Support line',
      phoneNumberId: '106540352242922',
      webhookPath: `/webhooks/whatsapp/${id}`,
      graphUrl: 'https://graph.facebook.com/v26.0',
      graphUrlIsDefault: true,
      canSend: true,
      secrets: {
        appSecret: '5f2c…5f6a',
        verifyToken: 'mea…026',
        accessToken: 'EAAJ…ZDZD',
        encryptedAtRest: true,
        readable: true,
      },
    });

    const listed = await request(test, 'GET', '/api/v1/channels', undefined, secret);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([id]);
    const one = await request(test, 'GET', `/api/v1/channels/${id}`, undefined, secret);
    expect(one.status).toBe(200);
    expect(one.body.stats).toEqual({
      signaturesRejected: 0,
      notificationsAccepted: 0,
      eventsStored: 0,
      eventsDuplicate: 0,
      itemsQuarantined: 0,
      lastNotificationAt: null,
      lastSignatureRejectedAt: null,
    });
    for (const answer of [created, listed, one]) expectNoSecretIn(answer.text);

    // At rest: ciphertext only.
    const row = await test.app.store.db
      .selectFrom('channels')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expectNoSecretIn(JSON.stringify(row));
    expect(row.app_secret).toMatch(/^aes256gcm:v1:/);
  });

  it('names the field of a bad request, and refuses a second channel for the same number', async () => {
    const bad = await request(
      test,
      'POST',
      '/api/v1/channels',
      { phoneNumberId: '+1 650 555', appSecret: 's', verifyToken: 't' },
      secret,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({
      code: 'invalid_request',
      details: { parameter: 'phoneNumberId' },
    });
    const unknownField = await request(
      test,
      'POST',
      '/api/v1/channels',
      { phoneNumberId: '1', appSecret: 's', verifyToken: 't', appsecret: 'typo' },
      secret,
    );
    expect(unknownField.body.error).toMatchObject({
      code: 'invalid_request',
      details: { parameter: 'appsecret' },
    });
    const badUrl = await request(
      test,
      'POST',
      '/api/v1/channels',
      { phoneNumberId: '1', appSecret: 's', verifyToken: 't', graphUrl: 'graph.facebook.com' },
      secret,
    );
    expect(badUrl.body.error).toMatchObject({ code: 'invalid_request', details: { parameter: 'graphUrl' } });

    const again = await request(
      test,
      'POST',
      '/api/v1/channels',
      { phoneNumberId: '106540352242922', appSecret: 'other-secret', verifyToken: 'other-token' },
      secret,
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('channel_exists');
  });

  it('keeps channels inside their workspace and behind a secret key', async () => {
    const [mine] = (await request(test, 'GET', '/api/v1/channels', undefined, secret)).body.items;
    const other = await createWorkspace(test.app.store.db, 'Other', Date.now());
    const otherKey = { authorization: `Bearer ${other.secretKey}` };
    expect((await request(test, 'GET', '/api/v1/channels', undefined, otherKey)).body.items).toEqual([]);
    const peek = await request(test, 'GET', `/api/v1/channels/${mine.id}`, undefined, otherKey);
    expect(peek.status).toBe(404);
    expect(peek.body.error.code).toBe('channel_not_found');
    // The same business number may be a channel of another workspace.
    const theirs = await request(
      test,
      'POST',
      '/api/v1/channels',
      {
        phoneNumberId: '106540352242922',
        appSecret: 'their-app-secret-000000000000000',
        verifyToken: 'theirs',
      },
      otherKey,
    );
    expect(theirs.status).toBe(201);

    const writeKey = { authorization: `Bearer ${test.workspace.writeKey}` };
    expect((await request(test, 'GET', '/api/v1/channels', undefined, writeKey)).status).toBe(401);
    expect((await request(test, 'GET', '/api/v1/channels')).status).toBe(401);
  });

  it('PATCH rotates the app secret at once, and removing the access token stops sending', async () => {
    const created = await request(
      test,
      'POST',
      '/api/v1/channels',
      {
        phoneNumberId: '222333444555',
        appSecret: 'old-app-secret-0123456789abcdef',
        verifyToken: 'v',
        accessToken: 'a-token-1234567890',
      },
      secret,
    );
    const id = created.body.id as string;
    const body = notification('wamid.ROTATION-1');
    const deliver = (appSecret: string) =>
      request(test, 'POST', `/webhooks/whatsapp/${id}`, body, {
        'x-hub-signature-256': signWhatsAppPayload(body, appSecret),
      });
    expect((await deliver('old-app-secret-0123456789abcdef')).status).toBe(200);

    const patched = await request(
      test,
      'PATCH',
      `/api/v1/channels/${id}`,
      {
        appSecret: 'new-app-secret-0123456789abcdef',
        accessToken: null,
        graphUrl: 'http://127.0.0.1:9/v26.0/',
      },
      secret,
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      canSend: false,
      graphUrl: 'http://127.0.0.1:9/v26.0',
      graphUrlIsDefault: false,
      secrets: { appSecret: 'new…def', accessToken: null },
    });
    expect((await deliver('old-app-secret-0123456789abcdef')).status).toBe(401);
    expect((await deliver('new-app-secret-0123456789abcdef')).status).toBe(200);
    expect(patched.text).not.toContain('new-app-secret-0123456789abcdef');
  });
});

describe.each(BACKENDS)('channel secrets at rest on %s', (backend) => {
  it('are plain text without CHATLEDGER_SECRETS_KEY, and need the same key once written with one', async () => {
    const database = await createTestDatabase(backend);
    const first = await startApp({ ...database.config, secretsKey: SECRETS_KEY });
    const keys = first.createdWorkspace as { secretKey: string };
    const secret = { authorization: `Bearer ${keys.secretKey}` };
    let encrypted: string;
    try {
      const created = await request(
        { baseUrl: first.url },
        'POST',
        '/api/v1/channels',
        {
          phoneNumberId: '106540352242922',
          appSecret: APP_SECRET,
          verifyToken: VERIFY_TOKEN,
        },
        secret,
      );
      encrypted = created.body.id;
    } finally {
      await first.close();
    }

    // Without a key: new secrets are stored in clear (and say so); the encrypted channel stays listed, unreadable.
    const plain = await startApp({ ...database.config, secretsKey: undefined });
    try {
      const created = await request(
        { baseUrl: plain.url },
        'POST',
        '/api/v1/channels',
        {
          phoneNumberId: '999888777',
          appSecret: APP_SECRET,
          verifyToken: VERIFY_TOKEN,
        },
        secret,
      );
      expect(created.body.secrets).toMatchObject({
        encryptedAtRest: false,
        readable: true,
        appSecret: '5f2c…5f6a',
      });
      const row = await plain.store.db
        .selectFrom('channels')
        .select('app_secret')
        .where('id', '=', created.body.id)
        .executeTakeFirstOrThrow();
      expect(row.app_secret).toBe(`plain:${APP_SECRET}`);

      const listed = await request({ baseUrl: plain.url }, 'GET', '/api/v1/channels', undefined, secret);
      const sealed = listed.body.items.find((item: { id: string }) => item.id === encrypted);
      expect(sealed.secrets).toEqual({
        appSecret: null,
        verifyToken: null,
        accessToken: null,
        encryptedAtRest: true,
        readable: false,
      });
      const body = notification('wamid.KEYLESS-1');
      const webhook = await request({ baseUrl: plain.url }, 'POST', `/webhooks/whatsapp/${encrypted}`, body, {
        'x-hub-signature-256': signWhatsAppPayload(body, APP_SECRET),
      });
      // 503, so Meta retries once the key is back.
      expect(webhook.status).toBe(503);
      expect(webhook.body.error.code).toBe('secrets_key_missing');
    } finally {
      await plain.close();
    }

    const wrongKey = await startApp({ ...database.config, secretsKey: 'a-different-key-0123456789' });
    try {
      const body = notification('wamid.WRONGKEY-1');
      const webhook = await request(
        { baseUrl: wrongKey.url },
        'POST',
        `/webhooks/whatsapp/${encrypted}`,
        body,
        {
          'x-hub-signature-256': signWhatsAppPayload(body, APP_SECRET),
        },
      );
      expect(webhook.status).toBe(503);
      expect(webhook.body.error.code).toBe('secrets_key_mismatch');
      expect(webhook.text).not.toContain(APP_SECRET);
    } finally {
      await wrongKey.close();
      await database.drop();
    }
  });
});
