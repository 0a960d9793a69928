/**
 * One `messages[]` item of a `messages` change → `message.received` (or, for a system message, the
 * `contact.updated` that re-keys the contact). Shapes: the common structure in
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages and the
 * per-type pages linked from `message-content.ts`.
 */
import type { JsonObject } from '../../domain/events.js';
import { messageKey } from '../../domain/idempotency.js';
import { asMessageId, type ContactId } from '../../domain/ids.js';
import { contactIdFromUserId, contactIdFromWaId, countryOfContact } from './contact-identity.js';
import { mapMetaErrors, type ChangeScope, type EventDraft, type ItemFailure } from './event-draft.js';
import {
  camelizeKeys,
  compact,
  compactOrOmit,
  isRecord,
  readBoolean,
  readString,
  readUnixSecondsAsMs,
  type RawObject,
} from './json-reader.js';
import { mapMessageContent } from './message-content.js';

/** The customer behind a message, merged from the message and its `contacts[]` entry. */
export interface SenderIdentity {
  contactId: ContactId;
  /** Phone number as Meta sends it (digits, no `+`). Absent when the user hides it. */
  waId?: string;
  /** Business-scoped user id (BSUID). */
  userId?: string;
  parentUserId?: string;
  /** WhatsApp username, for users who adopted one. Display only: it can change, so it never keys anything. */
  username?: string;
  /** `contacts[].profile.name`: the name the user set in WhatsApp. */
  profileName?: string;
  countryCode?: string;
}

export type MessageOutcome =
  | {
      ok: true;
      drafts: EventDraft[];
      /** For `message.received`: who sent it and which `contacts[]` entry described them. */
      sender?: { identity: SenderIdentity; contactIndex?: number; messageId: string; eventTime: number };
    }
  | ItemFailure;

export function mapInboundMessage(message: unknown, scope: ChangeScope): MessageOutcome {
  if (!isRecord(message)) return invalid('a message must be an object');
  const id = readString(message['id']);
  if (id === undefined) return invalid('a message needs an id (wamid)');
  // `timestamp`: when the webhook was triggered, Unix seconds as a string; for reactions, when the user reacted.
  const eventTime = readUnixSecondsAsMs(message['timestamp']);
  if (eventTime === undefined) return invalid(`message ${id} needs a Unix timestamp in seconds`);
  const type = readString(message['type']);
  if (type === undefined) return invalid(`message ${id} needs a type`);
  if (type === 'system') return mapSystemMessage(message, id, eventTime);

  const sender = resolveSender(message, scope.contacts);
  if (sender === undefined)
    return invalid(`message ${id} has no usable sender id in from, from_user_id or contacts[]`);
  const mapped = mapMessageContent(message, type);
  if (!mapped.ok) return invalid(`message ${id}: ${mapped.reason}`);
  const { content } = mapped;
  const { identity } = sender;

  // Click to WhatsApp ads: `referral` rides on the first message after the click. Every property is optional;
  // `ctwa_clid` identifies the click for the Conversions API and is omitted for some placements.
  const referral = isRecord(message['referral'])
    ? (camelizeKeys(message['referral']) as JsonObject)
    : undefined;
  const ctwaClid = isRecord(message['referral']) ? readString(message['referral']['ctwa_clid']) : undefined;

  const whatsapp = compact({
    ...(content.detail ? { [content.detail.key]: content.detail.value } : {}),
    contact: compactOrOmit({
      waId: identity.waId,
      userId: identity.userId,
      parentUserId: identity.parentUserId,
      username: identity.username,
      countryCode: identity.countryCode,
    }),
    context: mapContext(message['context']),
    // Message-level errors: set on `unsupported` messages (code 131051) and kept for any type.
    errors: mapMetaErrors(message['errors']),
    // Groups API: the group the message was sent in.
    groupId: readString(message['group_id']),
  });

  const draft: EventDraft = {
    type: 'message.received',
    idempotencyKey: messageKey('message.received', id),
    eventTime,
    actor: { type: 'customer', id: identity.contactId },
    contactId: identity.contactId,
    messageId: asMessageId(id),
    properties: compact({
      messageId: id,
      direction: 'inbound',
      contentType: content.contentType,
      hasMedia: content.hasMedia,
      text: content.text,
      profileName: identity.profileName,
      source: referral ? 'ad' : undefined,
      ctwaClid,
      referral,
      whatsapp,
    }),
  };
  return { ok: true, drafts: [draft], sender: { ...sender, messageId: id, eventTime } };
}

/** `contact.updated` carrying what `contacts[]` says about a sender, anchored on one of their messages. */
export function profileUpdateDraft(
  identity: SenderIdentity,
  messageId: string,
  eventTime: number,
): EventDraft {
  return {
    type: 'contact.updated',
    // The contacts array comes with a message; keying the update on that message makes a redelivery count once
    // while a later name change (even back to an earlier name) arrives with a new message and a new key.
    idempotencyKey: `contact.updated:${messageId}`,
    eventTime,
    actor: { type: 'customer', id: identity.contactId },
    contactId: identity.contactId,
    messageId: null,
    properties: compact({
      name: identity.profileName,
      username: identity.username,
      waId: identity.waId,
      userId: identity.userId,
      parentUserId: identity.parentUserId,
      countryCode: identity.countryCode,
      whatsapp: { messageId },
    }),
  };
}

/**
 * The sender: `messages[].from` (phone) and `from_user_id` (BSUID), completed by the matching `contacts[]`
 * entry (`wa_id`, `user_id`, `profile.name`, `profile.username`). The phone keys the contact when Meta shares
 * it, else the BSUID (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids).
 */
function resolveSender(
  message: RawObject,
  contacts: RawObject[],
): { identity: SenderIdentity; contactIndex?: number } | undefined {
  const from = readString(message['from']);
  const fromUserId = readString(message['from_user_id']);
  const contactIndex = findContactIndex(contacts, from, fromUserId);
  const contact = contactIndex === undefined ? undefined : contacts[contactIndex];
  const profile = contact && isRecord(contact['profile']) ? contact['profile'] : undefined;

  const waId = from ?? readString(contact?.['wa_id']);
  const userId = fromUserId ?? readString(contact?.['user_id']);
  const contactId = contactIdFromWaId(waId) ?? contactIdFromUserId(userId);
  if (contactId === undefined) return undefined;
  const identity: SenderIdentity = {
    contactId,
    waId,
    userId,
    parentUserId: readString(message['from_parent_user_id']) ?? readString(contact?.['parent_user_id']),
    username: readString(profile?.['username']),
    profileName: readString(profile?.['name']),
    countryCode: countryOfContact(contactId, readString(contact?.['country_code'])),
  };
  return { identity, contactIndex };
}

/**
 * The `contacts[]` entry describing the sender: the one whose `wa_id` or `user_id` matches; failing that, the
 * only entry, provided none of its ids contradicts the message's.
 */
function findContactIndex(contacts: RawObject[], from?: string, fromUserId?: string): number | undefined {
  const matching = contacts.findIndex(
    (contact) =>
      (from !== undefined && readString(contact['wa_id']) === from) ||
      (fromUserId !== undefined && readString(contact['user_id']) === fromUserId),
  );
  if (matching >= 0) return matching;
  const only = contacts.length === 1 ? contacts[0] : undefined;
  if (only === undefined) return undefined;
  const waId = readString(only['wa_id']);
  const userId = readString(only['user_id']);
  const contradicts =
    (from !== undefined && waId !== undefined) || (fromUserId !== undefined && userId !== undefined);
  return contradicts ? undefined : 0;
}

/**
 * `context`: the message replied to (`id`, and `from`, the business number that sent it), forwarding flags
 * (`forwarded`; `frequently_forwarded` when forwarded more than 5 times) and `referred_product` for the
 * "Message business" button of a product message.
 */
function mapContext(context: unknown): JsonObject | undefined {
  if (!isRecord(context)) return undefined;
  const product = context['referred_product'];
  return compactOrOmit({
    messageId: readString(context['id']),
    from: readString(context['from']),
    forwarded: readBoolean(context['forwarded']),
    frequentlyForwarded: readBoolean(context['frequently_forwarded']),
    referredProduct: isRecord(product)
      ? compactOrOmit({
          catalogId: readString(product['catalog_id']),
          productRetailerId: readString(product['product_retailer_id']),
        })
      : undefined,
  });
}

/**
 * System messages report a change of the user's identity, not something they wrote, so they produce no
 * `message.received` (it would open or reopen a conversation and count as a customer turn). Meta sends them
 * without a `contacts` array; `from` is the *previous* number.
 * - `user_changed_number`: `system.wa_id` is the new number (`new_wa_id` and the type `customer_changed_number`
 *   before Graph API v12); since 2026-08 also `system.user_id`/`parent_user_id` (the new BSUIDs, regenerated
 *   by a number change) with `previous_user_id`/`previous_parent_user_id`.
 * - `user_changed_user_id`: only the BSUID changed (the number cannot be shared): new and previous BSUIDs.
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/system,
 * changelog of 2026-08-11.) The event keeps the existing contact as its subject and names the new id, so the
 * contacts projection re-keys the same contact instead of creating a new one.
 */
function mapSystemMessage(message: RawObject, id: string, eventTime: number): MessageOutcome {
  const system = message['system'];
  if (!isRecord(system)) return invalid(`system message ${id} needs its system object`);
  const systemType = readString(system['type']);
  const previousWaId = readString(message['from']);
  const previousUserId = readString(system['previous_user_id']) ?? readString(message['from_user_id']);
  const previousContactId = contactIdFromWaId(previousWaId) ?? contactIdFromUserId(previousUserId);
  if (previousContactId === undefined) return invalid(`system message ${id} needs from or from_user_id`);
  const newWaId = readString(system['wa_id']) ?? readString(system['new_wa_id']);
  const newUserId = readString(system['user_id']);
  const newContactId = contactIdFromWaId(newWaId) ?? contactIdFromUserId(newUserId);
  const changesId =
    systemType === 'user_changed_number' ||
    systemType === 'customer_changed_number' ||
    systemType === 'user_changed_user_id';
  if (changesId && newContactId === undefined) {
    return invalid(`system message ${id} (${systemType}) needs the new wa_id or user_id`);
  }
  const draft: EventDraft = {
    type: 'contact.updated',
    idempotencyKey: `contact.updated:${id}`,
    eventTime,
    actor: { type: 'customer', id: previousContactId },
    contactId: previousContactId,
    messageId: null,
    properties: compact({
      change: systemType ?? 'unknown',
      previousContactId,
      newContactId,
      previousWaId,
      newWaId,
      previousUserId,
      newUserId,
      previousParentUserId: readString(system['previous_parent_user_id']),
      newParentUserId: readString(system['parent_user_id']),
      countryCode: newContactId === undefined ? undefined : countryOfContact(newContactId),
      whatsapp: compact({ messageId: id, systemType, body: readString(system['body']) }),
    }),
  };
  return { ok: true, drafts: [draft] };
}

const invalid = (reason: string): ItemFailure => ({ ok: false, code: 'whatsapp_invalid_message', reason });
