/**
 * Wiring: open and migrate the store, make sure a workspace exists, start the HTTP server, and shut
 * down in the right order (stop taking requests, let in-flight batches commit, close the database).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { keysFilePath, type Config } from './config.js';
import { buildServer } from './http/server.js';
import { autoResolveInactive } from './jobs/auto-resolve.js';
import { startScheduler, type Scheduler } from './jobs/scheduler.js';
import { LedgerWriter } from './ledger/writer.js';
import { migrateToLatest } from './store/migrate.js';
import { openStore, type Store } from './store/open.js';
import { createWorkspace, type CreatedWorkspace } from './workspaces/workspaces.js';

/** How often background jobs (auto-resolve) look for due work. */
const JOBS_INTERVAL_MS = 15_000;

export interface RunningApp {
  url: string;
  store: Store;
  writer: LedgerWriter;
  server: FastifyInstance;
  scheduler: Scheduler;
  /** The workspace created on this first start, with its keys (null when one existed already). */
  createdWorkspace: CreatedWorkspace | null;
  close(): Promise<void>;
}

export async function openMigratedStore(config: Config): Promise<Store> {
  const store = openStore({
    dbPath: config.dbPath,
    databaseUrl: config.databaseUrl,
    sqliteSynchronous: config.sqliteSynchronous,
  });
  try {
    await migrateToLatest(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/** On a first start with an empty database: a default workspace whose keys are printed and saved. */
async function ensureDefaultWorkspace(store: Store, config: Config): Promise<CreatedWorkspace | null> {
  const existing = await store.db.selectFrom('workspaces').select('id').limit(1).executeTakeFirst();
  if (existing) return null;
  const workspace = await createWorkspace(store.db, 'Default', Date.now());
  const file = keysFilePath(config);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(
    file,
    `${JSON.stringify({ ...workspace, createdAt: new Date().toISOString() }, null, 2)}\n`,
    {
      mode: 0o600,
    },
  );
  return workspace;
}

export async function startApp(
  config: Config,
  announce: (line: string) => void = () => {},
): Promise<RunningApp> {
  const store = await openMigratedStore(config);
  const createdWorkspace = await ensureDefaultWorkspace(store, config);
  if (createdWorkspace) {
    announce(`Created workspace "${createdWorkspace.name}" (${createdWorkspace.id})`);
    announce(`  write key  (capture API): ${createdWorkspace.writeKey}`);
    announce(`  secret key (REST API):    ${createdWorkspace.secretKey}`);
    announce(`  saved to ${path.resolve(keysFilePath(config))}; only their hashes are in the database.`);
  }
  const writer = new LedgerWriter(store, config.commitBatchEvents);
  const server = buildServer({ config, store, writer });
  let address: string;
  try {
    address = await server.listen({ port: config.port, host: config.host });
  } catch (error) {
    await store.close();
    throw error;
  }
  const scheduler = startScheduler(
    [{ name: 'auto-resolve', run: (now) => autoResolveInactive(store, writer, now) }],
    {
      intervalMs: JOBS_INTERVAL_MS,
      onError: (job, error) => server.log.error({ err: error, job }, 'background job failed'),
    },
  );
  let closing: Promise<void> | undefined;
  return {
    url: address,
    store,
    writer,
    server,
    scheduler,
    createdWorkspace,
    close: () =>
      (closing ??= (async () => {
        await scheduler.stop();
        await server.close();
        await writer.flush();
        await store.close();
      })()),
  };
}
