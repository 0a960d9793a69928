/**
 * `chatledger demo` in-process, fast and bounded (five live conversations, at most 90 s, one day of
 * history): what a new user sees through the API is a working system. Customers wrote through the signed
 * webhook, the bot answered and handed chats to agents, agents replied through the send API and their
 * messages were read, chats were resolved and one reopened, ratings arrived, nothing was quarantined and the
 * ledger verifies. Loopback only: the Graph API is the local fake.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, type DemoHandle, type DemoSummary } from '../src/demo/run-demo.js';
import { DEMO_NUMBER } from '../src/demo/whatsapp-payloads.js';
import { verifyLedger } from '../src/ledger/verify.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from './support/backends.js';

const LIVE_CONVERSATIONS = 5;

describe.each(BACKENDS)('chatledger demo on %s', (backend) => {
  let database: TestDatabase;
  let demo: DemoHandle;
  let summary: DemoSummary;
  let liveSince: string;
  const lines: string[] = [];
  const get = async (path: string) => {
    const response = await fetch(`${demo.url}${path}`, {
      headers: { authorization: `Bearer ${demo.keys.secretKey}` },
      signal: AbortSignal.timeout(20_000),
    });
    expect(response.status, path).toBe(200);
    return (await response.json()) as any;
  };
  const liveConversations = async () =>
    (await get(`/api/v1/conversations?updatedSince=${encodeURIComponent(liveSince)}&limit=200`))
      .items as any[];
  const details = async () =>
    Promise.all((await liveConversations()).map((item) => get(`/api/v1/conversations/${item.id}`)));

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    liveSince = new Date(Date.now() - 60_000).toISOString();
    demo = await runDemo({
      config: database.config,
      speed: 200,
      customers: LIVE_CONVERSATIONS,
      conversations: LIVE_CONVERSATIONS,
      durationSeconds: 90,
      historyDays: 1,
      seed: 42,
      print: (line) => lines.push(line),
    });
    summary = await demo.finished;
  }, 150_000);

  afterAll(async () => {
    await demo?.stop();
    await database?.drop();
  });

  it('plays every live conversation to its end without a failure, and says so in the terminal', () => {
    expect(summary.live).toMatchObject({
      started: LIVE_CONVERSATIONS,
      finished: LIVE_CONVERSATIONS,
      failures: 0,
    });
    expect(summary.history?.conversations).toBeGreaterThan(0);
    const text = lines.join('\n');
    for (const marker of [
      '🤖 Luna (bot)',
      '🔀 handoff bot-luna →',
      '🧑 ',
      '✅ resolved',
      '↩️',
      '⭐ ',
      '📝 ',
    ]) {
      expect(text).toContain(marker);
    }
  });

  it('has the live conversations on the demo number, each answered by the bot and ended', async () => {
    const items = await liveConversations();
    expect(items).toHaveLength(LIVE_CONVERSATIONS);
    for (const item of items) {
      expect(item.channel).toBe(DEMO_NUMBER.phoneNumberId);
      expect(['resolved', 'closed-won']).toContain(item.status);
    }
    for (const detail of await details()) {
      expect(
        detail.timeline.some((entry: any) => entry.type === 'message.sent' && entry.actor.type === 'bot'),
        detail.conversation.id,
      ).toBe(true);
      expect(detail.timeline.some((entry: any) => entry.type === 'message.received')).toBe(true);
    }
  });

  it('handed chats from the bot to agents of a team, whose replies were delivered and read', async () => {
    const all = await details();
    const handedOver = all.filter((detail) => detail.conversation.owner?.type === 'agent');
    expect(handedOver.length).toBeGreaterThanOrEqual(2);
    for (const detail of handedOver) {
      expect(['sales', 'support']).toContain(detail.conversation.team);
      expect(detail.handoffs.some((handoff: any) => handoff.from.owner?.type === 'bot')).toBe(true);
    }
    const agentReplies = all.flatMap((detail) =>
      detail.timeline.filter((entry: any) => entry.type === 'message.sent' && entry.actor.type === 'agent'),
    );
    expect(agentReplies.length).toBeGreaterThan(0);
    expect(agentReplies.some((entry: any) => entry.delivery?.status === 'read')).toBe(true);
    // The Graph API sent each of them (the fake recorded it) and Meta's statuses came back for them.
    const sentByGraph = new Set(demo.fakeGraph.sent.map((message) => message.messageId));
    for (const reply of agentReplies) expect(sentByGraph).toContain(reply.messageId);
    // Notes with mentions and tags came through the REST commands.
    expect(all.some((detail) => detail.notes.some((note: any) => note.mentions.length > 0))).toBe(true);
    expect(all.some((detail) => detail.conversation.tags.length > 0)).toBe(true);
  });

  it('resolved chats, reopened one when the customer wrote again, and recorded CSAT ratings', async () => {
    const all = await details();
    const reopened = all.filter((detail) => detail.cycles.length >= 2);
    expect(reopened.length).toBeGreaterThanOrEqual(1);
    expect(reopened[0].cycles[0].end).not.toBeNull();
    const ratings = all.flatMap((detail) => detail.cycles.filter((cycle: any) => cycle.csat !== null));
    expect(ratings.length).toBeGreaterThan(0);
    expect(ratings.every((cycle: any) => cycle.csat.rating >= 1 && cycle.csat.rating <= 5)).toBe(true);
    const events = await get('/api/v1/event-types');
    expect(JSON.stringify(events)).toContain('csat.submitted');
  });

  it('came through the signed webhook, absorbed redelivered statuses, quarantined nothing, and verifies', async () => {
    const channel = await get(`/api/v1/channels/${demo.channel.id}`);
    expect(channel.stats.signaturesRejected).toBe(0);
    expect(channel.stats.notificationsAccepted).toBeGreaterThan(0);
    expect(channel.stats.eventsDuplicate).toBeGreaterThan(0);
    expect((await get('/api/v1/quarantine?status=all')).items).toEqual([]);
    const report = await verifyLedger(demo.app.store.db);
    expect(report.ok).toBe(true);
    expect(report.events).toBeGreaterThan(0);
  });
});
