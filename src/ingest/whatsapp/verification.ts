/**
 * The verification handshake Meta performs when a webhook URL is registered in the App Dashboard: a GET with
 * `hub.mode=subscribe`, `hub.verify_token` (the token typed in the dashboard) and `hub.challenge` (an integer
 * to echo back). Answer 200 with the challenge as the body when the token matches, 403 otherwise.
 * https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests
 */
import { createHash, timingSafeEqual } from 'node:crypto';

import { isRecord } from './json-reader.js';

export const VERIFICATION_FAILURE_CODES = [
  'whatsapp_verify_mode_invalid',
  'whatsapp_verify_token_mismatch',
  'whatsapp_verify_challenge_invalid',
] as const;
export type VerificationFailureCode = (typeof VERIFICATION_FAILURE_CODES)[number];

export type VerificationAnswer =
  { status: 200; body: string } | { status: 403; code: VerificationFailureCode };

/**
 * The parsed query string. Node's `querystring` (Fastify's default) keeps `hub.mode` as a flat key; `qs`-style
 * parsers nest it as `{hub: {mode}}`. Both are read. A repeated parameter (an array) is refused.
 */
export type VerificationQuery = Record<string, unknown>;

/**
 * Meta's challenge is an integer. Anything outside a conservative token alphabet is refused rather than echoed,
 * so the endpoint can never reflect markup back to a browser.
 */
const CHALLENGE_PATTERN = /^[A-Za-z0-9._~-]{1,512}$/;

export function verifyWhatsAppSubscription(
  query: VerificationQuery,
  expectedVerifyToken: string,
): VerificationAnswer {
  const mode = readHubParameter(query, 'mode');
  const token = readHubParameter(query, 'verify_token');
  const challenge = readHubParameter(query, 'challenge');
  if (mode !== 'subscribe') return { status: 403, code: 'whatsapp_verify_mode_invalid' };
  // An unset verify token must not verify anything: an empty expected token would otherwise match an empty
  // `hub.verify_token` and let anyone claim the endpoint.
  if (expectedVerifyToken === '' || token === undefined || !constantTimeEquals(token, expectedVerifyToken)) {
    return { status: 403, code: 'whatsapp_verify_token_mismatch' };
  }
  if (challenge === undefined || !CHALLENGE_PATTERN.test(challenge)) {
    return { status: 403, code: 'whatsapp_verify_challenge_invalid' };
  }
  return { status: 200, body: challenge };
}

function readHubParameter(query: VerificationQuery, name: string): string | undefined {
  const flat = query[`hub.${name}`];
  if (typeof flat === 'string') return flat;
  if (flat !== undefined) return undefined;
  const nested = query['hub'];
  if (isRecord(nested) && typeof nested[name] === 'string') return nested[name];
  return undefined;
}

/** Compares digests so neither the content nor the length of the expected token leaks through timing. */
function constantTimeEquals(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
