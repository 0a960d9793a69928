/**
 * Replay of quarantined WhatsApp webhook items: the item is put back into a notification of its own (with the
 * entry, metadata and contacts it came with) and goes through the same intake step as a live webhook, with its
 * original receive time and the workspace's business numbers as they are now. So an item held back for an
 * unregistered number passes once the number is added as a channel; an item the mapper still rejects stays.
 */
import { randomUUID } from 'node:crypto';
import type { Preparer } from '../replay.js';
import { prepareQuarantinedWhatsAppItem } from './notification-intake.js';

export const whatsappPreparer: Preparer = async (row, _limits, { db, workspaceId }) => {
  const envelope = JSON.parse(row.envelope) as { phoneNumberId?: unknown; channelId?: unknown };
  const numbers = await db
    .selectFrom('channels')
    .select('phone_number_id')
    .where('workspace_id', '=', workspaceId)
    .execute();
  const prepared = prepareQuarantinedWhatsAppItem(JSON.parse(row.raw) as unknown, envelope, {
    phoneNumberId: typeof envelope.phoneNumberId === 'string' ? envelope.phoneNumberId : '',
    knownPhoneNumberIds: new Set(numbers.map((number) => number.phone_number_id)),
    receivedAt: row.received_at,
    newEventId: randomUUID,
    ...(typeof envelope.channelId === 'string' ? { channelId: envelope.channelId } : {}),
  });
  return prepared;
};
