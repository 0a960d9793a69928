/**
 * `X-Hub-Signature-256` for WhatsApp Cloud API webhooks: an HMAC-SHA256 of the request body keyed with the
 * Meta app secret, sent as `sha256=<64 lowercase hex digits>`.
 *
 * What Meta signs. Meta's Webhooks guide says: "we generate the signature using an escaped unicode version
 * of the payload, with lowercase hex digits. If you just calculate against the decoded bytes, you will end up
 * with a different signature. For example, the string äöå should be escaped to \u00e4\u00f6\u00e5."
 * (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#validate-payloads, and the same
 * note in https://developers.facebook.com/docs/messenger-platform/webhooks#validate-payloads). In practice the
 * body Meta puts on the wire *is* that escaped form: non-ASCII characters arrive as `\uXXXX` (emoji as a UTF-16
 * surrogate pair, `\ud83d\ude00`) and `/` as `\/`, so the raw request bytes verify as they are (the
 * messenger4j maintainers reached the same conclusion: "the incoming JSON payload is already unicode [escaped]
 * and hence no further transformation is required", github.com/messenger4j/messenger4j/issues/16).
 *
 * Failures reported with accented text and emoji (github.com/Secreto31126/whatsapp-api-js/issues/290, /380)
 * come from hashing something other than those raw bytes: a framework that parsed the JSON and re-serialised
 * it, or a proxy that decoded the escapes. The HTTP layer must hand us the raw bytes. As a safety net, when the
 * raw bytes do not match we rebuild Meta's escaped form from what we got and try again:
 *   1. the raw bytes;
 *   2. if the body holds non-ASCII text: every non-ASCII UTF-16 code unit escaped as `\uXXXX`, lowercase hex;
 *   3. if the body holds `/` and no `\/`: form 2 with every `/` escaped as `\/` (what a `JSON.stringify` of
 *      Meta's payload loses besides the unicode escapes).
 * Each candidate is checked with a constant-time comparison; a forger still needs the app secret.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureFailureReason = 'missing' | 'malformed' | 'mismatch';
export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureFailureReason };

const HEADER_PATTERN = /^sha256=([0-9a-f]{64})$/i;
const DIGEST_BYTES = 32;

/**
 * Checks an `X-Hub-Signature-256` header against the raw request body.
 * - `missing`: no header, or an empty one.
 * - `malformed`: not `sha256=` followed by 64 hex digits (e.g. the legacy SHA-1 `sha1=` form).
 * - `mismatch`: well formed but no candidate form of the body matches; also returned for an empty app secret,
 *   which is a configuration error that must never let a request through.
 */
export function verifyWhatsAppSignature(
  rawBody: Buffer,
  header: string | undefined,
  appSecret: string,
): SignatureCheck {
  const value = header?.trim();
  if (value === undefined || value === '') return { ok: false, reason: 'missing' };
  const match = HEADER_PATTERN.exec(value);
  if (!match?.[1]) return { ok: false, reason: 'malformed' };
  const provided = Buffer.from(match[1], 'hex');
  if (provided.length !== DIGEST_BYTES || appSecret === '') return { ok: false, reason: 'mismatch' };

  for (const candidate of signedForms(rawBody)) {
    const expected = createHmac('sha256', appSecret).update(candidate).digest();
    if (expected.length === provided.length && timingSafeEqual(expected, provided)) return { ok: true };
  }
  return { ok: false, reason: 'mismatch' };
}

/** The `X-Hub-Signature-256` header value for a body, as Meta computes it. For tests and the sandbox. */
export function signWhatsAppPayload(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/**
 * Escapes every non-ASCII UTF-16 code unit as `\uXXXX` with lowercase hex digits, the form Meta signs.
 * JavaScript strings are UTF-16, so an emoji outside the Basic Multilingual Plane becomes its surrogate pair:
 * `😀` → `\ud83d\ude00`.
 */
export function escapeNonAscii(text: string): string {
  return text.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Serialises a payload the way Meta puts it on the wire: compact JSON, non-ASCII as lowercase `\uXXXX`, `/` as
 * `\/`. The sandbox uses it so its signed requests look like Meta's.
 */
export function toMetaWireJson(payload: unknown): string {
  return escapeNonAscii(JSON.stringify(payload)).replaceAll('/', '\\/');
}

function* signedForms(rawBody: Buffer): Generator<Buffer> {
  yield rawBody;
  const hasNonAscii = rawBody.some((byte) => byte > 0x7f);
  const text = rawBody.toString('utf8');
  const hasBareSlash = text.includes('/') && !text.includes('\\/');
  if (!hasNonAscii && !hasBareSlash) return;
  const escaped = escapeNonAscii(text);
  if (hasNonAscii) yield Buffer.from(escaped, 'utf8');
  if (hasBareSlash) yield Buffer.from(escaped.replaceAll('/', '\\/'), 'utf8');
}
