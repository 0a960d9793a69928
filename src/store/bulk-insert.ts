/**
 * Multi-row INSERT (optionally an upsert) for the ingest hot path. Building these through Kysely's
 * query builder costs a node per value (thousands per commit) and a new SQL text per row count; here
 * the SQL text is built once per shape and cached (so SQLite's prepared-statement cache hits), and
 * the values go straight into the parameter list. Both dialects accept this SQL.
 */
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { StoreDialect } from './dialect.js';
import type { Database } from './schema.js';

export interface InsertOptions {
  /** ON CONFLICT (columns) DO UPDATE SET every other column = excluded (or DO NOTHING when `update` is 'nothing'). */
  onConflict?: { columns: readonly string[]; update: 'all' | 'nothing' };
  returning?: readonly string[];
}

/** Rows per statement: big enough to amortise the round trip, small enough to keep SQL texts few. */
const ROWS_PER_STATEMENT = 200;
const sqlCache = new Map<string, string>();

const quote = (name: string) => `"${name}"`;

function insertSql(
  dialect: StoreDialect,
  table: string,
  columns: readonly string[],
  rowCount: number,
  options: InsertOptions,
): string {
  const cacheKey = `${dialect.name}|${table}|${columns.join(',')}|${rowCount}|${JSON.stringify(options)}`;
  const cached = sqlCache.get(cacheKey);
  if (cached) return cached;
  let parameter = 0;
  const tuples: string[] = [];
  for (let row = 0; row < rowCount; row++) {
    const placeholders = columns.map(() => dialect.placeholder(++parameter));
    tuples.push(`(${placeholders.join(',')})`);
  }
  let text = `insert into ${quote(table)} (${columns.map(quote).join(',')}) values ${tuples.join(',')}`;
  const conflict = options.onConflict;
  if (conflict) {
    const updated = columns.filter((column) => !conflict.columns.includes(column));
    text += ` on conflict (${conflict.columns.map(quote).join(',')}) `;
    text +=
      conflict.update === 'nothing' || updated.length === 0
        ? 'do nothing'
        : `do update set ${updated.map((column) => `${quote(column)} = excluded.${quote(column)}`).join(',')}`;
  }
  if (options.returning?.length) text += ` returning ${options.returning.map(quote).join(',')}`;
  if (sqlCache.size > 1000) sqlCache.clear();
  sqlCache.set(cacheKey, text);
  return text;
}

export async function insertRows<R = unknown>(
  db: Kysely<Database> | Transaction<Database>,
  dialect: StoreDialect,
  table: keyof Database,
  rows: readonly object[],
  options: InsertOptions = {},
): Promise<R[]> {
  const first = rows[0];
  if (!first) return [];
  const columns = Object.keys(first);
  const perStatement = Math.max(
    1,
    Math.min(ROWS_PER_STATEMENT, Math.floor(dialect.maxParameters / columns.length)),
  );
  const returned: R[] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const part = rows.slice(start, start + perStatement);
    const parameters: unknown[] = [];
    for (const row of part)
      for (const column of columns) parameters.push((row as Record<string, unknown>)[column]);
    const result = await db.executeQuery<R>(
      CompiledQuery.raw(insertSql(dialect, table, columns, part.length, options), parameters),
    );
    returned.push(...result.rows);
  }
  return returned;
}
