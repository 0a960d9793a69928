/**
 * One contract suite, every backend (STYLE.md §5): tests loop over BACKENDS and get a fresh, migrated
 * store of each kind: a new SQLite file, or a new database on the run's PostgreSQL server.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { openMigratedStore, startApp, type RunningApp } from '../../src/app.js';
import type { Store } from '../../src/store/open.js';
import { createWorkspace, type CreatedWorkspace } from '../../src/workspaces/workspaces.js';

export const BACKENDS = ['sqlite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface TestDatabase {
  config: Config;
  drop(): Promise<void>;
}

/** A fresh empty database of the backend, as a configuration (nothing opened yet). */
export async function createTestDatabase(
  backend: Backend,
  overrides: Partial<Config> = {},
): Promise<TestDatabase> {
  const base = { logLevel: 'silent', port: 0, host: '127.0.0.1' } as const;
  if (backend === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatledger-test-'));
    return {
      config: {
        ...loadConfig({}, {}),
        ...base,
        dbPath: path.join(dir, 'chatledger.db'),
        keysFile: path.join(dir, 'keys.json'),
        ...overrides,
      },
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const adminUrl = inject('postgresUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatledger-test-'));
  return {
    config: {
      ...loadConfig({}, {}),
      ...base,
      databaseUrl: url.toString(),
      keysFile: path.join(dir, 'keys.json'),
      ...overrides,
    },
    drop: async () => {
      fs.rmSync(dir, { recursive: true, force: true });
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface TestStore {
  store: Store;
  workspace: CreatedWorkspace;
  config: Config;
  close(): Promise<void>;
}

/** A migrated store with one workspace. */
export async function openTestStore(backend: Backend): Promise<TestStore> {
  const database = await createTestDatabase(backend);
  const store = await openMigratedStore(database.config);
  const workspace = await createWorkspace(store.db, 'Test', Date.UTC(2026, 0, 1));
  return {
    store,
    workspace,
    config: database.config,
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
}

export interface TestApp {
  app: RunningApp;
  baseUrl: string;
  workspace: CreatedWorkspace;
  config: Config;
  /** POSTs JSON and returns the status and parsed body. */
  post(
    pathname: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
  get(pathname: string, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** The real server on a loopback port, on a fresh database whose default workspace it created. */
export async function startTestApp(backend: Backend, overrides: Partial<Config> = {}): Promise<TestApp> {
  const database = await createTestDatabase(backend, overrides);
  const app = await startApp(database.config);
  const workspace = app.createdWorkspace as CreatedWorkspace;
  const baseUrl = app.url;
  const request = async (
    method: string,
    pathname: string,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${baseUrl}${pathname}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
  };
  return {
    app,
    baseUrl,
    workspace,
    config: database.config,
    post: (pathname, body, headers) => request('POST', pathname, body, headers),
    get: (pathname, headers) => request('GET', pathname, undefined, headers),
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
