import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DRILL_DOWN_METRICS, drillDown, type DrillDownCursor } from '../../../metrics/drill-down.js';
import type { Store } from '../../../store/open.js';
import { loadMetricsSettings } from '../../../workspaces/metrics-settings.js';
import type { KeyResolver } from '../../auth.js';
import { decodeCursor, encodeCursor } from '../../cursor.js';
import {
  invalidParameter,
  metricsParamsSchema,
  metricsQueryOf,
  parseMetricsParams,
  type MetricsParams,
} from './metrics-params.js';

const drillDownSchema = metricsParamsSchema.extend({
  metric: z.enum(DRILL_DOWN_METRICS),
  /** A row of the grouped answer: its key; empty for the row of "none". */
  key: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(2000).optional(),
});

function cursorOf(text: string): DrillDownCursor {
  const json = (() => {
    try {
      return JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    } catch {
      return null;
    }
  })();
  if (
    Array.isArray(json) &&
    json.length >= 2 &&
    Number.isInteger(json[0]) &&
    json.every((value) => typeof value === 'string' || typeof value === 'number')
  ) {
    return decodeCursor(text, json.length) as DrillDownCursor;
  }
  throw invalidParameter('cursor', 'not a cursor this API gave out');
}

/**
 * `GET /api/v1/metrics/conversations?metric=…&<the metrics parameters>&key=&limit=&cursor=`: the facts behind
 * a figure (of one grouped row with `groupBy` and `key`), each with its contribution, oldest first.
 */
export function drillDownRoute(app: FastifyInstance, deps: { store: Store; keys: KeyResolver }) {
  app.get('/api/v1/metrics/conversations', { preHandler: deps.keys.require('secret') }, async (request) => {
    const workspaceId = request.workspace.id;
    const settings = await loadMetricsSettings(deps.store.db, workspaceId);
    const { metric, key, limit, cursor, ...params } = parseMetricsParams(drillDownSchema, request.query);
    const query = metricsQueryOf(params as MetricsParams, workspaceId, settings);
    if (key !== undefined && query.groupBy === 'none') throw invalidParameter('key', 'needs groupBy');
    const page = await drillDown(deps.store.db, deps.store.dialect, {
      metric,
      query,
      ...(key !== undefined ? { key: key === '' ? null : key } : {}),
      limit,
      after: cursor === undefined ? null : cursorOf(cursor),
    });
    return { metric, items: page.items, nextCursor: page.next === null ? null : encodeCursor(page.next) };
  });
}
