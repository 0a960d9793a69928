import { createHash } from 'node:crypto';
import type { EventRow } from '../store/schema.js';
import { canonicalJson } from './canonical-json.js';

/** The previous hash of a workspace's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** The columns of an event row that its hash covers: everything but the global position and the hash itself. */
export type HashedEventFields = Omit<EventRow, 'position' | 'hash'>;

/**
 * hash = SHA-256(prev_hash + "\n" + canonical JSON of the row's fields). The payload is hashed as its
 * parsed JSON value, so whitespace or key order in the stored text cannot matter, but any change of a
 * value does. The global position is left out: it is the database's, not the event's.
 */
export function eventHash(fields: HashedEventFields): string {
  const { prev_hash: prevHash, payload, ...rest } = fields;
  const body = canonicalJson({ ...rest, payload: JSON.parse(payload) as unknown });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}
