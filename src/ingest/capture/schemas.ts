/**
 * The capture API's event format (Segment's `track` envelope, DESIGN.md "Events") and the properties
 * of each catalogue type. Unknown properties are kept; unknown event names are accepted with any
 * properties object.
 */
import { z } from 'zod';
import {
  CONVERSATION_STATUSES,
  CONVERSATION_TYPES,
  PRIORITIES,
} from '../../domain/conversation/vocabulary.js';

const isoTime = z.iso.datetime({ offset: true, local: false });
const id = z.union([z.string().min(1).max(512), z.number().int().transform(String)], {
  error: (issue) => (issue.input === undefined ? 'required' : 'must be a non-empty string or an integer'),
});
const optionalId = id.optional();
const chatId = z.string().min(1).max(512);
const serviceMode = z.enum(['bot', 'agent']);

export const envelopeSchema = z.looseObject({
  type: z.literal('track').optional(),
  event: z.string().trim().min(1).max(200),
  userId: optionalId,
  anonymousId: optionalId,
  messageId: z.string().min(1).max(512).optional(),
  timestamp: isoTime.optional(),
  originalTimestamp: isoTime.optional(),
  sentAt: isoTime.optional(),
  context: z.looseObject({}).optional(),
  properties: z.looseObject({}).optional(),
});
export type CaptureEnvelope = z.infer<typeof envelopeSchema>;

const messageBase = {
  messageId: id,
  chatId: chatId.optional(),
  contentType: z.string().min(1).max(64).default('text'),
  hasMedia: z.boolean().default(false),
  text: z.string().max(65_536).optional(),
  serviceMode: serviceMode.optional(),
};
const statusBase = { messageId: id, chatId: chatId.optional() };

/** Properties of each known event type. A type missing here accepts any properties object. */
export const propertySchemas: Record<string, z.ZodType<Record<string, unknown>>> = {
  'message.received': z.looseObject({ ...messageBase, direction: z.literal('inbound').default('inbound') }),
  'message.sent': z.looseObject({
    ...messageBase,
    direction: z.literal('outbound').default('outbound'),
    templateId: optionalId,
    agentId: optionalId,
    campaignId: optionalId,
  }),
  'message.delivered': z.looseObject({ ...statusBase, deliveredAt: isoTime.optional() }),
  'message.read': z.looseObject({ ...statusBase, readAt: isoTime.optional() }),
  'message.played': z.looseObject({ ...statusBase, playedAt: isoTime.optional() }),
  'message.failed': z.looseObject({
    ...statusBase,
    failedAt: isoTime.optional(),
    error: z.union([z.string(), z.looseObject({})]).optional(),
  }),
  'contact.created': z.looseObject({
    chatId: chatId.optional(),
    name: z.string().max(512).optional(),
    source: z.string().max(128).optional(),
    countryCode: z
      .string()
      .regex(/^([A-Za-z]{2}|\+?\d{1,4})$/, 'a region code such as "MX" or a calling code such as "+52"')
      .optional(),
  }),
  'contact.updated': z.looseObject({ name: z.string().max(512).optional() }),
  'chat.assigned': z
    // agentId null unassigns; a team alone routes the chat to the team's queue.
    .looseObject({
      chatId,
      agentId: id.nullable().optional(),
      teamId: id.nullable().optional(),
      assignedBy: optionalId,
      reason: z.string().optional(),
    })
    .refine((value) => value.agentId !== undefined || value.teamId !== undefined, {
      message: 'needs agentId or teamId',
    }),
  'agent.handoff': z.looseObject({
    chatId,
    fromMode: serviceMode,
    toMode: serviceMode,
    agentId: optionalId,
    handoffReason: z.string().max(512).optional(),
    serviceMode: serviceMode.optional(),
  }),
  'chat.resolved': z.looseObject({
    chatId,
    agentId: id.nullable().optional(),
    resolutionType: z.string().max(128).optional(),
    messageCount: z.number().int().nonnegative().optional(),
    durationMinutes: z.number().nonnegative().optional(),
  }),
  'chat.status_changed': z.looseObject({
    chatId,
    status: z.enum(CONVERSATION_STATUSES),
    agentId: optionalId,
    snoozedUntil: isoTime.optional(),
    resolutionType: z.string().max(128).optional(),
  }),
  'chat.type_changed': z.looseObject({ chatId, conversationType: z.enum(CONVERSATION_TYPES) }),
  'chat.watcher_added': z.looseObject({ chatId, watcherId: id }),
  'chat.watcher_removed': z.looseObject({ chatId, watcherId: id }),
  'chat.next_action_set': z.looseObject({
    chatId,
    text: z.string().min(1).max(500),
    dueAt: isoTime.nullable().optional(),
  }),
  'chat.next_action_cleared': z.looseObject({ chatId }),
  'chat.tagged': z.looseObject({ chatId, tag: z.string().trim().min(1).max(128) }),
  'chat.untagged': z.looseObject({ chatId, tag: z.string().trim().min(1).max(128) }),
  'chat.priority_changed': z.looseObject({ chatId, priority: z.enum(PRIORITIES) }),
  'chat.note_added': z.looseObject({ chatId, text: z.string().min(1).max(65_536), agentId: optionalId }),
  'csat.submitted': z
    .looseObject({
      chatId: chatId.optional(),
      rating: z.number(),
      scale: z.number().int().positive().default(5),
    })
    .refine((value) => value.rating >= 0 && value.rating <= value.scale, {
      message: 'rating must lie between 0 and scale',
      path: ['rating'],
    }),
  'deal.updated': z.looseObject({
    chatId,
    outcome: z.enum(['won', 'lost']).optional(),
    stage: z.string().max(128).optional(),
    value: z.number().nonnegative().optional(),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code such as "USD"')
      .optional(),
  }),
  'link.clicked': z.looseObject({
    url: z.string().min(1).max(4096),
    messageId: optionalId,
    linkId: optionalId,
  }),
};

/** Event types whose subject is a customer: they need a `userId`. */
export const NEEDS_USER_ID = new Set([
  'message.received',
  'message.sent',
  'contact.created',
  'contact.updated',
  'contact.opted_out',
  'contact.opted_in',
]);
