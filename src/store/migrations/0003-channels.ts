import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';

/**
 * WhatsApp channels (one per business number of a workspace) and their webhook counters. Neither is a
 * projection of the ledger: channels are configuration, the counters are operational figures about requests
 * (including rejected ones that never reach the ledger), so `chatledger rebuild` leaves both alone.
 */
export function channelsMigration(dialect: StoreDialect): Migration {
  const big = dialect.bigintType;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('channels')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('app_secret', 'text', (c) => c.notNull())
        .addColumn('verify_token', 'text', (c) => c.notNull())
        .addColumn('access_token', 'text')
        .addColumn('graph_url', 'text')
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('updated_at', big, (c) => c.notNull())
        .addUniqueConstraint('channels_workspace_phone_number', ['workspace_id', 'phone_number_id'])
        .execute();

      await db.schema
        .createTable('channel_stats')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('channel_id', 'text', (c) => c.notNull())
        .addColumn('signatures_rejected', big, (c) => c.notNull().defaultTo(0))
        .addColumn('notifications_accepted', big, (c) => c.notNull().defaultTo(0))
        .addColumn('events_stored', big, (c) => c.notNull().defaultTo(0))
        .addColumn('events_duplicate', big, (c) => c.notNull().defaultTo(0))
        .addColumn('items_quarantined', big, (c) => c.notNull().defaultTo(0))
        .addColumn('last_notification_at', big)
        .addColumn('last_signature_rejected_at', big)
        .addPrimaryKeyConstraint('channel_stats_pk', ['workspace_id', 'channel_id'])
        .execute();
    },
  };
}
