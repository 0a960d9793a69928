import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { CaptureLimits } from '../../ingest/capture/capture-batch.js';
import { replayQuarantine } from '../../ingest/replay.js';
import { listQuarantine } from '../../ledger/quarantine.js';
import type { LedgerWriter } from '../../ledger/writer.js';
import type { Store } from '../../store/open.js';
import type { KeyResolver } from '../auth.js';

const listQuery = z.object({
  status: z.enum(['pending', 'replayed', 'all']).default('pending'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().optional(),
});
const replayBody = z.object({
  ids: z.array(z.string()).min(1).max(10_000).optional(),
  all: z.boolean().optional(),
});

/** Cursor = base64url of `receivedAt:id` of the last item of the previous page. */
const encodeCursor = (receivedAt: number, id: string) =>
  Buffer.from(`${receivedAt}:${id}`).toString('base64url');
function decodeCursor(cursor: string): { receivedAt: number; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const separator = text.indexOf(':');
  const receivedAt = Number(text.slice(0, separator));
  if (separator < 1 || !Number.isInteger(receivedAt))
    throw new AppError('invalid_cursor', 'cursor is not valid');
  return { receivedAt, id: text.slice(separator + 1) };
}

export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = issue?.path.join('.') || where;
  throw new AppError('invalid_request', `${where} ${name}: ${issue?.message ?? 'invalid'}`, 400, {
    parameter: name,
  });
}

/** The quarantine API: list rejected input, and replay it after a fix. */
export function quarantineRoutes(
  app: FastifyInstance,
  deps: { store: Store; writer: LedgerWriter; keys: KeyResolver; limits: CaptureLimits },
) {
  app.get('/api/v1/quarantine', { preHandler: deps.keys.require('secret') }, async (request) => {
    const query = parseOrThrow(listQuery, request.query, 'query');
    const rows = await listQuarantine(deps.store.db, request.workspace.id, {
      status: query.status,
      limit: query.limit,
      ...(query.cursor ? { after: decodeCursor(query.cursor) } : {}),
    });
    const last = rows[rows.length - 1];
    return {
      items: rows.map((row) => ({
        id: row.id,
        receivedAt: new Date(row.received_at).toISOString(),
        source: row.source,
        code: row.code,
        message: row.message,
        status: row.status,
        attempts: row.attempts,
        replayedAt: row.replayed_at === null ? null : new Date(row.replayed_at).toISOString(),
        replayedEventId: row.replayed_event_id,
        raw: JSON.parse(row.raw) as unknown,
      })),
      nextCursor: rows.length === query.limit && last ? encodeCursor(last.received_at, last.id) : null,
    };
  });

  app.post('/api/v1/quarantine/replay', { preHandler: deps.keys.require('secret') }, async (request) => {
    const body = parseOrThrow(replayBody, request.body ?? {}, 'body');
    if (!body.ids && !body.all) throw new AppError('invalid_request', 'give "ids" or "all": true', 400);
    const results = await replayQuarantine(
      deps.store.db,
      deps.writer,
      request.workspace.id,
      body.ids ?? 'all',
      deps.limits,
    );
    return { results };
  });
}
