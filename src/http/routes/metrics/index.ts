import type { FastifyInstance } from 'fastify';
import type { Store } from '../../../store/open.js';
import type { KeyResolver } from '../../auth.js';
import { drillDownRoute } from './drill-down.js';
import { exportCsvRoute } from './export-csv.js';
import { getMetricsRoute } from './get-metrics.js';

/** The metrics API: figures, their drill-down, and the per-cycle export (docs/metrics.md). */
export function metricsRoutes(app: FastifyInstance, deps: { store: Store; keys: KeyResolver }) {
  getMetricsRoute(app, deps);
  drillDownRoute(app, deps);
  exportCsvRoute(app, deps);
}
