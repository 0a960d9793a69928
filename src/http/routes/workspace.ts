import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { JsonObject, NewEvent } from '../../domain/events.js';
import { isValidTimeZone } from '../../domain/calendar/time-zone.js';
import type { LedgerWriter } from '../../ledger/writer.js';
import type { Store } from '../../store/open.js';
import { parseWorkspaceSettings } from '../../workspaces/settings.js';
import { actorOfRequest, type KeyResolver } from '../auth.js';
import { parseOrThrow } from './quarantine.js';

const settingsPatch = z.strictObject({
  reopenWindowHours: z
    .number()
    .positive()
    .max(24 * 365)
    .optional(),
  autoResolveAfterMinutes: z.number().int().positive().nullable().optional(),
  timeZone: z.string().refine(isValidTimeZone, 'not an IANA time zone name').optional(),
});

/**
 * `GET /api/v1/workspace` and `PATCH /api/v1/workspace/settings`. A change is also appended to the
 * ledger as `workspace.settings_changed`, so the history of settings is auditable like everything else.
 * New settings apply to events from now on; `chatledger rebuild` re-applies them to the history.
 */
export function workspaceRoutes(
  app: FastifyInstance,
  deps: { store: Store; writer: LedgerWriter; keys: KeyResolver },
) {
  const preHandler = deps.keys.require('secret');
  const load = (id: string) =>
    deps.store.db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  app.get('/api/v1/workspace', { preHandler }, async (request) => {
    const row = await load(request.workspace.id);
    return {
      id: row.id,
      name: row.name,
      createdAt: new Date(row.created_at).toISOString(),
      settings: parseWorkspaceSettings(row.settings),
    };
  });

  app.patch('/api/v1/workspace/settings', { preHandler }, async (request) => {
    const patch = parseOrThrow(settingsPatch, request.body ?? {}, 'body');
    const now = Date.now();
    let after = {};
    // The settings row and the audit event change together, in one transaction.
    await deps.writer.appendDecided(request.workspace.id, async (trx) => {
      const row = await trx
        .selectFrom('workspaces')
        .select('settings')
        .where('id', '=', request.workspace.id)
        .executeTakeFirstOrThrow();
      const before = parseWorkspaceSettings(row.settings);
      after = { ...before, ...patch };
      await trx
        .updateTable('workspaces')
        .set({ settings: JSON.stringify(after) })
        .where('id', '=', request.workspace.id)
        .execute();
      const event: NewEvent = {
        eventId: randomUUID() as NewEvent['eventId'],
        idempotencyKey: `settings:${randomUUID()}`,
        type: 'workspace.settings_changed',
        eventTime: now,
        receivedAt: now,
        source: 'ui',
        channel: 'api',
        actor: actorOfRequest(request),
        subjects: { contactId: null, conversationId: null, messageId: null },
        payload: { properties: { before: before as JsonObject, after: after as JsonObject }, context: {} },
      };
      return [event];
    });
    return { settings: after };
  });
}
