import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { canonicalTimeZone } from '../../../domain/calendar/index.js';
import { exportCyclesCsv } from '../../../metrics/export-cycles.js';
import { DIMENSIONS, type Dimension } from '../../../metrics/metrics-query.js';
import type { Store } from '../../../store/open.js';
import { loadMetricsSettings } from '../../../workspaces/metrics-settings.js';
import type { KeyResolver } from '../../auth.js';
import { invalidParameter, normaliseFilter, parseInstant, parseMetricsParams } from './metrics-params.js';

const text = z.string().trim().min(1).max(512);
const exportSchema = z.strictObject({
  from: text.optional(),
  to: text.optional(),
  tz: text.optional(),
  ...Object.fromEntries(DIMENSIONS.map((dimension) => [dimension, text.optional()])),
});

/**
 * `GET /api/v1/export/conversations.csv?from&to&tz&<filters>`: one row per cycle (cycles started in
 * `[from, to)`, all by default) with every per-cycle figure, streamed as it is read (docs/metrics.md "Export").
 */
export function exportCsvRoute(app: FastifyInstance, deps: { store: Store; keys: KeyResolver }) {
  app.get(
    '/api/v1/export/conversations.csv',
    { preHandler: deps.keys.require('secret') },
    async (request, reply) => {
      const workspaceId = request.workspace.id;
      const settings = await loadMetricsSettings(deps.store.db, workspaceId);
      const params = parseMetricsParams(exportSchema, request.query) as Partial<Record<string, string>>;
      const timeZone = params.tz === undefined ? settings.timeZone : canonicalTimeZone(params.tz);
      if (timeZone === null)
        throw invalidParameter('tz', `${JSON.stringify(params.tz)} is not an IANA time zone`);
      const from = params.from === undefined ? undefined : parseInstant(params.from, timeZone, 'from');
      const to = params.to === undefined ? undefined : parseInstant(params.to, timeZone, 'to');
      if (from !== undefined && to !== undefined && to <= from)
        throw invalidParameter('to', 'must be after from');
      const filters: Partial<Record<Dimension, string>> = {};
      for (const dimension of DIMENSIONS) {
        const value = params[dimension];
        if (value !== undefined) filters[dimension] = normaliseFilter(dimension, value);
      }
      const csv = exportCyclesCsv(deps.store.db, deps.store.dialect, {
        workspaceId,
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        filters,
        calendar: settings.calendar,
      });
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="conversations.csv"')
        .send(Readable.from(csv));
    },
  );
}
