import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';

/**
 * The people who use chatledger and how they are organised: users (who are also the agents that own
 * conversations: a user's id is the `agentId` on events), teams with members and leads, sign-in sessions and
 * the canned replies agents insert by shortcut. All of it is configuration, not a projection of the ledger:
 * `chatledger rebuild` leaves it alone. Changes made through the API are also recorded as audit events.
 */
export function peopleMigration(dialect: StoreDialect): Migration {
  const big = dialect.bigintType;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
        // Stored lower-cased; one account per address across the installation, so signing in needs no
        // workspace name and a user can never land in another workspace.
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('skills', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('capacity', 'integer')
        .addColumn('language', 'text')
        .addColumn('time_zone', 'text')
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('updated_at', big, (c) => c.notNull())
        .addColumn('disabled_at', big)
        .execute();
      await db.schema.createIndex('users_by_workspace').on('users').columns(['workspace_id', 'id']).execute();

      await db.schema
        .createTable('teams')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('teams_pk', ['workspace_id', 'id'])
        .execute();

      await db.schema
        .createTable('team_members')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('team_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('is_lead', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('team_members_pk', ['workspace_id', 'team_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('team_members_by_user')
        .on('team_members')
        .columns(['workspace_id', 'user_id'])
        .execute();

      await db.schema
        .createTable('sessions')
        // SHA-256 of the session token: the cookie holds the token, the database only its hash.
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('last_seen_at', big, (c) => c.notNull())
        .addColumn('expires_at', big, (c) => c.notNull())
        .addColumn('user_agent', 'text')
        .addColumn('ip', 'text')
        .execute();
      await db.schema.createIndex('sessions_by_user').on('sessions').columns(['user_id']).execute();

      await db.schema
        .createTable('canned_replies')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
        .addColumn('id', 'text', (c) => c.notNull())
        // What the agent types after `/` in the reply box.
        .addColumn('shortcut', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('language', 'text')
        .addColumn('created_by', 'text')
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('updated_at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('canned_replies_pk', ['workspace_id', 'id'])
        .addUniqueConstraint('canned_replies_shortcut', ['workspace_id', 'shortcut'])
        .execute();
    },
  };
}
