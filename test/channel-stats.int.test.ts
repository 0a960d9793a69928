/**
 * Webhook counters on both backends: deltas kept in memory by several nodes add up in the database, the latest
 * moments win, and a server writes its pending counts when it shuts down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../src/app.js';
import { ChannelService } from '../src/channels/channel-service.js';
import { ChannelStats } from '../src/channels/channel-stats.js';
import { signWhatsAppPayload } from '../src/ingest/whatsapp/index.js';
import { BACKENDS, createTestDatabase, openTestStore, type TestStore } from './support/backends.js';

describe.each(BACKENDS)('channel counters on %s', (backend) => {
  let test: TestStore;
  let channelId: string;
  beforeAll(async () => {
    test = await openTestStore(backend);
    const channels = new ChannelService(test.store, { secretsKey: undefined, defaultGraphUrl: 'http://x' });
    channelId = (
      await channels.create(test.workspace.id, { phoneNumberId: '1', appSecret: 's', verifyToken: 't' })
    ).id;
  });
  afterAll(() => test.close());

  it('adds up what two nodes counted, and keeps the latest moments', async () => {
    const nodeA = new ChannelStats(test.store, 0);
    const nodeB = new ChannelStats(test.store, 0);
    nodeA.add(test.workspace.id, channelId, {
      notificationsAccepted: 2,
      eventsStored: 5,
      lastNotificationAt: 1_780_000_002_000,
    });
    nodeB.add(test.workspace.id, channelId, {
      notificationsAccepted: 1,
      eventsDuplicate: 5,
      signaturesRejected: 1,
      lastNotificationAt: 1_780_000_001_000,
      lastSignatureRejectedAt: 1_780_000_000_500,
    });
    // Before a flush, each node sees the stored figures plus its own deltas.
    expect((await nodeA.read(test.workspace.id, channelId)).notificationsAccepted).toBe(2);
    await Promise.all([nodeA.flush(), nodeB.flush()]);
    nodeA.add(test.workspace.id, channelId, { itemsQuarantined: 1 });
    await nodeA.close();
    expect(await new ChannelStats(test.store, 0).read(test.workspace.id, channelId)).toEqual({
      signaturesRejected: 1,
      notificationsAccepted: 3,
      eventsStored: 5,
      eventsDuplicate: 5,
      itemsQuarantined: 1,
      lastNotificationAt: 1_780_000_002_000,
      lastSignatureRejectedAt: 1_780_000_000_500,
    });
  });

  it('survives a restart: the server writes its pending counts at shutdown', async () => {
    const database = await createTestDatabase(backend);
    const first = await startApp(database.config);
    const secret = { authorization: `Bearer ${(first.createdWorkspace as { secretKey: string }).secretKey}` };
    const headers = { ...secret, 'content-type': 'application/json' };
    try {
      const created = (await (
        await fetch(`${first.url}/api/v1/channels`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            phoneNumberId: '106540352242922',
            appSecret: 'app-secret',
            verifyToken: 't',
          }),
        })
      ).json()) as { id: string; webhookPath: string };
      const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
      const post = (url: string, signature: string) =>
        fetch(`${url}${created.webhookPath}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
          body,
        });
      expect((await post(first.url, signWhatsAppPayload(body, 'app-secret'))).status).toBe(200);
      expect((await post(first.url, signWhatsAppPayload(body, 'forged'))).status).toBe(401);
      await first.close();

      const second = await startApp(database.config);
      try {
        expect((await post(second.url, signWhatsAppPayload(body, 'app-secret'))).status).toBe(200);
        const answer = (await (
          await fetch(`${second.url}/api/v1/channels/${created.id}`, { headers: secret })
        ).json()) as { stats: Record<string, unknown> };
        expect(answer.stats).toMatchObject({ notificationsAccepted: 2, signaturesRejected: 1 });
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
      await database.drop();
    }
  });
});
