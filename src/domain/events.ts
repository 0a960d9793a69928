import type { ContactId, ConversationId, EventId, MessageId, WorkspaceId } from './ids.js';

/** Where an event entered chatledger. */
export const EVENT_SOURCES = ['capture', 'whatsapp', 'import', 'ui', 'system'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/** Who did it (DESIGN.md principle 4: identity on every event). */
export const ACTOR_TYPES = ['customer', 'agent', 'bot', 'system', 'integration'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];
export interface Actor {
  type: ActorType;
  /** The customer's contact id, the agent's or bot's id, or a name such as `whatsapp`; null when unknown. */
  id: string | null;
}

/** The base catalogue and its extensions (DESIGN.md "Events"). Other names are stored as they come. */
export const KNOWN_EVENT_TYPES = [
  'message.received',
  'message.sent',
  'message.delivered',
  'message.read',
  'message.played',
  'message.failed',
  'contact.created',
  'contact.updated',
  'contact.opted_out',
  'contact.opted_in',
  'chat.assigned',
  'agent.handoff',
  'chat.resolved',
  'chat.status_changed',
  'chat.tagged',
  'chat.untagged',
  'chat.priority_changed',
  'chat.note_added',
  'chat.type_changed',
  'chat.watcher_added',
  'chat.watcher_removed',
  'chat.next_action_set',
  'chat.next_action_cleared',
  'csat.submitted',
  'deal.updated',
  'link.clicked',
] as const;
export type KnownEventType = (typeof KNOWN_EVENT_TYPES)[number];
export const isKnownEventType = (type: string): type is KnownEventType =>
  (KNOWN_EVENT_TYPES as readonly string[]).includes(type);

/** A JSON value as stored in an event's payload. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The ids an event is about; each is null when the event does not concern one. */
export interface EventSubjects {
  contactId: ContactId | null;
  conversationId: ConversationId | null;
  messageId: MessageId | null;
}

/**
 * An event ready to be appended: validated and normalised by an ingest adapter, not yet in the ledger.
 * Times are epoch milliseconds. `eventTime` is the source's time (corrected for client clock skew);
 * it drives every metric. `receivedAt` is when chatledger first received it.
 */
export interface NewEvent {
  eventId: EventId;
  /** Unique per workspace: appending a second event with the same key stores nothing. */
  idempotencyKey: string;
  type: string;
  eventTime: number;
  receivedAt: number;
  source: EventSource;
  /** The WhatsApp phone_number_id or the named capture source the event came through. */
  channel: string;
  actor: Actor;
  subjects: EventSubjects;
  /** The event's properties after normalisation (`properties`), plus the envelope's `context`. */
  payload: { properties: JsonObject; context: JsonObject };
}

/** An event as stored in the ledger: position is global, seq counts per workspace, hashes chain per workspace. */
export interface LedgerEvent extends NewEvent {
  workspaceId: WorkspaceId;
  position: number;
  seq: number;
  prevHash: string;
  hash: string;
}

/**
 * Orders events by event time with a deterministic tie-break. The tie-break uses the idempotency key,
 * not the event id or the position, because those depend on arrival order and the projections must not.
 */
export function compareByEventTime(
  a: Pick<NewEvent, 'eventTime' | 'idempotencyKey'>,
  b: Pick<NewEvent, 'eventTime' | 'idempotencyKey'>,
): number {
  if (a.eventTime !== b.eventTime) return a.eventTime - b.eventTime;
  return a.idempotencyKey < b.idempotencyKey ? -1 : a.idempotencyKey > b.idempotencyKey ? 1 : 0;
}

/**
 * A string that sorts like `compareByEventTime` (event times are non-negative epoch ms below 10^15).
 * Projections store it beside a last-writer-wins field so the winner is the same in any arrival order.
 */
export function eventOrderKey(event: Pick<NewEvent, 'eventTime' | 'idempotencyKey'>): string {
  return `${String(event.eventTime).padStart(15, '0')}|${event.idempotencyKey}`;
}

/** Reads a string property, or null when it is absent or not a string. */
export function stringProperty(properties: JsonObject, name: string): string | null {
  const value = properties[name];
  return typeof value === 'string' ? value : null;
}
