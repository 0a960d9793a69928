import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Store } from '../../store/open.js';

/** `GET /healthz`: 200 when the server is up and its database answers, 503 otherwise. */
export function healthRoutes(app: FastifyInstance, deps: { store: Store }) {
  app.get('/healthz', async (_request, reply) => {
    try {
      await sql`select 1`.execute(deps.store.db);
      return { status: 'ok', database: deps.store.dialect.name };
    } catch (error) {
      return reply.status(503).send({
        error: {
          code: 'database_unavailable',
          message: error instanceof Error ? error.message : String(error),
        },
      });
    }
  });
}
