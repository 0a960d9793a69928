/**
 * The messages read model: one row per message id with its delivery state.
 *
 * WhatsApp delivers statuses at least once and out of order (a `read` before its `delivered`, a
 * `delivered` with no `sent`), so the state is a join over the statuses seen, never "the latest one":
 * the status is the highest rank seen (`failed` is terminal), every timestamp is the earliest seen, and a
 * read or played message counts as delivered by then even if `delivered` never arrives.
 */
import { eventOrderKey, stringProperty, type JsonObject, type NewEvent } from '../domain/events.js';
import { canonicalJson } from '../ledger/canonical-json.js';
import type { MessageRow } from '../store/schema.js';

export const MESSAGE_STATUS_RANK = {
  received: 1,
  sent: 1,
  delivered: 2,
  read: 3,
  played: 4,
  failed: 5,
} as const;
export type MessageStatus = keyof typeof MESSAGE_STATUS_RANK;

const STATUS_OF_EVENT: Record<string, MessageStatus> = {
  'message.received': 'received',
  'message.sent': 'sent',
  'message.delivered': 'delivered',
  'message.read': 'read',
  'message.played': 'played',
  'message.failed': 'failed',
};

export const isMessageEvent = (event: NewEvent) =>
  event.type in STATUS_OF_EVENT && event.subjects.messageId !== null;

const minTime = (current: number | null, value: number | null) =>
  value === null ? current : current === null ? value : Math.min(current, value);

function timeProperty(properties: JsonObject, name: string): number | null {
  const value = stringProperty(properties, name);
  if (value === null) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : time;
}

/** A `message.received` or `message.sent` that describes the message itself, not only a status of it. */
const describesMessage = (event: NewEvent) =>
  (event.type === 'message.received' || event.type === 'message.sent') &&
  stringProperty(event.payload.properties, 'status') === null;

function emptyRow(workspaceId: string, messageId: string): MessageRow {
  return {
    workspace_id: workspaceId,
    message_id: messageId,
    direction: null,
    contact_id: null,
    chat_id: null,
    channel: null,
    content_type: null,
    has_media: 0,
    text: null,
    template_id: null,
    agent_id: null,
    campaign_id: null,
    service_mode: null,
    actor_type: null,
    message_version: null,
    message_at: null,
    status: 'sent',
    status_rank: 0,
    sent_at: null,
    delivered_at: null,
    read_at: null,
    played_at: null,
    failed_at: null,
    error: null,
    error_version: null,
    pricing: null,
    pricing_version: null,
  };
}

export function evolveMessage(row: MessageRow | undefined, workspaceId: string, event: NewEvent): MessageRow {
  const properties = event.payload.properties;
  const status = STATUS_OF_EVENT[event.type] as MessageStatus;
  const version = eventOrderKey(event);
  const next = row ? { ...row } : emptyRow(workspaceId, event.subjects.messageId as string);

  // Of two events describing the same message id, the earliest by order key wins, in any arrival order.
  if (describesMessage(event) && (next.message_version === null || version < next.message_version)) {
    Object.assign(next, {
      direction: event.type === 'message.received' ? 'inbound' : 'outbound',
      contact_id: event.subjects.contactId,
      chat_id: stringProperty(properties, 'chatId'),
      channel: event.channel,
      content_type: stringProperty(properties, 'contentType'),
      has_media: properties.hasMedia === true ? 1 : 0,
      text: stringProperty(properties, 'text'),
      template_id: stringProperty(properties, 'templateId'),
      agent_id: stringProperty(properties, 'agentId'),
      campaign_id: stringProperty(properties, 'campaignId'),
      service_mode: stringProperty(properties, 'serviceMode'),
      actor_type: event.actor.type,
      message_version: version,
      message_at: event.eventTime,
    } satisfies Partial<MessageRow>);
  } else if (next.message_version === null) {
    // Only statuses so far: statuses exist only for messages the business sent.
    next.direction = 'outbound';
    next.contact_id ??= event.subjects.contactId;
    next.channel ??= event.channel;
  }

  const rank = MESSAGE_STATUS_RANK[status];
  if (rank > next.status_rank) {
    next.status_rank = rank;
    next.status = status;
  }
  // A status may carry its own moment (deliveredAt, readAt…); otherwise the event time is that moment.
  const at =
    timeProperty(properties, `${status}At`) ?? timeProperty(properties, 'statusAt') ?? event.eventTime;
  if (status === 'sent') next.sent_at = minTime(next.sent_at, at);
  if (status === 'delivered' || status === 'read' || status === 'played')
    next.delivered_at = minTime(next.delivered_at, at);
  if (status === 'read' || status === 'played') next.read_at = minTime(next.read_at, at);
  if (status === 'played') next.played_at = minTime(next.played_at, at);
  if (status === 'failed') {
    next.failed_at = minTime(next.failed_at, at);
    if (next.error_version === null || version < next.error_version) {
      const error = properties.error ?? properties.errors ?? null;
      next.error = error === null ? null : canonicalJson(error);
      next.error_version = version;
    }
  }
  const pricing = properties.pricing;
  if (
    pricing !== undefined &&
    pricing !== null &&
    (next.pricing_version === null || version < next.pricing_version)
  ) {
    next.pricing = canonicalJson(pricing);
    next.pricing_version = version;
  }
  return next;
}
