import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../domain/events.js';
import type { MessageRow } from '../store/schema.js';
import { evolveMessage } from './messages.js';

const STATUS_TYPES = [
  'message.sent',
  'message.delivered',
  'message.read',
  'message.played',
  'message.failed',
] as const;

function statusEvent(
  type: (typeof STATUS_TYPES)[number] | 'message.received',
  second: number,
  extra: Record<string, unknown> = {},
): NewEvent {
  return {
    eventId: `e-${type}-${second}` as NewEvent['eventId'],
    idempotencyKey: `${type}:${second}`,
    type,
    eventTime: second * 1000,
    receivedAt: 0,
    source: 'whatsapp',
    channel: 'phone-1',
    actor: { type: 'system', id: 'whatsapp' },
    subjects: { contactId: null, conversationId: null, messageId: 'm' as NewEvent['subjects']['messageId'] },
    payload: {
      properties: {
        messageId: 'm',
        ...(type === 'message.received' ? {} : { status: type.slice(8) }),
        ...extra,
      } as never,
      context: {},
    },
  };
}

const fold = (events: readonly NewEvent[]) =>
  events.reduce<MessageRow | undefined>((row, event) => evolveMessage(row, 'w', event), undefined);

describe('the message delivery state', () => {
  it('is the same for any arrival order and any duplicates of the same statuses', () => {
    const status = fc.record({
      type: fc.constantFrom(...STATUS_TYPES),
      second: fc.integer({ min: 0, max: 50 }),
      priced: fc.boolean(),
    });
    // A set of statuses, and the same statuses plus some redelivered, in a random arrival order.
    const scenario = fc
      .array(status, { minLength: 1, maxLength: 8 })
      .map((items) =>
        items.map((item) =>
          statusEvent(
            item.type,
            item.second,
            item.priced ? { pricing: { category: 'utility', at: item.second } } : {},
          ),
        ),
      )
      .chain((events) =>
        fc.subarray(events).chain((redelivered) => {
          const arrivals = [...events, ...redelivered];
          return fc.tuple(
            fc.constant(events),
            fc.shuffledSubarray(arrivals, { minLength: arrivals.length, maxLength: arrivals.length }),
          );
        }),
      );
    fc.assert(
      fc.property(scenario, ([events, arrivals]) => {
        expect(fold(arrivals)).toEqual(fold(events));
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('never lets a late sent downgrade a read, keeps failed terminal, and counts read as delivered', () => {
    const row = fold([statusEvent('message.read', 30), statusEvent('message.sent', 10)]);
    expect(row).toMatchObject({ status: 'read', sent_at: 10_000, delivered_at: 30_000, read_at: 30_000 });
    const failed = fold([
      statusEvent('message.failed', 20, { error: { code: 131026 } }),
      statusEvent('message.delivered', 25),
    ]);
    expect(failed).toMatchObject({ status: 'failed', failed_at: 20_000, error: '{"code":131026}' });
  });

  it('takes each moment from the status itself when the source gives it', () => {
    const row = fold([statusEvent('message.delivered', 40, { deliveredAt: '1970-01-01T00:00:35Z' })]);
    expect(row?.delivered_at).toBe(35_000);
  });
});
