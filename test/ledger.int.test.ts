import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewEvent } from '../src/domain/events.js';
import { prepareCaptureEvent } from '../src/ingest/capture/prepare-event.js';
import { verifyLedger } from '../src/ledger/verify.js';
import { LedgerWriter } from '../src/ledger/writer.js';
import { rebuildProjections } from '../src/projections/rebuild.js';
import type { Store } from '../src/store/open.js';
import { PROJECTION_TABLES } from '../src/store/schema.js';
import { createWorkspace } from '../src/workspaces/workspaces.js';
import { BACKENDS, openTestStore, type TestStore } from './support/backends.js';
import { CUSTOMER, fullConversationBatch } from './fixtures/capture-events.js';

const RECEIVED_AT = Date.UTC(2026, 10, 3);

function prepare(raw: unknown): NewEvent {
  const prepared = prepareCaptureEvent(raw, {
    source: 'capture',
    receivedAt: RECEIVED_AT,
    maxEventBytes: 1 << 20,
    maxFutureMs: 3600_000,
    newEventId: randomUUID,
  });
  if (!prepared.ok) throw new Error(`${prepared.code}: ${prepared.message}`);
  return prepared.event;
}

/** Every projection table's rows, in a stable order. */
async function projectionRows(store: Store) {
  const tables: Record<string, unknown[]> = {};
  for (const table of PROJECTION_TABLES) {
    const rows = await store.db.selectFrom(table).selectAll().execute();
    tables[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return tables;
}

/** The statuses WhatsApp may send for two outbound messages and one inbound, including duplicates. */
function messageAndStatusEvents(): NewEvent[] {
  const at = (second: number) => new Date(Date.UTC(2026, 10, 2, 12, 0, second)).toISOString();
  const raw = [
    {
      event: 'message.received',
      userId: CUSTOMER,
      timestamp: at(0),
      properties: { messageId: 'in-1', chatId: 'c', text: 'hola' },
    },
    {
      event: 'message.sent',
      userId: CUSTOMER,
      timestamp: at(10),
      properties: { messageId: 'out-1', chatId: 'c', agentId: 'ana' },
    },
    { event: 'message.delivered', userId: CUSTOMER, timestamp: at(12), properties: { messageId: 'out-1' } },
    { event: 'message.read', userId: CUSTOMER, timestamp: at(30), properties: { messageId: 'out-1' } },
    {
      event: 'message.sent',
      userId: CUSTOMER,
      timestamp: at(40),
      properties: { messageId: 'out-2', chatId: 'c', templateId: 'promo' },
    },
    { event: 'message.read', userId: CUSTOMER, timestamp: at(50), properties: { messageId: 'out-2' } },
    {
      event: 'message.failed',
      userId: CUSTOMER,
      timestamp: at(45),
      properties: { messageId: 'out-3', error: { code: 131026 } },
    },
    { event: 'message.delivered', userId: CUSTOMER, timestamp: at(44), properties: { messageId: 'out-3' } },
  ];
  return raw.map(prepare);
}

describe.each(BACKENDS)('the ledger on %s', (backend) => {
  let test: TestStore;
  let writer: LedgerWriter;
  beforeAll(async () => {
    test = await openTestStore(backend);
    writer = new LedgerWriter(test.store);
    await writer.append(test.workspace.id, fullConversationBatch('chat-a').batch.map(prepare));
    await writer.append(test.workspace.id, messageAndStatusEvents());
  });
  afterAll(() => test.close());

  it('chains every event to the one before and verifies', async () => {
    const rows = await test.store.db
      .selectFrom('events')
      .selectAll()
      .where('workspace_id', '=', test.workspace.id)
      .orderBy('seq')
      .execute();
    expect(rows.map((row) => row.seq)).toEqual(rows.map((_, index) => index + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash);
    expect(await verifyLedger(test.store.db)).toMatchObject({ ok: true, events: rows.length, problem: null });
  });

  it('refuses UPDATE and DELETE of a ledger row in the database itself', async () => {
    await expect(sql`UPDATE events SET type = 'x'`.execute(test.store.db)).rejects.toThrow(
      /ledger_append_only/,
    );
    await expect(sql`DELETE FROM events`.execute(test.store.db)).rejects.toThrow(/ledger_append_only/);
  });

  it('keeps workspaces apart: the same idempotency key in two workspaces is two events', async () => {
    const other = await createWorkspace(test.store.db, 'Other', RECEIVED_AT);
    const outcome = await writer.append(other.id, fullConversationBatch('chat-a').batch.map(prepare));
    expect(outcome.results.every((result) => result.status === 'accepted')).toBe(true);
    const again = await writer.append(other.id, fullConversationBatch('chat-a').batch.map(prepare));
    expect(again.results.every((result) => result.status === 'duplicate')).toBe(true);
  });

  it('commits concurrent appends together without losing or doubling any', async () => {
    const batches = Array.from({ length: 20 }, (_, b) =>
      Array.from({ length: 25 }, (_, i) =>
        prepare({
          event: 'message.received',
          userId: CUSTOMER,
          properties: { messageId: `conc-${b}-${i % 20}` },
        }),
      ),
    );
    const outcomes = await Promise.all(batches.map((events) => writer.append(test.workspace.id, events)));
    const accepted = outcomes
      .flatMap((outcome) => outcome.results)
      .filter((result) => result.status === 'accepted');
    expect(accepted).toHaveLength(20 * 20);
    expect(await verifyLedger(test.store.db, { workspaceId: test.workspace.id })).toMatchObject({ ok: true });
  });

  it('rebuild gives the same projection rows as the live ones', async () => {
    const live = await projectionRows(test.store);
    for (const table of ['contacts', 'messages', 'conversations', 'cycles'])
      expect(live[table]?.length, table).toBeGreaterThan(0);
    const progress: number[] = [];
    await rebuildProjections(test.store, (done) => progress.push(done));
    expect(await projectionRows(test.store)).toEqual(live);
    expect(progress.at(-1)).toBeGreaterThan(0);
  });

  it('verify names the event that was changed behind the triggers’ back', async () => {
    const target = await test.store.db
      .selectFrom('events')
      .select(['position', 'seq', 'event_id'])
      .where('workspace_id', '=', test.workspace.id)
      .where('seq', '=', 5)
      .executeTakeFirstOrThrow();
    for (const statement of test.store.dialect.dropAppendOnlyTriggers('events'))
      await sql.raw(statement).execute(test.store.db);
    try {
      // Backdating an event by a minute is the kind of quiet edit the chain exists to expose.
      await sql`UPDATE events SET event_time = event_time - 60000 WHERE position = ${target.position}`.execute(
        test.store.db,
      );
      const report = await verifyLedger(test.store.db);
      expect(report.ok).toBe(false);
      expect(report.problem).toMatchObject({
        workspaceId: test.workspace.id,
        seq: 5,
        eventId: target.event_id,
        reason: 'hash_mismatch',
      });
    } finally {
      for (const statement of test.store.dialect.appendOnlyTriggers('events'))
        await sql.raw(statement).execute(test.store.db);
    }
  });
});

describe.each(BACKENDS)('message delivery state on %s', (backend) => {
  let test: TestStore;
  beforeAll(async () => {
    test = await openTestStore(backend);
  });
  afterAll(() => test.close());

  it('50 random arrival orders of the same message and status events give identical message rows', async () => {
    const events = messageAndStatusEvents();
    const rowsPerOrder: unknown[] = [];
    const orders = fc.sample(
      fc.tuple(
        fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
        fc.array(fc.nat(events.length - 1), { maxLength: 4 }),
        fc.integer({ min: 1, max: 4 }),
      ),
      { numRuns: 50, seed: 20261121 },
    );
    for (const [shuffled, duplicateIndexes, batchSize] of orders) {
      const workspace = await createWorkspace(test.store.db, 'Order', RECEIVED_AT);
      const writer = new LedgerWriter(test.store);
      // Redeliveries get fresh event ids, as a webhook retry would.
      const arrivals = [
        ...shuffled,
        ...duplicateIndexes.map((index) => ({
          ...(shuffled[index] as NewEvent),
          eventId: randomUUID() as NewEvent['eventId'],
        })),
      ];
      for (let start = 0; start < arrivals.length; start += batchSize) {
        await writer.append(workspace.id, arrivals.slice(start, start + batchSize));
      }
      const rows = await test.store.db
        .selectFrom('messages')
        .selectAll()
        .where('workspace_id', '=', workspace.id)
        .orderBy('message_id')
        .execute();
      rowsPerOrder.push(rows.map(({ workspace_id: _workspace, ...row }) => row));
    }
    for (const rows of rowsPerOrder) expect(rows).toEqual(rowsPerOrder[0]);
    const byId = Object.fromEntries(
      (rowsPerOrder[0] as { message_id: string }[]).map((row) => [row.message_id, row]),
    );
    expect(byId['out-1']).toMatchObject({
      status: 'read',
      delivered_at: Date.UTC(2026, 10, 2, 12, 0, 12),
      read_at: Date.UTC(2026, 10, 2, 12, 0, 30),
    });
    // Read without delivered still counts as delivered, at the read time.
    expect(byId['out-2']).toMatchObject({
      status: 'read',
      delivered_at: Date.UTC(2026, 10, 2, 12, 0, 50),
      template_id: 'promo',
    });
    // Failed is terminal even though a delivered status arrived; statuses alone make an outbound row.
    expect(byId['out-3']).toMatchObject({ status: 'failed', direction: 'outbound', message_version: null });
    expect(byId['in-1']).toMatchObject({ status: 'received', direction: 'inbound', text: 'hola' });
  });
});
