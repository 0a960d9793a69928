import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor, JsonObject, LedgerEvent } from '../events.js';
import { asEventId, asWorkspaceId } from '../ids.js';
import { conversationIdFor } from './conversation-id.js';
import type { ConversationState, ThreadEvent } from './conversation-state.js';
import { DEFAULT_CONVERSATION_SETTINGS } from './settings.js';
import {
  agent,
  bot,
  chatThread,
  contactThread,
  given,
  hours,
  minutes,
  system,
  T0,
  type Thread,
} from './test-events.js';
import { appliesInOrder, emptyThread, evolveThread, foldThread, type ThreadState } from './thread.js';
import { threadKeyOf } from './thread-key.js';

const settings = { ...DEFAULT_CONVERSATION_SETTINGS, autoResolveAfterMs: hours(24) };

describe('a late event', () => {
  const g = given();
  const events = [
    g.inbound(T0),
    g.agentReply(T0 + minutes(5), 'ana'),
    g.resolved(T0 + hours(1), agent('ana')),
    g.inbound(T0 + hours(3)),
    g.agentReply(T0 + hours(3) + minutes(10), 'bo'),
  ];

  it('with an earlier timestamp than a stored resolution moves into the earlier cycle', () => {
    const late = g.inbound(T0 + minutes(30), { text: 'one more thing' });
    const [conversation] = foldThread([...events, late], settings).conversations as [ConversationState];
    const [first, second] = conversation.cycles;
    expect(first).toMatchObject({ inboundCount: 2, resolutionSeconds: 3600 });
    expect(first?.turns.at(-1)).toMatchObject({ from: T0 + minutes(30), replyAt: null });
    expect(second).toMatchObject({ startedAt: T0 + hours(3), inboundCount: 1 });
    expect(second?.firstHumanReply).toMatchObject({ by: 'bo', seconds: 600 });
  });

  it('between a resolution and a reopen moves the reopen earlier and corrects the reopened cycle', () => {
    const late = g.inbound(T0 + hours(2));
    const [conversation] = foldThread([...events, late], settings).conversations as [ConversationState];
    expect(conversation.cycles[0]).toMatchObject({ reopenedAt: T0 + hours(2) });
    expect(conversation.cycles[1]).toMatchObject({ startedAt: T0 + hours(2), inboundCount: 2 });
    expect(conversation.cycles[1]?.firstHumanReply).toMatchObject({
      from: T0 + hours(2),
      seconds: 3600 + 600,
    });
  });

  it('gives the same result applied incrementally with a re-fold when it arrives out of order', () => {
    const arrivals = [events[3], events[0], events[4], g.inbound(T0 + minutes(30)), events[2], events[1]];
    expect(replayLikeStorage(arrivals as ThreadEvent[])).toEqual(
      foldThread(arrivals as ThreadEvent[], settings),
    );
  });
});

/** What the storage layer does: apply in order when it can, re-fold the thread when an event is late. */
function replayLikeStorage(arrivals: ThreadEvent[]): ThreadState {
  const stored: ThreadEvent[] = [];
  let thread = emptyThread();
  for (const event of arrivals) {
    if (stored.some((existing) => existing.idempotencyKey === event.idempotencyKey)) continue;
    stored.push(event);
    thread = appliesInOrder(thread, event)
      ? evolveThread(thread, event, settings)
      : foldThread(stored, settings);
  }
  return thread;
}

// ---------------------------------------------------------------------------------------------------
// Property: any arrival order, with any duplicates, gives deep-equal conversations and facts.

const AGENTS = ['ana', 'bo', 'cy'] as const;
const TEAMS = ['sales', 'support', null] as const;
const TAGS = ['vip', 'refund', 'lead'] as const;
const STATUSES = [
  'open',
  'pending-customer',
  'pending-internal',
  'snoozed',
  'resolved',
  'closed-won',
  'closed-lost',
];

type Step = (thread: Thread, at: number) => ThreadEvent;

const actorArb: fc.Arbitrary<Actor> = fc.oneof(
  fc.constantFrom(...AGENTS).map(agent),
  fc.constant(bot()),
  fc.constant(system),
);

/** One realistic event of a thread, weighted the way real chats look: mostly messages. */
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        mode: fc.constantFrom<string | null>(null, null, 'bot', 'agent'),
        ad: fc.boolean(),
      })
      .map(({ mode, ad }): Step => (thread, at) => {
        const props: JsonObject = {};
        if (mode !== null) props['serviceMode'] = mode;
        if (ad) props['referral'] = { source_id: 'ad-1', ctwa_clid: 'clid-1' };
        return given(thread).inbound(at, props);
      }),
  },
  {
    weight: 5,
    arbitrary: fc.constantFrom(...AGENTS).map(
      (id): Step =>
        (thread, at) =>
          given(thread).agentReply(at, id),
    ),
  },
  { weight: 4, arbitrary: fc.constant<Step>((thread, at) => given(thread).botReply(at)) },
  {
    weight: 1,
    arbitrary: fc.boolean().map(
      (campaign): Step =>
        (thread, at) =>
          given(thread).template(at, campaign ? { campaignId: 'c-1' } : {}, campaign ? system : agent('ana')),
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<string | null>(...AGENTS, null).map(
      (id): Step =>
        (thread, at) =>
          given(thread).handoff(at, id),
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ agentId: fc.constantFrom<string | null>(...AGENTS, null), team: fc.constantFrom(...TEAMS) })
      .map(
        ({ agentId, team }): Step =>
          (thread, at) =>
            given(thread).assigned(at, agentId, team === null ? {} : { teamId: team, reason: 'routing' }),
      ),
  },
  {
    weight: 3,
    arbitrary: actorArb.map(
      (by): Step =>
        (thread, at) =>
          given(thread).resolved(at, by),
    ),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({ status: fc.constantFrom(...STATUSES), snooze: fc.integer({ min: 1, max: 72 }) })
      .map(
        ({ status, snooze }): Step =>
          (thread, at) =>
            given(thread).status(
              at,
              status,
              status === 'snoozed' ? { snoozedUntil: at + hours(snooze) } : {},
            ),
      ),
  },
  {
    weight: 2,
    arbitrary: fc.record({ tag: fc.constantFrom(...TAGS), add: fc.boolean() }).map(
      ({ tag, add }): Step =>
        (thread, at) =>
          add ? given(thread).tagged(at, tag) : given(thread).untagged(at, tag),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('P0', 'P1', 'P2', 'P3').map(
      (p): Step =>
        (thread, at) =>
          given(thread).priority(at, p),
    ),
  },
  { weight: 1, arbitrary: fc.constant<Step>((thread, at) => given(thread).note(at, 'ping @bo and @cy')) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 5 }).map(
      (r): Step =>
        (thread, at) =>
          given(thread).csat(at, r),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ stage: fc.constantFrom('proposal', 'closed-won', 'closed-lost'), value: fc.nat(5000) })
      .map(
        ({ stage, value }): Step =>
          (thread, at) =>
            given(thread).deal(at, { stage, value, currency: 'USD' }),
      ),
  },
  {
    // An inactivity auto-resolve, sometimes based on the real quiet period and sometimes on a stale one.
    weight: 1,
    arbitrary: fc.integer({ min: 0, max: 3 }).map(
      (back): Step =>
        (thread, at) =>
          given(thread).resolved(at, system, {
            resolutionType: 'auto-inactivity',
            inactiveSince: at - hours(24) - back,
          }),
    ),
  },
  {
    // A note, tag or rating naming the thread's first conversation by its engine id: it may be superseded.
    weight: 1,
    arbitrary: fc.constantFrom<Step>(
      (thread, at) => naming(given(thread).note(at, 'late note on the first conversation'), 1),
      (thread, at) => naming(given(thread).tagged(at, 'follow-up'), 1),
      (thread, at) => naming(given(thread).csat(at, 4), 1),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constant<Step>((thread, at) => given(thread).contactCreated(at, { source: 'web' })),
  },
  { weight: 1, arbitrary: fc.constant<Step>((thread, at) => given(thread).delivered(at)) },
);

/**
 * The event, naming the thread's `ordinal`-th conversation by its engine id. It is a different event from
 * the unnamed one, so it gets its own idempotency key: the ledger never holds two events under one key.
 */
function naming(event: ThreadEvent, ordinal: number): ThreadEvent {
  const conversationId = conversationIdFor(threadKeyOf(event) ?? '', ordinal);
  return {
    ...event,
    idempotencyKey: `${event.idempotencyKey}|${conversationId}`,
    subjects: { ...event.subjects, conversationId },
  };
}

/** Gaps between events: ties, seconds, minutes, hours, and more than the reopen window. */
const gapArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 120_000 }) },
  { weight: 3, arbitrary: fc.integer({ min: minutes(2), max: hours(6) }) },
  { weight: 2, arbitrary: fc.integer({ min: hours(20), max: hours(80) }) },
);

const threadArb = fc
  .record({
    contact: fc.boolean(),
    steps: fc.array(fc.tuple(gapArb, stepArb), { minLength: 10, maxLength: 60, size: 'max' }),
  })
  .map(({ contact, steps }) => {
    const thread = contact ? contactThread() : chatThread('chat-p');
    let at = T0;
    return steps.map(([gap, step]) => {
      at += gap;
      return step(thread, at);
    });
  });

/** A small seeded PRNG, so a failing case replays from fast-check's seed. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The events as one arrival would store them: shuffled, some delivered twice or three times, each copy a
 * ledger row with its own position, event id and received time (which the fold must ignore).
 */
function arrival(events: ThreadEvent[], random: () => number): LedgerEvent[] {
  const copies: ThreadEvent[] = [];
  for (const event of events) {
    copies.push(event);
    if (random() < 0.2) copies.push(event);
    if (random() < 0.05) copies.push(event);
  }
  for (let i = copies.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copies[i], copies[j]] = [copies[j] as ThreadEvent, copies[i] as ThreadEvent];
  }
  return copies.map((event, position) => ({
    ...event,
    eventId: asEventId(`ev-${position}-${Math.floor(random() * 1e9)}`),
    receivedAt: T0 + hours(1000) + position,
    source: 'capture',
    workspaceId: asWorkspaceId('ws-1'),
    position,
    seq: position,
    prevHash: '',
    hash: '',
  }));
}

/** Facts that must hold whatever the events: they make the equality below worth having. */
function checkInvariants(conversations: ConversationState[]): void {
  conversations.forEach((conversation, index) => {
    const last = index === conversations.length - 1;
    expect(conversation.cycles.length).toBeGreaterThan(0);
    conversation.cycles.forEach((cycle, i) => {
      const next = conversation.cycles[i + 1];
      if (next !== undefined) {
        expect(cycle.end).not.toBeNull();
        expect(cycle.reopened).toBe(true);
        expect(next.startedAt).toBeGreaterThanOrEqual(cycle.end?.at ?? Infinity);
      } else {
        expect(cycle.reopened).toBe(false);
        if (!last) expect(cycle.end).not.toBeNull();
      }
      for (const reply of [cycle.firstHumanReply, cycle.firstBotReply]) {
        if (reply !== null) expect(reply.seconds).toBeGreaterThanOrEqual(0);
      }
      if (cycle.firstHumanReply !== null)
        expect(cycle.firstHumanReply.from).toBeGreaterThanOrEqual(cycle.startedAt);
      for (const turn of cycle.turns) {
        expect(turn.from).toBeGreaterThanOrEqual(cycle.startedAt);
        if (turn.seconds !== null) expect(turn.seconds).toBeGreaterThanOrEqual(0);
      }
      expect(cycle.turns.reduce((sum, turn) => sum + turn.inboundMessages, 0)).toBe(cycle.inboundCount);
      expect(cycle.outboundCount).toBe(
        cycle.agentMessageCount + cycle.botMessageCount + cycle.automatedMessageCount,
      );
      if (cycle.end !== null) {
        const total = Object.values(cycle.timeInStatus).reduce((sum, value) => sum + value, 0);
        expect(total).toBeCloseTo((cycle.end.at - cycle.startedAt) / 1000, 6);
      }
    });
  });
}

describe('order independence (property)', () => {
  it('any arrival order with any duplicates gives deep-equal conversations and per-cycle facts', () => {
    let cyclesSeen = 0;
    let reopensSeen = 0;
    let laterConversationsSeen = 0;
    fc.assert(
      fc.property(threadArb, fc.integer(), (events, seed) => {
        const now = (events.at(-1)?.eventTime ?? T0) + hours(1);
        const reference = foldThread(events, settings, { now });
        checkInvariants(reference.conversations);
        cyclesSeen += reference.conversations.reduce((sum, c) => sum + c.cycles.length, 0);
        reopensSeen += reference.conversations.reduce(
          (sum, c) => sum + c.cycles.filter((x) => x.isReopen).length,
          0,
        );
        laterConversationsSeen += Math.max(0, reference.conversations.length - 1);
        const random = mulberry32(seed);
        for (let order = 0; order < 50; order++) {
          const replayed = foldThread(arrival(events, random), settings, { now });
          // isDeepStrictEqual is fast; expect() only runs to show the difference when there is one.
          if (!isDeepStrictEqual(replayed.conversations, reference.conversations)) {
            expect(replayed.conversations).toEqual(reference.conversations);
          }
        }
        // Storage applies in-order arrivals incrementally and re-folds on a late one: same result.
        const stored = replayLikeStorage(arrival(events, random)).conversations;
        const folded = foldThread(events, settings).conversations;
        if (!isDeepStrictEqual(stored, folded)) expect(stored).toEqual(folded);
      }),
      { numRuns: 200 },
    );
    // The generator must exercise what the property is about, or the property proves nothing.
    expect(cyclesSeen).toBeGreaterThan(400);
    expect(reopensSeen).toBeGreaterThan(150);
    expect(laterConversationsSeen).toBeGreaterThan(20);
  });
});
