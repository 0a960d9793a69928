import type { FastifyInstance } from 'fastify';
import { computeMetrics } from '../../../metrics/compute-metrics.js';
import type { Store } from '../../../store/open.js';
import { loadMetricsSettings } from '../../../workspaces/metrics-settings.js';
import type { KeyResolver } from '../../auth.js';
import { parseMetricsQuery } from './metrics-params.js';

/** `GET /api/v1/metrics?from&to&tz&businessHours&groupBy&<filters>` → `{rows: [{key, metrics}]}` (docs/metrics.md). */
export function getMetricsRoute(app: FastifyInstance, deps: { store: Store; keys: KeyResolver }) {
  app.get('/api/v1/metrics', { preHandler: deps.keys.require('secret') }, async (request) => {
    const workspaceId = request.workspace.id;
    const settings = await loadMetricsSettings(deps.store.db, workspaceId);
    const query = parseMetricsQuery(request.query, workspaceId, settings);
    const rows = await computeMetrics(deps.store.db, deps.store.dialect, query);
    return {
      from: new Date(query.from).toISOString(),
      to: new Date(query.to).toISOString(),
      tz: query.timeZone,
      businessHours: query.businessHours,
      groupBy: query.groupBy,
      rows,
    };
  });
}
