import { createHash } from 'node:crypto';
import type { EventRow } from '../store/schema.js';

/** The previous hash of a workspace's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** The columns of an event row that its hash covers: everything but the global position and the hash itself. */
export type HashedEventFields = Omit<EventRow, 'position' | 'hash'>;

/**
 * hash = SHA-256(prev_hash "\n" fields "\n" payload), where `fields` is the JSON array of the row's
 * columns in this fixed order and `payload` is the stored payload text, which is already canonical JSON
 * (src/ledger/canonical-json.ts) and is hashed byte for byte: any edit of the stored row, even one that
 * keeps the JSON's meaning, breaks the chain. The global position is left out: it is the database's,
 * not the event's.
 */
export function eventHash(fields: HashedEventFields): string {
  const columns = JSON.stringify([
    fields.workspace_id,
    fields.seq,
    fields.event_id,
    fields.idempotency_key,
    fields.type,
    fields.event_time,
    fields.received_at,
    fields.source,
    fields.channel,
    fields.actor_type,
    fields.actor_id,
    fields.contact_id,
    fields.conversation_id,
    fields.message_id,
  ]);
  return createHash('sha256')
    .update(fields.prev_hash)
    .update('\n')
    .update(columns)
    .update('\n')
    .update(fields.payload)
    .digest('hex');
}
