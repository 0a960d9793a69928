import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { isSealed, maskSecret, SecretBox } from './secret-box.js';

const KEY = 'correct horse battery staple 2026';
const SECRET = '5f2c1e9b7a3d4c6e8f0a1b2c3d4e5f6a';

describe('SecretBox', () => {
  const box = new SecretBox(KEY);

  it('seals with a fresh IV each time and opens what it sealed', () => {
    const first = box.seal(SECRET, 'channels:ch_1:app_secret');
    const second = box.seal(SECRET, 'channels:ch_1:app_secret');
    expect(first).not.toBe(second);
    expect(isSealed(first)).toBe(true);
    expect(first).not.toContain(SECRET);
    expect(box.open(first, 'channels:ch_1:app_secret')).toBe(SECRET);
    expect(box.open(second, 'channels:ch_1:app_secret')).toBe(SECRET);
  });

  it('refuses a sealed value moved to another row or column', () => {
    const sealed = box.seal(SECRET, 'channels:ch_1:app_secret');
    expect(() => box.open(sealed, 'channels:ch_2:app_secret')).toThrow(AppError);
    expect(() => box.open(sealed, 'channels:ch_1:verify_token')).toThrow(/secrets_key_mismatch|differs/);
  });

  it('says which key problem it is: none configured, or a different one', () => {
    const sealed = box.seal(SECRET, 'c');
    const codeOf = (open: () => unknown) => {
      try {
        open();
      } catch (error) {
        return (error as AppError).code;
      }
      return 'opened';
    };
    expect(codeOf(() => new SecretBox(undefined).open(sealed, 'c'))).toBe('secrets_key_missing');
    expect(codeOf(() => new SecretBox('another key').open(sealed, 'c'))).toBe('secrets_key_mismatch');
  });

  it('stores plain text behind a marker without a key, and still reads it once a key is set', () => {
    const keyless = new SecretBox('');
    expect(keyless.encrypts).toBe(false);
    const stored = keyless.seal(SECRET, 'c');
    expect(stored).toBe(`plain:${SECRET}`);
    expect(isSealed(stored)).toBe(false);
    expect(box.open(stored, 'c')).toBe(SECRET);
  });
});

describe('maskSecret', () => {
  it('shows at most a quarter of the secret and at most four characters at each end', () => {
    expect(maskSecret(SECRET)).toBe('5f2c…5f6a');
    expect(maskSecret('0123456789abcdef')).toBe('01…ef');
    expect(maskSecret('abcdefgh')).toBe('a…h');
    expect(maskSecret('short')).toBe('…');
    expect(maskSecret('')).toBe('…');
    const long = `EAAJ${'x'.repeat(200)}ZDZD`;
    expect(maskSecret(long)).toBe('EAAJ…ZDZD');
  });
});
