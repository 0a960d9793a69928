/**
 * Properties of the mapping that at-least-once, out-of-order delivery relies on (DESIGN.md principles 2 and 6):
 * every item of a batch is mapped, the same notification twice gives the same keys, any arrival order gives the
 * same set of events, and one bad item never costs the others.
 */
import { readdirSync, readFileSync } from 'node:fs';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { NewEvent } from '../../domain/events.js';
import { mapWhatsAppNotification, type WhatsAppMappingResult } from './map-notification.js';

const fixturesDir = new URL('../../../test/fixtures/whatsapp/', import.meta.url);
const loadFixture = (name: string): unknown => JSON.parse(readFileSync(new URL(name, fixturesDir), 'utf8'));
const fixtureNames = readdirSync(fixturesDir)
  .filter((name) => name.endsWith('.json'))
  .sort();

function mapAll(payloads: unknown[]): WhatsAppMappingResult {
  let next = 0;
  const context = { channel: 'fallback', receivedAt: 1_780_700_000_000, newEventId: () => `evt-${++next}` };
  const results = payloads.map((payload) => mapWhatsAppNotification(payload, context));
  return { events: results.flatMap((r) => r.events), rejected: results.flatMap((r) => r.rejected) };
}

const keysOf = (result: WhatsAppMappingResult) => result.events.map((event) => event.idempotencyKey);
/** An event without the id allocated at mapping time: what must not depend on delivery. */
const content = ({ eventId: _eventId, ...rest }: NewEvent) => rest;

describe('the fixture set', () => {
  it('covers every message type and status type', () => {
    expect(fixtureNames).toEqual(
      expect.arrayContaining(
        [
          'text',
          'image',
          'video',
          'audio-voice',
          'document',
          'sticker',
          'location',
          'contacts',
          'interactive-button-reply',
          'interactive-list-reply',
          'interactive-nfm-reply',
          'button',
          'reaction',
          'reaction-removed',
          'order',
          'system-user-changed-number',
          'unsupported',
        ]
          .map((type) => `message-${type}.json`)
          .concat(['sent', 'delivered', 'read', 'failed', 'played'].map((status) => `status-${status}.json`)),
      ),
    );
  });

  it('gives every event a unique idempotency key across all fixtures', () => {
    const keys = keysOf(mapAll(fixtureNames.map(loadFixture)));
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('batched notifications', () => {
  it('map every entry, change, message and status, not only the first', () => {
    const result = mapAll([loadFixture('batched-multi-entry.json')]);
    expect(result.rejected).toEqual([]);
    const count = (type: string) => result.events.filter((event) => event.type === type).length;
    expect(count('message.received')).toBe(4);
    expect(count('contact.updated')).toBe(3);
    expect(count('message.sent') + count('message.delivered') + count('message.read')).toBe(3);
    expect(result.events).toHaveLength(10);
    // Each change keeps its own business number.
    const channels = new Set(result.events.map((event) => event.channel));
    expect(channels).toEqual(new Set(['106540352242922', '204881736529104']));
    const texts = result.events
      .filter((event) => event.type === 'message.received')
      .map((e) => e.payload.properties['text']);
    expect(texts).toEqual(['Is the store open today?', 'Buenas tardes', undefined, 'Bom dia!']);
  });

  it('give each event its own id from the context', () => {
    const ids = mapAll([loadFixture('batched-multi-entry.json')]).events.map((event) => event.eventId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('redelivery', () => {
  it.each(fixtureNames)('%s delivered twice yields the same keys and the same events', (name) => {
    const first = mapAll([loadFixture(name)]);
    const second = mapAll([loadFixture(name)]);
    expect(keysOf(second)).toEqual(keysOf(first));
    expect(second.events.map(content)).toEqual(first.events.map(content));
    expect(second.rejected).toEqual(first.rejected);
  });

  it('the whole set delivered twice holds each key exactly twice, so the ledger stores it once', () => {
    const keys = keysOf(mapAll([...fixtureNames, ...fixtureNames].map(loadFixture)));
    const counts = new Map<string, number>();
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 2)).toBe(true);
  });
});

describe('arrival order', () => {
  const byKey = (result: WhatsAppMappingResult) =>
    new Map(result.events.map((event) => [event.idempotencyKey, content(event)] as const));
  const reference = byKey(mapAll(fixtureNames.map(loadFixture)));

  it('any order of the fixtures, with repeats, gives the same set of keys and the same event per key', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(fixtureNames, { minLength: fixtureNames.length }),
        fc.array(fc.constantFrom(...fixtureNames), { maxLength: 8 }),
        (shuffled, repeats) => {
          const mapped = byKey(mapAll([...shuffled, ...repeats].map(loadFixture)));
          expect(new Set(mapped.keys())).toEqual(new Set(reference.keys()));
          for (const [key, event] of mapped) expect(event).toEqual(reference.get(key));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('shuffling the items inside a change changes neither the keys nor the events', () => {
    const batch = loadFixture('batched-multi-entry.json') as {
      entry: { changes: { value: { messages?: unknown[]; statuses?: unknown[]; contacts?: unknown[] } }[] }[];
    };
    const reversed = structuredClone(batch);
    reversed.entry.reverse();
    for (const entry of reversed.entry) {
      entry.changes.reverse();
      for (const { value } of entry.changes) {
        value.messages?.reverse();
        value.statuses?.reverse();
        value.contacts?.reverse();
      }
    }
    const sorted = (result: WhatsAppMappingResult) =>
      result.events.map(content).sort((a, b) => a.idempotencyKey.localeCompare(b.idempotencyKey));
    expect(sorted(mapAll([reversed]))).toEqual(sorted(mapAll([batch])));
  });
});

describe('bad items', () => {
  it('are rejected one by one with a path and a stable code while the good ones are mapped', () => {
    const payload = loadFixture('mixed-bad-items.json') as {
      entry: { changes: { value: Record<string, unknown[]> }[] }[];
    };
    const result = mapAll([payload]);
    expect(result.events.map((event) => event.type)).toEqual([
      'message.received',
      'contact.updated',
      'message.delivered',
    ]);
    expect(result.rejected.map(({ path, code }) => ({ path, code }))).toEqual([
      { path: 'entry[0].changes[0].value.messages[0]', code: 'whatsapp_invalid_message' },
      { path: 'entry[0].changes[0].value.messages[2]', code: 'whatsapp_invalid_message' },
      { path: 'entry[0].changes[0].value.statuses[0]', code: 'whatsapp_unsupported_status' },
      { path: 'entry[0].changes[1]', code: 'whatsapp_unsupported_field' },
    ]);
    const value = payload.entry[0]?.changes[0]?.value;
    // The raw item travels with its rejection, for the quarantine and a later replay.
    expect(result.rejected[0]?.raw).toEqual(value?.['messages']?.[0]);
    expect(result.rejected[2]?.raw).toEqual(value?.['statuses']?.[0]);
    expect(result.rejected.every((rejection) => rejection.message.length > 0)).toBe(true);
  });

  it.each([
    ['a text message without a body', { type: 'text', text: {} }],
    ['a location without coordinates', { type: 'location', location: { name: 'Somewhere' } }],
    ['a reaction without the reacted message', { type: 'reaction', reaction: { emoji: '👍' } }],
    ['an image without its image object', { type: 'image' }],
    ['an interactive reply without its type', { type: 'interactive', interactive: {} }],
    ['a message without a type', {}],
    ['a message without a sender', { from: undefined, type: 'text', text: { body: 'hi' } }],
  ])('%s is rejected as whatsapp_invalid_message', (_label, shape) => {
    const message = { from: '16505551234', id: 'wamid.BAD', timestamp: '1780650000', ...shape };
    const result = mapWhatsAppNotification(notificationWith({ messages: [message] }), fixedContext);
    expect(result.events).toEqual([]);
    expect(result.rejected).toMatchObject([{ code: 'whatsapp_invalid_message', raw: message }]);
  });

  it('an unknown message type is kept as a message with its raw detail, not dropped', () => {
    const message = {
      from: '16505551234',
      id: 'wamid.NEW',
      timestamp: '1780650000',
      type: 'poll',
      poll: { name: 'Q?' },
    };
    const result = mapWhatsAppNotification(notificationWith({ messages: [message] }), fixedContext);
    expect(result.rejected).toEqual([]);
    expect(result.events[0]?.payload.properties).toMatchObject({
      contentType: 'poll',
      whatsapp: { content: { name: 'Q?' } },
    });
  });

  it.each([
    ['a status without id', { status: 'read', timestamp: '1' }, 'whatsapp_invalid_status'],
    ['a status without timestamp', { id: 'wamid.S', status: 'read' }, 'whatsapp_invalid_status'],
    ['a status without status', { id: 'wamid.S', timestamp: '1' }, 'whatsapp_invalid_status'],
    [
      'an unknown status',
      { id: 'wamid.S', status: 'warning', timestamp: '1' },
      'whatsapp_unsupported_status',
    ],
  ])('%s is rejected', (_label, status, code) => {
    const result = mapWhatsAppNotification(notificationWith({ statuses: [status] }), fixedContext);
    expect(result.events).toEqual([]);
    expect(result.rejected).toMatchObject([
      { path: 'entry[0].changes[0].value.statuses[0]', code, raw: status },
    ]);
  });

  it.each([
    ['not an object', null, ''],
    ['an array', [], ''],
    ['another webhook object', { object: 'page', entry: [] }, 'object'],
    ['no entry array', { object: 'whatsapp_business_account' }, 'entry'],
    ['an entry without changes', { object: 'whatsapp_business_account', entry: [{ id: '1' }] }, 'entry[0]'],
    [
      'a change without value',
      { object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages' }] }] },
      'entry[0].changes[0]',
    ],
    [
      'messages that are not an array',
      notificationWith({ messages: { id: 'x' } }),
      'entry[0].changes[0].value.messages',
    ],
  ])(
    'a payload with %s is one whatsapp_invalid_payload rejection, never an exception',
    (_label, payload, path) => {
      const result = mapWhatsAppNotification(payload, fixedContext);
      expect(result.events).toEqual([]);
      expect(result.rejected).toMatchObject([{ path, code: 'whatsapp_invalid_payload' }]);
    },
  );
});

const fixedContext = { channel: 'fallback', receivedAt: 1_780_700_000_000, newEventId: () => 'evt' };

function notificationWith(value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { phone_number_id: '106540352242922' },
              ...value,
            },
          },
        ],
      },
    ],
  };
}
