import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { escapeNonAscii, signWhatsAppPayload, toMetaWireJson, verifyWhatsAppSignature } from './signature.js';

const APP_SECRET = 'a3f1c9d2e4b5a6978899aabbccddeeff';
const fixturesDir = new URL('../../../test/fixtures/whatsapp/', import.meta.url);
/** The fixture holding accented text and emoji exactly as Meta escapes them on the wire. */
const metaEscapedBody = readFileSync(new URL('message-text-unicode-escaped.json', fixturesDir));

/** What a proxy or framework that decodes Meta's `\uXXXX` escapes would hand over instead of the raw bytes. */
const decodeUnicodeEscapes = (body: Buffer) =>
  Buffer.from(
    body
      .toString('utf8')
      .replace(/\\u([0-9a-f]{4})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'utf8',
  );

describe('verifyWhatsAppSignature', () => {
  it('accepts a body signed with the app secret', () => {
    const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
    expect(verifyWhatsAppSignature(body, signWhatsAppPayload(body, APP_SECRET), APP_SECRET)).toEqual({
      ok: true,
    });
  });

  it('accepts accented text and emoji as Meta sends them: escaped bytes, signed as they are', () => {
    expect(metaEscapedBody.every((byte) => byte < 0x80)).toBe(true);
    expect(metaEscapedBody.toString('utf8')).toContain('env\\u00edo');
    expect(metaEscapedBody.toString('utf8')).toContain('\\ud83d\\ude0a');
    const header = signWhatsAppPayload(metaEscapedBody, APP_SECRET);
    expect(verifyWhatsAppSignature(metaEscapedBody, header, APP_SECRET)).toEqual({ ok: true });
  });

  it('accepts the same body when the escapes were decoded to UTF-8 before it reached us', () => {
    const header = signWhatsAppPayload(metaEscapedBody, APP_SECRET);
    const decoded = decodeUnicodeEscapes(metaEscapedBody);
    expect(decoded.toString('utf8')).toContain('envío a São Paulo? Gracias 😊📦');
    expect(verifyWhatsAppSignature(decoded, header, APP_SECRET)).toEqual({ ok: true });
  });

  it('accepts a body re-serialised with JSON.stringify (escapes and \\/ lost) when Meta signed its wire form', () => {
    const payload = { entry: [{ text: { body: 'Ação rápida ✅ 👍🏽 https://example.com/a/b' } }] };
    const wire = toMetaWireJson(payload);
    expect(wire).toContain('https:\\/\\/example.com');
    const header = signWhatsAppPayload(wire, APP_SECRET);
    expect(verifyWhatsAppSignature(Buffer.from(JSON.stringify(payload)), header, APP_SECRET)).toEqual({
      ok: true,
    });
  });

  it('accepts a raw UTF-8 body signed over its own bytes (the sandbox may sign either form)', () => {
    const body = Buffer.from('{"text":{"body":"Olá, tudo bem? 🙂"}}', 'utf8');
    expect(verifyWhatsAppSignature(body, signWhatsAppPayload(body, APP_SECRET), APP_SECRET)).toEqual({
      ok: true,
    });
  });

  it('rejects a tampered body, including one that only differs in an accent', () => {
    const header = signWhatsAppPayload(metaEscapedBody, APP_SECRET);
    const tampered = Buffer.from(metaEscapedBody.toString('utf8').replace('env\\u00edo', 'envio'));
    expect(verifyWhatsAppSignature(tampered, header, APP_SECRET)).toEqual({ ok: false, reason: 'mismatch' });
    const decodedTampered = Buffer.from(
      decodeUnicodeEscapes(metaEscapedBody).toString('utf8').replace('😊', '😉'),
    );
    expect(verifyWhatsAppSignature(decodedTampered, header, APP_SECRET)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('rejects a signature made with another secret', () => {
    const header = signWhatsAppPayload(metaEscapedBody, 'not-the-app-secret');
    expect(verifyWhatsAppSignature(metaEscapedBody, header, APP_SECRET)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('never accepts anything when the app secret is empty', () => {
    const header = signWhatsAppPayload(metaEscapedBody, '');
    expect(verifyWhatsAppSignature(metaEscapedBody, header, '')).toEqual({ ok: false, reason: 'mismatch' });
  });

  it.each([undefined, '', '   '])('reports a missing header (%j)', (header) => {
    expect(verifyWhatsAppSignature(metaEscapedBody, header, APP_SECRET)).toEqual({
      ok: false,
      reason: 'missing',
    });
  });

  it.each([
    ['the legacy SHA-1 header', `sha1=${'a'.repeat(40)}`],
    ['no algorithm prefix', 'b'.repeat(64)],
    ['a short digest', `sha256=${'c'.repeat(63)}`],
    ['a long digest', `sha256=${'c'.repeat(66)}`],
    ['non-hex digits', `sha256=${'z'.repeat(64)}`],
    ['two signatures', `sha256=${'d'.repeat(64)},sha256=${'e'.repeat(64)}`],
  ])('reports a malformed header: %s', (_label, header) => {
    expect(verifyWhatsAppSignature(metaEscapedBody, header, APP_SECRET)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('reads the header case-insensitively and ignores surrounding whitespace', () => {
    const header = signWhatsAppPayload(metaEscapedBody, APP_SECRET);
    const shouted = `  SHA256=${header.slice('sha256='.length).toUpperCase()} `;
    expect(verifyWhatsAppSignature(metaEscapedBody, shouted, APP_SECRET)).toEqual({ ok: true });
  });
});

describe('escapeNonAscii', () => {
  it('escapes with lowercase hex and UTF-16 surrogate pairs, as Meta documents for äöå', () => {
    expect(escapeNonAscii('äöå')).toBe('\\u00e4\\u00f6\\u00e5');
    expect(escapeNonAscii('ok 😀')).toBe('ok \\ud83d\\ude00');
    expect(escapeNonAscii('plain ascii / "quoted"')).toBe('plain ascii / "quoted"');
  });
});
