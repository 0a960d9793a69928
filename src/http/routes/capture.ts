import type { FastifyInstance } from 'fastify';
import type { CaptureLimits } from '../../ingest/capture/capture-batch.js';
import { captureBatch } from '../../ingest/capture/capture-batch.js';
import type { LedgerWriter } from '../../ledger/writer.js';
import type { KeyResolver } from '../auth.js';

/** `POST /v1/capture` and its alias `POST /v1/batch` (DESIGN.md "Public API"). */
export function captureRoutes(
  app: FastifyInstance,
  deps: { writer: LedgerWriter; keys: KeyResolver; limits: CaptureLimits; maxBodyBytes: number },
) {
  for (const url of ['/v1/capture', '/v1/batch']) {
    app.post(url, { bodyLimit: deps.maxBodyBytes, preHandler: deps.keys.require('write') }, async (request) =>
      captureBatch(deps.writer, {
        workspaceId: request.workspace.id,
        body: request.body,
        receivedAt: Date.now(),
        source: 'capture',
        limits: deps.limits,
        ...(request.headers['content-length']
          ? { bodyBytes: Number(request.headers['content-length']) }
          : {}),
      }),
    );
  }
}
