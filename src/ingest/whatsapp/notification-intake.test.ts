/**
 * The intake step between the signature check and the ledger: every fixture maps exactly as the pure mapper
 * maps it, every rejection becomes a quarantine item that replay can put back into a notification, and a
 * change about a business number the workspace does not have is held back rather than stored.
 */
import { readdirSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import type { NewEvent } from '../../domain/events.js';
import { mapWhatsAppNotification } from './map-notification.js';
import {
  prepareQuarantinedWhatsAppItem,
  prepareWhatsAppBody,
  prepareWhatsAppNotification,
  rebuildQuarantinedNotification,
  type WhatsAppIntakeContext,
} from './notification-intake.js';

const fixturesDir = new URL('../../../test/fixtures/whatsapp/', import.meta.url);
const fixtureText = (name: string) => readFileSync(new URL(name, fixturesDir), 'utf8');
const loadFixture = (name: string): unknown => JSON.parse(fixtureText(name));
const fixtureNames = readdirSync(fixturesDir)
  .filter((name) => name.endsWith('.json'))
  .sort();

const MAIN_NUMBER = '106540352242922';
const SECOND_NUMBER = '204881736529104';

function contextWith(known: string[]): WhatsAppIntakeContext {
  let next = 0;
  return {
    phoneNumberId: MAIN_NUMBER,
    knownPhoneNumberIds: new Set(known),
    receivedAt: 1_780_700_000_000,
    newEventId: () => `evt-${++next}`,
    channelId: 'ch_test',
  };
}
const bothNumbers = () => contextWith([MAIN_NUMBER, SECOND_NUMBER]);
/** An event without the id allocated at mapping time. */
const content = ({ eventId: _eventId, ...rest }: NewEvent) => rest;

describe('prepareWhatsAppNotification', () => {
  it.each(fixtureNames)('maps %s to the same events and rejections as the pure mapper', (name) => {
    const payload = loadFixture(name);
    const intake = prepareWhatsAppNotification(payload, bothNumbers());
    const mapped = mapWhatsAppNotification(payload, {
      channel: MAIN_NUMBER,
      receivedAt: 1_780_700_000_000,
      newEventId: () => 'x',
    });
    expect(intake.events.map(content)).toEqual(mapped.events.map(content));
    expect(intake.rejected).toEqual(
      mapped.rejected.map(({ path, code, message }) => ({ path, code, message })),
    );
    expect(intake.quarantine.map((item) => [item.code, item.raw])).toEqual(
      mapped.rejected.map((rejection) => [rejection.code, rejection.raw]),
    );
  });

  it('quarantines every rejection with its reason, the raw item and where it sat', () => {
    const intake = prepareWhatsAppNotification(loadFixture('mixed-bad-items.json'), bothNumbers());
    expect(intake.events.map((event) => event.type).sort()).toEqual([
      'contact.updated',
      'message.delivered',
      'message.received',
    ]);
    expect(intake.quarantine.map((item) => [item.code, item.envelope['path']])).toEqual([
      ['whatsapp_invalid_message', 'entry[0].changes[0].value.messages[0]'],
      ['whatsapp_invalid_message', 'entry[0].changes[0].value.messages[2]'],
      ['whatsapp_unsupported_status', 'entry[0].changes[0].value.statuses[0]'],
      ['whatsapp_unsupported_field', 'entry[0].changes[1]'],
    ]);
    for (const item of intake.quarantine) {
      expect(item).toMatchObject({ source: 'whatsapp', receivedAt: 1_780_700_000_000 });
      expect(item.envelope).toMatchObject({ channelId: 'ch_test', phoneNumberId: MAIN_NUMBER });
    }
  });

  it('holds back a change about a business number the workspace has not registered, and maps the rest', () => {
    const payload = loadFixture('batched-multi-entry.json');
    const intake = prepareWhatsAppNotification(payload, contextWith([MAIN_NUMBER]));
    expect(intake.rejected).toEqual([
      expect.objectContaining({ path: 'entry[1].changes[0]', code: 'whatsapp_unknown_phone_number' }),
    ]);
    expect(intake.rejected[0]?.message).toContain(SECOND_NUMBER);
    expect(new Set(intake.events.map((event) => event.channel))).toEqual(new Set([MAIN_NUMBER]));
    const everything = prepareWhatsAppNotification(payload, bothNumbers());
    const secondNumberEvents = everything.events.filter((event) => event.channel === SECOND_NUMBER);
    expect(intake.events.length + secondNumberEvents.length).toBe(everything.events.length);

    // Replayed once the number is a channel of the workspace: exactly the events it would have given.
    const [item] = intake.quarantine;
    const still = prepareQuarantinedWhatsAppItem(item?.raw, item?.envelope, contextWith([MAIN_NUMBER]));
    expect(still).toMatchObject({ ok: false, code: 'whatsapp_unknown_phone_number' });
    const replayed = prepareQuarantinedWhatsAppItem(item?.raw, item?.envelope, bothNumbers());
    expect(replayed.ok).toBe(true);
    if (replayed.ok) expect(replayed.events.map(content)).toEqual(secondNumberEvents.map(content));
  });
});

describe('replaying a quarantined WhatsApp item', () => {
  it.each(['mixed-bad-items.json', 'value-error.json'])(
    'rebuilds each item of %s into a notification that is rejected the same way again',
    (name) => {
      const intake = prepareWhatsAppNotification(loadFixture(name), bothNumbers());
      expect(intake.quarantine.length).toBeGreaterThan(0);
      for (const item of intake.quarantine) {
        const replay = prepareQuarantinedWhatsAppItem(item.raw, item.envelope, bothNumbers());
        expect(replay).toEqual({ ok: false, code: item.code, message: item.message });
      }
    },
  );

  it('keeps the metadata and contacts around an item, so a corrected item maps as if it had come right', () => {
    const intake = prepareWhatsAppNotification(loadFixture('mixed-bad-items.json'), bothNumbers());
    const badTimestamp = intake.quarantine.find((item) => item.envelope['path']?.toString().endsWith('[2]'));
    expect(badTimestamp?.raw).toMatchObject({ timestamp: 'yesterday' });
    const corrected = { ...(badTimestamp?.raw as object), timestamp: '1780653005' };
    const replay = prepareQuarantinedWhatsAppItem(corrected, badTimestamp?.envelope, bothNumbers());
    expect(replay.ok).toBe(true);
    if (!replay.ok) return;
    const received = replay.events.find((event) => event.type === 'message.received');
    expect(received).toMatchObject({
      channel: MAIN_NUMBER,
      eventTime: 1_780_653_005_000,
      subjects: { contactId: '+16505551234' },
      payload: { properties: { text: 'bad timestamp', profileName: 'Sheena Nelson' } },
    });
    expect(received?.payload.context).toMatchObject({
      phoneNumberId: MAIN_NUMBER,
      businessAccountId: '102290129340398',
    });
  });

  it('puts a malformed member back as it was, not wrapped in an array', () => {
    const payload = {
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'messages', value: { metadata: {}, statuses: { id: 'x' } } }] }],
    };
    const [item] = prepareWhatsAppNotification(payload, bothNumbers()).quarantine;
    expect(item?.envelope).toMatchObject({ kind: 'item', member: 'statuses', inArray: false });
    expect(rebuildQuarantinedNotification(item?.raw, item?.envelope)).toEqual(payload);
  });

  it('refuses an item whose envelope it did not write', () => {
    expect(prepareQuarantinedWhatsAppItem({}, { sentAt: 'x' }, bothNumbers())).toMatchObject({
      ok: false,
      code: 'replay_unsupported',
    });
  });
});

describe('prepareWhatsAppBody', () => {
  it('reads the escaped unicode Meta puts on the wire', () => {
    const intake = prepareWhatsAppBody(
      Buffer.from(fixtureText('message-text-unicode-escaped.json')),
      bothNumbers(),
    );
    const received = intake.events.find((event) => event.type === 'message.received');
    expect(received?.payload.properties['text']).toBe(
      '¡Hola! ¿Tienen envío a São Paulo? Gracias 😊📦 https://tienda.example/pedido/123',
    );
  });

  it('keeps a body that is not JSON as text in the quarantine', () => {
    const intake = prepareWhatsAppBody(
      Buffer.from('{"object": "whatsapp_business_account", '),
      bothNumbers(),
    );
    expect(intake.events).toEqual([]);
    expect(intake.quarantine).toEqual([
      expect.objectContaining({
        code: 'whatsapp_invalid_json',
        raw: '{"object": "whatsapp_business_account", ',
        envelope: expect.objectContaining({ kind: 'body' }),
      }),
    ]);
    const item = intake.quarantine[0];
    expect(prepareQuarantinedWhatsAppItem(item?.raw, item?.envelope, bothNumbers())).toMatchObject({
      ok: false,
      code: 'whatsapp_invalid_json',
    });
  });

  it('quarantines a body that is JSON but not a notification, whole', () => {
    const intake = prepareWhatsAppBody(Buffer.from('{"object":"page","entry":[]}'), bothNumbers());
    expect(intake.quarantine).toEqual([
      expect.objectContaining({
        code: 'whatsapp_invalid_payload',
        raw: { object: 'page', entry: [] },
        envelope: expect.objectContaining({ kind: 'notification', path: '' }),
      }),
    ]);
  });
});
