import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';

/**
 * The conversation engine's read models: each thread's folded state, which ledger events belong to
 * which thread, and the conversations, their cycles (the facts every metric is computed from) and tags.
 */
export function conversationsMigration(dialect: StoreDialect): Migration {
  const big = dialect.bigintType;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('threads')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('thread_key', 'text', (c) => c.notNull())
        .addColumn('last_order_key', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('threads_pk', ['workspace_id', 'thread_key'])
        .execute();

      await db.schema
        .createTable('thread_events')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('thread_key', 'text', (c) => c.notNull())
        .addColumn('position', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('thread_events_pk', ['workspace_id', 'thread_key', 'position'])
        .execute();

      await db.schema
        .createTable('conversations')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('thread_key', 'text', (c) => c.notNull())
        .addColumn('ordinal', 'integer', (c) => c.notNull())
        .addColumn('chat_id', 'text')
        .addColumn('contact_id', 'text')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('owner_type', 'text')
        .addColumn('owner_id', 'text')
        .addColumn('team_id', 'text')
        .addColumn('priority', 'text')
        .addColumn('conversation_type', 'text')
        .addColumn('service_mode', 'text')
        .addColumn('opened_at', big, (c) => c.notNull())
        .addColumn('last_inbound_at', big)
        .addColumn('last_outbound_at', big)
        .addColumn('last_activity_at', big, (c) => c.notNull())
        .addColumn('waiting_since', big)
        .addColumn('window_closes_at', big)
        .addColumn('next_action_due_at', big)
        .addColumn('superseded_by', 'text')
        .addColumn('cycle_count', 'integer', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('conversations_pk', ['workspace_id', 'conversation_id'])
        .execute();
      await db.schema
        .createIndex('conversations_by_thread')
        .on('conversations')
        .columns(['workspace_id', 'thread_key'])
        .execute();
      await db.schema
        .createIndex('conversations_by_activity')
        .on('conversations')
        .columns(['workspace_id', 'last_activity_at', 'conversation_id'])
        .execute();
      await db.schema
        .createIndex('conversations_by_status')
        .on('conversations')
        .columns(['workspace_id', 'status'])
        .execute();
      await db.schema
        .createIndex('conversations_by_owner')
        .on('conversations')
        .columns(['workspace_id', 'owner_id'])
        .execute();

      await db.schema
        .createTable('conversation_tags')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('thread_key', 'text', (c) => c.notNull())
        .addColumn('tag', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('conversation_tags_pk', ['workspace_id', 'conversation_id', 'tag'])
        .execute();
      await db.schema
        .createIndex('conversation_tags_by_tag')
        .on('conversation_tags')
        .columns(['workspace_id', 'tag'])
        .execute();
      await db.schema
        .createIndex('conversation_tags_by_thread')
        .on('conversation_tags')
        .columns(['workspace_id', 'thread_key'])
        .execute();

      await db.schema
        .createTable('cycles')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('cycle_index', 'integer', (c) => c.notNull())
        .addColumn('thread_key', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text')
        .addColumn('started_at', big, (c) => c.notNull())
        .addColumn('ended_at', big)
        .addColumn('end_status', 'text')
        .addColumn('owner_id', 'text')
        .addColumn('team_id', 'text')
        .addColumn('first_response_at', big)
        .addColumn('first_response_seconds', 'real')
        .addColumn('first_responder_id', 'text')
        .addColumn('bot_first_response_seconds', 'real')
        .addColumn('resolution_seconds', 'real')
        .addColumn('reopened', 'integer', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('inbound_count', 'integer', (c) => c.notNull())
        .addColumn('outbound_count', 'integer', (c) => c.notNull())
        .addColumn('handoff_count', 'integer', (c) => c.notNull())
        .addColumn('csat_score', 'integer')
        .addColumn('facts', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('cycles_pk', ['workspace_id', 'conversation_id', 'cycle_index'])
        .execute();
      await db.schema
        .createIndex('cycles_by_thread')
        .on('cycles')
        .columns(['workspace_id', 'thread_key'])
        .execute();
      await db.schema
        .createIndex('cycles_by_start')
        .on('cycles')
        .columns(['workspace_id', 'started_at'])
        .execute();
      await db.schema
        .createIndex('cycles_by_end')
        .on('cycles')
        .columns(['workspace_id', 'ended_at'])
        .execute();
    },
  };
}
