import { describe, expect, it } from 'vitest';
import { normalizeContactId } from '../../domain/phone.js';
import { contactIdFromWaId, countryOfContact } from './contact-identity.js';

describe('WhatsApp contact identity', () => {
  it('names a customer exactly as the capture API does, so both land in one thread', () => {
    // Mexico's wa_ids keep the old mobile "1"; capture sources usually send today's form.
    for (const [waId, typed] of [
      ['5215512345678', '+52 55 1234 5678'],
      ['34612345678', '+34 612 345 678'],
      ['5511987654321', '+55 11 98765-4321'],
    ] as const) {
      const capture = normalizeContactId(typed);
      expect(capture.ok && contactIdFromWaId(waId)).toBe(capture.ok && capture.identity.contactId);
    }
    expect(contactIdFromWaId('US.13491208655302741918')).toBeUndefined();
  });

  it('takes the country from the number, else from the BSUID prefix', () => {
    expect(countryOfContact('+525512345678')).toBe('MX');
    expect(countryOfContact('BR.1349120865530274')).toBe('BR');
  });
});
