import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';

/**
 * The metrics read models (docs/metrics.md "Read models"):
 * - `metric_facts`: one row per dated figure of a cycle (a first response, each reply time, a resolution,
 *   a rating, a sale...), dated by DESIGN.md's dating rule, with the cycle's dimensions copied on the row.
 *   Every metrics query is a range scan of `(workspace_id, metric, at)`: its cost grows with the figures in
 *   the range, never with the age of the data. Where the database can (SQLite `WITHOUT ROWID`), the rows
 *   are stored in that order, so the scan reads them contiguously; elsewhere an index includes the columns
 *   the common questions read.
 * - `message_facts`: one row per message with its delivery funnel, pricing, tracked-link clicks and the
 *   cycle it belongs to; `link_clicks` and `contact_opt_outs` feed the engagement figures.
 * - dimension columns on `cycles` (the export and the drill-down read them), and time indexes on
 *   `contacts` (new contacts per period).
 * Existing data gets these rows from `chatledger rebuild`.
 */
/** A fact's identity: one per figure of a cycle. */
const IDENTITY = ['workspace_id', 'conversation_id', 'cycle_index', 'metric', 'seq'] as const;
/** The order a metrics question reads facts in: one kind of figure over a range of time. */
const TIME_ORDER = ['workspace_id', 'metric', 'at'] as const;

export function metricsMigration(dialect: StoreDialect): Migration {
  const big = dialect.bigintType;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('metric_facts')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('cycle_index', 'integer', (c) => c.notNull())
        .addColumn('metric', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('at', big, (c) => c.notNull())
        .addColumn('from_at', big)
        .addColumn('value', 'real', (c) => c.notNull())
        .addColumn('business_value', 'real')
        .addColumn('outcome', 'text')
        .addColumn('agent_id', 'text')
        .addColumn('team_id', 'text')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('source', 'text')
        .addColumn('conversation_type', 'text')
        .addColumn('priority', 'text')
        .addColumn('country', 'text')
        .addColumn('campaign', 'text')
        .addColumn('tags', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint(
          'metric_facts_pk',
          dialect.clusteredTables ? [...TIME_ORDER, 'conversation_id', 'cycle_index', 'seq'] : [...IDENTITY],
        )
        .$call((table) => (dialect.clusteredTables ? table.modifyEnd(sql`without rowid`) : table))
        .execute();
      if (dialect.clusteredTables) {
        // The rows are stored in time order; their identity (for rewriting a cycle's facts) is an index.
        await db.schema
          .createIndex('metric_facts_by_cycle')
          .unique()
          .on('metric_facts')
          .columns([...IDENTITY])
          .execute();
      } else {
        await sql`CREATE INDEX metric_facts_by_time ON metric_facts (workspace_id, metric, at)
                  INCLUDE (value, business_value, outcome, agent_id)`.execute(db);
      }

      await db.schema
        .createTable('message_facts')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('at', big, (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('sender_id', 'text')
        .addColumn('contact_id', 'text')
        .addColumn('channel', 'text')
        .addColumn('country', 'text')
        .addColumn('delivered', 'integer', (c) => c.notNull())
        .addColumn('read', 'integer', (c) => c.notNull())
        .addColumn('failed', 'integer', (c) => c.notNull())
        .addColumn('billable', 'integer', (c) => c.notNull())
        .addColumn('pricing_category', 'text')
        .addColumn('template_id', 'text')
        .addColumn('survey', 'integer', (c) => c.notNull())
        .addColumn('campaign_id', 'text')
        .addColumn('link', 'integer', (c) => c.notNull())
        .addColumn('clicked', 'integer', (c) => c.notNull())
        .addColumn('conversation_id', 'text')
        .addColumn('cycle_index', 'integer')
        .addColumn('agent_id', 'text')
        .addColumn('team_id', 'text')
        .addColumn('source', 'text')
        .addColumn('conversation_type', 'text')
        .addColumn('priority', 'text')
        .addColumn('campaign', 'text')
        .addColumn('tags', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint(
          'message_facts_pk',
          dialect.clusteredTables ? ['workspace_id', 'at', 'message_id'] : ['workspace_id', 'message_id'],
        )
        .$call((table) => (dialect.clusteredTables ? table.modifyEnd(sql`without rowid`) : table))
        .execute();
      if (dialect.clusteredTables) {
        await db.schema
          .createIndex('message_facts_by_id')
          .unique()
          .on('message_facts')
          .columns(['workspace_id', 'message_id'])
          .execute();
      } else {
        await sql`CREATE INDEX message_facts_by_time ON message_facts (workspace_id, at)
                  INCLUDE (direction, contact_id, delivered, read, failed, billable, pricing_category, country,
                           survey, template_id, link, clicked, agent_id)`.execute(db);
      }
      await db.schema
        .createIndex('message_facts_by_cycle')
        .on('message_facts')
        .columns(['workspace_id', 'conversation_id', 'cycle_index'])
        .execute();

      // Tracked-link clicks, one row per message clicked (CTR counts unique clicked messages).
      await db.schema
        .createTable('link_clicks')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('first_at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('link_clicks_pk', ['workspace_id', 'message_id'])
        .execute();

      // Each contact's opt-out state (last writer wins by event order), dated by the event that set it.
      await db.schema
        .createTable('contact_opt_outs')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('opted_out', 'integer', (c) => c.notNull())
        .addColumn('at', big, (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('country', 'text')
        .addPrimaryKeyConstraint('contact_opt_outs_pk', ['workspace_id', 'contact_id'])
        .execute();
      await db.schema
        .createIndex('contact_opt_outs_by_time')
        .on('contact_opt_outs')
        .columns(['workspace_id', 'at'])
        .execute();

      for (const column of [
        'cycle_owner_id',
        'cycle_team_id',
        'priority',
        'conversation_type',
        'source',
        'campaign',
        'country',
        'tags',
      ]) {
        await db.schema.alterTable('cycles').addColumn(column, 'text').execute();
      }
      await db.schema
        .createIndex('contacts_by_first_seen')
        .on('contacts')
        .columns(['workspace_id', 'first_seen_at'])
        .execute();
    },
  };
}
