/**
 * The metrics read models depend only on the set of events: the rows live ingestion leaves are the rows a
 * rebuild from the ledger writes, in the edge cases where an incremental projection could go wrong.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewEvent } from '../src/domain/events.js';
import { prepareCaptureEvent } from '../src/ingest/capture/prepare-event.js';
import { LedgerWriter } from '../src/ledger/writer.js';
import { remeasureBusinessTime } from '../src/projections/metric-facts.js';
import { rebuildProjections } from '../src/projections/rebuild.js';
import { loadMetricsSettings } from '../src/workspaces/metrics-settings.js';
import { BACKENDS, openTestStore, type TestStore } from './support/backends.js';

const USER = '+34612000009';
const at = (iso: string) => new Date(iso).toISOString();

function prepare(raw: Record<string, unknown>): NewEvent {
  const prepared = prepareCaptureEvent(
    { context: { channel: 'whatsapp' }, ...raw },
    {
      source: 'capture',
      receivedAt: Date.parse('2026-11-01T00:00:00Z'),
      maxEventBytes: 1 << 20,
      maxFutureMs: 3600_000,
      newEventId: randomUUID,
    },
  );
  if (!prepared.ok) throw new Error(`${prepared.code}: ${prepared.message}`);
  return prepared.event;
}

describe.each(BACKENDS)('metrics read models on %s', (backend) => {
  let test: TestStore;
  let writer: LedgerWriter;
  const rows = async () => {
    const tables: Record<string, string[]> = {};
    for (const table of ['metric_facts', 'message_facts'] as const) {
      const all = await test.store.db.selectFrom(table).selectAll().execute();
      tables[table] = all.map((row) => JSON.stringify(row)).sort();
    }
    return tables;
  };
  beforeAll(async () => {
    test = await openTestStore(backend);
    writer = new LedgerWriter(test.store);
  });
  afterAll(() => test.close());

  it('links a message to the cycle a person reopens in the same instant, live as after a rebuild', async () => {
    // The agent's follow-up and the manual reopen carry the same second (WhatsApp's resolution); the
    // reopen arrives in a later request and sorts after the message, so it is folded incrementally.
    await writer.append(test.workspace.id, [
      prepare({
        event: 'message.received',
        userId: USER,
        timestamp: at('2026-10-05T09:00:00Z'),
        properties: { chatId: 'same', messageId: 's1' },
      }),
      prepare({
        event: 'chat.resolved',
        timestamp: at('2026-10-05T09:05:00Z'),
        properties: { chatId: 'same' },
      }),
      prepare({
        event: 'message.sent',
        userId: USER,
        timestamp: at('2026-10-05T10:00:00Z'),
        properties: { chatId: 'same', messageId: 's2', agentId: 'ana' },
      }),
    ]);
    await writer.append(test.workspace.id, [
      prepare({
        event: 'chat.status_changed',
        timestamp: at('2026-10-05T10:00:00Z'),
        properties: { chatId: 'same', status: 'open' },
      }),
    ]);
    const s2 = await test.store.db
      .selectFrom('message_facts')
      .select(['cycle_index'])
      .where('message_id', '=', 's2')
      .executeTakeFirstOrThrow();
    expect(s2.cycle_index).toBe(1);
    const live = await rows();
    await rebuildProjections(test.store);
    expect(await rows()).toEqual(live);
  });

  it('re-measures business time in place to the figures a rebuild writes', async () => {
    const calendar = {
      timeZone: 'Europe/Madrid',
      weekly: { mon: [{ start: '09:00', end: '09:30' }], tue: [{ start: '09:00', end: '17:00' }] },
    };
    await test.store.db
      .updateTable('workspaces')
      .set({ settings: JSON.stringify({ businessHours: calendar }) })
      .where('id', '=', test.workspace.id)
      .execute();
    const { calendar: parsed } = await loadMetricsSettings(test.store.db, test.workspace.id);
    expect(await remeasureBusinessTime(test.store.db, test.workspace.id, parsed)).toBeGreaterThan(0);
    const remeasured = await rows();
    expect(remeasured.metric_facts!.some((row) => row.includes('"business_value":0'))).toBe(true);
    await rebuildProjections(test.store);
    expect(await rows()).toEqual(remeasured);
  });
});
