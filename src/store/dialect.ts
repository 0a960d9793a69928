/**
 * Where SQLite and PostgreSQL differ, said once as named capabilities (the idea of Kysely's
 * `DialectAdapter`), so the rest of the code never asks "is this SQLite?".
 */
import type { ColumnDefinitionBuilder } from 'kysely';

export interface StoreDialect {
  readonly name: 'sqlite' | 'postgres';
  /** Column type for epoch milliseconds and counters (64-bit). */
  readonly bigintType: 'integer' | 'bigint';
  /** Makes a column the auto-incrementing primary key (the ledger's global position). */
  identityPrimaryKey(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  readonly identityType: 'integer' | 'bigint';
  /** Whether `SELECT … FOR UPDATE [SKIP LOCKED]` exists. Without it (SQLite) one writer at a time is guaranteed by the database. */
  readonly supportsRowLocks: boolean;
  /** SQL statements that make the database itself refuse UPDATE and DELETE on a table. */
  appendOnlyTriggers(table: string): string[];
  /** Statements that remove those triggers again (used only by tests proving that `verify` catches tampering). */
  dropAppendOnlyTriggers(table: string): string[];
  /** Largest number of bound parameters one statement may carry. */
  readonly maxParameters: number;
  /** The n-th (1-based) bound-parameter placeholder in raw SQL: `?` in SQLite, `$n` in PostgreSQL. */
  placeholder(index: number): string;
  /** The two-argument smallest/largest-of functions (`min(a, b)` in SQLite, `least(a, b)` in PostgreSQL). */
  readonly leastFunction: 'min' | 'least';
  readonly greatestFunction: 'max' | 'greatest';
  /** `f(text, part)`: the 1-based position of `part` in `text`, 0 when absent (case-sensitive on both). */
  readonly positionFunction: 'instr' | 'strpos';
  /**
   * Whether a table can be stored in the order of its primary key (SQLite `WITHOUT ROWID`), so a range scan
   * of the key reads its rows contiguously. PostgreSQL heaps cannot; there an index `INCLUDE`s the columns
   * a range scan needs instead (`indexInclude`), for index-only scans.
   */
  readonly clusteredTables: boolean;
  /** Whether an index can carry extra, unsorted columns (`CREATE INDEX … INCLUDE (…)`). */
  readonly indexInclude: boolean;
}

export const sqliteDialect: StoreDialect = {
  name: 'sqlite',
  bigintType: 'integer',
  identityType: 'integer',
  identityPrimaryKey: (column) => column.primaryKey().autoIncrement(),
  supportsRowLocks: false,
  appendOnlyTriggers: (table) => [
    `CREATE TRIGGER ${table}_refuse_update BEFORE UPDATE ON ${table}
       BEGIN SELECT RAISE(ABORT, 'ledger_append_only: ${table} rows cannot be updated'); END`,
    `CREATE TRIGGER ${table}_refuse_delete BEFORE DELETE ON ${table}
       BEGIN SELECT RAISE(ABORT, 'ledger_append_only: ${table} rows cannot be deleted'); END`,
  ],
  dropAppendOnlyTriggers: (table) => [
    `DROP TRIGGER IF EXISTS ${table}_refuse_update`,
    `DROP TRIGGER IF EXISTS ${table}_refuse_delete`,
  ],
  // SQLite's default SQLITE_MAX_VARIABLE_NUMBER since 3.32.
  maxParameters: 32_766,
  placeholder: () => '?',
  leastFunction: 'min',
  greatestFunction: 'max',
  positionFunction: 'instr',
  clusteredTables: true,
  indexInclude: false,
};

export const postgresDialect: StoreDialect = {
  name: 'postgres',
  bigintType: 'bigint',
  identityType: 'bigint',
  identityPrimaryKey: (column) => column.primaryKey().generatedAlwaysAsIdentity(),
  supportsRowLocks: true,
  appendOnlyTriggers: (table) => [
    `CREATE OR REPLACE FUNCTION chatledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'ledger_append_only: % rows cannot be %d', TG_TABLE_NAME, lower(TG_OP); END $$`,
    `CREATE TRIGGER ${table}_refuse_change BEFORE UPDATE OR DELETE ON ${table}
       FOR EACH ROW EXECUTE FUNCTION chatledger_refuse_change()`,
    `CREATE TRIGGER ${table}_refuse_truncate BEFORE TRUNCATE ON ${table}
       FOR EACH STATEMENT EXECUTE FUNCTION chatledger_refuse_change()`,
  ],
  dropAppendOnlyTriggers: (table) => [
    `DROP TRIGGER IF EXISTS ${table}_refuse_change ON ${table}`,
    `DROP TRIGGER IF EXISTS ${table}_refuse_truncate ON ${table}`,
  ],
  // The wire protocol counts parameters in 16 bits.
  maxParameters: 65_535,
  placeholder: (index) => `$${index}`,
  leastFunction: 'least',
  greatestFunction: 'greatest',
  positionFunction: 'strpos',
  clusteredTables: false,
  indexInclude: true,
};
