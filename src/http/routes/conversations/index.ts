import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { LedgerWriter } from '../../../ledger/writer.js';
import type { Database } from '../../../store/schema.js';
import type { KeyResolver } from '../../auth.js';
import { conversationCommandRoutes } from './conversation-commands.js';
import { getConversationRoute } from './get-conversation.js';
import { listConversationsRoute } from './list-conversations.js';

export function conversationRoutes(
  app: FastifyInstance,
  deps: { db: Kysely<Database>; writer: LedgerWriter; keys: KeyResolver },
) {
  listConversationsRoute(app, deps);
  getConversationRoute(app, deps);
  conversationCommandRoutes(app, deps);
}
