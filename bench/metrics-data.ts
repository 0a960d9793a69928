/**
 * The metrics benchmark's data: generated traffic (bench/generator.ts) appended through the real
 * `LedgerWriter` (so every projection, the metrics read models included, is built exactly as in
 * production), into a SQLite file or a PostgreSQL database that is kept between runs: loading 10M events
 * takes a while, measuring takes seconds.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { NewEvent } from '../src/domain/events.js';
import { prepareCaptureEvent } from '../src/ingest/capture/prepare-event.js';
import { LedgerWriter } from '../src/ledger/writer.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openStore, type Store } from '../src/store/open.js';
import { createWorkspace } from '../src/workspaces/workspaces.js';
import { freePort } from '../test/support/temporary-postgres.js';
import { generateBatches, trafficForEvents, type TrafficOptions } from './generator.js';

export type Backend = 'sqlite' | 'postgres';

/** The workspace settings of the benchmark workspace: a time zone and a business-hours calendar. */
export const BENCH_SETTINGS = {
  timeZone: 'America/Mexico_City',
  businessHours: {
    timeZone: 'America/Mexico_City',
    weekly: Object.fromEntries(
      ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [
        day,
        [
          { start: '09:00', end: '14:00' },
          { start: '15:00', end: '19:00' },
        ],
      ]),
    ),
  },
};

/** Traffic of about `events` events with short conversations: 10M events make about 1M cycles. */
export function benchTraffic(events: number, seed: number): TrafficOptions {
  return trafficForEvents(events, { seed, messagesPerConversation: 2, batchSize: 1000, runTag: 'm1' });
}

const PG_BIN = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'];

/**
 * A PostgreSQL server on a data directory that survives the run (initialised on first use), started on a
 * free loopback port. Tuned for a benchmark host (2 GB shared buffers); `synchronous_commit=off` only
 * speeds up the load, which is not what is measured.
 */
export async function startPersistentPostgres(
  dir: string,
): Promise<{ url: (database: string) => string; stop(): void }> {
  const bin = PG_BIN.find((candidate) => fs.existsSync(path.join(candidate, 'pg_ctl')));
  if (bin === undefined)
    throw new Error('PostgreSQL server binaries not found (apt-get install postgresql-15)');
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', path.join(bin, command), ...args]]
      : [path.join(bin, command), args];
    const result = spawnSync(file, argv as string[], { encoding: 'utf8', timeout: 300_000 });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
  };
  fs.mkdirSync(dir, { recursive: true });
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  const data = path.join(dir, 'data');
  if (!fs.existsSync(path.join(data, 'PG_VERSION'))) {
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
  }
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c shared_buffers=2GB',
    '-c work_mem=64MB',
    '-c max_wal_size=8GB',
    '-c synchronous_commit=off',
  ];
  run('pg_ctl', [
    '-D',
    data,
    '-o',
    settings.join(' '),
    '-l',
    path.join(dir, 'log'),
    '-w',
    '-t',
    '120',
    'start',
  ]);
  return {
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    stop: () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
  };
}

export async function ensurePostgresDatabase(adminUrl: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount !== 0) return false;
    await client.query(`CREATE DATABASE ${name}`);
    return true;
  } finally {
    await client.end();
  }
}

export function openBenchStore(backend: Backend, location: string): Store {
  return backend === 'sqlite'
    ? openStore({ dbPath: location, sqliteSynchronous: 'OFF' })
    : openStore({ dbPath: '', databaseUrl: location });
}

export interface LoadResult {
  workspaceId: string;
  events: number;
  stored: number;
  seconds: number;
}

/** Appends the generated traffic through the ledger writer, in groups of 1000 events. */
export async function loadTraffic(
  store: Store,
  traffic: TrafficOptions,
  onProgress: (done: number, elapsedSeconds: number) => void,
): Promise<LoadResult> {
  await migrateToLatest(store);
  const workspace = await createWorkspace(store.db, 'Metrics bench', Date.now());
  await store.db
    .updateTable('workspaces')
    .set({ settings: JSON.stringify(BENCH_SETTINGS) })
    .where('id', '=', workspace.id)
    .execute();
  const writer = new LedgerWriter(store, 5000);
  const started = performance.now();
  const receivedAt = Date.now();
  let events = 0;
  let stored = 0;
  for (const batch of generateBatches(traffic)) {
    const prepared: NewEvent[] = [];
    for (const raw of batch.events) {
      const result = prepareCaptureEvent(raw, {
        source: 'capture',
        receivedAt,
        maxEventBytes: 1 << 20,
        maxFutureMs: Number.MAX_SAFE_INTEGER,
        newEventId: randomUUID,
      });
      if (result.ok) prepared.push(result.event);
    }
    const outcome = await writer.append(workspace.id, prepared);
    stored += outcome.results.filter((result) => result.status === 'accepted').length;
    events += batch.events.length;
    if (batch.index % 50 === 0) onProgress(events, (performance.now() - started) / 1000);
  }
  return { workspaceId: workspace.id, events, stored, seconds: (performance.now() - started) / 1000 };
}
