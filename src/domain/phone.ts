/**
 * Contact identity. WhatsApp keys a customer by `wa_id` (the phone number in international digits,
 * without "+") or, when the user hides the number, by a business-scoped user id. chatledger stores
 * phones as E.164 (`+5215512345678`) and derives the country from the number (libphonenumber-js).
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { ContactId } from './ids.js';
import { asContactId } from './ids.js';

export interface ContactIdentity {
  contactId: ContactId;
  /** E.164, or null for an opaque id. */
  phone: string | null;
  /** ISO 3166-1 alpha-2 region of the number, or null when unknown. */
  country: string | null;
}

export type ContactIdentityResult = { ok: true; identity: ContactIdentity } | { ok: false; message: string };

// Digits with the separators people type; anything else (letters, dots in ids) is an opaque id.
const PHONE_LIKE = /^\+?[\d\s().-]+$/;
const cache = new Map<string, ContactIdentityResult>();
const CACHE_LIMIT = 100_000;

/**
 * Normalises a customer id. Phone-like input must be a valid number ("+34 612 34 56 78", "34612345678",
 * "0034612345678"; national forms need `defaultCountry`); other ids are kept as they are.
 */
export function normalizeContactId(input: string, defaultCountry?: string): ContactIdentityResult {
  const cacheKey = `${defaultCountry ?? ''}|${input}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const result = parseContactId(input.trim(), defaultCountry?.toUpperCase());
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(cacheKey, result);
  return result;
}

function parseContactId(input: string, defaultCountry: string | undefined): ContactIdentityResult {
  if (input === '') return { ok: false, message: 'the contact id is empty' };
  const digits = input.replace(/\D/g, '');
  if (!PHONE_LIKE.test(input) || digits.length < 6) {
    return { ok: true, identity: { contactId: asContactId(input), phone: null, country: null } };
  }
  const international = input.startsWith('+') || input.startsWith('00') || !defaultCountry;
  const text = international ? `+${mexicanMobileWithoutOne(digits.replace(/^00/, ''))}` : input;
  const parsed = parsePhoneNumberFromString(
    text,
    international ? undefined : { defaultCountry: defaultCountry as CountryCode },
  );
  if (!parsed || !parsed.isValid()) {
    return { ok: false, message: `"${input}" is not a valid phone number` };
  }
  return {
    ok: true,
    identity: {
      contactId: asContactId(parsed.number),
      phone: parsed.number,
      country: parsed.country ?? null,
    },
  };
}

/**
 * Mexico dropped the "1" after +52 for mobiles in August 2019, but WhatsApp still reports Mexican
 * wa_ids as 521XXXXXXXXXX. Both forms name the same person, so both become +52XXXXXXXXXX.
 */
function mexicanMobileWithoutOne(digits: string): string {
  return digits.length === 13 && digits.startsWith('521') ? `52${digits.slice(3)}` : digits;
}

/** The phone and country behind a stored contact id (the reverse of normalisation, for projections). */
export function describeContactId(contactId: string): { phone: string | null; country: string | null } {
  if (!contactId.startsWith('+')) return { phone: null, country: null };
  const result = normalizeContactId(contactId);
  return result.ok
    ? { phone: result.identity.phone, country: result.identity.country }
    : { phone: null, country: null };
}
