import type { ActorType, EventSource, LedgerEvent, NewEvent } from '../domain/events.js';
import { asContactId, asConversationId, asEventId, asMessageId, asWorkspaceId } from '../domain/ids.js';
import type { EventRow } from '../store/schema.js';
import { canonicalJson } from './canonical-json.js';
import { eventHash, type HashedEventFields } from './hash-chain.js';

/** The row of an event at `seq` in a workspace's chain, with its hash computed from the previous one. */
export function chainEventRow(
  workspaceId: string,
  seq: number,
  prevHash: string,
  event: NewEvent,
): HashedEventFields & { hash: string } {
  const fields: HashedEventFields = {
    workspace_id: workspaceId,
    seq,
    event_id: event.eventId,
    idempotency_key: event.idempotencyKey,
    type: event.type,
    event_time: event.eventTime,
    received_at: event.receivedAt,
    source: event.source,
    channel: event.channel,
    actor_type: event.actor.type,
    actor_id: event.actor.id,
    contact_id: event.subjects.contactId,
    conversation_id: event.subjects.conversationId,
    message_id: event.subjects.messageId,
    payload: canonicalJson(event.payload),
    prev_hash: prevHash,
  };
  return { ...fields, hash: eventHash(fields) };
}

export function eventFromRow(row: EventRow): LedgerEvent {
  return {
    workspaceId: asWorkspaceId(row.workspace_id),
    position: row.position,
    seq: row.seq,
    eventId: asEventId(row.event_id),
    idempotencyKey: row.idempotency_key,
    type: row.type,
    eventTime: row.event_time,
    receivedAt: row.received_at,
    source: row.source as EventSource,
    channel: row.channel,
    actor: { type: row.actor_type as ActorType, id: row.actor_id },
    subjects: {
      contactId: row.contact_id === null ? null : asContactId(row.contact_id),
      conversationId: row.conversation_id === null ? null : asConversationId(row.conversation_id),
      messageId: row.message_id === null ? null : asMessageId(row.message_id),
    },
    payload: JSON.parse(row.payload) as LedgerEvent['payload'],
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
