/**
 * The ingest baseline: how fast raw better-sqlite3 stores the same events as flat rows, with nothing
 * of chatledger around it (no HTTP, no validation, no hash chain, no projections, no group commit).
 *
 * Same rows: every generated event, prepared once by the capture API's own `prepareCaptureEvent` into
 * workspace, idempotency key, type, event and receive time, actor, subject ids and payload JSON.
 * Same durability: WAL with the server's `synchronous` setting. Same unit of commit: one transaction
 * per benchmark batch. Same dedupe: a unique index on (workspace_id, idempotency_key), duplicates
 * skipped with ON CONFLICT DO NOTHING. Only the transactions are timed; preparing the rows is not.
 */
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { prepareCaptureEvent } from '../src/ingest/capture/prepare-event.js';
import type { CaptureEvent } from './generator.js';

export interface BaselineResult {
  /** Rows offered to INSERT (duplicates included, like the events sent over HTTP). */
  events: number;
  /** Rows in the table at the end: must equal the generator's distinct count. */
  stored: number;
  transactions: number;
  /** Time spent inside the insert transactions, commits (and their fsyncs) included. */
  insertMs: number;
  /** Wall time of the whole baseline, row preparation included. */
  wallMs: number;
  synchronous: string;
}

type Row = [
  string,
  string,
  string,
  number,
  number,
  string,
  string | null,
  string | null,
  string | null,
  string | null,
  string,
];

export function runSqliteBaseline(options: {
  dbPath: string;
  synchronous: string;
  batches: Iterable<readonly CaptureEvent[]>;
  workspaceId?: string;
}): BaselineResult {
  const started = performance.now();
  const db = new Database(options.dbPath);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous.toUpperCase()}`);
    const synchronous = String(db.pragma('synchronous', { simple: true }));
    db.exec(`CREATE TABLE events (
      workspace_id TEXT NOT NULL,
      idempotency_key TEXT NOT NULL,
      type TEXT NOT NULL,
      event_time INTEGER NOT NULL,
      received_at INTEGER NOT NULL,
      actor_type TEXT NOT NULL,
      actor_id TEXT,
      contact_id TEXT,
      conversation_id TEXT,
      message_id TEXT,
      payload TEXT NOT NULL
    );
    CREATE UNIQUE INDEX events_idempotency ON events (workspace_id, idempotency_key);`);
    const insert = db.prepare(
      `INSERT INTO events (workspace_id, idempotency_key, type, event_time, received_at, actor_type, actor_id,
         contact_id, conversation_id, message_id, payload)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    const insertAll = db.transaction((rows: readonly Row[]) => {
      for (const row of rows) insert.run(...row);
    });

    const workspaceId = options.workspaceId ?? 'ws_baseline';
    const receivedAt = Date.now();
    let eventNumber = 0;
    const context = {
      source: 'capture' as const,
      receivedAt,
      maxEventBytes: 256 * 1024,
      maxFutureMs: 3_600_000,
      newEventId: () => `e${(eventNumber += 1)}`,
    };
    const result = { events: 0, transactions: 0, insertMs: 0 };
    for (const batch of options.batches) {
      const rows: Row[] = [];
      for (const raw of batch) {
        const prepared = prepareCaptureEvent(raw, context);
        if (!prepared.ok) throw new Error(`baseline: generated event refused: ${prepared.message}`);
        const event = prepared.event;
        rows.push([
          workspaceId,
          event.idempotencyKey,
          event.type,
          event.eventTime,
          event.receivedAt,
          event.actor.type,
          event.actor.id,
          event.subjects.contactId,
          event.subjects.conversationId,
          event.subjects.messageId,
          JSON.stringify(event.payload),
        ]);
      }
      const before = performance.now();
      insertAll(rows);
      result.insertMs += performance.now() - before;
      result.events += rows.length;
      result.transactions += 1;
    }
    const stored = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    return {
      ...result,
      stored,
      wallMs: performance.now() - started,
      synchronous: synchronousName(synchronous),
    };
  } finally {
    db.close();
  }
}

/** PRAGMA synchronous answers a number: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
function synchronousName(value: string): string {
  return ['OFF', 'NORMAL', 'FULL', 'EXTRA'][Number(value)] ?? value;
}
