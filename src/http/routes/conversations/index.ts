import type { FastifyInstance } from 'fastify';
import type { ChannelService } from '../../../channels/channel-service.js';
import type { LedgerWriter } from '../../../ledger/writer.js';
import type { Store } from '../../../store/open.js';
import type { KeyResolver } from '../../auth.js';
import { conversationCommandRoutes } from './conversation-commands.js';
import { getConversationRoute } from './get-conversation.js';
import { listConversationsRoute } from './list-conversations.js';
import { sendMessageRoute } from './send-message.js';

export function conversationRoutes(
  app: FastifyInstance,
  deps: { store: Store; writer: LedgerWriter; keys: KeyResolver; channels: ChannelService },
) {
  listConversationsRoute(app, { db: deps.store.db, keys: deps.keys });
  getConversationRoute(app, deps);
  conversationCommandRoutes(app, deps);
  sendMessageRoute(app, deps);
}
