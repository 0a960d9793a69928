/**
 * One capture event from raw JSON to a ledger-ready `NewEvent`, as named steps that each return a
 * value: the event, or a rejection with a stable code (PostHog's ingestion pipeline shape). Nothing
 * here throws for bad input and nothing touches storage.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import {
  ACTOR_TYPES,
  type Actor,
  type ActorType,
  type EventSource,
  type JsonObject,
  type NewEvent,
} from '../../domain/events.js';
import { asConversationId, asEventId, asMessageId, type ContactId } from '../../domain/ids.js';
import { messageKey, statusKey } from '../../domain/idempotency.js';
import { normalizeContactId } from '../../domain/phone.js';
import { canonicalJson } from '../../ledger/canonical-json.js';
import { envelopeSchema, NEEDS_USER_ID, propertySchemas, type CaptureEnvelope } from './schemas.js';

export interface CaptureContext {
  source: EventSource;
  receivedAt: number;
  /** The batch's own `sentAt`, used when an event has none. */
  batchSentAt?: string | undefined;
  maxEventBytes: number;
  /** The whole request is no larger than `maxEventBytes`, so no event in it can be: skip measuring each. */
  withinEventLimit?: boolean;
  maxFutureMs: number;
  newEventId: () => string;
}

export type Rejection = { ok: false; code: string; message: string };
export type Prepared = { ok: true; event: NewEvent } | Rejection;

const reject = (code: string, message: string): Rejection => ({ ok: false, code, message });

export function prepareCaptureEvent(raw: unknown, context: CaptureContext): Prepared {
  if (!context.withinEventLimit) {
    const size = Buffer.byteLength(JSON.stringify(raw) ?? '');
    if (size > context.maxEventBytes) {
      return reject('event_too_large', `the event is ${size} bytes; the limit is ${context.maxEventBytes}`);
    }
  }
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) return reject('invalid_event', describeIssues(envelope.error));
  const properties = validateProperties(envelope.data);
  if (!properties.ok) return properties;
  const eventTime = eventTimeOf(envelope.data, context);
  if (!eventTime.ok) return eventTime;
  const contact = contactOf(envelope.data, properties.value);
  if (!contact.ok) return contact;
  const actor = actorOf(envelope.data, properties.value, contact.value);
  if (!actor.ok) return actor;

  const props = properties.value;
  const messageId = typeof props.messageId === 'string' ? props.messageId : null;
  const chatId = typeof props.chatId === 'string' ? props.chatId : null;
  const contextObject = (envelope.data.context ?? {}) as JsonObject;
  return {
    ok: true,
    event: {
      eventId: asEventId(context.newEventId()),
      idempotencyKey: idempotencyKeyOf(envelope.data, props),
      type: envelope.data.event,
      eventTime: eventTime.value,
      receivedAt: context.receivedAt,
      source: context.source,
      channel: typeof contextObject.channel === 'string' ? contextObject.channel : 'capture',
      actor: actor.value,
      subjects: {
        contactId: contact.value,
        conversationId: chatId === null ? null : asConversationId(chatId),
        messageId: messageId === null ? null : asMessageId(messageId),
      },
      payload: { properties: props, context: contextObject },
    },
  };
}

function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const where = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

function validateProperties(envelope: CaptureEnvelope): { ok: true; value: JsonObject } | Rejection {
  const schema = propertySchemas[envelope.event];
  const properties = envelope.properties ?? {};
  if (!schema) return { ok: true, value: properties as JsonObject };
  const parsed = schema.safeParse(properties);
  if (!parsed.success) return reject('invalid_event', describeIssues(parsed.error, 'properties'));
  return { ok: true, value: parsed.data as JsonObject };
}

/**
 * Event time is the source's timestamp, corrected for client clock skew the way Segment does it:
 * a client whose clock is off by d stamps both `timestamp` and `sentAt` off by d, and
 * receivedAt − sentAt is the true transit time, so timestamp + (receivedAt − sentAt) removes d.
 */
function eventTimeOf(
  envelope: CaptureEnvelope,
  context: CaptureContext,
): { ok: true; value: number } | Rejection {
  const stamped = envelope.timestamp ?? envelope.originalTimestamp;
  if (stamped === undefined) return { ok: true, value: context.receivedAt };
  let time = Date.parse(stamped);
  const sentAt = envelope.sentAt ?? context.batchSentAt;
  if (sentAt !== undefined) {
    const sent = Date.parse(sentAt);
    if (Number.isNaN(sent)) return reject('invalid_event', `sentAt: "${sentAt}" is not an ISO 8601 time`);
    time += context.receivedAt - sent;
  }
  if (time > context.receivedAt + context.maxFutureMs) {
    return reject(
      'timestamp_in_future',
      `timestamp ${new Date(time).toISOString()} lies more than ${context.maxFutureMs / 1000} s after the server's clock`,
    );
  }
  if (time < 0) return reject('invalid_event', 'timestamp: must not be before 1970');
  return { ok: true, value: time };
}

function contactOf(
  envelope: CaptureEnvelope,
  properties: JsonObject,
): { ok: true; value: ContactId | null } | Rejection {
  const userId = envelope.userId;
  if (userId === undefined) {
    if (NEEDS_USER_ID.has(envelope.event))
      return reject('missing_user_id', `${envelope.event} needs a userId (the customer)`);
    return { ok: true, value: null };
  }
  const region =
    typeof properties.countryCode === 'string' && /^[A-Za-z]{2}$/.test(properties.countryCode)
      ? properties.countryCode
      : undefined;
  const result = normalizeContactId(userId, region);
  if (!result.ok) return reject('invalid_phone', `userId: ${result.message}`);
  return { ok: true, value: result.identity.contactId };
}

const STATUS_TYPES = new Set(['message.delivered', 'message.read', 'message.played', 'message.failed']);

/**
 * Who did it. A source may say so in `context.actor: {type, id}`; otherwise it follows from the event:
 * the customer writes inbound messages and rates; `message.sent` without an agentId is a bot's (or a
 * campaign's, by the system); statuses come from WhatsApp; chat events name their agent.
 */
function actorOf(
  envelope: CaptureEnvelope,
  properties: JsonObject,
  contactId: ContactId | null,
): { ok: true; value: Actor } | Rejection {
  const declared = (envelope.context as JsonObject | undefined)?.actor;
  if (declared !== undefined) {
    const candidate = declared as { type?: unknown; id?: unknown } | null;
    if (!candidate || typeof candidate !== 'object' || !ACTOR_TYPES.includes(candidate.type as ActorType)) {
      return reject('invalid_event', `context.actor.type: must be one of ${ACTOR_TYPES.join(', ')}`);
    }
    return {
      ok: true,
      value: {
        type: candidate.type as ActorType,
        id: typeof candidate.id === 'string' ? candidate.id : null,
      },
    };
  }
  const agentId = typeof properties.agentId === 'string' ? properties.agentId : null;
  const event = envelope.event;
  const actor = (type: ActorType, id: string | null): { ok: true; value: Actor } => ({
    ok: true,
    value: { type, id },
  });
  if (
    event === 'message.received' ||
    event === 'csat.submitted' ||
    event === 'link.clicked' ||
    event === 'contact.opted_out' ||
    event === 'contact.opted_in'
  ) {
    return actor('customer', contactId);
  }
  if (event === 'message.sent') {
    if (agentId !== null) return actor(properties.serviceMode === 'bot' ? 'bot' : 'agent', agentId);
    if (typeof properties.campaignId === 'string')
      return actor('system', `campaign:${properties.campaignId}`);
    return actor('bot', null);
  }
  if (STATUS_TYPES.has(event)) return actor('system', 'whatsapp');
  if (event === 'agent.handoff' && properties.fromMode === 'bot') return actor('bot', null);
  if (event === 'chat.assigned' && typeof properties.assignedBy === 'string')
    return actor('agent', properties.assignedBy);
  if (agentId !== null && event.startsWith('chat.')) return actor('agent', agentId);
  return actor('integration', null);
}

/**
 * The idempotency key: the envelope's `messageId` when the source sends one (Segment semantics); else
 * the message's or status's key from its WhatsApp message id (src/domain/idempotency.ts), so the same
 * message or status reported twice counts once; else a hash of the event's content, so a retried
 * identical event counts once.
 */
function idempotencyKeyOf(envelope: CaptureEnvelope, properties: JsonObject): string {
  if (envelope.messageId !== undefined) return `id:${envelope.messageId}`;
  if (typeof properties.messageId === 'string') {
    if (STATUS_TYPES.has(envelope.event))
      return statusKey(envelope.event.slice('message.'.length), properties.messageId);
    if (envelope.event.startsWith('message.')) return messageKey(envelope.event, properties.messageId);
  }
  const content = canonicalJson({
    event: envelope.event,
    userId: envelope.userId,
    timestamp: envelope.timestamp ?? envelope.originalTimestamp,
    properties,
  });
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}
