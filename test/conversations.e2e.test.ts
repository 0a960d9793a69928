import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestApp, type TestApp } from './support/backends.js';

const CUSTOMER = '+34612345678';
const T0 = Date.parse('2026-10-05T09:00:00Z');
const minutes = (n: number) => n * 60_000;
const hours = (n: number) => n * 3600_000;

/** Capture events of one chat, written the way a business's own system would send them. */
function chat(chatId: string) {
  let sequence = 0;
  const at = (time: number) => new Date(time).toISOString();
  const id = () => `${chatId}-m${++sequence}`;
  return {
    inbound: (time: number, text = 'hola') => ({
      event: 'message.received',
      userId: CUSTOMER,
      timestamp: at(time),
      properties: { chatId, messageId: id(), text },
    }),
    botReply: (time: number) => ({
      event: 'message.sent',
      userId: CUSTOMER,
      timestamp: at(time),
      properties: { chatId, messageId: id(), serviceMode: 'bot', agentId: 'faq-bot' },
    }),
    agentReply: (time: number, agentId: string) => ({
      event: 'message.sent',
      userId: CUSTOMER,
      timestamp: at(time),
      properties: { chatId, messageId: id(), agentId },
    }),
    assign: (time: number, agentId: string) => ({
      event: 'chat.assigned',
      timestamp: at(time),
      properties: { chatId, agentId, assignedBy: 'lead' },
    }),
    resolved: (time: number, by: { type: string; id: string }) => ({
      event: 'chat.resolved',
      timestamp: at(time),
      context: { actor: by },
      properties: { chatId, resolutionType: 'answered' },
    }),
  };
}

describe.each(BACKENDS)('conversations on %s', (backend) => {
  let test: TestApp;
  let write: Record<string, string>;
  let secret: Record<string, string>;
  const capture = async (batch: unknown[]) => {
    const response = await test.post('/v1/capture', { batch }, write);
    expect(response.body.rejected).toEqual([]);
    return response.body;
  };
  const conversationsOf = async (chatId: string) =>
    (await test.get(`/api/v1/conversations?chatId=${chatId}&sort=opened&order=asc`, secret)).body.items;
  const cyclesOf = (conversationId: string) =>
    test.app.store.db
      .selectFrom('cycles')
      .selectAll()
      .where('workspace_id', '=', test.workspace.id)
      .where('conversation_id', '=', conversationId)
      .orderBy('cycle_index')
      .execute();

  beforeAll(async () => {
    test = await startTestApp(backend);
    write = { authorization: `Bearer ${test.workspace.writeKey}` };
    secret = { authorization: `Bearer ${test.workspace.secretKey}` };
  });
  afterAll(() => test.close());

  it("measures a reopened bot-resolved cycle's first response from the reopen, not from the creation", async () => {
    const c = chat('reopen-bot');
    const reopenAt = T0 + hours(20);
    await capture([
      c.inbound(T0),
      c.botReply(T0 + 2000),
      c.resolved(T0 + minutes(5), { type: 'bot', id: 'faq-bot' }),
      c.inbound(reopenAt),
      c.agentReply(reopenAt + minutes(3), 'ana'),
    ]);
    const [conversation] = await conversationsOf('reopen-bot');
    const cycles = await cyclesOf(conversation.id);
    expect(cycles).toHaveLength(2);
    expect(cycles[0]).toMatchObject({
      service: 'bot-only',
      first_response_seconds: null,
      bot_first_response_seconds: 2,
      reopened: 1,
      end_status: 'resolved',
    });
    expect(cycles[1]).toMatchObject({
      started_at: reopenAt,
      first_response_seconds: 180,
      first_responder_id: 'ana',
      ended_at: null,
    });
  });

  it('starts a new conversation when the customer writes after the reopen window', async () => {
    const c = chat('after-window');
    await capture([
      c.inbound(T0),
      c.agentReply(T0 + minutes(2), 'ana'),
      c.resolved(T0 + minutes(10), { type: 'agent', id: 'ana' }),
      c.inbound(T0 + minutes(10) + hours(49)),
    ]);
    const conversations = await conversationsOf('after-window');
    expect(
      conversations.map((conversation: { status: string; cycles: number }) => [
        conversation.status,
        conversation.cycles,
      ]),
    ).toEqual([
      ['resolved', 1],
      ['open', 1],
    ]);
    expect(conversations[0].id).not.toBe(conversations[1].id);
  });

  it('credits the first response to the agent who replied, not the assignee', async () => {
    const c = chat('credit');
    await capture([c.inbound(T0), c.assign(T0 + minutes(1), 'ana'), c.agentReply(T0 + minutes(4), 'bob')]);
    const [conversation] = await conversationsOf('credit');
    expect(conversation.owner).toEqual({ type: 'agent', id: 'ana' });
    expect((await cyclesOf(conversation.id))[0]).toMatchObject({
      first_response_seconds: 240,
      first_responder_id: 'bob',
    });
  });

  it('measures a resolution after a reopen over that cycle only', async () => {
    const c = chat('resolution');
    const reopenAt = T0 + hours(1);
    await capture([
      c.inbound(T0),
      c.agentReply(T0 + minutes(1), 'ana'),
      c.resolved(T0 + minutes(10), { type: 'agent', id: 'ana' }),
      c.inbound(reopenAt),
      c.agentReply(reopenAt + minutes(1), 'ana'),
      c.resolved(reopenAt + minutes(30), { type: 'agent', id: 'ana' }),
    ]);
    const [conversation] = await conversationsOf('resolution');
    const cycles = await cyclesOf(conversation.id);
    expect(cycles.map((cycle) => cycle.resolution_seconds)).toEqual([600, 1800]);
    expect(cycles.map((cycle) => cycle.reopened)).toEqual([1, 0]);
  });

  it('moves a late message with an earlier timestamp into the earlier cycle, and rebuild agrees', async () => {
    const c = chat('late');
    const late = c.inbound(T0 + minutes(8), 'one more thing');
    await capture([
      c.inbound(T0),
      c.agentReply(T0 + minutes(5), 'ana'),
      c.resolved(T0 + minutes(10), { type: 'agent', id: 'ana' }),
      c.inbound(T0 + hours(1)),
      c.resolved(T0 + hours(2), { type: 'agent', id: 'ana' }),
    ]);
    const [conversation] = await conversationsOf('late');
    expect((await cyclesOf(conversation.id)).map((cycle) => cycle.inbound_count)).toEqual([1, 1]);
    await capture([late]);
    const cycles = await cyclesOf(conversation.id);
    expect(cycles.map((cycle) => cycle.inbound_count)).toEqual([2, 1]);
    expect(JSON.parse(cycles[0]?.facts ?? '{}').turns).toHaveLength(2);
  });

  describe('commands', () => {
    let conversationId: string;
    beforeAll(async () => {
      const c = chat('commands');
      await capture([
        c.inbound(Date.now() - minutes(30), 'need help'),
        c.agentReply(Date.now() - minutes(29), 'ana'),
        c.inbound(Date.now() - minutes(20), 'still there?'),
      ]);
      [{ id: conversationId }] = await conversationsOf('commands');
    });
    const command = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      test.post(`/api/v1/conversations/${conversationId}/${path}`, body, {
        ...secret,
        'x-agent-id': 'lead-luis',
        ...headers,
      });

    it('assigns with the actor recorded, records the handoff, and refuses a stale version with 409', async () => {
      const before = (await test.get(`/api/v1/conversations/${conversationId}`, secret)).body.conversation;
      const assigned = await command('assign', {
        agentId: 'bob',
        teamId: 'support',
        reason: 'billing question',
        expectedVersion: before.version,
      });
      expect(assigned.status).toBe(200);
      expect(assigned.body.conversation).toMatchObject({
        owner: { type: 'agent', id: 'bob' },
        team: 'support',
        version: before.version + 1,
      });
      expect(assigned.body.handoffs.at(-1)).toMatchObject({
        to: { owner: { type: 'agent', id: 'bob' }, team: 'support' },
        by: 'lead-luis',
        reason: 'billing question',
      });
      const event = assigned.body.timeline.at(-1);
      expect(event).toMatchObject({
        type: 'chat.assigned',
        source: 'ui',
        actor: { type: 'agent', id: 'lead-luis' },
      });

      const stale = await command('assign', { agentId: 'carla', expectedVersion: before.version });
      expect(stale.status).toBe(409);
      expect(stale.body.error.code).toBe('version_conflict');
    });

    it('lets only one of two concurrent commands on the same version through', async () => {
      const { version } = (await test.get(`/api/v1/conversations/${conversationId}`, secret)).body
        .conversation;
      const answers = await Promise.all([
        command('priority', { priority: 'P1', expectedVersion: version }),
        command('priority', { priority: 'P0', expectedVersion: version }),
      ]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    });

    it('answers commands that do not apply with a code', async () => {
      expect((await command('priority', { priority: 'P9' })).body.error.code).toBe('invalid_priority');
      expect((await command('priority', { priority: 'P9' })).status).toBe(422);
      expect(
        (await test.post('/api/v1/conversations/cv_doesnotexist00/assign', { agentId: 'x' }, secret)).status,
      ).toBe(404);
      expect((await command('status', { status: 'resolved' })).status).toBe(200);
      const again = await command('status', { status: 'resolved' });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('already_resolved');
      expect((await command('assign', {}, {})).status).toBe(422);
      expect((await command('tags', { tag: 42 })).body.error.code).toBe('invalid_request');
      expect(
        (await test.post(`/api/v1/conversations/${conversationId}/tags`, { tag: 'vip' }, write)).status,
      ).toBe(401);
    });

    it('tags, notes with mentions, watchers, deal and next action show in the state and the timeline in event-time order', async () => {
      expect((await command('tags', { tag: 'vip' })).status).toBe(200);
      const noted = await command('notes', { text: 'Call @ana about the refund' });
      expect(noted.body.notes.at(-1)).toMatchObject({
        text: 'Call @ana about the refund',
        mentions: ['ana'],
      });
      await command('watchers', { watcherId: 'ana' });
      await command('deal', { stage: 'proposal', value: 1200, currency: 'EUR' });
      const due = new Date(Date.now() + hours(4)).toISOString();
      const detail = (
        await test.post(`/api/v1/conversations/${conversationId}/next-action`, undefined, secret)
      ).status;
      expect(detail).toBe(404);
      const set = await test.get(`/api/v1/conversations/${conversationId}`, secret);
      expect(set.body.conversation).toMatchObject({
        tags: ['vip'],
        watchers: ['ana'],
        deal: { stage: 'proposal', value: 1200, currency: 'EUR' },
      });
      const withAction = await fetch(`${test.baseUrl}/api/v1/conversations/${conversationId}/next-action`, {
        method: 'PUT',
        headers: { ...secret, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'send the invoice', dueAt: due }),
        signal: AbortSignal.timeout(10_000),
      });
      expect(((await withAction.json()) as any).conversation.nextAction).toMatchObject({
        text: 'send the invoice',
        dueAt: due,
        overdue: false,
      });
      const untagged = await fetch(`${test.baseUrl}/api/v1/conversations/${conversationId}/tags/vip`, {
        method: 'DELETE',
        headers: secret,
        signal: AbortSignal.timeout(10_000),
      });
      expect(((await untagged.json()) as any).conversation.tags).toEqual([]);

      const timeline = (await test.get(`/api/v1/conversations/${conversationId}`, secret)).body.timeline as {
        at: string;
        type: string;
      }[];
      const times = timeline.map((item) => item.at);
      expect(times).toEqual([...times].sort());
      expect(timeline.map((item) => item.type)).toEqual(
        expect.arrayContaining([
          'message.received',
          'message.sent',
          'chat.assigned',
          'chat.resolved',
          'chat.tagged',
          'chat.note_added',
          'chat.untagged',
        ]),
      );
    });
  });

  describe('the conversation list', () => {
    it('filters by status, owner, unassigned, tag, waiting and window, and pages with a cursor', async () => {
      const now = Date.now();
      for (let i = 0; i < 5; i++) {
        const c = chat(`list-${i}`);
        const events: unknown[] = [c.inbound(now - minutes(60 - i))];
        if (i % 2 === 0) events.push(c.assign(now - minutes(59 - i), 'dora'));
        if (i === 4) events.push(c.agentReply(now - minutes(50), 'dora'));
        if (i === 1)
          events.push({
            event: 'chat.tagged',
            timestamp: new Date(now - minutes(40)).toISOString(),
            properties: { chatId: 'list-1', tag: 'refund' },
          });
        await capture(events);
      }
      const query = async (q: string) => (await test.get(`/api/v1/conversations?${q}`, secret)).body;
      const ids = (body: { items: { chatId: string }[] }) => body.items.map((item) => item.chatId).sort();
      expect(ids(await query('owner=dora'))).toEqual(['list-0', 'list-2', 'list-4']);
      const unassigned = ids(await query('unassigned=true&status=open'));
      expect(unassigned).toEqual(expect.arrayContaining(['list-1', 'list-3']));
      expect(unassigned).not.toContain('list-0');
      expect(ids(await query('owner=dora&waiting=true'))).toEqual(['list-0', 'list-2']);
      expect(ids(await query('owner=dora&windowOpen=true'))).toEqual(['list-0', 'list-2', 'list-4']);
      expect((await query('tag=refund')).items.map((item: { chatId: string }) => item.chatId)).toEqual([
        'list-1',
      ]);
      expect((await test.get('/api/v1/conversations?status=closed', secret)).body.error).toMatchObject({
        code: 'invalid_request',
        details: { parameter: 'status.0' },
      });

      const all = await query('limit=200');
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 50; page++) {
        const body: { items: { id: string }[]; nextCursor: string | null } = await query(
          `limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...body.items.map((item) => item.id));
        cursor = body.nextCursor;
        if (!cursor) break;
      }
      expect(seen).toEqual(all.items.map((item: { id: string }) => item.id));
      expect(all.items[0]).toMatchObject({ contact: { id: CUSTOMER, phone: CUSTOMER } });
    });
  });
});
