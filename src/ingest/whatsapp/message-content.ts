/**
 * The type-specific part of an inbound WhatsApp message (`"type": "image", "image": {...}`), turned into what
 * the capture catalogue's `message.received` carries (`contentType`, `hasMedia`, `text`) plus the WhatsApp
 * detail kept under `properties.whatsapp`.
 *
 * Payload shapes follow the per-type pages of the messages webhook reference,
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/<type>
 * (text, image, video, audio, document, sticker, location, contacts, interactive, button, reaction, order,
 * unsupported). A type we do not model is kept, not rejected: the customer still wrote to the business.
 */
import type { Json, JsonObject } from '../../domain/events.js';
import {
  camelizeKeys,
  compact,
  compactOrOmit,
  isRecord,
  readNumber,
  readRecords,
  readString,
  readText,
  type RawObject,
} from './json-reader.js';

export interface MessageContent {
  /** The WhatsApp `type`, used as the capture catalogue's `contentType`. */
  contentType: string;
  hasMedia: boolean;
  /** What the customer wrote or chose: body, caption, button text, list or reply title, flow body, order text. */
  text?: string;
  /** Type-specific detail for `properties.whatsapp`, under the key it is stored at. */
  detail?: { key: string; value: JsonObject | Json[] };
}

export type ContentResult = { ok: true; content: MessageContent } | { ok: false; reason: string };

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

export function mapMessageContent(message: RawObject, type: string): ContentResult {
  const body = message[type];
  if (type === 'text') {
    const text = isRecord(body) ? readText(body['body']) : undefined;
    return text === undefined
      ? invalid('a text message needs text.body')
      : ok({ contentType: 'text', hasMedia: false, text });
  }
  if (MEDIA_TYPES.has(type)) return mapMedia(type, body);
  switch (type) {
    case 'location':
      return mapLocation(body);
    case 'contacts':
      return mapSharedContacts(body);
    case 'interactive':
      return mapInteractive(body);
    case 'button':
      return mapButton(body);
    case 'reaction':
      return mapReaction(body);
    case 'order':
      return mapOrder(body);
    case 'unsupported':
      return mapUnsupported(body);
    default:
      // An unmodelled type (`edit`, `revoke`, a future one): stored with its raw detail, never dropped.
      return ok({
        contentType: type,
        hasMedia: false,
        detail: body === undefined ? undefined : { key: 'content', value: asObject(camelizeKeys(body)) },
      });
  }
}

/**
 * image/video/audio/document/sticker share `id`, `mime_type`, `sha256` and, since late 2025, a direct `url`;
 * `caption` (image, video, document), `filename` (document), `voice` (audio recorded with WhatsApp's voice
 * recorder, https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/audio)
 * and `animated` (sticker) are per type.
 */
function mapMedia(type: string, body: unknown): ContentResult {
  if (!isRecord(body)) return invalid(`a ${type} message needs its ${type} object`);
  const caption = readText(body['caption']);
  const media = compact({
    id: readString(body['id']),
    mimeType: readString(body['mime_type']),
    sha256: readString(body['sha256']),
    url: readString(body['url']),
    caption,
    filename: readString(body['filename']),
    voice: type === 'audio' ? body['voice'] === true : undefined,
    animated: type === 'sticker' ? body['animated'] === true : undefined,
  });
  return ok({ contentType: type, hasMedia: true, text: caption, detail: { key: 'media', value: media } });
}

function mapLocation(body: unknown): ContentResult {
  const latitude = isRecord(body) ? readNumber(body['latitude']) : undefined;
  const longitude = isRecord(body) ? readNumber(body['longitude']) : undefined;
  if (!isRecord(body) || latitude === undefined || longitude === undefined) {
    return invalid('a location message needs numeric location.latitude and location.longitude');
  }
  const location = compact({
    latitude,
    longitude,
    name: readString(body['name']),
    address: readString(body['address']),
    url: readString(body['url']),
  });
  return ok({ contentType: 'location', hasMedia: false, detail: { key: 'location', value: location } });
}

/** Contact cards the customer shared (vCard-like: name, phones with `wa_id`, emails, org, urls, addresses). */
function mapSharedContacts(body: unknown): ContentResult {
  const cards = readRecords(body);
  if (cards === undefined || cards.length === 0) return invalid('a contacts message needs a contacts array');
  return ok({
    contentType: 'contacts',
    hasMedia: false,
    detail: { key: 'contacts', value: cards.map(camelizeKeys) },
  });
}

/**
 * Replies to interactive messages, tagged by `interactive.type`: `button_reply` {id, title}, `list_reply`
 * {id, title, description} and `nfm_reply` {name, body, response_json} for Flows and address messages, where
 * `response_json` is a JSON *string* whose shape the Flow defines (kept as the string).
 */
function mapInteractive(body: unknown): ContentResult {
  const replyType = isRecord(body) ? readString(body['type']) : undefined;
  if (!isRecord(body) || replyType === undefined)
    return invalid('an interactive message needs interactive.type');
  const reply = body[replyType];
  if (replyType === 'button_reply' || replyType === 'list_reply') {
    const id = isRecord(reply) ? readString(reply['id']) : undefined;
    if (!isRecord(reply) || id === undefined) return invalid(`interactive.${replyType} needs an id`);
    const title = readText(reply['title']);
    const detail = compact({ type: replyType, id, title, description: readText(reply['description']) });
    return ok({
      contentType: 'interactive',
      hasMedia: false,
      text: title,
      detail: { key: 'interactive', value: detail },
    });
  }
  if (replyType === 'nfm_reply') {
    const responseJson = isRecord(reply) ? readText(reply['response_json']) : undefined;
    if (!isRecord(reply) || responseJson === undefined)
      return invalid('interactive.nfm_reply needs response_json');
    const text = readText(reply['body']);
    const detail = compact({ type: replyType, name: readString(reply['name']), body: text, responseJson });
    return ok({
      contentType: 'interactive',
      hasMedia: false,
      text,
      detail: { key: 'interactive', value: detail },
    });
  }
  // Other replies (call_permission_reply, ...): kept whole.
  const detail = asObject(camelizeKeys(body));
  return ok({ contentType: 'interactive', hasMedia: false, detail: { key: 'interactive', value: detail } });
}

/** A tap on a template's quick-reply button: `button` {payload, text}; `context` names the template message. */
function mapButton(body: unknown): ContentResult {
  if (!isRecord(body)) return invalid('a button message needs its button object');
  const text = readText(body['text']);
  const button = compact({ payload: readText(body['payload']), text });
  return ok({ contentType: 'button', hasMedia: false, text, detail: { key: 'button', value: button } });
}

/**
 * A reaction to one of the business's messages. When the user removes a reaction Meta sends the same webhook
 * without `emoji` (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/reaction);
 * an empty string is read the same way.
 */
function mapReaction(body: unknown): ContentResult {
  const messageId = isRecord(body) ? readString(body['message_id']) : undefined;
  if (!isRecord(body) || messageId === undefined) return invalid('a reaction needs reaction.message_id');
  const emoji = readString(body['emoji']);
  const reaction = { messageId, emoji: emoji ?? null, removed: emoji === undefined };
  return ok({ contentType: 'reaction', hasMedia: false, detail: { key: 'reaction', value: reaction } });
}

/** A cart sent from a catalog or product message: `order` {catalog_id, text, product_items[]}. */
function mapOrder(body: unknown): ContentResult {
  const items = isRecord(body) ? readRecords(body['product_items']) : undefined;
  if (!isRecord(body) || items === undefined) return invalid('an order needs order.product_items');
  const text = readText(body['text']);
  const order = compact({
    catalogId: readString(body['catalog_id']),
    text,
    productItems: items.map((item) =>
      compact({
        productRetailerId: readString(item['product_retailer_id']),
        quantity: readNumber(item['quantity']),
        // The reference types item_price as an integer but its example is 7.99: read it as a number.
        itemPrice: readNumber(item['item_price']),
        currency: readString(item['currency']),
      }),
    ),
  });
  return ok({ contentType: 'order', hasMedia: false, text, detail: { key: 'order', value: order } });
}

/**
 * A message type Cloud API does not deliver (polls, view-once media, ...). The reason is in the message-level
 * `errors` (code 131051); `unsupported.type` names the original type when Meta knows it
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/unsupported).
 */
function mapUnsupported(body: unknown): ContentResult {
  const detail = isRecord(body) ? compactOrOmit({ type: readString(body['type']) }) : undefined;
  return ok({
    contentType: 'unsupported',
    hasMedia: false,
    detail: detail === undefined ? undefined : { key: 'unsupported', value: detail },
  });
}

const ok = (content: MessageContent): ContentResult => ({ ok: true, content });
const invalid = (reason: string): ContentResult => ({ ok: false, reason });
const asObject = (value: Json): JsonObject => (isRecord(value) ? (value as JsonObject) : { value });
