/**
 * Inactivity auto-resolve (a workspace setting): conversations left `open` or `pending-customer` with no
 * message for the configured time are resolved, dated at the moment they fell due, by the system.
 * The pure rule is `dueAutoResolve`; this job finds candidates and appends what it decides. Its event's
 * idempotency key names the conversation, cycle and quiet period, so two nodes append it once.
 */
import { randomUUID } from 'node:crypto';
import { dueAutoResolve, type ConversationState } from '../domain/conversation/index.js';
import type { NewEvent } from '../domain/events.js';
import type { LedgerWriter } from '../ledger/writer.js';
import type { Store } from '../store/open.js';
import { conversationSettingsOf, parseWorkspaceSettings } from '../workspaces/settings.js';

export async function autoResolveInactive(store: Store, writer: LedgerWriter, now: number): Promise<number> {
  let resolved = 0;
  const workspaces = await store.db.selectFrom('workspaces').select(['id', 'settings']).execute();
  for (const workspace of workspaces) {
    const settings = conversationSettingsOf(parseWorkspaceSettings(workspace.settings));
    if (settings.autoResolveAfterMs === null) continue;
    const quietSince = now - settings.autoResolveAfterMs;
    // A superset of the due conversations (no message since `quietSince`); `dueAutoResolve` decides exactly.
    const candidates = await store.db
      .selectFrom('conversations')
      .select('conversation_id')
      .where('workspace_id', '=', workspace.id)
      .where('status', 'in', ['open', 'pending-customer', 'snoozed'])
      .where((eb) => eb(eb.fn.coalesce('last_inbound_at', eb.lit(0)), '<=', quietSince))
      .where((eb) => eb(eb.fn.coalesce('last_outbound_at', eb.lit(0)), '<=', quietSince))
      .execute();
    for (const { conversation_id: conversationId } of candidates) {
      const outcome = await writer.appendDecided(workspace.id, async (trx) => {
        const row = await trx
          .selectFrom('conversations')
          .select('state')
          .where('workspace_id', '=', workspace.id)
          .where('conversation_id', '=', conversationId)
          .executeTakeFirst();
        const draft = row ? dueAutoResolve(JSON.parse(row.state) as ConversationState, now, settings) : null;
        return draft
          ? [{ ...draft, eventId: randomUUID() as NewEvent['eventId'], receivedAt: now, source: 'system' }]
          : [];
      });
      resolved += outcome.stored.length;
    }
  }
  return resolved;
}
