import { describe, expect, it } from 'vitest';

import { verifyWhatsAppSubscription } from './verification.js';

const TOKEN = 'chatledger-verify-7d1f';

describe('verifyWhatsAppSubscription', () => {
  it('echoes the challenge when Meta subscribes with the right verify token', () => {
    const query = { 'hub.mode': 'subscribe', 'hub.verify_token': TOKEN, 'hub.challenge': '1158201444' };
    expect(verifyWhatsAppSubscription(query, TOKEN)).toEqual({ status: 200, body: '1158201444' });
  });

  it('reads a query string parsed into nested objects (qs style)', () => {
    const query = { hub: { mode: 'subscribe', verify_token: TOKEN, challenge: '42' } };
    expect(verifyWhatsAppSubscription(query, TOKEN)).toEqual({ status: 200, body: '42' });
  });

  it('answers 403 for a wrong verify token', () => {
    const query = { 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1158201444' };
    expect(verifyWhatsAppSubscription(query, TOKEN)).toEqual({
      status: 403,
      code: 'whatsapp_verify_token_mismatch',
    });
  });

  it('answers 403 for a token that is only a prefix of the right one', () => {
    const query = { 'hub.mode': 'subscribe', 'hub.verify_token': TOKEN.slice(0, -1), 'hub.challenge': '1' };
    expect(verifyWhatsAppSubscription(query, TOKEN)).toEqual({
      status: 403,
      code: 'whatsapp_verify_token_mismatch',
    });
  });

  it('answers 403 without a verify token, and when none is configured even if the request sends none', () => {
    expect(verifyWhatsAppSubscription({ 'hub.mode': 'subscribe', 'hub.challenge': '1' }, TOKEN)).toEqual({
      status: 403,
      code: 'whatsapp_verify_token_mismatch',
    });
    const emptyBoth = { 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '1' };
    expect(verifyWhatsAppSubscription(emptyBoth, '')).toEqual({
      status: 403,
      code: 'whatsapp_verify_token_mismatch',
    });
  });

  it.each([undefined, 'unsubscribe', 'SUBSCRIBE'])('answers 403 when hub.mode is %j', (mode) => {
    const query = { 'hub.mode': mode, 'hub.verify_token': TOKEN, 'hub.challenge': '1' };
    expect(verifyWhatsAppSubscription(query, TOKEN)).toEqual({
      status: 403,
      code: 'whatsapp_verify_mode_invalid',
    });
  });

  it('answers 403 for a repeated parameter instead of picking one', () => {
    const query = { 'hub.mode': 'subscribe', 'hub.verify_token': [TOKEN, TOKEN], 'hub.challenge': '1' };
    expect(verifyWhatsAppSubscription(query, TOKEN)).toEqual({
      status: 403,
      code: 'whatsapp_verify_token_mismatch',
    });
  });

  it.each([undefined, '', '<script>alert(1)</script>', 'x'.repeat(513)])(
    'answers 403 rather than echo a missing or unsafe challenge (%j)',
    (challenge) => {
      const query = { 'hub.mode': 'subscribe', 'hub.verify_token': TOKEN, 'hub.challenge': challenge };
      expect(verifyWhatsAppSubscription(query, TOKEN)).toEqual({
        status: 403,
        code: 'whatsapp_verify_challenge_invalid',
      });
    },
  );
});
