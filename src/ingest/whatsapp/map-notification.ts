/**
 * A WhatsApp Cloud API webhook notification → chatledger events, as a pure function.
 *
 * One notification can batch several `entry[]` items (one per WhatsApp Business Account), each with several
 * `changes[]`, each with several `messages[]` and `statuses[]`
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages).
 * Every item is mapped; an item that cannot be mapped becomes a rejection with its path, a stable code and its
 * raw JSON, and never stops the others (DESIGN.md principle 6). Nothing here throws on bad input.
 *
 * Events use the capture catalogue so downstream code treats both sources alike, with idempotency keys that
 * depend only on WhatsApp's ids (`<type>:<wamid>`): the same notification delivered twice, or its items in
 * another order, yields the same keys and so counts once.
 */
import type { JsonObject, NewEvent } from '../../domain/events.js';
import {
  toNewEvent,
  mapMetaError,
  type ChangeScope,
  type EventDraft,
  type WhatsAppMappingContext,
} from './event-draft.js';
import { compact, isRecord, readRecords, readString, type RawObject } from './json-reader.js';
import { mapInboundMessage, profileUpdateDraft, type SenderIdentity } from './map-message.js';
import { mapMessageStatus } from './map-status.js';
import type { WhatsAppRejection, WhatsAppRejectionCode } from './rejections.js';

export type { WhatsAppMappingContext } from './event-draft.js';

export interface WhatsAppMappingResult {
  events: NewEvent[];
  rejected: WhatsAppRejection[];
}

/** The only `object` Cloud API sends for WhatsApp Business Account webhooks. */
const WHATSAPP_OBJECT = 'whatsapp_business_account';

export function mapWhatsAppNotification(
  payload: unknown,
  context: WhatsAppMappingContext,
): WhatsAppMappingResult {
  const result: WhatsAppMappingResult = { events: [], rejected: [] };
  const reject = (path: string, code: WhatsAppRejectionCode, message: string, raw: unknown) =>
    result.rejected.push({ path, code, message, raw });

  if (!isRecord(payload)) {
    reject('', 'whatsapp_invalid_payload', 'the notification must be a JSON object', payload);
    return result;
  }
  if (payload['object'] !== WHATSAPP_OBJECT) {
    reject('object', 'whatsapp_invalid_payload', `"object" must be "${WHATSAPP_OBJECT}"`, payload);
    return result;
  }
  if (!Array.isArray(payload['entry'])) {
    reject('entry', 'whatsapp_invalid_payload', '"entry" must be an array', payload);
    return result;
  }

  payload['entry'].forEach((entry: unknown, entryIndex) => {
    const entryPath = `entry[${entryIndex}]`;
    if (!isRecord(entry) || !Array.isArray(entry['changes'])) {
      reject(
        entryPath,
        'whatsapp_invalid_payload',
        'an entry must be an object with a "changes" array',
        entry,
      );
      return;
    }
    const businessAccountId = readString(entry['id']);
    entry['changes'].forEach((change: unknown, changeIndex) => {
      const changePath = `${entryPath}.changes[${changeIndex}]`;
      if (!isRecord(change) || !isRecord(change['value'])) {
        reject(
          changePath,
          'whatsapp_invalid_payload',
          'a change must be an object with a "value" object',
          change,
        );
        return;
      }
      const field = readString(change['field']);
      if (field !== 'messages') {
        const message = `webhook field "${field ?? '(none)'}" is not mapped; only "messages" is`;
        reject(changePath, 'whatsapp_unsupported_field', message, change);
        return;
      }
      mapMessagesValue(change['value'], `${changePath}.value`, businessAccountId, context, result, reject);
    });
  });
  return result;
}

type Reject = (path: string, code: WhatsAppRejectionCode, message: string, raw: unknown) => void;

function mapMessagesValue(
  value: RawObject,
  path: string,
  businessAccountId: string | undefined,
  context: WhatsAppMappingContext,
  result: WhatsAppMappingResult,
  reject: Reject,
): void {
  const metadata = isRecord(value['metadata']) ? value['metadata'] : {};
  const phoneNumberId = readString(metadata['phone_number_id']);
  const scope: ChangeScope = {
    channel: phoneNumberId ?? context.channel,
    envelope: envelopeOf(businessAccountId, phoneNumberId, readString(metadata['display_phone_number'])),
    contacts: readRecords(value['contacts']) ?? [],
  };
  const emit = (draft: EventDraft) => result.events.push(toNewEvent(draft, scope, context));

  // Value-level errors: Meta reporting a system-, app- or account-level problem instead of (or besides) messages
  // (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/errors).
  // They are not events; they are reported so the HTTP layer can record and surface them.
  for (const [index, error] of arrayAt(value, 'errors', path, reject).entries()) {
    const detail = isRecord(error) ? mapMetaError(error) : {};
    reject(`${path}.errors[${index}]`, 'whatsapp_error', describeMetaError(detail), error);
  }

  // The first message of each `contacts[]` entry's sender (smallest wamid, so any order of `messages[]` picks
  // the same one) anchors the `contact.updated` that records the profile name, username and ids.
  const anchors = new Map<number, { identity: SenderIdentity; messageId: string; eventTime: number }>();
  for (const [index, message] of arrayAt(value, 'messages', path, reject).entries()) {
    const itemPath = `${path}.messages[${index}]`;
    const outcome = guard(() => mapInboundMessage(message, scope), 'whatsapp_invalid_message');
    if (!outcome.ok) {
      reject(itemPath, outcome.code, outcome.reason, message);
      continue;
    }
    outcome.drafts.forEach(emit);
    const sender = outcome.sender;
    if (sender?.contactIndex === undefined) continue;
    const anchor = anchors.get(sender.contactIndex);
    if (anchor === undefined || sender.messageId < anchor.messageId) anchors.set(sender.contactIndex, sender);
  }
  [...anchors.entries()]
    .sort(([a], [b]) => a - b)
    .forEach(([, anchor]) => emit(profileUpdateDraft(anchor.identity, anchor.messageId, anchor.eventTime)));

  for (const [index, status] of arrayAt(value, 'statuses', path, reject).entries()) {
    const outcome = guard(() => mapMessageStatus(status, scope), 'whatsapp_invalid_status');
    if (outcome.ok) outcome.drafts.forEach(emit);
    else reject(`${path}.statuses[${index}]`, outcome.code, outcome.reason, status);
  }
}

/** `payload.context` of the events: where the notification came from, next to the capture API's `channel`. */
function envelopeOf(
  businessAccountId?: string,
  phoneNumberId?: string,
  displayPhoneNumber?: string,
): JsonObject {
  return compact({ channel: 'whatsapp', businessAccountId, phoneNumberId, displayPhoneNumber });
}

/** `value[key]` as an array; absent is empty, anything else is reported and treated as empty. */
function arrayAt(value: RawObject, key: string, path: string, reject: Reject): unknown[] {
  const member = value[key];
  if (member === undefined) return [];
  if (Array.isArray(member)) return member;
  reject(`${path}.${key}`, 'whatsapp_invalid_payload', `"${key}" must be an array`, member);
  return [];
}

function describeMetaError(error: JsonObject): string {
  const code = error['code'] === undefined ? '' : ` ${String(error['code'])}`;
  const words = [error['title'], error['message'], error['details']].filter(
    (part, index, parts): part is string => typeof part === 'string' && parts.indexOf(part) === index,
  );
  return `WhatsApp reported error${code}${words.length > 0 ? `: ${words.join(' — ')}` : ''}`;
}

/**
 * A mapper bug must not cost the rest of the notification: an unexpected exception on one item becomes that
 * item's rejection (with the exception's message), like any other bad item.
 */
function guard<T extends { ok: boolean }>(
  map: () => T,
  code: WhatsAppRejectionCode,
): T | { ok: false; code: WhatsAppRejectionCode; reason: string } {
  try {
    return map();
  } catch (error) {
    return {
      ok: false,
      code,
      reason: `could not be mapped: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
