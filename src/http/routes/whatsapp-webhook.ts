/**
 * `GET|POST /webhooks/whatsapp/:channel`: Meta's verification handshake and the Cloud API notifications of one
 * channel (https://developers.facebook.com/docs/graph-api/webhooks/getting-started).
 *
 * A notification goes through named steps, each deciding once what is answered, stored and counted:
 * 1. the channel the URL names, else 404 `channel_not_found` (nothing counted: there is nobody to count for);
 * 2. `X-Hub-Signature-256` over the **raw bytes** with the channel's app secret, else 401
 *    `whatsapp_signature_invalid`, nothing stored, `signaturesRejected` counted. The bytes must be the ones Meta
 *    signed, so this plugin replaces Fastify's JSON parser with one that keeps the Buffer; parsing and
 *    re-serialising would change the escaped unicode Meta signs;
 * 3. `prepareWhatsAppBody`: events for every item, a quarantine item for every part that gave none;
 * 4. one ledger commit of the events and the quarantine; only then 200. Meta retries any other answer with
 *    decreasing frequency, and a redelivered notification is absorbed by the events' idempotency keys.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { ChannelService, WebhookChannel } from '../../channels/channel-service.js';
import { AppError } from '../../errors.js';
import { prepareWhatsAppBody } from '../../ingest/whatsapp/notification-intake.js';
import {
  verifyWhatsAppSignature,
  verifyWhatsAppSubscription,
  type SignatureFailureReason,
  type VerificationFailureCode,
} from '../../ingest/whatsapp/index.js';
import type { NewQuarantineItem } from '../../ledger/quarantine.js';
import type { LedgerWriter } from '../../ledger/writer.js';
import { chunk } from '../../store/chunk.js';
import type { Database } from '../../store/schema.js';

const VERIFICATION_MESSAGES: Record<VerificationFailureCode, string> = {
  whatsapp_verify_mode_invalid: 'hub.mode must be "subscribe"',
  whatsapp_verify_token_mismatch: "hub.verify_token does not match the channel's verify token",
  whatsapp_verify_challenge_invalid: 'hub.challenge is missing or is not a plain token',
};

const SIGNATURE_MESSAGES: Record<SignatureFailureReason, string> = {
  missing: 'the X-Hub-Signature-256 header is missing',
  malformed: 'the X-Hub-Signature-256 header is not sha256=<64 hex digits>',
  mismatch: "the X-Hub-Signature-256 signature does not match the body and the channel's app secret",
};

export interface WebhookAnswer {
  /** Events new to the ledger. */
  stored: number;
  /** Events it already held (a redelivery). */
  duplicates: number;
  /** Parts newly kept in the quarantine. */
  quarantined: number;
  rejected: Array<{ path: string; code: string; message: string }>;
}

export function whatsappWebhookRoutes(
  app: FastifyInstance,
  deps: { channels: ChannelService; writer: LedgerWriter; db: Kysely<Database>; maxBodyBytes: number },
) {
  // The counters are flushed while the database is still open: the server closes before the store.
  app.addHook('onClose', () => deps.channels.close());

  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: deps.maxBodyBytes },
      (_request, body, done) => done(null, body),
    );

    // Meta calls these often; their request lines would drown the rest of the log.
    scope.get('/webhooks/whatsapp/:channel', { logLevel: 'warn' }, async (request, reply) => {
      const { channel } = await channelOf(deps.channels, request);
      const answer = verifyWhatsAppSubscription(
        request.query as Record<string, unknown>,
        channel.verifyToken,
      );
      if (answer.status === 200) return reply.type('text/plain; charset=utf-8').send(answer.body);
      throw new AppError(answer.code, VERIFICATION_MESSAGES[answer.code], 403);
    });

    scope.post(
      '/webhooks/whatsapp/:channel',
      { logLevel: 'warn', bodyLimit: deps.maxBodyBytes },
      async (request): Promise<WebhookAnswer> => {
        const receivedAt = Date.now();
        const found = await channelOf(deps.channels, request);
        const { channel } = found;
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const header = request.headers['x-hub-signature-256'];
        const signature = verifyWhatsAppSignature(
          body,
          Array.isArray(header) ? header[0] : header,
          channel.appSecret,
        );
        if (!signature.ok) {
          deps.channels.stats.add(channel.workspaceId, channel.id, {
            signaturesRejected: 1,
            lastSignatureRejectedAt: receivedAt,
          });
          request.log.warn(
            { channel: channel.id, reason: signature.reason },
            'WhatsApp webhook signature rejected',
          );
          throw new AppError('whatsapp_signature_invalid', SIGNATURE_MESSAGES[signature.reason], 401, {
            reason: signature.reason,
          });
        }

        const intake = prepareWhatsAppBody(body, {
          phoneNumberId: channel.phoneNumberId,
          knownPhoneNumberIds: found.workspacePhoneNumberIds,
          receivedAt,
          newEventId: randomUUID,
          channelId: channel.id,
        });
        const quarantine = await withoutPendingDuplicates(deps.db, channel.workspaceId, intake.quarantine);
        const outcome = await deps.writer.append(channel.workspaceId, intake.events, quarantine);
        const duplicates = outcome.results.filter((result) => result.status === 'duplicate').length;
        const answer: WebhookAnswer = {
          stored: outcome.results.length - duplicates,
          duplicates,
          quarantined: quarantine.length,
          rejected: intake.rejected,
        };
        deps.channels.stats.add(channel.workspaceId, channel.id, {
          notificationsAccepted: 1,
          eventsStored: answer.stored,
          eventsDuplicate: answer.duplicates,
          itemsQuarantined: answer.quarantined,
          lastNotificationAt: receivedAt,
        });
        return answer;
      },
    );
  });
}

async function channelOf(channels: ChannelService, request: FastifyRequest): Promise<WebhookChannel> {
  const { channel: channelId } = request.params as { channel: string };
  let found: WebhookChannel | null;
  try {
    found = await channels.forWebhook(channelId);
  } catch (error) {
    // Undecryptable secrets: a configuration problem on our side. 503 makes Meta retry after it is fixed.
    if (error instanceof AppError) request.log.error({ channel: channelId, code: error.code }, error.message);
    throw error;
  }
  if (!found) throw new AppError('channel_not_found', `no WhatsApp channel ${channelId}`, 404);
  return found;
}

/**
 * A redelivered notification must not fill the quarantine twice: parts already waiting there (same raw JSON,
 * same code) are not added again. Two deliveries racing can still both add one; replay then finds the second a
 * duplicate.
 */
async function withoutPendingDuplicates(
  db: Kysely<Database>,
  workspaceId: string,
  items: readonly NewQuarantineItem[],
): Promise<NewQuarantineItem[]> {
  if (items.length === 0) return [];
  const keyOf = (raw: string, code: string) => `${code}\n${raw}`;
  const raws = [...new Set(items.map((item) => JSON.stringify(item.raw) ?? 'null'))];
  const pending = new Set<string>();
  for (const part of chunk(raws, 500)) {
    const rows = await db
      .selectFrom('quarantine')
      .select(['raw', 'code'])
      .where('workspace_id', '=', workspaceId)
      .where('source', '=', 'whatsapp')
      .where('status', '=', 'pending')
      .where('raw', 'in', part)
      .execute();
    for (const row of rows) pending.add(keyOf(row.raw, row.code));
  }
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = keyOf(JSON.stringify(item.raw) ?? 'null', item.code);
    if (pending.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
