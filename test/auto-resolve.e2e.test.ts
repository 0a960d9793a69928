import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoResolveInactive } from '../src/jobs/auto-resolve.js';
import { BACKENDS, startTestApp, type TestApp } from './support/backends.js';

const T0 = Date.parse('2026-10-05T09:00:00Z');
const minutes = (n: number) => n * 60_000;

describe.each(BACKENDS)('inactivity auto-resolve on %s', (backend) => {
  let test: TestApp;
  let secret: Record<string, string>;
  beforeAll(async () => {
    test = await startTestApp(backend);
    secret = { authorization: `Bearer ${test.workspace.secretKey}`, 'x-agent-id': 'admin-ana' };
  });
  afterAll(() => test.close());

  it('is off by default, and the setting change is recorded in the ledger', async () => {
    const at = (time: number) => new Date(time).toISOString();
    const batch = [
      {
        event: 'message.received',
        userId: '+34612345678',
        timestamp: at(T0),
        properties: { chatId: 'quiet', messageId: 'q1' },
      },
      {
        event: 'message.sent',
        userId: '+34612345678',
        timestamp: at(T0 + minutes(2)),
        properties: { chatId: 'quiet', messageId: 'q2', agentId: 'ana' },
      },
      {
        event: 'message.received',
        userId: '+34612345679',
        timestamp: at(T0 + minutes(100)),
        properties: { chatId: 'busy', messageId: 'b1' },
      },
    ];
    expect(
      (await test.post('/v1/capture', { batch }, { authorization: `Bearer ${test.workspace.writeKey}` })).body
        .accepted,
    ).toBe(3);
    expect(await autoResolveInactive(test.app.store, test.app.writer, T0 + minutes(120))).toBe(0);

    const invalid = await fetch(`${test.baseUrl}/api/v1/workspace/settings`, {
      method: 'PATCH',
      headers: { ...secret, 'content-type': 'application/json' },
      body: JSON.stringify({ timeZone: 'Mars/Olympus' }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(invalid.status).toBe(400);
    const patched = await fetch(`${test.baseUrl}/api/v1/workspace/settings`, {
      method: 'PATCH',
      headers: { ...secret, 'content-type': 'application/json' },
      body: JSON.stringify({ autoResolveAfterMinutes: 60, timeZone: 'Europe/Madrid' }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(await patched.json()).toEqual({
      settings: { autoResolveAfterMinutes: 60, timeZone: 'Europe/Madrid' },
    });
    const audit = await test.app.store.db
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'workspace.settings_changed')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_type: 'agent', actor_id: 'admin-ana' });
  });

  it('resolves a conversation quiet for the set time, dated when it fell due, once', async () => {
    // At T0+120 min: "quiet" has had no message since T0+2 min (due T0+62 min); "busy" wrote at T0+100 min.
    expect(await autoResolveInactive(test.app.store, test.app.writer, T0 + minutes(120))).toBe(1);
    expect(await autoResolveInactive(test.app.store, test.app.writer, T0 + minutes(121))).toBe(0);
    const list = (await test.get('/api/v1/conversations?sort=opened&order=asc', secret)).body.items as {
      chatId: string;
      status: string;
      id: string;
    }[];
    expect(list.map((item) => [item.chatId, item.status])).toEqual([
      ['quiet', 'resolved'],
      ['busy', 'open'],
    ]);
    const quiet = list[0] as { id: string };
    const cycle = await test.app.store.db
      .selectFrom('cycles')
      .selectAll()
      .where('conversation_id', '=', quiet.id)
      .executeTakeFirstOrThrow();
    expect(cycle).toMatchObject({
      ended_at: T0 + minutes(62),
      end_status: 'resolved',
      resolution_seconds: 62 * 60,
    });
    expect(JSON.parse(cycle.facts).end).toMatchObject({
      resolutionType: 'auto-inactivity',
      endedBy: { type: 'system', id: 'auto-resolve' },
    });
  });
});
