/**
 * Appending to the ledger: dedupe by idempotency key, extend the workspace's hash chain, feed the
 * projections, and keep rejected input in the quarantine, all in one transaction. Nothing here ever
 * updates or deletes an event row.
 */
import type { Transaction } from 'kysely';
import type { LedgerEvent, NewEvent } from '../domain/events.js';
import { asWorkspaceId } from '../domain/ids.js';
import { applyProjections } from '../projections/apply.js';
import { insertRows } from '../store/bulk-insert.js';
import { chunk } from '../store/chunk.js';
import type { StoreDialect } from '../store/dialect.js';
import type { Database } from '../store/schema.js';
import { AppError } from '../errors.js';
import { chainEventRow } from './event-row.js';
import { insertQuarantine, type NewQuarantineItem } from './quarantine.js';

export type AppendResult =
  { status: 'accepted'; eventId: string; position: number } | { status: 'duplicate'; eventId: string };

export interface AppendOutcome {
  results: AppendResult[];
  /** The events stored by this append, in chain order (for live feeds and tests). */
  stored: LedgerEvent[];
  quarantineIds: string[];
}

export async function appendInTransaction(
  trx: Transaction<Database>,
  dialect: StoreDialect,
  workspaceId: string,
  events: readonly NewEvent[],
  quarantine: readonly NewQuarantineItem[] = [],
): Promise<AppendOutcome> {
  let head = await lockChainHead(trx, dialect, workspaceId);
  const existing = await existingKeys(trx, dialect, workspaceId, events);
  const results: AppendResult[] = [];
  const rows: ReturnType<typeof chainEventRow>[] = [];
  const newEvents: NewEvent[] = [];
  for (const event of events) {
    const duplicateOf = existing.get(event.idempotencyKey);
    if (duplicateOf !== undefined) {
      results.push({ status: 'duplicate', eventId: duplicateOf });
      continue;
    }
    const row = chainEventRow(workspaceId, head.seq + 1, head.hash, event);
    head = { seq: row.seq, hash: row.hash };
    existing.set(event.idempotencyKey, event.eventId);
    rows.push(row);
    newEvents.push(event);
    results.push({ status: 'accepted', eventId: event.eventId, position: 0 });
  }

  const positions = new Map<number, number>();
  const inserted = await insertRows<{ seq: number; position: number }>(trx, dialect, 'events', rows, {
    returning: ['seq', 'position'],
  });
  for (const { seq, position } of inserted) positions.set(Number(seq), Number(position));
  if (rows.length > 0) {
    await trx
      .updateTable('ledger_heads')
      .set({ seq: head.seq, hash: head.hash })
      .where('workspace_id', '=', workspaceId)
      .execute();
  }

  const stored: LedgerEvent[] = rows.map((row, index) => ({
    ...(newEvents[index] as NewEvent),
    workspaceId: asWorkspaceId(workspaceId),
    position: positions.get(row.seq) as number,
    seq: row.seq,
    prevHash: row.prev_hash,
    hash: row.hash,
  }));
  const positionOf = new Map(stored.map((event) => [event.eventId as string, event.position]));
  for (const result of results) {
    if (result.status === 'accepted') result.position = positionOf.get(result.eventId) as number;
  }
  await applyProjections(trx, dialect, workspaceId, stored);
  const quarantineIds = await insertQuarantine(trx, dialect, workspaceId, quarantine);
  return { results, stored, quarantineIds };
}

/**
 * Reads the workspace's chain head, locking it until the transaction ends where the database has row
 * locks (SQLite has a single writer, so its transaction is already exclusive).
 */
export async function lockChainHead(
  trx: Transaction<Database>,
  dialect: StoreDialect,
  workspaceId: string,
): Promise<{ seq: number; hash: string }> {
  const select = trx
    .selectFrom('ledger_heads')
    .select(['seq', 'hash'])
    .where('workspace_id', '=', workspaceId);
  const head = await (dialect.supportsRowLocks ? select.forUpdate() : select).executeTakeFirst();
  if (!head) throw new AppError('workspace_not_found', `workspace ${workspaceId} does not exist`, 404);
  return head;
}

/** Idempotency keys of the batch that the workspace already stored, with the stored event's id. */
async function existingKeys(
  trx: Transaction<Database>,
  dialect: StoreDialect,
  workspaceId: string,
  events: readonly NewEvent[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const keys = [...new Set(events.map((event) => event.idempotencyKey))];
  for (const part of chunk(keys, dialect.maxParameters - 1)) {
    const rows = await trx
      .selectFrom('events')
      .select(['idempotency_key', 'event_id'])
      .where('workspace_id', '=', workspaceId)
      .where('idempotency_key', 'in', part)
      .execute();
    for (const row of rows) found.set(row.idempotency_key, row.event_id);
  }
  return found;
}
