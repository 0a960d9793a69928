import { asConversationId, type ConversationId } from '../ids.js';

const ENGINE_ID = /^cv_[0-9a-f]{16}$/;

/**
 * The id of the `ordinal`-th conversation of a thread: a function of the set of events only, never of
 * arrival order or of a random draw, so a rebuild gives the same ids. The ordinal is used rather than the
 * opening event's key because a late message with an earlier timestamp, which becomes the new opening event,
 * then keeps the id (only a late message that opens an earlier conversation of its own shifts ordinals).
 */
export function conversationIdFor(threadKey: string, ordinal: number): ConversationId {
  return asConversationId(`cv_${fnv1a64(`${threadKey}#${ordinal}`)}`);
}

/** True for ids made by `conversationIdFor`, which name no source chat (see thread-key.ts). */
export const isEngineConversationId = (id: string): boolean => ENGINE_ID.test(id);

/**
 * 64-bit FNV-1a over UTF-16 code units, as 16 hex digits. Not a cryptographic hash: ids only need to be
 * stable and practically unique within a workspace, and this keeps the domain free of platform modules.
 */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}
