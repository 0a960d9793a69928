/**
 * `chatledger rebuild`: empties every projection and refills it from the ledger in one transaction,
 * so readers see either the old read models or the new ones. Because every projection depends only on
 * the set of events, the rebuilt rows equal the live ones.
 */
import { eventFromRow } from '../ledger/event-row.js';
import type { Store } from '../store/open.js';
import { PROJECTION_TABLES } from '../store/schema.js';
import { applyProjections } from './apply.js';

const PAGE = 5000;

export async function rebuildProjections(
  store: Store,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<{ events: number }> {
  return store.db.transaction().execute(async (trx) => {
    for (const table of PROJECTION_TABLES) await trx.deleteFrom(table).execute();
    const { total } = await trx
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow();
    let done = 0;
    let after = 0;
    onProgress(0, Number(total));
    for (;;) {
      const rows = await trx
        .selectFrom('events')
        .selectAll()
        .where('position', '>', after)
        .orderBy('position')
        .limit(PAGE)
        .execute();
      if (rows.length === 0) break;
      const byWorkspace = new Map<string, ReturnType<typeof eventFromRow>[]>();
      for (const row of rows) {
        const events = byWorkspace.get(row.workspace_id) ?? [];
        events.push(eventFromRow(row));
        byWorkspace.set(row.workspace_id, events);
      }
      for (const [workspaceId, events] of byWorkspace)
        await applyProjections(trx, store.dialect, workspaceId, events);
      after = (rows[rows.length - 1] as { position: number }).position;
      done += rows.length;
      onProgress(done, Number(total));
    }
    return { events: done };
  });
}
