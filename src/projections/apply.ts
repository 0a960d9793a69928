/**
 * Feeds newly appended events to the read models, inside the append's transaction, so a projection is
 * never behind or ahead of the ledger. Each projection loads the rows the batch touches, folds the
 * events through its pure reducer and writes the changed rows back in one upsert.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { LedgerEvent } from '../domain/events.js';
import type { StoreDialect } from '../store/dialect.js';
import type { Database } from '../store/schema.js';
import { insertRows } from '../store/bulk-insert.js';
import { chunk } from '../store/chunk.js';
import { evolveContact } from './contacts.js';
import { projectConversations } from './conversations.js';
import { projectMessageFacts } from './message-facts.js';
import { evolveMessage, isMessageEvent } from './messages.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function applyProjections(
  db: Db,
  dialect: StoreDialect,
  workspaceId: string,
  events: readonly LedgerEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await projectKeyed(db, dialect, workspaceId, events, contactsProjection);
  await projectKeyed(db, dialect, workspaceId, events, messagesProjection);
  await projectEventTypes(db, dialect, workspaceId, events);
  const links = await projectConversations(db, dialect, workspaceId, events);
  await projectMessageFacts(db, dialect, workspaceId, events, links);
}

/** A read model with one row per id, folded by a pure reducer (contacts: per customer; messages: per message). */
interface KeyedProjection<T extends 'contacts' | 'messages'> {
  table: T;
  keyColumn: 'contact_id' | 'message_id';
  /** The row id an event concerns, or null when it concerns none. */
  keyOf(event: LedgerEvent): string | null;
  evolve(
    row: Selectable<Database[T]> | undefined,
    workspaceId: string,
    event: LedgerEvent,
  ): Selectable<Database[T]>;
}

const contactsProjection: KeyedProjection<'contacts'> = {
  table: 'contacts',
  keyColumn: 'contact_id',
  keyOf: (event) => event.subjects.contactId,
  evolve: evolveContact,
};

const messagesProjection: KeyedProjection<'messages'> = {
  table: 'messages',
  keyColumn: 'message_id',
  keyOf: (event) => (isMessageEvent(event) ? event.subjects.messageId : null),
  evolve: evolveMessage,
};

/** Loads the rows the events touch, folds the events into them, and upserts the changed rows. */
async function projectKeyed<T extends 'contacts' | 'messages'>(
  db: Db,
  dialect: StoreDialect,
  workspaceId: string,
  events: readonly LedgerEvent[],
  projection: KeyedProjection<T>,
) {
  const relevant = events.filter((event) => projection.keyOf(event) !== null);
  if (relevant.length === 0) return;
  const ids = [...new Set(relevant.map((event) => projection.keyOf(event) as string))];
  const stored = await rowsByKey(db, dialect, projection.table, projection.keyColumn, workspaceId, ids);
  const changed = new Map<string, Selectable<Database[T]>>();
  for (const event of relevant) {
    const id = projection.keyOf(event) as string;
    changed.set(id, projection.evolve(changed.get(id) ?? stored.get(id), workspaceId, event));
  }
  await insertRows(db, dialect, projection.table, [...changed.values()], {
    onConflict: { columns: ['workspace_id', projection.keyColumn], update: 'all' },
  });
}

/** The workspace's rows of `table` whose `keyColumn` is one of `ids`, by id, in parameter-sized chunks. */
export async function rowsByKey<T extends 'contacts' | 'messages'>(
  db: Db,
  dialect: StoreDialect,
  table: T,
  keyColumn: 'contact_id' | 'message_id',
  workspaceId: string,
  ids: readonly string[],
): Promise<Map<string, Selectable<Database[T]>>> {
  const found = new Map<string, Selectable<Database[T]>>();
  for (const part of chunk(ids, dialect.maxParameters - 1)) {
    const rows = (await db
      .selectFrom(table as 'contacts')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where(keyColumn as 'contact_id', 'in', part)
      .execute()) as unknown as Selectable<Database[T]>[];
    for (const row of rows) found.set((row as Record<string, string>)[keyColumn] as string, row);
  }
  return found;
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
