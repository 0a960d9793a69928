/**
 * Channel secrets at rest (app secret, verify token, access token).
 *
 * With `CHATLEDGER_SECRETS_KEY` set, every secret is sealed with AES-256-GCM before it is written: a fresh
 * 96-bit IV per value (NIST SP 800-38D §8.2 recommends 96-bit IVs for GCM), the 128-bit tag kept with the
 * ciphertext, and the channel id and field name as additional authenticated data, so a sealed value copied
 * into another row or column fails to open instead of silently becoming that channel's secret. The AES key is
 * derived from the configured key with scrypt (RFC 7914), which also makes a short passphrase costly to guess
 * from a stolen database.
 *
 * Without the key, secrets are stored as plain text behind a `plain:` marker. Every stored value says how it
 * was written, so a database may hold both kinds: setting the key later keeps old rows readable, and they are
 * sealed the next time they are written (`PATCH /api/v1/channels/:id`). A sealed value needs the same key to be
 * read: a missing or different key is a clear error, never a wrong secret.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { AppError } from '../errors.js';

const SEALED_PREFIX = 'aes256gcm:v1:';
const PLAIN_PREFIX = 'plain:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** A fixed, versioned salt: the key comes from configuration, not from a user password table. */
const KDF_SALT = 'chatledger/channel-secrets/v1';
/** scrypt cost: 2^15 × 8 × 128 B = 32 MiB and about 100 ms, paid once per process. */
const KDF_OPTIONS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export class SecretBox {
  private key: Buffer | undefined;

  /** `configuredKey` is `CHATLEDGER_SECRETS_KEY`; undefined or empty stores secrets as plain text. */
  constructor(private readonly configuredKey: string | undefined) {}

  /** Whether values written now are encrypted. */
  get encrypts(): boolean {
    return this.configuredKey !== undefined && this.configuredKey !== '';
  }

  /** The stored form of `value`, bound to where it is stored (`context`, e.g. `ch_123:app_secret`). */
  seal(value: string, context: string): string {
    if (!this.encrypts) return `${PLAIN_PREFIX}${value}`;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.derivedKey(), iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const sealed = Buffer.concat([cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${SEALED_PREFIX}${iv.toString('base64url')}:${sealed.toString('base64url')}`;
  }

  /** The secret from its stored form. Throws `AppError` `secrets_key_missing` or `secrets_key_mismatch`. */
  open(stored: string, context: string): string {
    if (stored.startsWith(PLAIN_PREFIX)) return stored.slice(PLAIN_PREFIX.length);
    if (!stored.startsWith(SEALED_PREFIX)) {
      throw new AppError('secrets_unreadable', `a stored secret (${context}) has an unknown format`, 500);
    }
    if (!this.encrypts) {
      throw new AppError(
        'secrets_key_missing',
        'channel secrets are encrypted: set CHATLEDGER_SECRETS_KEY to the key they were written with',
        503,
      );
    }
    const [ivText = '', sealedText = ''] = stored.slice(SEALED_PREFIX.length).split(':');
    const iv = Buffer.from(ivText, 'base64url');
    const sealed = Buffer.from(sealedText, 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.derivedKey(), iv);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new AppError(
        'secrets_key_mismatch',
        'a channel secret cannot be decrypted: CHATLEDGER_SECRETS_KEY differs from the key it was written with',
        503,
      );
    }
  }

  private derivedKey(): Buffer {
    this.key ??= scryptSync(this.configuredKey as string, KDF_SALT, 32, KDF_OPTIONS);
    return this.key;
  }
}

/** Whether a stored value is encrypted (as opposed to plain text behind the marker). */
export const isSealed = (stored: string) => stored.startsWith(SEALED_PREFIX);

/**
 * A hint that lets a person tell secrets apart without revealing them: at most a quarter of the characters,
 * never more than four at each end (`abcd…wxyz` for a 32-character app secret; `ab…yz` for 16 characters;
 * `…` for anything shorter than 8).
 */
export function maskSecret(secret: string): string {
  const shown = Math.min(4, Math.floor(secret.length / 8));
  return shown === 0 ? '…' : `${secret.slice(0, shown)}…${secret.slice(-shown)}`;
}
