import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { CaptureLimits } from '../ingest/capture/capture-batch.js';
import type { LedgerWriter } from '../ledger/writer.js';
import type { Store } from '../store/open.js';
import { KeyResolver } from './auth.js';
import { installErrorHandler } from './errors.js';
import { ChannelService, channelServiceOptionsOf } from '../channels/channel-service.js';
import { channelRoutes } from './routes/channels.js';
import { whatsappWebhookRoutes } from './routes/whatsapp-webhook.js';
import { captureRoutes } from './routes/capture.js';
import { conversationRoutes } from './routes/conversations/index.js';
import { eventTypeRoutes } from './routes/event-types.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics/index.js';
import { quarantineRoutes } from './routes/quarantine.js';
import { workspaceRoutes } from './routes/workspace.js';

export interface ServerDeps {
  config: Config;
  store: Store;
  writer: LedgerWriter;
}

export const captureLimitsOf = (config: Config): CaptureLimits => ({
  maxBatchEvents: config.maxBatchEvents,
  maxEventBytes: config.maxEventBytes,
  maxFutureMs: config.maxFutureSeconds * 1000,
});

export function buildServer({ config, store, writer }: ServerDeps): FastifyInstance {
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    bodyLimit: config.maxBodyBytes,
    // Keep-alive connections that are idle are closed at shutdown; busy ones finish their request first.
    forceCloseConnections: 'idle',
    // Capture traffic is hundreds of requests a second: its per-request lines would drown everything else.
    logController: new LogController({
      disableRequestLogging: (request) => request.url.startsWith('/v1/') || request.url === '/healthz',
    }),
  });
  installErrorHandler(app, { maxBodyBytes: config.maxBodyBytes });
  // A request in flight at shutdown is answered, then its keep-alive connection must end with it;
  // otherwise the server would wait for the client's keep-alive timeout before it can exit.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  const keys = new KeyResolver(store.db);
  const limits = captureLimitsOf(config);
  healthRoutes(app, { store });
  captureRoutes(app, { writer, keys, limits, maxBodyBytes: config.maxBodyBytes });
  quarantineRoutes(app, { store, writer, keys, limits });
  eventTypeRoutes(app, { store, keys });
  workspaceRoutes(app, { store, writer, keys });
  metricsRoutes(app, { store, keys });
  const channels = new ChannelService(store, channelServiceOptionsOf(config));
  channelRoutes(app, { channels, keys });
  conversationRoutes(app, { store, writer, keys, channels });
  whatsappWebhookRoutes(app, { channels, writer, db: store.db, maxBodyBytes: config.maxBodyBytes });
  return app;
}
