import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { postgresDialect, sqliteDialect, type StoreDialect } from './dialect.js';
import type { Database } from './schema.js';

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /** A human-readable name of where the data lives (never includes a password). */
  readonly location: string;
  close(): Promise<void>;
}

export interface StoreOptions {
  dbPath: string;
  databaseUrl?: string | undefined;
  sqliteSynchronous?: string;
}

// PostgreSQL's int8 (oid 20) arrives as a string by default; every int8 here (positions, epoch ms, counts)
// stays below 2^53, so a plain number is exact and matches what SQLite returns.
const INT8_OID = 20;
const pgTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export function openStore(options: StoreOptions): Store {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  return openSqlite(options.dbPath, options.sqliteSynchronous ?? 'FULL');
}

function openSqlite(dbPath: string, synchronous: string): Store {
  if (dbPath !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(dbPath)), { recursive: true });
  const database = new SqliteDatabase(dbPath);
  database.pragma('journal_mode = WAL');
  database.pragma(`synchronous = ${synchronous.toUpperCase()}`);
  // A CLI command (verify, quarantine replay) may run beside the server: wait for its lock, don't fail.
  database.pragma('busy_timeout = 10000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return {
    db,
    dialect: sqliteDialect,
    location: path.resolve(dbPath),
    close: () => db.destroy(),
  };
}

/**
 * Kysely's SQLite driver prepares every query it runs; preparing costs as much as running a small
 * insert. The ledger's hot path repeats the same few statements, so prepared statements are kept by
 * SQL text (least recently used out first). Reusing one is safe: the driver runs one query at a time.
 */
function withStatementCache(database: SqliteDatabase.Database, capacity = 500) {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => database.close(),
    prepare(sqlText: string) {
      let statement = statements.get(sqlText);
      if (statement) statements.delete(sqlText);
      else statement = database.prepare(sqlText);
      statements.set(sqlText, statement);
      if (statements.size > capacity) statements.delete(statements.keys().next().value as string);
      return statement;
    },
  };
}

function openPostgres(databaseUrl: string): Store {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, types: pgTypes });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const url = new URL(databaseUrl);
  return {
    db,
    dialect: postgresDialect,
    location: `postgres://${url.hostname}:${url.port || 5432}${url.pathname}`,
    close: () => db.destroy(),
  };
}
