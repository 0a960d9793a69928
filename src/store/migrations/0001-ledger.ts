import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';

/** The ledger, its chain heads, workspaces and keys, the quarantine, and the first projections. */
export function ledgerMigration(dialect: StoreDialect): Migration {
  const big = dialect.bigintType;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('workspaces')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('key_prefix', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('revoked_at', big)
        .execute();

      await db.schema
        .createTable('events')
        .addColumn('position', dialect.identityType, (c) => dialect.identityPrimaryKey(c))
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('seq', big, (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('event_time', big, (c) => c.notNull())
        .addColumn('received_at', big, (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('actor_type', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('contact_id', 'text')
        .addColumn('conversation_id', 'text')
        .addColumn('message_id', 'text')
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addUniqueConstraint('events_idempotency', ['workspace_id', 'idempotency_key'])
        .addUniqueConstraint('events_workspace_seq', ['workspace_id', 'seq'])
        .execute();
      for (const statement of dialect.appendOnlyTriggers('events')) await sql.raw(statement).execute(db);

      await db.schema
        .createTable('ledger_heads')
        .addColumn('workspace_id', 'text', (c) => c.primaryKey())
        .addColumn('seq', big, (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('quarantine')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('received_at', big, (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('raw', 'text', (c) => c.notNull())
        .addColumn('envelope', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('replayed_at', big)
        .addColumn('replayed_event_id', 'text')
        .execute();
      await db.schema
        .createIndex('quarantine_by_workspace')
        .on('quarantine')
        .columns(['workspace_id', 'status', 'received_at'])
        .execute();

      await db.schema
        .createTable('contacts')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('phone', 'text')
        .addColumn('country', 'text')
        .addColumn('name', 'text')
        .addColumn('name_version', 'text')
        .addColumn('source', 'text')
        .addColumn('source_version', 'text')
        .addColumn('opted_out', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('opted_version', 'text')
        .addColumn('first_seen_at', big, (c) => c.notNull())
        .addColumn('last_seen_at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('contacts_pk', ['workspace_id', 'contact_id'])
        .execute();

      await db.schema
        .createTable('messages')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('direction', 'text')
        .addColumn('contact_id', 'text')
        .addColumn('chat_id', 'text')
        .addColumn('channel', 'text')
        .addColumn('content_type', 'text')
        .addColumn('has_media', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('text', 'text')
        .addColumn('template_id', 'text')
        .addColumn('agent_id', 'text')
        .addColumn('campaign_id', 'text')
        .addColumn('service_mode', 'text')
        .addColumn('actor_type', 'text')
        .addColumn('message_version', 'text')
        .addColumn('message_at', big)
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_rank', 'integer', (c) => c.notNull())
        .addColumn('sent_at', big)
        .addColumn('delivered_at', big)
        .addColumn('read_at', big)
        .addColumn('played_at', big)
        .addColumn('failed_at', big)
        .addColumn('error', 'text')
        .addColumn('error_version', 'text')
        .addColumn('pricing', 'text')
        .addColumn('pricing_version', 'text')
        .addPrimaryKeyConstraint('messages_pk', ['workspace_id', 'message_id'])
        .execute();

      await db.schema
        .createTable('event_types')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('count', big, (c) => c.notNull())
        .addColumn('first_seen_at', big, (c) => c.notNull())
        .addColumn('last_seen_at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('event_types_pk', ['workspace_id', 'type'])
        .execute();
    },
  };
}
