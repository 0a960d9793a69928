/**
 * The Graph API client against the fake Graph API over real HTTP on loopback (no test reaches the internet),
 * and the sandbox loop on both backends: a reply sent through the fake, its statuses posted back, signed, to
 * chatledger's webhook.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelService } from '../src/channels/channel-service.js';
import {
  messageRequestBody,
  WhatsAppGraphClient,
  sendWhatsAppMessage,
} from '../src/whatsapp/graph-client.js';
import { BACKENDS, startTestApp, type TestApp } from './support/backends.js';
import { GRAPH_ERRORS, startFakeGraphApi, type FakeGraphApi } from './support/fake-graph-api.js';

const PHONE_NUMBER_ID = '106540352242922';
const TOKEN = 'EAAG-sandbox-token-0123456789';

describe('messageRequestBody', () => {
  it('is the body Meta documents for a text reply', () => {
    expect(
      messageRequestBody({
        type: 'text',
        to: '+34612345678',
        text: 'Hola 👋',
        previewUrl: false,
        replyTo: 'wamid.IN-1',
      }),
    ).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '34612345678',
      context: { message_id: 'wamid.IN-1' },
      type: 'text',
      text: { body: 'Hola 👋', preview_url: false },
    });
  });

  it('is the body Meta documents for a template, and sends to a business-scoped user id as recipient', () => {
    expect(
      messageRequestBody({
        type: 'template',
        to: 'US.13491208655302741918',
        template: {
          name: 'order_update',
          languageCode: 'es_MX',
          components: [{ type: 'body', parameters: [{ type: 'text', text: '#1234' }] }],
        },
      }),
    ).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      recipient: 'US.13491208655302741918',
      type: 'template',
      template: {
        name: 'order_update',
        language: { code: 'es_MX', policy: 'deterministic' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: '#1234' }] }],
      },
    });
  });
});

describe('the Graph API client against the fake Graph API', () => {
  let fake: FakeGraphApi;
  let client: WhatsAppGraphClient;
  beforeAll(async () => {
    fake = await startFakeGraphApi({ numbers: { [PHONE_NUMBER_ID]: { accessToken: TOKEN } } });
    client = new WhatsAppGraphClient({
      graphUrl: fake.graphUrl,
      phoneNumberId: PHONE_NUMBER_ID,
      accessToken: TOKEN,
    });
  });
  afterAll(() => fake.close());

  it('sends a text with the bearer token and answers the new wamid', async () => {
    const result = await client.sendText('+34612345678', '¿Le ayudo con algo más? 😊', {
      replyTo: 'wamid.IN-7',
    });
    expect(result).toMatchObject({ ok: true, recipient: { input: '34612345678', waId: '34612345678' } });
    if (!result.ok) return;
    expect(result.messageId).toMatch(/^wamid\./);
    const request = fake.requests.at(-1);
    expect(request).toMatchObject({
      version: 'v26.0',
      phoneNumberId: PHONE_NUMBER_ID,
      authorization: `Bearer ${TOKEN}`,
      status: 200,
      body: {
        type: 'text',
        text: { body: '¿Le ayudo con algo más? 😊' },
        context: { message_id: 'wamid.IN-7' },
      },
    });
    expect(fake.sent.at(-1)).toMatchObject({
      messageId: result.messageId,
      to: '34612345678',
      category: 'service',
    });
  });

  it('sends an approved template and reports its message_status', async () => {
    const result = await client.sendTemplate('+5511987654321', {
      name: 'reengage_pt',
      languageCode: 'pt_BR',
    });
    expect(result).toMatchObject({ ok: true, messageStatus: 'accepted' });
    expect(fake.sent.at(-1)).toMatchObject({
      type: 'template',
      template: { name: 'reengage_pt', languageCode: 'pt_BR' },
    });
  });

  it.each([
    ['reEngagement', 131047, 'Re-engagement message', 400, false],
    ['undeliverable', 131026, 'Message Undeliverable', 400, false],
    ['rateLimit', 130429, 'Rate limit hit', 400, true],
  ] as const)(
    'turns a scripted %s error into a failed result with Meta’s code and details',
    async (name, code, title, http, retryable) => {
      fake.failNextSend(name);
      const result = await client.sendText('+34612345678', 'Hola');
      expect(result).toEqual({
        ok: false,
        error: expect.objectContaining({
          code,
          title,
          message: `(#${code}) ${title}`,
          details: GRAPH_ERRORS[name].details,
          type: 'OAuthException',
          httpStatus: http,
          outcome: 'rejected',
          retryable,
        }),
      });
      if (!result.ok) expect(result.error.fbtraceId).toEqual(expect.any(String));
      // Only the next send fails.
      expect((await client.sendText('+34612345678', 'Hola otra vez')).ok).toBe(true);
    },
  );

  it('reports an invalid access token as Graph error 190', async () => {
    const wrongToken = new WhatsAppGraphClient({
      graphUrl: fake.graphUrl,
      phoneNumberId: PHONE_NUMBER_ID,
      accessToken: 'EAAG-expired',
    });
    const result = await wrongToken.sendText('+34612345678', 'Hola');
    expect(result).toMatchObject({
      ok: false,
      error: { code: 190, httpStatus: 401, title: 'Invalid OAuth access token - Cannot parse access token' },
    });
  });

  it('reports what Meta says about a bad request: unknown number, text too long', async () => {
    const unknownNumber = await sendWhatsAppMessage(
      { graphUrl: fake.graphUrl, phoneNumberId: '999', accessToken: TOKEN },
      { type: 'text', to: '+34612345678', text: 'Hola' },
    );
    expect(unknownNumber).toMatchObject({
      ok: false,
      error: { code: 100, subcode: 33, type: 'GraphMethodException' },
    });
    const tooLong = await client.sendText('+34612345678', 'x'.repeat(4097));
    expect(tooLong).toMatchObject({
      ok: false,
      error: { code: 100, details: expect.stringContaining('4096') },
    });
  });

  it('gives up after its timeout and says the outcome is unknown', async () => {
    fake.delayNextSend(1500);
    const impatient = new WhatsAppGraphClient({
      graphUrl: fake.graphUrl,
      phoneNumberId: PHONE_NUMBER_ID,
      accessToken: TOKEN,
      timeoutMs: 200,
    });
    const started = Date.now();
    const result = await impatient.sendText('+34612345678', 'Hola');
    expect(Date.now() - started).toBeLessThan(1400);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'graph_timeout', outcome: 'unknown', retryable: true },
    });
  });

  it('reports a Graph API it cannot reach, without throwing', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as net.AddressInfo;
        server.close(() => resolve(free));
      });
    });
    const result = await sendWhatsAppMessage(
      { graphUrl: `http://127.0.0.1:${port}/v26.0`, phoneNumberId: PHONE_NUMBER_ID, accessToken: TOKEN },
      { type: 'text', to: '+34612345678', text: 'Hola' },
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'graph_unreachable', outcome: 'rejected' } });
  });
});

describe.each(BACKENDS)('the sandbox loop on %s', (backend) => {
  let test: TestApp;
  let fake: FakeGraphApi;
  const APP_SECRET = 'sandbox-app-secret-0123456789abcd';
  beforeAll(async () => {
    fake = await startFakeGraphApi({ numbers: { [PHONE_NUMBER_ID]: { accessToken: TOKEN } } });
    test = await startTestApp(backend, { whatsappGraphUrl: fake.graphUrl });
  });
  afterAll(async () => {
    await test.close();
    await fake.close();
  });

  it('a reply sent through the channel gets its signed statuses and pricing back through the webhook', async () => {
    const secret = { authorization: `Bearer ${test.workspace.secretKey}` };
    const created = await test.post(
      '/api/v1/channels',
      { phoneNumberId: PHONE_NUMBER_ID, appSecret: APP_SECRET, verifyToken: 'v', accessToken: TOKEN },
      secret,
    );
    expect(created.body.graphUrl).toBe(fake.graphUrl);
    fake.connectWebhook({ url: `${test.baseUrl}${created.body.webhookPath}`, appSecret: APP_SECRET });

    // What the conversations route does: send through the channel, then record `message.sent`.
    const service = new ChannelService(test.app.store, {
      secretsKey: undefined,
      defaultGraphUrl: fake.graphUrl,
    });
    const channel = await service.forSending(test.workspace.id, { phoneNumberId: PHONE_NUMBER_ID });
    const sent = await new WhatsAppGraphClient(channel).sendText('+34612345678', 'Su pedido sale hoy 📦');
    expect(sent.ok).toBe(true);
    if (!sent.ok) return;
    const now = Date.now();
    const captured = await test.post(
      '/v1/capture',
      {
        type: 'track',
        event: 'message.sent',
        userId: '+34612345678',
        timestamp: new Date(now).toISOString(),
        context: { channel: PHONE_NUMBER_ID },
        properties: {
          messageId: sent.messageId,
          chatId: 'chat-sandbox',
          contentType: 'text',
          agentId: 'agent-ana',
        },
      },
      { authorization: `Bearer ${test.workspace.writeKey}` },
    );
    expect(captured.body.accepted).toBe(1);

    // Late and duplicated, as Meta does: read first, delivered twice.
    for (const [status, at] of [
      ['read', now + 3000],
      ['delivered', now + 2000],
      ['delivered', now + 2000],
      ['sent', now + 1000],
    ] as const) {
      const answer = await fake.postStatus(sent.messageId, status, { timestamp: at });
      expect(answer.status).toBe(200);
    }
    const row = await test.app.store.db
      .selectFrom('messages')
      .selectAll()
      .where('workspace_id', '=', test.workspace.id)
      .where('message_id', '=', sent.messageId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      direction: 'outbound',
      agent_id: 'agent-ana',
      status: 'read',
      // The earliest moment known: the message's own time, before Meta's `sent` status.
      sent_at: now,
      delivered_at: Math.floor((now + 2000) / 1000) * 1000,
      read_at: Math.floor((now + 3000) / 1000) * 1000,
    });
    expect(JSON.parse(row.pricing as string)).toEqual({
      billable: false,
      model: 'PMP',
      category: 'service',
      type: 'free_customer_service',
    });
    const stats = (await test.get(`/api/v1/channels/${created.body.id}`, secret)).body.stats;
    expect(stats).toMatchObject({ notificationsAccepted: 4, eventsStored: 3, eventsDuplicate: 1 });

    // A failure reported later, by webhook, as Meta reports 131026.
    const undeliverable = await new WhatsAppGraphClient(channel).sendText('+34699887766', 'Hola');
    if (!undeliverable.ok) throw new Error('send failed');
    await fake.postStatus(undeliverable.messageId, 'failed', { error: 'undeliverable' });
    const failed = await test.app.store.db
      .selectFrom('messages')
      .selectAll()
      .where('workspace_id', '=', test.workspace.id)
      .where('message_id', '=', undeliverable.messageId)
      .executeTakeFirstOrThrow();
    expect(failed.status).toBe('failed');
    expect(JSON.parse(failed.error as string)).toMatchObject({
      code: 131026,
      title: 'Message Undeliverable',
    });
  });
});
