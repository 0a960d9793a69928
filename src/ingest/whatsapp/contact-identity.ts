/**
 * Who a WhatsApp user is, in chatledger's terms. A contact is keyed by its phone number in E.164 (`+` and the
 * `wa_id` digits) or, when Meta withholds the number, by its business-scoped user id (BSUID).
 *
 * BSUIDs (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids):
 * - a BSUID is `<ISO 3166 alpha-2 country>.<up to 128 alphanumerics>` (`US.13491208655302741918`); a parent
 *   BSUID shared by linked portfolios adds `ENT.` (`US.ENT.11815799212886844830`);
 * - it is sent in `contacts[].user_id`, `messages[].from_user_id` and `statuses[].recipient_user_id`; the phone
 *   fields (`contacts[].wa_id`, `messages[].from`, `statuses[].recipient_id`) are omitted for users who adopted
 *   a username and whose number Meta may not share;
 * - a new BSUID is generated when the user changes phone number.
 * So the same person can reach us first with a phone and later with only a BSUID: every event keeps both ids
 * (when known) so the contacts projection can link them.
 */
import { asContactId, type ContactId } from '../../domain/ids.js';
import { describeContactId, normalizeContactId } from '../../domain/phone.js';

const WA_ID_PATTERN = /^\+?(\d{6,15})$/;
const BSUID_PATTERN = /^([A-Z]{2})\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

/**
 * The E.164 contact id of a `wa_id`/`from`/`recipient_id` phone number, normalised exactly as the capture
 * API normalises `userId` (so both name one customer alike, e.g. Mexico's `521…` wa_ids become `+52…`);
 * a number libphonenumber does not know is kept as `+<digits>` (WhatsApp is the authority on its users).
 * Undefined when it is not a phone number.
 */
export function contactIdFromWaId(waId: string | undefined): ContactId | undefined {
  const digits = waId === undefined ? undefined : WA_ID_PATTERN.exec(waId)?.[1];
  if (digits === undefined) return undefined;
  const normalised = normalizeContactId(`+${digits}`);
  return normalised.ok ? normalised.identity.contactId : asContactId(`+${digits}`);
}

/** The BSUID as the contact id. Meta's format is checked loosely (no spaces, bounded length) to survive change. */
export function contactIdFromUserId(userId: string | undefined): ContactId | undefined {
  if (userId === undefined || userId.length > 200 || /\s/.test(userId)) return undefined;
  return asContactId(userId);
}

/**
 * ISO 3166 alpha-2 country of a contact: from the phone number's calling code, else the BSUID's prefix (Meta
 * sets it to the user's country), else the `country_code` Meta sends next to BSUIDs in `contacts[]`.
 */
export function countryOfContact(contactId: string, fallback?: string): string | undefined {
  if (contactId.startsWith('+')) {
    const country = describeContactId(contactId).country;
    if (country) return country;
  } else {
    const prefix = BSUID_PATTERN.exec(contactId)?.[1];
    if (prefix) return prefix;
  }
  return fallback !== undefined && /^[A-Z]{2}$/.test(fallback) ? fallback : undefined;
}
