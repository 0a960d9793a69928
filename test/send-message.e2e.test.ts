/**
 * Replies through the WhatsApp Cloud API (a local fake): inside and outside the 24-hour window, a
 * template outside it, a Graph error kept on a failed message, and Meta's statuses for a sent reply.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraphApi, type FakeGraphApi } from '../src/whatsapp/fake-graph-api.js';
import { BACKENDS, startTestApp, type TestApp } from './support/backends.js';

const PHONE_NUMBER_ID = '106540352242922';
const ACCESS_TOKEN = 'EAAG-test-token';
const APP_SECRET = 'app-secret-for-tests';
const HOUR = 3600_000;

/** An inbound text message notification as Meta posts it. */
function inbound(waId: string, wamid: string, at: number, text: string) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID },
              contacts: [{ profile: { name: 'Marta' }, wa_id: waId }],
              messages: [
                {
                  from: waId,
                  id: wamid,
                  timestamp: String(Math.floor(at / 1000)),
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
}

describe.each(BACKENDS)('replies through the Cloud API on %s', (backend) => {
  let fake: FakeGraphApi;
  let test: TestApp;
  let secret: Record<string, string>;
  const conversationFor = async (contact: string) =>
    (await test.get(`/api/v1/conversations?contact=${encodeURIComponent(contact)}`, secret)).body
      .items[0] as { id: string };
  const reply = (id: string, body: unknown) =>
    test.post(`/api/v1/conversations/${id}/messages`, body, { ...secret, 'x-agent-id': 'ana' });

  beforeAll(async () => {
    fake = await startFakeGraphApi({ numbers: { [PHONE_NUMBER_ID]: { accessToken: ACCESS_TOKEN } } });
    test = await startTestApp(backend, { whatsappGraphUrl: fake.graphUrl });
    secret = { authorization: `Bearer ${test.workspace.secretKey}` };
    const created = await test.post(
      '/api/v1/channels',
      {
        phoneNumberId: PHONE_NUMBER_ID,
        appSecret: APP_SECRET,
        verifyToken: 'verify-me',
        accessToken: ACCESS_TOKEN,
      },
      secret,
    );
    expect(created.status).toBe(201);
    fake.connectWebhook({ url: `${test.baseUrl}${created.body.webhookPath}`, appSecret: APP_SECRET });
  });
  afterAll(async () => {
    await test.close();
    await fake.close();
  });

  it('sends free-form text inside the window, records it with the agent, and takes its statuses', async () => {
    const now = Date.now();
    expect(
      (await fake.postNotification(inbound('34612000001', 'wamid.in-1', now - HOUR, '¿Tienen talla M?')))
        .status,
    ).toBe(200);
    const { id } = await conversationFor('+34612000001');
    const sent = await reply(id, { text: 'Sí, la tenemos 👍', replyTo: 'wamid.in-1' });
    expect(sent.status).toBe(201);
    expect(sent.body.message).toMatchObject({ status: 'sent' });
    expect(fake.sent.at(-1)).toMatchObject({ to: '34612000001', type: 'text', text: 'Sí, la tenemos 👍' });
    const wamid = sent.body.message.id as string;
    expect(wamid).toBe(fake.sent.at(-1)?.messageId);
    expect(sent.body.timeline.at(-1)).toMatchObject({
      type: 'message.sent',
      actor: { type: 'agent', id: 'ana' },
      messageId: wamid,
    });

    // Meta's statuses for it arrive through the webhook and join the same message row.
    await fake.postStatus(wamid, 'read', { timestamp: Date.now() });
    await fake.postStatus(wamid, 'sent', { timestamp: Date.now() - 1000 });
    const detail = (await test.get(`/api/v1/conversations/${id}`, secret)).body;
    expect(
      detail.timeline.find((item: { messageId: string }) => item.messageId === wamid).delivery,
    ).toMatchObject({ status: 'read' });
    const cycle = await test.app.store.db
      .selectFrom('cycles')
      .selectAll()
      .where('conversation_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(cycle).toMatchObject({ first_responder_id: 'ana' });
    const message = await test.app.store.db
      .selectFrom('messages')
      .selectAll()
      .where('message_id', '=', wamid)
      .executeTakeFirstOrThrow();
    expect(message).toMatchObject({ agent_id: 'ana', text: 'Sí, la tenemos 👍', status: 'read' });
    expect(JSON.parse(message.pricing as string)).toMatchObject({ category: expect.any(String) });
  });

  it('refuses free-form text outside the window with a 422 that suggests a template, and sends the template', async () => {
    const before = fake.sent.length;
    expect(
      (await fake.postNotification(inbound('34612000002', 'wamid.in-2', Date.now() - 30 * HOUR, 'hola')))
        .status,
    ).toBe(200);
    const { id } = await conversationFor('+34612000002');
    const refused = await reply(id, { text: 'Hola de nuevo' });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'outside_service_window',
      details: { suggestion: 'template' },
    });
    expect(refused.body.error.message).toMatch(/24-hour customer-service window closed/);
    expect(fake.sent.length).toBe(before);

    const template = await reply(id, { template: { name: 'order_update', languageCode: 'es' } });
    expect(template.status).toBe(201);
    expect(fake.sent.at(-1)).toMatchObject({
      type: 'template',
      template: { name: 'order_update', languageCode: 'es' },
    });
  });

  it('keeps a Graph error on a failed message and shows it', async () => {
    expect(
      (await fake.postNotification(inbound('34612000003', 'wamid.in-3', Date.now() - HOUR, 'hi'))).status,
    ).toBe(200);
    const { id } = await conversationFor('+34612000003');
    fake.failNextSend('reEngagement');
    const failed = await reply(id, { text: 'are you there?' });
    expect(failed.status).toBe(201);
    expect(failed.body.message).toMatchObject({
      status: 'failed',
      error: { code: 131047, outcome: 'rejected' },
    });
    const item = failed.body.timeline.find((entry: { type: string }) => entry.type === 'message.sent');
    expect(item.delivery).toMatchObject({ status: 'failed', error: { code: 131047 } });
  });

  it('answers 404 for an unknown conversation and for a conversation on a number with no channel', async () => {
    expect((await reply('cv_0000000000000000', { text: 'x' })).status).toBe(404);
    const captured = await test.post(
      '/v1/capture',
      {
        batch: [
          {
            event: 'message.received',
            userId: '+34612000004',
            properties: { messageId: 'cap-1', chatId: 'cap-chat' },
          },
        ],
      },
      { authorization: `Bearer ${test.workspace.writeKey}` },
    );
    expect(captured.body.accepted).toBe(1);
    const { id } = await conversationFor('+34612000004');
    const refused = await reply(id, { text: 'hello' });
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('channel_not_found');
  });
});
