import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Store } from './open.js';
import { ledgerMigration } from './migrations/0001-ledger.js';
import { conversationsMigration } from './migrations/0002-conversations.js';
import { channelsMigration } from './migrations/0003-channels.js';
import { metricsMigration } from './migrations/0004-metrics.js';
import { peopleMigration } from './migrations/0005-people.js';

/** Migrations in code, named so they sort in the order they must run. */
function migrationsFor(store: Store): Record<string, Migration> {
  return {
    '0001-ledger': ledgerMigration(store.dialect),
    '0002-conversations': conversationsMigration(store.dialect),
    '0003-channels': channelsMigration(store.dialect),
    '0004-metrics': metricsMigration(store.dialect),
    '0005-people': peopleMigration(store.dialect),
  };
}

export class MigrationError extends Error {
  readonly code = 'migration_failed';
}

/** Brings the schema up to date. Safe to call on every start, and from several nodes at once on PostgreSQL (Kysely takes an advisory lock). */
export async function migrateToLatest(store: Store): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(store) };
  const migrator = new Migrator({ db: store.db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error) {
    throw new MigrationError(
      `database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
