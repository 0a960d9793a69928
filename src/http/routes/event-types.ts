import type { FastifyInstance } from 'fastify';
import { isKnownEventType } from '../../domain/events.js';
import type { Store } from '../../store/open.js';
import type { KeyResolver } from '../auth.js';

/** `GET /api/v1/event-types`: every event name the workspace has sent, unknown ones flagged. */
export function eventTypeRoutes(app: FastifyInstance, deps: { store: Store; keys: KeyResolver }) {
  app.get('/api/v1/event-types', { preHandler: deps.keys.require('secret') }, async (request) => {
    const rows = await deps.store.db
      .selectFrom('event_types')
      .selectAll()
      .where('workspace_id', '=', request.workspace.id)
      .orderBy('type')
      .execute();
    return {
      items: rows.map((row) => ({
        type: row.type,
        known: isKnownEventType(row.type),
        count: row.count,
        firstSeenAt: new Date(row.first_seen_at).toISOString(),
        lastSeenAt: new Date(row.last_seen_at).toISOString(),
      })),
    };
  });
}
