import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/temporary-postgres.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from './support/backends.js';
import { fullConversationBatch } from './fixtures/capture-events.js';

const CLI = ['--import', 'tsx', path.resolve('src/cli/run.ts')];

function chatledger(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [...CLI, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The storage flags of a test database, as a user would type them. */
const storageFlags = (database: TestDatabase) =>
  database.config.databaseUrl
    ? ['--database-url', database.config.databaseUrl]
    : ['--db', database.config.dbPath];

async function waitForHealth(url: string): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt++) {
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not become healthy within 15 s`);
}

describe('chatledger --help', () => {
  it('shows every configuration key with its environment variable', () => {
    const top = chatledger(['--help']);
    expect(top.status).toBe(0);
    for (const text of [
      'serve',
      'workspace',
      'verify',
      'rebuild',
      'quarantine',
      'DATABASE_URL',
      'CAPTURE_MAX_BATCH_EVENTS',
    ])
      expect(top.stdout).toContain(text);
    // Commander wraps long help lines; compare with the wrapping undone.
    const serve = chatledger(['serve', '--help']).stdout.replace(/\s+/g, ' ');
    for (const text of ['--port <n>', '--db <value>', 'env PORT', 'default: 8080', './data/chatledger.db'])
      expect(serve).toContain(text);
  });
});

describe.each(BACKENDS)('the chatledger command on %s', (backend) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(backend);
  });
  afterAll(() => database.drop());

  it('workspace create --json prints the id and both keys', () => {
    const result = chatledger(['workspace', 'create', 'Acme', ...storageFlags(database), '--json']);
    expect(result.status).toBe(0);
    const created = JSON.parse(result.stdout) as Record<string, string>;
    expect(Object.keys(created).sort()).toEqual(['id', 'secretKey', 'writeKey']);
    expect(created.writeKey).toMatch(/^wk_/);
    expect(created.secretKey).toMatch(/^sk_/);
  });

  it('serve stores events, finishes an in-flight batch on SIGTERM, then verify, rebuild and quarantine work', async () => {
    const fresh = await createTestDatabase(backend);
    try {
      const port = await freePort();
      const keysFile = fresh.config.keysFile as string;
      const server = spawn(
        process.execPath,
        [
          ...CLI,
          'serve',
          '--port',
          String(port),
          '--host',
          '127.0.0.1',
          '--log-level',
          'warn',
          '--keys-file',
          keysFile,
          ...storageFlags(fresh),
        ],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      server.stdout.on('data', (chunk) => (output += chunk));
      server.stderr.on('data', (chunk) => (output += chunk));
      const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
      const url = `http://127.0.0.1:${port}`;
      await waitForHealth(url);
      // First start on an empty database: a default workspace whose keys are printed and saved.
      const keys = JSON.parse(fs.readFileSync(keysFile, 'utf8')) as { writeKey: string };
      expect(output).toContain(keys.writeKey);

      const post = (body: unknown) =>
        fetch(`${url}/v1/capture`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.writeKey}` },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(20_000),
        });
      expect((await post(fullConversationBatch('chat-cli'))).status).toBe(200);
      const bad = {
        event: 'message.received',
        userId: '+34 612 345 678',
        properties: { messageId: 'q-1', attachmentNote: 'x'.repeat(300_000) },
      };
      const rejected = (await (await post({ batch: [bad] })).json()) as { rejected: { code: string }[] };
      expect(rejected.rejected[0]?.code).toBe('event_too_large');

      // A batch in flight when SIGTERM arrives is still answered and stored.
      const inFlight = post(fullConversationBatch('chat-inflight'));
      await new Promise((resolve) => setTimeout(resolve, 5));
      server.kill('SIGTERM');
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ accepted: 7, duplicates: 0, rejected: [] });
      expect(await exited).toBe(0);

      const verify = chatledger(['verify', ...storageFlags(fresh)]);
      expect(verify.stdout).toContain('ok: 14 events in 1 workspace(s) verified');
      expect(verify.status).toBe(0);

      const rebuild = chatledger(['rebuild', ...storageFlags(fresh)]);
      expect(rebuild.status).toBe(0);
      expect(rebuild.stdout).toContain('rebuilt projections from 14 events');

      const listed = chatledger(['quarantine', 'list', '--json', ...storageFlags(fresh)]);
      const items = JSON.parse(listed.stdout) as { id: string; code: string }[];
      expect(items.map((item) => item.code)).toEqual(['event_too_large']);
      // After the fix (a larger event limit), the replay stores it.
      const replay = chatledger([
        'quarantine',
        'replay',
        '--all',
        '--json',
        '--max-event-bytes',
        '1000000',
        ...storageFlags(fresh),
      ]);
      expect(JSON.parse(replay.stdout)).toEqual([
        expect.objectContaining({ id: items[0]?.id, status: 'replayed' }),
      ]);
      expect(JSON.parse(chatledger(['quarantine', 'list', '--json', ...storageFlags(fresh)]).stdout)).toEqual(
        [],
      );
    } finally {
      await fresh.drop();
    }
  });
});

describe('chatledger verify on a tampered SQLite file', () => {
  it('exits 1 and names the first event that does not match', async () => {
    const database = await createTestDatabase('sqlite');
    try {
      const flags = storageFlags(database);
      const created = JSON.parse(chatledger(['workspace', 'create', 'T', ...flags, '--json']).stdout) as {
        id: string;
      };
      const { LedgerWriter } = await import('../src/ledger/writer.js');
      const { openMigratedStore } = await import('../src/app.js');
      const { prepareCaptureEvent } = await import('../src/ingest/capture/prepare-event.js');
      const store = await openMigratedStore(database.config);
      const events = fullConversationBatch('chat-t').batch.map((raw) => {
        const prepared = prepareCaptureEvent(raw, {
          source: 'capture',
          receivedAt: Date.now(),
          maxEventBytes: 1e6,
          maxFutureMs: 1e6,
          newEventId: () => crypto.randomUUID(),
        });
        if (!prepared.ok) throw new Error(prepared.message);
        return prepared.event;
      });
      await new LedgerWriter(store).append(created.id, events);
      await store.close();

      const raw = new SqliteDatabase(database.config.dbPath);
      raw.exec('DROP TRIGGER events_refuse_update');
      raw.prepare("UPDATE events SET actor_id = 'someone-else' WHERE seq = 3").run();
      const eventId = (raw.prepare('SELECT event_id FROM events WHERE seq = 3').get() as { event_id: string })
        .event_id;
      raw.close();

      const verify = chatledger(['verify', ...flags]);
      expect(verify.status).toBe(1);
      expect(verify.stdout).toContain(`hash_mismatch in workspace ${created.id} at seq 3 (event ${eventId}`);
    } finally {
      await database.drop();
    }
  });
});
