/**
 * What the per-item mappers produce, before the walker gives each event its id and envelope. Keeping event ids
 * and the `channel`/`receivedAt` envelope in one place (`toNewEvent`) means a mapper is a pure function of the
 * WhatsApp item and its change.
 */
import type { Actor, JsonObject, NewEvent } from '../../domain/events.js';
import { asEventId, type ContactId, type MessageId } from '../../domain/ids.js';
import {
  compact,
  isRecord,
  readNumber,
  readRecords,
  readString,
  readText,
  type RawObject,
} from './json-reader.js';
import type { WhatsAppRejectionCode } from './rejections.js';

export interface WhatsAppMappingContext {
  /** The channel the webhook URL names (`/webhooks/whatsapp/:channel`), used when a change has no metadata. */
  channel: string;
  /** When chatledger received the request, epoch milliseconds. */
  receivedAt: number;
  newEventId: () => string;
}

/** One `entry[].changes[]` item with field `messages`, as the item mappers need it. */
export interface ChangeScope {
  /** `value.metadata.phone_number_id`, else the context's channel. */
  channel: string;
  /** `payload.context` of every event from this change. */
  envelope: JsonObject;
  /** `value.contacts`: the users the messages and statuses are from or to. */
  contacts: RawObject[];
}

export interface EventDraft {
  type: string;
  idempotencyKey: string;
  eventTime: number;
  actor: Actor;
  contactId: ContactId | null;
  messageId: MessageId | null;
  properties: JsonObject;
}

export type ItemFailure = { ok: false; code: WhatsAppRejectionCode; reason: string };

export function toNewEvent(draft: EventDraft, scope: ChangeScope, context: WhatsAppMappingContext): NewEvent {
  return {
    eventId: asEventId(context.newEventId()),
    idempotencyKey: draft.idempotencyKey,
    type: draft.type,
    eventTime: draft.eventTime,
    receivedAt: context.receivedAt,
    source: 'whatsapp',
    channel: scope.channel,
    actor: draft.actor,
    subjects: { contactId: draft.contactId, conversationId: null, messageId: draft.messageId },
    payload: { properties: draft.properties, context: scope.envelope },
  };
}

/**
 * Meta's error objects, found in value-level `errors`, message-level `errors` (unsupported messages) and
 * `statuses[].errors` (failed messages): `{code, title, message, error_data: {details}, href}`
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/errors).
 */
export function mapMetaErrors(value: unknown): JsonObject[] | undefined {
  const errors = readRecords(value);
  if (errors === undefined || errors.length === 0) return undefined;
  return errors.map(mapMetaError);
}

export function mapMetaError(error: RawObject): JsonObject {
  const data = error['error_data'];
  return compact({
    code: readNumber(error['code']),
    title: readText(error['title']),
    message: readText(error['message']),
    details: isRecord(data) ? readText(data['details']) : undefined,
    href: readString(error['href']),
  });
}
