import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { CONVERSATION_STATUSES, PRIORITIES } from '../../../domain/conversation/vocabulary.js';
import type { Database } from '../../../store/schema.js';
import type { KeyResolver } from '../../auth.js';
import { decodeCursor, encodeCursor } from '../../cursor.js';
import { parseOrThrow } from '../quarantine.js';
import { conversationsWithContact, conversationView } from './conversation-view.js';

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
const list = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const querySchema = z.object({
  status: list.pipe(z.array(z.enum(CONVERSATION_STATUSES))).optional(),
  owner: z.string().min(1).optional(),
  team: z.string().min(1).optional(),
  tag: z.string().min(1).optional(),
  priority: list.pipe(z.array(z.enum(PRIORITIES))).optional(),
  type: z.string().min(1).optional(),
  channel: z.string().min(1).optional(),
  contact: z.string().min(1).optional(),
  chatId: z.string().min(1).optional(),
  unassigned: flag.optional(),
  waiting: flag.optional(),
  windowOpen: flag.optional(),
  updatedSince: z.iso.datetime({ offset: true }).optional(),
  sort: z.enum(['lastActivity', 'opened', 'waitingSince']).default('lastActivity'),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});
type ListQuery = z.infer<typeof querySchema>;

const SORT_COLUMNS = {
  lastActivity: 'conversations.last_activity_at',
  opened: 'conversations.opened_at',
  waitingSince: 'conversations.waiting_since',
} as const;

/** One page of a workspace's conversations with the inbox filters, newest activity first by default. */
export async function listConversations(
  db: Kysely<Database>,
  workspaceId: string,
  query: ListQuery,
  now: number,
) {
  const sortColumn = SORT_COLUMNS[query.sort];
  let select = conversationsWithContact(db, workspaceId);
  if (query.status) select = select.where('conversations.status', 'in', query.status);
  if (query.owner) select = select.where('conversations.owner_id', '=', query.owner);
  if (query.team) select = select.where('conversations.team_id', '=', query.team);
  if (query.priority) select = select.where('conversations.priority', 'in', query.priority);
  if (query.type) select = select.where('conversations.conversation_type', '=', query.type);
  if (query.channel) select = select.where('conversations.channel', '=', query.channel);
  if (query.contact) select = select.where('conversations.contact_id', '=', query.contact);
  if (query.chatId) select = select.where('conversations.chat_id', '=', query.chatId);
  if (query.unassigned !== undefined)
    select = select.where('conversations.owner_id', query.unassigned ? 'is' : 'is not', null);
  if (query.waiting !== undefined || query.sort === 'waitingSince') {
    select = select.where('conversations.waiting_since', query.waiting === false ? 'is' : 'is not', null);
  }
  if (query.windowOpen !== undefined) {
    select = query.windowOpen
      ? select.where('conversations.window_closes_at', '>', now)
      : select.where((eb) =>
          eb.or([
            eb('conversations.window_closes_at', 'is', null),
            eb('conversations.window_closes_at', '<=', now),
          ]),
        );
  }
  if (query.updatedSince)
    select = select.where('conversations.last_activity_at', '>=', Date.parse(query.updatedSince));
  if (query.tag) {
    const tag = query.tag;
    select = select.where((eb) =>
      eb.exists(
        eb
          .selectFrom('conversation_tags')
          .select('conversation_tags.tag')
          .whereRef('conversation_tags.workspace_id', '=', 'conversations.workspace_id')
          .whereRef('conversation_tags.conversation_id', '=', 'conversations.conversation_id')
          .where('conversation_tags.tag', '=', tag),
      ),
    );
  }
  if (query.cursor) {
    const [value, id] = decodeCursor(query.cursor, 2) as [number, string];
    const after = query.order === 'desc' ? '<' : '>';
    select = select.where((eb) =>
      eb.or([
        eb(sortColumn, after, value),
        eb.and([eb(sortColumn, '=', value), eb('conversations.conversation_id', after, id)]),
      ]),
    );
  }
  const rows = await select
    .orderBy(sortColumn, query.order)
    .orderBy('conversations.conversation_id', query.order)
    .limit(query.limit)
    .execute();
  const last = rows.at(-1);
  const lastValue =
    last &&
    { lastActivity: last.last_activity_at, opened: last.opened_at, waitingSince: last.waiting_since }[
      query.sort
    ];
  return {
    items: rows.map((row) =>
      conversationView(row, { id: row.contact_id, phone: row.contact_phone, name: row.contact_name }, now),
    ),
    nextCursor:
      rows.length === query.limit && last && lastValue != null
        ? encodeCursor([lastValue, last.conversation_id])
        : null,
  };
}

export function listConversationsRoute(
  app: FastifyInstance,
  deps: { db: Kysely<Database>; keys: KeyResolver },
) {
  app.get('/api/v1/conversations', { preHandler: deps.keys.require('secret') }, async (request) =>
    listConversations(
      deps.db,
      request.workspace.id,
      parseOrThrow(querySchema, request.query, 'query'),
      Date.now(),
    ),
  );
}
