import type { FastifyInstance } from 'fastify';
import type { ChannelService } from '../../channels/channel-service.js';
import { channelView } from '../../channels/channel-view.js';
import type { KeyResolver } from '../auth.js';

/**
 * `/api/v1/channels`: the workspace's WhatsApp business numbers (secret key). Answers never hold a secret in
 * full, only hints such as `abcd…wxyz`; `GET /api/v1/channels/:id` adds the webhook counters as `stats`.
 */
export function channelRoutes(app: FastifyInstance, deps: { channels: ChannelService; keys: KeyResolver }) {
  const secretKey = { preHandler: deps.keys.require('secret') };

  app.post('/api/v1/channels', secretKey, async (request, reply) => {
    const channel = await deps.channels.create(request.workspace.id, request.body);
    if (!deps.channels.encryptsSecrets) {
      request.log.warn(
        { channel: channel.id },
        'CHATLEDGER_SECRETS_KEY is not set: the channel secrets are stored in plain text',
      );
    }
    return reply.status(201).send(channelView(channel));
  });

  app.get('/api/v1/channels', secretKey, async (request) => ({
    items: (await deps.channels.list(request.workspace.id)).map((record) => channelView(record)),
  }));

  app.get('/api/v1/channels/:id', secretKey, async (request) => {
    const { id } = request.params as { id: string };
    const record = await deps.channels.get(request.workspace.id, id);
    return channelView(record, await deps.channels.stats.read(request.workspace.id, id));
  });

  app.patch('/api/v1/channels/:id', secretKey, async (request) => {
    const { id } = request.params as { id: string };
    const channel = await deps.channels.update(request.workspace.id, id, request.body);
    return channelView(channel, await deps.channels.stats.read(request.workspace.id, id));
  });
}
