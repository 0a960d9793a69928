import { describe, expect, it } from 'vitest';
import { normalizeContactId } from '../src/domain/phone.js';
import { prepareCaptureEvent } from '../src/ingest/capture/prepare-event.js';
import {
  countTraffic,
  generateBatches,
  generateEvents,
  trafficForEvents,
  type CaptureEvent,
  type GeneratedEvent,
} from './generator.js';
import { countryOfContact, phoneOfContact } from './phone-numbers.js';

const SMALL = { conversations: 400, seed: 7 } as const;

function collect(options: Parameters<typeof generateEvents>[0]): GeneratedEvent[] {
  return [...generateEvents(options)];
}

function prepare(event: CaptureEvent) {
  return prepareCaptureEvent(event, {
    source: 'capture',
    receivedAt: Date.now(),
    maxEventBytes: 256 * 1024,
    maxFutureMs: 3_600_000,
    newEventId: () => 'e',
  });
}

describe('traffic generator', () => {
  const stream = collect(SMALL);

  it('gives the same events for the same seed, and other events for another seed', () => {
    expect(JSON.stringify(collect(SMALL))).toBe(JSON.stringify(stream));
    expect(JSON.stringify(collect({ ...SMALL, seed: 8 }))).not.toBe(JSON.stringify(stream));
  });

  it('emits only events the capture API accepts, with event time, user and channel', () => {
    for (const { event } of stream) {
      const prepared = prepare(event);
      if (!prepared.ok) throw new Error(`${prepared.code}: ${prepared.message} in ${JSON.stringify(event)}`);
      expect(prepared.event.channel).toBe('whatsapp');
      expect(prepared.event.subjects.contactId).toBe(event.userId);
    }
  });

  it('marks as duplicate exactly the events whose idempotency key was emitted before', () => {
    const seen = new Set<string>();
    let duplicates = 0;
    for (const { event, duplicate } of stream) {
      const prepared = prepare(event);
      if (!prepared.ok) throw new Error(prepared.message);
      const key = prepared.event.idempotencyKey;
      expect(seen.has(key)).toBe(duplicate);
      seen.add(key);
      if (duplicate) duplicates += 1;
    }
    expect(duplicates).toBeGreaterThan(0.01 * stream.length);
    expect(countTraffic(SMALL)).toMatchObject({ events: stream.length, distinct: seen.size, duplicates });
  });

  it('mixes the catalogue types, with reopens, handoffs and resolutions', () => {
    const types = new Set(stream.map(({ event }) => event.event));
    for (const type of [
      'contact.created',
      'message.received',
      'message.sent',
      'message.delivered',
      'message.read',
      'message.failed',
      'chat.assigned',
      'agent.handoff',
      'chat.resolved',
      'csat.submitted',
      'chat.tagged',
      'chat.priority_changed',
    ]) {
      expect(types, type).toContain(type);
    }
    const resolvedPerChat = new Map<string, number>();
    for (const { event, duplicate } of stream) {
      if (event.event !== 'chat.resolved' || duplicate) continue;
      const chatId = event.properties.chatId as string;
      resolvedPerChat.set(chatId, (resolvedPerChat.get(chatId) ?? 0) + 1);
    }
    const reopened = [...resolvedPerChat.values()].filter((count) => count > 1).length;
    expect(reopened / resolvedPerChat.size).toBeGreaterThan(0.05);
  });

  it('delivers statuses the way WhatsApp does: late, read before delivered, delivered never sent', () => {
    const firstIndex = new Map<string, number>();
    stream.forEach(({ event }, index) => {
      const key = `${event.event}:${(event.properties.messageId ?? event.properties.chatId) as string}`;
      if (!firstIndex.has(key)) firstIndex.set(key, index);
    });
    const statusKeys = [...firstIndex.keys()].filter((key) => key.startsWith('message.delivered:'));
    const messageOf = (key: string) => key.slice(key.indexOf(':') + 1);
    const readBeforeDelivered = statusKeys.filter(
      (key) =>
        (firstIndex.get(`message.read:${messageOf(key)}`) ?? Infinity) < (firstIndex.get(key) as number),
    );
    const deliveredNeverSent = statusKeys.filter((key) => !firstIndex.has(`message.sent:${messageOf(key)}`));
    expect(readBeforeDelivered.length).toBeGreaterThan(0);
    expect(deliveredNeverSent.length).toBeGreaterThan(0);

    // Late: a status whose event time is earlier than an event emitted well before it.
    let latest = 0;
    let late = 0;
    for (const { event, duplicate } of stream) {
      const time = Date.parse(event.timestamp);
      if (!duplicate && event.event.startsWith('message.') && time < latest - 3_600_000) late += 1;
      latest = Math.max(latest, time);
    }
    expect(late).toBeGreaterThan(0);
  });

  it('batches the stream and stops at maxEvents, counting what the ledger must store', () => {
    const options = trafficForEvents(2_345, { seed: 3, batchSize: 100 });
    const batches = [...generateBatches(options)];
    expect(batches.map((batch) => batch.events.length)).toEqual([...Array(23).fill(100), 45]);
    const distinct = batches.reduce((sum, batch) => sum + batch.distinct, 0);
    expect(countTraffic(options)).toMatchObject({ events: 2_345, distinct });
  });

  it('gives each contact its own valid number in one of the six countries', () => {
    const numbers = new Set<string>();
    for (let index = 0; index < 20_000_000; index += 7_001) {
      const phone = phoneOfContact(index, 1);
      const result = normalizeContactId(phone);
      if (!result.ok) throw new Error(result.message);
      expect(result.identity).toMatchObject({ contactId: phone, country: countryOfContact(index) });
      numbers.add(phone);
    }
    expect(numbers.size).toBe(Math.ceil(20_000_000 / 7_001));
    const countries = new Set(
      stream.map(({ event }) => {
        const result = normalizeContactId(event.userId);
        return result.ok ? result.identity.country : null;
      }),
    );
    expect([...countries].sort()).toEqual(['AR', 'BR', 'CO', 'ES', 'MX', 'US']);
  });
});
