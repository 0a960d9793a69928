/**
 * One `statuses[]` item → `message.sent|delivered|read|failed|played` about a message the business sent.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status
 *
 * Quirks the ledger and projections must live with (all from that page unless noted):
 * - statuses arrive at least once and in any order; a `read` may come with no `delivered` at all ("the
 *   delivered webhook is not sent because it's implied that the message was delivered since it was read");
 * - `played` is sent the first time the user plays a voice message the business sent (from 2026-03-17,
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/audio-messages);
 * - a reaction the business sends only ever gets `sent`
 *   (https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/reaction-messages);
 * - `failed` carries `errors` and, unlike the others, no `contacts` array (business-scoped-user-ids page);
 * - `pricing` {billable, pricing_model, category, type} comes with `sent` and with one of delivered/read;
 *   `billable` is being deprecated in favour of `type` (`regular`, `free_customer_service`,
 *   `free_entry_point`) — https://developers.facebook.com/documentation/business-messaging/whatsapp/pricing;
 * - `conversation` {id, origin.type, expiration_timestamp} is omitted from Graph API v24.0 except in free
 *   entry point windows; `expiration_timestamp` only comes with `sent`.
 */
import type { JsonObject } from '../../domain/events.js';
import { statusKey } from '../../domain/idempotency.js';
import { asMessageId, type ContactId } from '../../domain/ids.js';
import { contactIdFromUserId, contactIdFromWaId } from './contact-identity.js';
import { mapMetaErrors, type ChangeScope, type EventDraft, type ItemFailure } from './event-draft.js';
import {
  compact,
  compactOrOmit,
  isRecord,
  readBoolean,
  readString,
  readUnixSecondsAsMs,
  type RawObject,
} from './json-reader.js';

export const WHATSAPP_STATUSES = ['sent', 'delivered', 'read', 'failed', 'played'] as const;
export type WhatsAppStatus = (typeof WHATSAPP_STATUSES)[number];
const isWhatsAppStatus = (value: string): value is WhatsAppStatus =>
  (WHATSAPP_STATUSES as readonly string[]).includes(value);

/** The capture catalogue's time property for each status (`message.delivered — deliveredAt`, ...). */
const STATUS_TIME_PROPERTY: Record<WhatsAppStatus, string> = {
  sent: 'sentAt',
  delivered: 'deliveredAt',
  read: 'readAt',
  failed: 'failedAt',
  played: 'playedAt',
};

export type StatusOutcome = { ok: true; drafts: EventDraft[] } | ItemFailure;

export function mapMessageStatus(status: unknown, scope: ChangeScope): StatusOutcome {
  if (!isRecord(status)) return failure('whatsapp_invalid_status', 'a status must be an object');
  const id = readString(status['id']);
  if (id === undefined)
    return failure('whatsapp_invalid_status', 'a status needs the id (wamid) of its message');
  const value = readString(status['status']);
  if (value === undefined) return failure('whatsapp_invalid_status', `status of ${id} needs a status`);
  if (!isWhatsAppStatus(value)) {
    return failure(
      'whatsapp_unsupported_status',
      `status "${value}" of ${id} is not sent, delivered, read, failed or played`,
    );
  }
  const statusAt = readUnixSecondsAsMs(status['timestamp']);
  if (statusAt === undefined)
    return failure('whatsapp_invalid_status', `status ${value} of ${id} needs a Unix timestamp`);

  const recipient = resolveRecipient(status);
  const contact = findRecipientContact(scope.contacts, recipient.phone, recipient.userId);
  const profile = contact && isRecord(contact['profile']) ? contact['profile'] : undefined;
  const errors = mapMetaErrors(status['errors']);

  const draft: EventDraft = {
    type: `message.${value}`,
    // One event per message and status: a redelivered status counts once, a message's `read` and `delivered`
    // are distinct facts, and the `sent` status never collides with the message's own record.
    idempotencyKey: statusKey(value, id),
    eventTime: statusAt,
    actor: { type: 'system', id: 'whatsapp' },
    contactId: recipient.contactId ?? null,
    messageId: asMessageId(id),
    properties: compact({
      messageId: id,
      direction: 'outbound',
      status: value,
      recipientId: readString(status['recipient_id']),
      statusAt,
      [STATUS_TIME_PROPERTY[value]]: statusAt,
      error: errors?.[0],
      errors,
      pricing: mapPricing(status['pricing'], status['conversation']),
      conversation: mapConversation(status['conversation']),
      whatsapp: compactOrOmit({
        recipientUserId: recipient.userId,
        // `parent_recipient_user_id` is how the business-scoped-user-ids page spelt it before a 2026 correction.
        recipientParentUserId:
          readString(status['recipient_parent_user_id']) ?? readString(status['parent_recipient_user_id']),
        recipientType: readString(status['recipient_type']),
        recipientParticipantId: recipient.participantPhone,
        groupId: recipient.groupId,
        username: readString(profile?.['username']),
        profileName: readString(profile?.['name']),
        bizOpaqueCallbackData: readString(status['biz_opaque_callback_data']),
      }),
    }),
  };
  return { ok: true, drafts: [draft] };
}

interface Recipient {
  contactId?: ContactId;
  phone?: string;
  userId?: string;
  participantPhone?: string;
  groupId?: string;
}

/**
 * The customer the message went to: `recipient_id` (phone; omitted when sent to a BSUID whose number Meta may
 * not share) or `recipient_user_id` (BSUID). For a message sent to a group, `recipient_id` is the group and the
 * customer is `recipient_participant_id` / `recipient_participant_user_id`
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/groups/webhooks).
 */
function resolveRecipient(status: RawObject): Recipient {
  if (readString(status['recipient_type']) === 'group') {
    const participantPhone =
      readString(status['recipient_participant_id']) ?? readString(status['participant_recipient_id']);
    const userId = readString(status['recipient_participant_user_id']);
    return {
      contactId: contactIdFromWaId(participantPhone) ?? contactIdFromUserId(userId),
      participantPhone,
      userId,
      groupId: readString(status['recipient_id']),
    };
  }
  const phone = readString(status['recipient_id']);
  const userId = readString(status['recipient_user_id']);
  return { contactId: contactIdFromWaId(phone) ?? contactIdFromUserId(userId), phone, userId };
}

function findRecipientContact(contacts: RawObject[], phone?: string, userId?: string): RawObject | undefined {
  return contacts.find(
    (contact) =>
      (phone !== undefined && readString(contact['wa_id']) === phone) ||
      (userId !== undefined && readString(contact['user_id']) === userId),
  );
}

/** `pricing`; some Groups API examples nest it inside `conversation`, so that is read as a fallback. */
function mapPricing(pricing: unknown, conversation: unknown): JsonObject | undefined {
  const source = isRecord(pricing)
    ? pricing
    : isRecord(conversation) && isRecord(conversation['pricing'])
      ? conversation['pricing']
      : undefined;
  if (source === undefined) return undefined;
  return compactOrOmit({
    billable: readBoolean(source['billable']),
    model: readString(source['pricing_model']),
    category: readString(source['category']),
    type: readString(source['type']),
  });
}

function mapConversation(conversation: unknown): JsonObject | undefined {
  if (!isRecord(conversation)) return undefined;
  const origin = conversation['origin'];
  return compactOrOmit({
    id: readString(conversation['id']),
    originType: isRecord(origin) ? readString(origin['type']) : undefined,
    expiresAt: readUnixSecondsAsMs(conversation['expiration_timestamp']),
  });
}

const failure = (code: ItemFailure['code'], reason: string): ItemFailure => ({ ok: false, code, reason });
