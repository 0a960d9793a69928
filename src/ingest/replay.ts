/**
 * Replaying quarantined input after a fix: each pending item goes through its source's preparation
 * again with its original receive time. An item that now passes is appended (a duplicate if it was
 * stored meanwhile) and marked replayed; one that still fails keeps its place with the new reason.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EventSource, NewEvent } from '../domain/events.js';
import type { LedgerWriter } from '../ledger/writer.js';
import type { Database, QuarantineRow } from '../store/schema.js';
import { prepareCaptureEvent, type Prepared } from './capture/prepare-event.js';
import type { CaptureLimits } from './capture/capture-batch.js';
import { whatsappPreparer } from './whatsapp/replay-preparer.js';

export interface ReplayResult {
  id: string;
  status: 'replayed' | 'duplicate' | 'still_rejected';
  code?: string;
  message?: string;
  eventId?: string;
}

/** A WhatsApp item may stand for several events (a message and its sender's profile): all or none. */
export type PreparedEvents = { ok: true; events: NewEvent[] };
export interface ReplayContext {
  db: Kysely<Database>;
  workspaceId: string;
}

/** How to prepare a quarantined item again, by the source it came from. */
export type Preparer = (
  row: QuarantineRow,
  limits: CaptureLimits,
  context: ReplayContext,
) => Prepared | PreparedEvents | Promise<Prepared | PreparedEvents>;

export const capturePreparer: Preparer = (row, limits) => {
  const envelope = JSON.parse(row.envelope) as { sentAt?: string };
  return prepareCaptureEvent(JSON.parse(row.raw), {
    source: row.source as EventSource,
    receivedAt: row.received_at,
    batchSentAt: envelope.sentAt,
    ...limits,
    newEventId: randomUUID,
  });
};

export async function replayQuarantine(
  db: Kysely<Database>,
  writer: LedgerWriter,
  workspaceId: string,
  ids: readonly string[] | 'all',
  limits: CaptureLimits,
  preparers: Partial<Record<EventSource, Preparer>> = {
    capture: capturePreparer,
    import: capturePreparer,
    whatsapp: whatsappPreparer,
  },
): Promise<ReplayResult[]> {
  let query = db
    .selectFrom('quarantine')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'pending');
  if (ids !== 'all') {
    if (ids.length === 0) return [];
    query = query.where('id', 'in', [...ids]);
  }
  const rows = await query.orderBy('received_at').orderBy('id').execute();
  const results: ReplayResult[] = [];
  for (const row of rows) {
    const prepare = preparers[row.source as EventSource];
    const prepared: Prepared | PreparedEvents = prepare
      ? await prepare(row, limits, { db, workspaceId })
      : { ok: false, code: 'replay_unsupported', message: `no replay for source ${row.source}` };
    if (!prepared.ok) {
      await db
        .updateTable('quarantine')
        .set({ code: prepared.code, message: prepared.message, attempts: row.attempts + 1 })
        .where('id', '=', row.id)
        .execute();
      results.push({ id: row.id, status: 'still_rejected', code: prepared.code, message: prepared.message });
      continue;
    }
    const outcome = await writer.append(
      workspaceId,
      'events' in prepared ? prepared.events : [prepared.event],
    );
    const result = outcome.results[0];
    const allDuplicates = outcome.results.every((each) => each.status === 'duplicate');
    // Marked after the append commits: if we stop in between, the next replay finds a duplicate and marks it.
    await db
      .updateTable('quarantine')
      .set({
        status: 'replayed',
        replayed_at: Date.now(),
        replayed_event_id: result?.eventId ?? null,
        attempts: row.attempts + 1,
      })
      .where('id', '=', row.id)
      .execute();
    results.push({
      id: row.id,
      status: result && allDuplicates ? 'duplicate' : 'replayed',
      ...(result ? { eventId: result.eventId } : {}),
    });
  }
  return results;
}
