/**
 * Feeds newly appended events to the read models, inside the append's transaction, so a projection is
 * never behind or ahead of the ledger. Each projection loads the rows the batch touches, folds the
 * events through its pure reducer and writes the changed rows back in one upsert.
 */
import type { Kysely, Transaction } from 'kysely';
import type { LedgerEvent } from '../domain/events.js';
import type { StoreDialect } from '../store/dialect.js';
import type { ContactRow, Database, MessageRow } from '../store/schema.js';
import { chunk } from '../store/chunk.js';
import { evolveContact } from './contacts.js';
import { projectConversations } from './conversations.js';
import { evolveMessage, isMessageEvent } from './messages.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function applyProjections(
  db: Db,
  dialect: StoreDialect,
  workspaceId: string,
  events: readonly LedgerEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await projectContacts(db, dialect, workspaceId, events);
  await projectMessages(db, dialect, workspaceId, events);
  await projectEventTypes(db, dialect, workspaceId, events);
  await projectConversations(db, dialect, workspaceId, events);
}

/** Folds events into rows keyed by id, starting from the stored rows. */
function fold<Row>(
  stored: Map<string, Row>,
  events: readonly LedgerEvent[],
  keyOf: (event: LedgerEvent) => string,
  evolve: (row: Row | undefined, event: LedgerEvent) => Row,
): Row[] {
  const changed = new Map<string, Row>();
  for (const event of events) {
    const id = keyOf(event);
    changed.set(id, evolve(changed.get(id) ?? stored.get(id), event));
  }
  return [...changed.values()];
}

async function projectContacts(
  db: Db,
  dialect: StoreDialect,
  workspaceId: string,
  events: readonly LedgerEvent[],
) {
  const relevant = events.filter((event) => event.subjects.contactId !== null);
  if (relevant.length === 0) return;
  const ids = [...new Set(relevant.map((event) => event.subjects.contactId as string))];
  const stored = new Map<string, ContactRow>();
  for (const part of chunk(ids, dialect.maxParameters - 1)) {
    const rows = await db
      .selectFrom('contacts')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('contact_id', 'in', part)
      .execute();
    for (const row of rows) stored.set(row.contact_id, row);
  }
  const rows = fold(
    stored,
    relevant,
    (event) => event.subjects.contactId as string,
    (row, event) => evolveContact(row, workspaceId, event),
  );
  await upsert(db, dialect, 'contacts', ['workspace_id', 'contact_id'], rows);
}

async function projectMessages(
  db: Db,
  dialect: StoreDialect,
  workspaceId: string,
  events: readonly LedgerEvent[],
) {
  const relevant = events.filter(isMessageEvent);
  if (relevant.length === 0) return;
  const ids = [...new Set(relevant.map((event) => event.subjects.messageId as string))];
  const stored = new Map<string, MessageRow>();
  for (const part of chunk(ids, dialect.maxParameters - 1)) {
    const rows = await db
      .selectFrom('messages')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('message_id', 'in', part)
      .execute();
    for (const row of rows) stored.set(row.message_id, row);
  }
  const rows = fold(
    stored,
    relevant,
    (event) => event.subjects.messageId as string,
    (row, event) => evolveMessage(row, workspaceId, event),
  );
  await upsert(db, dialect, 'messages', ['workspace_id', 'message_id'], rows);
}

async function projectEventTypes(
  db: Db,
  dialect: StoreDialect,
  workspaceId: string,
  events: readonly LedgerEvent[],
) {
  const byType = new Map<string, { count: number; first: number; last: number }>();
  for (const event of events) {
    const seen = byType.get(event.type);
    if (seen) {
      seen.count += 1;
      seen.first = Math.min(seen.first, event.eventTime);
      seen.last = Math.max(seen.last, event.eventTime);
    } else byType.set(event.type, { count: 1, first: event.eventTime, last: event.eventTime });
  }
  const rows = [...byType].map(([type, seen]) => ({
    workspace_id: workspaceId,
    type,
    count: seen.count,
    first_seen_at: seen.first,
    last_seen_at: seen.last,
  }));
  for (const part of chunk(rows, Math.floor(dialect.maxParameters / 5))) {
    await db
      .insertInto('event_types')
      .values(part)
      .onConflict((conflict) =>
        conflict.columns(['workspace_id', 'type']).doUpdateSet((eb) => ({
          count: eb('event_types.count', '+', eb.ref('excluded.count')),
          first_seen_at: eb.fn(dialect.leastFunction, [
            'event_types.first_seen_at',
            'excluded.first_seen_at',
          ]),
          last_seen_at: eb.fn(dialect.greatestFunction, [
            'event_types.last_seen_at',
            'excluded.last_seen_at',
          ]),
        })),
      )
      .execute();
  }
}

/** INSERT … ON CONFLICT (key) DO UPDATE SET every other column = excluded, in parameter-sized chunks. */
async function upsert<T extends 'contacts' | 'messages'>(
  db: Db,
  dialect: StoreDialect,
  table: T,
  keyColumns: string[],
  rows: readonly object[],
): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  const updated = columns.filter((column) => !keyColumns.includes(column));
  for (const part of chunk(rows, Math.floor(dialect.maxParameters / columns.length))) {
    await db
      .insertInto(table)
      .values(part as never)
      .onConflict((conflict) =>
        conflict
          .columns(keyColumns as never)
          .doUpdateSet(
            (eb) =>
              Object.fromEntries(
                updated.map((column) => [column, eb.ref(`excluded.${column}` as never)]),
              ) as never,
          ),
      )
      .execute();
  }
}
