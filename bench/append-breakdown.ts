/**
 * Where an append's time goes, without HTTP: the generated events are prepared by the capture API's
 * `prepareCaptureEvent` and appended through the real `LedgerWriter` in groups of `--group` events (what
 * group commit builds from concurrent requests), on a fresh SQLite file with the server's pragmas. Every
 * SQL statement is timed through Kysely's query log and reported by shape (values lists folded), so a
 * slow statement stands apart from the JavaScript around it.
 *
 *   npx tsx bench/append-breakdown.ts [--events N] [--group G] [--synchronous FULL|NORMAL]
 *
 * Run it under `node --cpu-prof --import tsx` to see the JavaScript side as well (bench/cpu-profile.ts).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { NewEvent } from '../src/domain/events.js';
import { prepareCaptureEvent } from '../src/ingest/capture/prepare-event.js';
import { LedgerWriter } from '../src/ledger/writer.js';
import { sqliteDialect } from '../src/store/dialect.js';
import { migrateToLatest } from '../src/store/migrate.js';
import type { Store } from '../src/store/open.js';
import type { Database } from '../src/store/schema.js';
import { createWorkspace } from '../src/workspaces/workspaces.js';
import { generateBatches, trafficForEvents } from './generator.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    group: { type: 'string', default: '800' },
    synchronous: { type: 'string', default: 'FULL' },
  },
});
const events = Number(values.events);
const group = Number(values.group);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatledger-breakdown-'));
const database = new SqliteDatabase(path.join(dir, 'chatledger.db'));
database.pragma('journal_mode = WAL');
database.pragma(`synchronous = ${values.synchronous.toUpperCase()}`);

const byStatement = new Map<string, { count: number; ms: number }>();
let logging = false;
/** `insert into t (a, b) values (?, ?), (?, ?)` and `in (?, ?, ?)` fold to one shape. */
const shapeOf = (sql: string) =>
  sql
    .replace(/\(\?(?:, \?)*\)(?:, \(\?(?:, \?)*\))*/g, '(…)')
    .replace(/\?(?:, \?)+/g, '…')
    .slice(0, 110);
const db = new Kysely<Database>({
  dialect: new SqliteDialect({ database }),
  log: (event) => {
    if (!logging) return;
    const shape = shapeOf(event.query.sql);
    const seen = byStatement.get(shape) ?? { count: 0, ms: 0 };
    seen.count += 1;
    seen.ms += event.queryDurationMillis;
    byStatement.set(shape, seen);
  },
});
const store: Store = { db, dialect: sqliteDialect, location: dir, close: () => db.destroy() };

try {
  await migrateToLatest(store);
  const workspace = await createWorkspace(db, 'Breakdown', Date.now());
  const writer = new LedgerWriter(store, Math.max(group, 1));
  logging = true;
  // CPU time as well as wall time: on a shared machine the wall time depends on everyone else's load.
  const cpuBefore = process.cpuUsage();
  let prepareMs = 0;
  let appendMs = 0;
  for (const batch of generateBatches(trafficForEvents(events, { batchSize: group }))) {
    const started = performance.now();
    const prepared: NewEvent[] = [];
    for (const raw of batch.events) {
      const result = prepareCaptureEvent(raw, {
        source: 'capture',
        receivedAt: Date.now(),
        maxEventBytes: 256 * 1024,
        maxFutureMs: 3_600_000,
        newEventId: randomUUID,
      });
      if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
      prepared.push(result.event);
    }
    const appending = performance.now();
    await writer.append(workspace.id, prepared);
    appendMs += performance.now() - appending;
    prepareMs += appending - started;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const perEvent = (ms: number) => ((ms * 1000) / events).toFixed(1).padStart(6);
  const sqlMs = [...byStatement.values()].reduce((sum, seen) => sum + seen.ms, 0);
  console.log(
    `${events} events in groups of ${group}, synchronous=${values.synchronous}: ` +
      `${Math.round(events / ((prepareMs + appendMs) / 1000))} events/s in process\n` +
      `  prepareCaptureEvent ${perEvent(prepareMs)} µs/event\n` +
      `  append              ${perEvent(appendMs)} µs/event, of which SQL ${perEvent(sqlMs)} µs/event ` +
      `and JavaScript ${perEvent(appendMs - sqlMs)} µs/event\n` +
      `  CPU (user + system) ${perEvent((cpu.user + cpu.system) / 1000)} µs/event over both, ` +
      `load average ${os.loadavg()[0]?.toFixed(1)}\n` +
      'SQL by statement (µs/event, executions, shape):',
  );
  for (const [shape, seen] of [...byStatement].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(`  ${perEvent(seen.ms)}  ${String(seen.count).padStart(6)}  ${shape}`);
  }
} finally {
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}
