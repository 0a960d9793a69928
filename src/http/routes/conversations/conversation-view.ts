import { windowOpen, type ConversationState } from '../../../domain/conversation/index.js';
import type { Kysely } from 'kysely';
import type { ConversationRow, Database } from '../../../store/schema.js';

/** The workspace's conversations joined with their contact's phone and name (lists and detail). */
export const conversationsWithContact = (db: Kysely<Database>, workspaceId: string) =>
  db
    .selectFrom('conversations')
    .leftJoin('contacts', (join) =>
      join
        .onRef('contacts.workspace_id', '=', 'conversations.workspace_id')
        .onRef('contacts.contact_id', '=', 'conversations.contact_id'),
    )
    .selectAll('conversations')
    .select(['contacts.phone as contact_phone', 'contacts.name as contact_name'])
    .where('conversations.workspace_id', '=', workspaceId);

const iso = (time: number | null | undefined) =>
  time === null || time === undefined ? null : new Date(time).toISOString();

export interface ContactSummary {
  id: string | null;
  phone: string | null;
  name: string | null;
}

/** A conversation as the API shows it in lists and in the detail view. */
export function conversationView(row: ConversationRow, contact: ContactSummary, now: number) {
  const state = JSON.parse(row.state) as ConversationState;
  return {
    id: row.conversation_id,
    version: row.version,
    chatId: row.chat_id,
    channel: row.channel,
    contact,
    status: row.status,
    owner: state.owner,
    team: row.team_id,
    watchers: state.watchers,
    serviceMode: row.service_mode,
    priority: row.priority,
    type: row.conversation_type,
    tags: state.tags,
    source: state.source,
    deal: state.deal,
    nextAction: state.nextAction && {
      ...state.nextAction,
      dueAt: iso(state.nextAction.dueAt),
      setAt: iso(state.nextAction.setAt),
      overdue: state.nextAction.dueAt !== null && state.nextAction.dueAt < now,
    },
    openedAt: iso(row.opened_at),
    lastInboundAt: iso(row.last_inbound_at),
    lastOutboundAt: iso(row.last_outbound_at),
    lastActivityAt: iso(row.last_activity_at),
    waitingSince: iso(row.waiting_since),
    window: { open: windowOpen(state, now), closesAt: iso(row.window_closes_at) },
    cycles: row.cycle_count,
    supersededBy: row.superseded_by,
  };
}
