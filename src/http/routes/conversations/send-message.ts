/**
 * `POST /api/v1/conversations/:id/messages`: an agent's reply through the WhatsApp Cloud API.
 *
 * Free-form text is allowed only inside WhatsApp's 24-hour customer-service window (the customer's last
 * message + 24 h); outside it only an approved template may be sent
 * (https://developers.facebook.com/docs/whatsapp/pricing#customer-service-windows). The send happens
 * outside any transaction (a slow Graph API must not hold the ledger); its outcome is then appended:
 * `message.sent` with the agent, and `message.failed` with Meta's error when the Graph API refused it.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ChannelService } from '../../../channels/channel-service.js';
import { windowClosesAt, windowOpen, type ConversationState } from '../../../domain/conversation/index.js';
import type { JsonObject, NewEvent } from '../../../domain/events.js';
import { messageKey, statusKey } from '../../../domain/idempotency.js';
import { asMessageId } from '../../../domain/ids.js';
import { AppError } from '../../../errors.js';
import type { LedgerWriter } from '../../../ledger/writer.js';
import type { Store } from '../../../store/open.js';
import { WhatsAppGraphClient, type OutboundMessage } from '../../../whatsapp/graph-client.js';
import { actorOfRequest, type KeyResolver } from '../../auth.js';
import { parseOrThrow } from '../quarantine.js';
import { getConversation } from './get-conversation.js';

const bodySchema = z.union([
  z.strictObject({ text: z.string().trim().min(1).max(4096), replyTo: z.string().min(1).optional() }),
  z.strictObject({
    template: z.strictObject({
      name: z.string().min(1).max(512),
      languageCode: z.string().min(2).max(16),
      components: z.array(z.unknown()).optional(),
    }),
    replyTo: z.string().min(1).optional(),
  }),
]);

export function sendMessageRoute(
  app: FastifyInstance,
  deps: { store: Store; writer: LedgerWriter; keys: KeyResolver; channels: ChannelService },
) {
  app.post<{ Params: { id: string } }>(
    '/api/v1/conversations/:id/messages',
    { preHandler: deps.keys.require('secret') },
    async (request, reply) => {
      const body = parseOrThrow(bodySchema, request.body ?? {}, 'body');
      const workspaceId = request.workspace.id;
      const now = Date.now();
      const row = await deps.store.db
        .selectFrom('conversations')
        .select('state')
        .where('workspace_id', '=', workspaceId)
        .where('conversation_id', '=', request.params.id)
        .executeTakeFirst();
      if (!row) throw new AppError('not_found', `no conversation ${request.params.id}`, 404);
      const state = JSON.parse(row.state) as ConversationState;
      if ('text' in body && !windowOpen(state, now)) {
        const closesAt = windowClosesAt(state);
        throw new AppError(
          'outside_service_window',
          `${closesAt === null ? 'The customer has not written yet' : `The 24-hour customer-service window closed at ${new Date(closesAt).toISOString()}`}: WhatsApp allows free-form text only within 24 hours of the customer's last message. Send an approved template instead: {"template": {"name": "...", "languageCode": "..."}}.`,
          422,
          {
            windowClosesAt: closesAt === null ? null : new Date(closesAt).toISOString(),
            suggestion: 'template',
          },
        );
      }
      if (state.contactId === null)
        throw new AppError('no_recipient', 'the conversation has no customer to write to', 422);
      const channel = await deps.channels.forSending(workspaceId, { phoneNumberId: state.channel });
      const outbound: OutboundMessage =
        'text' in body
          ? {
              type: 'text',
              to: state.contactId,
              text: body.text,
              ...(body.replyTo ? { replyTo: body.replyTo } : {}),
            }
          : {
              type: 'template',
              to: state.contactId,
              template: body.template,
              ...(body.replyTo ? { replyTo: body.replyTo } : {}),
            };
      const result = await new WhatsAppGraphClient(channel).send(outbound);

      const actor = actorOfRequest(request);
      // A refused message has no wamid: it gets a local id, so its record and its failure still pair up.
      const messageId = result.ok ? result.messageId : `local.${randomUUID()}`;
      const base = {
        receivedAt: now,
        source: 'ui' as const,
        channel: state.channel,
        actor,
        subjects: { contactId: state.contactId, conversationId: state.id, messageId: asMessageId(messageId) },
      };
      const properties: JsonObject = {
        messageId,
        ...(state.chatId === null ? {} : { chatId: state.chatId }),
        direction: 'outbound',
        contentType: outbound.type,
        hasMedia: false,
        ...('text' in body
          ? { text: body.text }
          : { templateId: body.template.name, templateLanguage: body.template.languageCode }),
        ...(actor.type === 'agent' ? { agentId: actor.id as string, serviceMode: 'agent' } : {}),
      };
      const events: NewEvent[] = [
        {
          ...base,
          eventId: randomUUID() as NewEvent['eventId'],
          idempotencyKey: messageKey('message.sent', messageId),
          type: 'message.sent',
          eventTime: now,
          payload: { properties, context: {} },
        },
      ];
      if (!result.ok) {
        events.push({
          ...base,
          eventId: randomUUID() as NewEvent['eventId'],
          idempotencyKey: statusKey('failed', messageId),
          type: 'message.failed',
          eventTime: now,
          actor: { type: 'system', id: 'whatsapp' },
          payload: { properties: { messageId, error: result.error as unknown as JsonObject }, context: {} },
        });
      }
      await deps.writer.append(workspaceId, events);
      const conversation = await getConversation(deps.store, workspaceId, state.id, now);
      return reply.status(201).send({
        message: {
          id: messageId,
          status: result.ok ? 'sent' : 'failed',
          ...(result.ok ? {} : { error: result.error }),
        },
        ...conversation,
      });
    },
  );
}
