/**
 * The contacts read model: one row per customer. A pure reducer whose result depends only on the set
 * of events, not their arrival order: first/last seen are min/max, and every editable field is
 * last-writer-wins by event order key.
 */
import { describeContactId } from '../domain/phone.js';
import { eventOrderKey, stringProperty, type NewEvent } from '../domain/events.js';
import type { ContactRow } from '../store/schema.js';

/** Last writer wins by order key; `current` stays when it is newer. */
function lastWriterWins<T>(
  currentValue: T,
  currentVersion: string | null,
  value: T,
  version: string,
): [T, string | null] {
  return currentVersion !== null && currentVersion >= version
    ? [currentValue, currentVersion]
    : [value, version];
}

export function evolveContact(row: ContactRow | undefined, workspaceId: string, event: NewEvent): ContactRow {
  const contactId = event.subjects.contactId as string;
  const identity = describeContactId(contactId);
  let next: ContactRow = row
    ? { ...row }
    : {
        workspace_id: workspaceId,
        contact_id: contactId,
        phone: identity.phone,
        country: identity.country,
        name: null,
        name_version: null,
        source: null,
        source_version: null,
        opted_out: 0,
        opted_version: null,
        first_seen_at: event.eventTime,
        last_seen_at: event.eventTime,
      };
  next.first_seen_at = Math.min(next.first_seen_at, event.eventTime);
  next.last_seen_at = Math.max(next.last_seen_at, event.eventTime);

  const properties = event.payload.properties;
  const version = eventOrderKey(event);
  const name = stringProperty(properties, 'name') ?? stringProperty(properties, 'profileName');
  if (name !== null && (event.type.startsWith('contact.') || event.type === 'message.received')) {
    [next.name, next.name_version] = lastWriterWins(next.name, next.name_version, name, version);
  }
  const source = stringProperty(properties, 'source');
  if (source !== null && event.type === 'contact.created') {
    [next.source, next.source_version] = lastWriterWins(next.source, next.source_version, source, version);
  }
  // Opaque ids (no phone) take their country from the source when it gives one.
  const countryCode = stringProperty(properties, 'countryCode');
  if (identity.phone === null && countryCode !== null && /^[A-Za-z]{2}$/.test(countryCode)) {
    next = { ...next, country: countryCode.toUpperCase() };
  }
  if (event.type === 'contact.opted_out' || event.type === 'contact.opted_in') {
    const optedOut = event.type === 'contact.opted_out' ? 1 : 0;
    [next.opted_out, next.opted_version] = lastWriterWins(
      next.opted_out,
      next.opted_version,
      optedOut,
      version,
    );
  }
  return next;
}
