/**
 * Deterministic, distinct, valid WhatsApp numbers for benchmark contacts: contact `i` always gets the
 * same E.164 number, no two contacts share one, and every number is valid for its country per
 * libphonenumber-js/max (the metadata the capture API validates with; bench/generator.test.ts checks a
 * sample). The countries are the six markets of the product brief, weighted roughly like Latin-American
 * WhatsApp traffic with a Spanish and a US share.
 */
import { mixSeeds } from './random.js';

export const CONTACT_COUNTRIES = ['MX', 'BR', 'CO', 'ES', 'AR', 'US'] as const;
export type ContactCountry = (typeof CONTACT_COUNTRIES)[number];

/**
 * Mobile ranges that libphonenumber-js/max accepts with any `free` digits after a lead digit 2–8: the
 * E.164 prefix (country code + area or mobile prefix), then one lead digit, then `free` digits.
 * MX: Mexico City, Guadalajara, Monterrey (10-digit numbers, no "1" since 2019); ES: 6xx mobiles;
 * BR: São Paulo and Rio mobiles (9th digit); CO: Claro/Movistar 3xx mobiles; AR: Buenos Aires mobiles
 * (+54 9 11); US: New York, San Francisco, Chicago (exchange codes start with 2–9).
 */
const RANGES: Record<ContactCountry, { prefixes: readonly string[]; free: number }> = {
  MX: { prefixes: ['+5255', '+5233', '+5281'], free: 7 },
  BR: { prefixes: ['+55119', '+55219'], free: 7 },
  CO: { prefixes: ['+57300', '+57310', '+57315'], free: 6 },
  ES: { prefixes: ['+346'], free: 7 },
  AR: { prefixes: ['+54911'], free: 7 },
  US: { prefixes: ['+1212', '+1415', '+1312'], free: 6 },
};
const LEAD_DIGITS = 7; // 2..8

/** 20 slots repeating: MX 6, BR 4, CO 3, ES 3, AR 2, US 2 (30 %, 20 %, 15 %, 15 %, 10 %, 10 %). */
const SLOTS: readonly ContactCountry[] = [
  'MX', 'BR', 'CO', 'ES', 'MX', 'AR', 'BR', 'MX', 'US', 'CO',
  'ES', 'MX', 'BR', 'AR', 'MX', 'CO', 'ES', 'BR', 'MX', 'US',
]; // prettier-ignore
const SLOTS_OF = new Map<ContactCountry, number[]>(
  CONTACT_COUNTRIES.map((country) => [
    country,
    SLOTS.flatMap((slot, index) => (slot === country ? [index] : [])),
  ]),
);

/** How many contacts fit before a country's numbers would repeat (the smallest country's capacity). */
export const MAX_CONTACTS = Math.min(
  ...CONTACT_COUNTRIES.map((country) => {
    const { prefixes, free } = RANGES[country];
    const share = (SLOTS_OF.get(country) as number[]).length / SLOTS.length;
    return Math.floor((prefixes.length * LEAD_DIGITS * 10 ** free) / share);
  }),
);

export function countryOfContact(index: number): ContactCountry {
  return SLOTS[index % SLOTS.length] as ContactCountry;
}

/**
 * Contact `index`'s number. Within a country the contact's ordinal is spread over the free digits by
 * an affine bijection modulo 10^free (the multiplier is coprime with 10), so neighbours don't get
 * neighbouring numbers, and `salt` (the seed) shifts the whole set.
 */
export function phoneOfContact(index: number, salt = 0): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_CONTACTS) {
    throw new RangeError(`contact index must be an integer in [0, ${MAX_CONTACTS}), got ${index}`);
  }
  const country = countryOfContact(index);
  const slots = SLOTS_OF.get(country) as number[];
  const ordinal = Math.floor(index / SLOTS.length) * slots.length + slots.indexOf(index % SLOTS.length);
  const { prefixes, free } = RANGES[country];
  const modulus = 10 ** free;
  const offset = mixSeeds(salt, 0x7e1e) % modulus;
  const digits = ((ordinal % modulus) * 7_654_321 + offset) % modulus;
  const rest = Math.floor(ordinal / modulus);
  const lead = 2 + (rest % LEAD_DIGITS);
  const prefix = prefixes[Math.floor(rest / LEAD_DIGITS) % prefixes.length] as string;
  return `${prefix}${lead}${String(digits).padStart(free, '0')}`;
}
