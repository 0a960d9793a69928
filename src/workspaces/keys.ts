import { createHash, randomBytes } from 'node:crypto';

export type KeyKind = 'write' | 'secret';

const PREFIX: Record<KeyKind, string> = { write: 'wk_', secret: 'sk_' };
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random base62 string; 32 characters carry about 190 bits. */
export function randomToken(length = 32): string {
  const bytes = randomBytes(length * 2);
  let token = '';
  // Rejection sampling keeps every character equally likely (248 = 4 × 62).
  for (const byte of bytes) {
    if (byte < 248) token += ALPHABET[byte % 62];
    if (token.length === length) return token;
  }
  return token + randomToken(length - token.length);
}

export const newApiKey = (kind: KeyKind) => `${PREFIX[kind]}${randomToken(32)}`;

/** Keys are high-entropy random strings, so SHA-256 suffices to store them (no password KDF needed). */
export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

export const keyPrefix = (key: string) => key.slice(0, 8);
