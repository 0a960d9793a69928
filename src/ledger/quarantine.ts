/**
 * The quarantine: rejected input kept raw with the reason, so nothing is lost and it can be replayed
 * after a fix. Unlike the ledger it is a work list: an item is marked replayed once its event is stored.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { EventSource } from '../domain/events.js';
import { chunk } from '../store/chunk.js';
import type { StoreDialect } from '../store/dialect.js';
import type { Database, QuarantineRow } from '../store/schema.js';

export interface NewQuarantineItem {
  source: EventSource;
  receivedAt: number;
  raw: unknown;
  /** What replaying needs besides the raw item, e.g. the batch's `sentAt`. */
  envelope: Record<string, unknown>;
  code: string;
  message: string;
}

export async function insertQuarantine(
  trx: Transaction<Database> | Kysely<Database>,
  dialect: StoreDialect,
  workspaceId: string,
  items: readonly NewQuarantineItem[],
): Promise<string[]> {
  const rows = items.map((item) => ({
    id: randomUUID(),
    workspace_id: workspaceId,
    received_at: item.receivedAt,
    source: item.source,
    raw: JSON.stringify(item.raw) ?? 'null',
    envelope: JSON.stringify(item.envelope),
    code: item.code,
    message: item.message,
    status: 'pending' as const,
    attempts: 0,
    replayed_at: null,
    replayed_event_id: null,
  }));
  for (const part of chunk(rows, Math.floor(dialect.maxParameters / 12))) {
    await trx.insertInto('quarantine').values(part).execute();
  }
  return rows.map((row) => row.id);
}

export interface QuarantineQuery {
  status?: 'pending' | 'replayed' | 'all';
  limit?: number;
  /** Items received before this id's position in the list (cursor = the last id of the previous page). */
  after?: { receivedAt: number; id: string };
}

export async function listQuarantine(
  db: Kysely<Database>,
  workspaceId: string,
  query: QuarantineQuery = {},
): Promise<QuarantineRow[]> {
  let select = db.selectFrom('quarantine').selectAll().where('workspace_id', '=', workspaceId);
  if (query.status && query.status !== 'all') select = select.where('status', '=', query.status);
  if (query.after) {
    const { receivedAt, id } = query.after;
    select = select.where((eb) =>
      eb.or([
        eb('received_at', '>', receivedAt),
        eb.and([eb('received_at', '=', receivedAt), eb('id', '>', id)]),
      ]),
    );
  }
  return select
    .orderBy('received_at')
    .orderBy('id')
    .limit(query.limit ?? 100)
    .execute();
}
