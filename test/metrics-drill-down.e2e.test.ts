/**
 * Properties of the metrics API a dashboard user relies on, over a generated week of traffic (random
 * chats, bots and agents, handoffs, reopens, deals, ratings, surveys, delivery statuses with pricing,
 * duplicates and late arrivals) and many random questions:
 * 1. every figure, recomputed from its drill-down rows, is the figure (for the whole answer and for one
 *    grouped row);
 * 2. the ungrouped counts are the sums of the grouped rows' counts, and its rates the ratio of the summed
 *    numerators and denominators (for every grouping but `tag`, where a cycle with two tags is in two rows).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rate, summarizeDurations } from '../src/domain/kpi/index.js';
import { rebuildProjections } from '../src/projections/rebuild.js';
import { BACKENDS, startTestApp, type TestApp } from './support/backends.js';

const START = Date.parse('2026-10-21T06:00:00Z'); // a Wednesday; Europe's DST ends on Sunday the 25th
const DAYS = 8;
const AGENTS = ['ana', 'bob', 'carla', 'dora'];
const TEAMS = ['support', 'sales'];
const TAGS = ['vip', 'refund', 'promo'];
const TYPES = ['support', 'opportunity', 'complaint'];
const COUNTRIES = ['+3461200', '+52551234', '+1202555']; // ES, MX, US number prefixes
const SOURCES = ['ad', 'web', 'organic'];

/** mulberry32: a small seeded generator, so the dataset is the same on every run and backend. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p: number) => next() < p,
  };
}

type Event = Record<string, unknown>;

/** Scripts one chat: a few cycles of customer turns answered by a bot and/or agents, with everything around. */
function scriptChat(index: number, rng: ReturnType<typeof random>): Event[] {
  const chatId = `p${index}`;
  const user = `${rng.pick(COUNTRIES)}${String(1000 + index).padStart(4, '0')}`;
  const channel = rng.chance(0.8) ? 'whatsapp' : 'promo-line';
  const events: Event[] = [];
  let time = START + rng.int(0, (DAYS - 1) * 86_400) * 1000;
  let message = 0;
  const at = () => new Date(time).toISOString();
  const step = (maxSeconds: number) => (time += rng.int(1, maxSeconds) * 1000);
  const push = (event: string, properties: Event, actor?: Event) =>
    events.push({
      event,
      userId: user,
      timestamp: at(),
      context: { channel, ...(actor ? { actor } : {}) },
      properties: { chatId, ...properties },
    });
  const statuses = (messageId: string) => {
    const sentAt = time;
    const roll = rng.next();
    const pricing = rng.chance(0.5)
      ? {
          pricing: {
            billable: rng.chance(0.8),
            category: rng.pick(['marketing', 'utility', 'service', 'authentication']),
          },
        }
      : {};
    const status = (kind: string, offset: number, extra: Event = {}) =>
      events.push({
        event: `message.${kind}`,
        userId: user,
        timestamp: new Date(sentAt + offset).toISOString(),
        context: { channel },
        properties: { messageId, ...extra },
      });
    if (roll < 0.1) status('failed', 2000, { error: { code: 131026 } });
    else if (roll < 0.2)
      status('read', 9000, pricing); // a read without delivered
    else {
      status('delivered', 1000, pricing);
      if (rng.chance(0.6)) status('read', rng.int(2, 600) * 1000);
    }
  };
  const source = rng.pick(SOURCES);
  const cycles = rng.int(1, 3);
  for (let cycle = 0; cycle < cycles; cycle += 1) {
    const bot = rng.chance(0.4);
    let handedOff = false;
    const turns = rng.int(1, 4);
    for (let turn = 0; turn < turns; turn += 1) {
      push('message.received', {
        messageId: `${chatId}-${++message}`,
        text: 'hola',
        ...(cycle === 0 && turn === 0 ? { source, utm_campaign: `c-${source}` } : {}),
      });
      if (rng.chance(0.15)) continue; // unanswered
      step(bot && !handedOff ? 30 : 7200);
      if (bot && !handedOff) {
        const id = `${chatId}-${++message}`;
        push('message.sent', { messageId: id, agentId: 'faq-bot', serviceMode: 'bot' });
        statuses(id);
        if (rng.chance(0.4)) {
          step(60);
          push('agent.handoff', {
            fromMode: 'bot',
            toMode: 'agent',
            ...(rng.chance(0.5) ? { agentId: rng.pick(AGENTS) } : {}),
            teamId: rng.pick(TEAMS),
          });
          handedOff = true;
        }
      } else {
        if (rng.chance(0.5)) push('chat.assigned', { agentId: rng.pick(AGENTS), teamId: rng.pick(TEAMS) });
        step(3600);
        const id = `${chatId}-${++message}`;
        const link = rng.chance(0.3);
        push('message.sent', {
          messageId: id,
          agentId: rng.pick(AGENTS),
          ...(link ? { trackedLink: true } : {}),
        });
        statuses(id);
        if (link && rng.chance(0.5)) {
          const sentAt = time;
          for (let click = rng.int(1, 2); click > 0; click -= 1) {
            time = sentAt + rng.int(10, 900) * 1000;
            push('link.clicked', { messageId: id, url: `https://shop.example/${click}` });
          }
          time = sentAt;
        }
      }
      if (rng.chance(0.3)) push('chat.tagged', { tag: rng.pick(TAGS) });
      if (rng.chance(0.15)) push('chat.priority_changed', { priority: rng.pick(['P0', 'P1', 'P2']) });
      if (rng.chance(0.15)) push('chat.type_changed', { conversationType: rng.pick(TYPES) });
      step(4 * 3600);
    }
    if (rng.chance(0.2))
      push('deal.updated', { stage: 'proposal', value: rng.int(1, 50) * 100, currency: 'EUR' });
    step(3600);
    const ending = rng.next();
    if (ending < 0.15) continue; // left open (the next cycle's message lands in it)
    if (ending < 0.25)
      push('deal.updated', { outcome: rng.pick(['won', 'lost']), value: rng.int(1, 50) * 100 });
    else push('chat.resolved', { resolutionType: 'answered' }, { type: 'agent', id: rng.pick(AGENTS) });
    if (rng.chance(0.6)) {
      step(120);
      const id = `${chatId}-${++message}`;
      push('message.sent', { messageId: id, agentId: rng.pick(AGENTS), csatSurvey: true });
      statuses(id);
      if (rng.chance(0.7)) {
        step(600);
        const scale = rng.pick([5, 10, 3]);
        push('csat.submitted', { rating: rng.int(1, scale), scale });
      }
    }
    step(rng.chance(0.7) ? 20 * 3600 : 60 * 3600); // a reopen, or a new conversation after the window
  }
  if (rng.chance(0.2)) push('contact.opted_out', {});
  if (rng.chance(0.3)) {
    step(3600);
    push('contact.opted_in', {});
  }
  return events;
}

function dataset(): Event[][] {
  const rng = random(20261121);
  const events = Array.from({ length: 40 }, (_, index) => scriptChat(index, rng)).flat();
  // Arrival order is not event order: shuffle, re-send some events (webhook retries), and cut in batches.
  for (let i = events.length - 1; i > 0; i -= 1) {
    const j = rng.int(0, i);
    [events[i], events[j]] = [events[j] as Event, events[i] as Event];
  }
  const retries = events.filter(() => rng.chance(0.05));
  const all = [...events, ...retries];
  const batches: Event[][] = [];
  for (let start = 0; start < all.length; start += 150) batches.push(all.slice(start, start + 150));
  return batches;
}

const GROUPINGS = [
  'agent',
  'team',
  'channel',
  'source',
  'type',
  'tag',
  'priority',
  'country',
  'campaign',
  'hour',
  'day',
  'week',
  'month',
  'weekday-hour',
] as const;
const FILTERS: Record<string, string[]> = {
  agent: [...AGENTS, 'faq-bot'],
  team: TEAMS,
  channel: ['whatsapp', 'promo-line'],
  source: SOURCES,
  type: TYPES,
  tag: TAGS,
  priority: ['P0', 'P1', 'P2'],
  country: ['ES', 'MX', 'US'],
  campaign: ['c-ad', 'c-web'],
};

const questionArbitrary = fc.record({
  fromDay: fc.integer({ min: -1, max: DAYS }),
  days: fc.integer({ min: 1, max: DAYS + 2 }),
  fromHour: fc.integer({ min: 0, max: 23 }),
  tz: fc.constantFrom('Europe/Madrid', 'UTC', 'America/Mexico_City', 'Asia/Kolkata'),
  businessHours: fc.boolean(),
  groupBy: fc.constantFrom(...GROUPINGS),
  filters: fc.subarray(Object.keys(FILTERS), { maxLength: 2 }),
  filterPick: fc.nat(),
  pageSize: fc.constantFrom(3, 17, 1000),
});
type Question = typeof questionArbitrary extends fc.Arbitrary<infer T> ? T : never;

function queryOf(question: Question): string {
  const from = new Date(START + question.fromDay * 86_400_000 + question.fromHour * 3_600_000);
  const to = new Date(from.getTime() + question.days * 86_400_000);
  const params = new URLSearchParams({
    from: from.toISOString(),
    to: to.toISOString(),
    tz: question.tz,
    businessHours: String(question.businessHours),
  });
  question.filters.forEach((dimension, index) => {
    const values = FILTERS[dimension] as string[];
    params.set(dimension, values[(question.filterPick + index) % values.length] as string);
  });
  return params.toString();
}

const DRILL_METRICS = [
  'conversations',
  'cyclesOpened',
  'cyclesEnded',
  'firstResponse',
  'botFirstResponse',
  'agentResponse',
  'botResponse',
  'resolution',
  'reopenRate',
  'csat',
  'conversion',
  'sla',
  'messages',
  'contacts',
  'selfServe',
  'length',
  'cost',
  'engagement',
] as const;
const DURATIONS = [
  'firstResponse',
  'botFirstResponse',
  'agentResponse',
  'botResponse',
  'resolution',
  'length',
] as const;

/** Recomputes one figure from its drill-down items, by DESIGN.md's definitions (docs/metrics.md). */
function recompute(metric: (typeof DRILL_METRICS)[number], items: any[], figure: any): unknown {
  const facts = (kind: string) => items.filter((item) => item.kind === 'fact' && item.fact === kind);
  const messages = items.filter((item) => item.kind === 'message');
  const count = (list: any[], predicate: (item: any) => boolean) => list.filter(predicate).length;
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  switch (metric) {
    case 'conversations':
    case 'cyclesOpened':
    case 'cyclesEnded':
      return items.length;
    case 'reopenRate':
      return rate(facts('reopen').length, facts('cycle_ended').length);
    case 'csat': {
      const ratings = facts('rating');
      const positive = count(ratings, (item) => item.outcome === 'positive');
      return {
        ratings: ratings.length,
        positive,
        score: rate(positive, ratings.length),
        responseRate: rate(ratings.length, messages.length),
      };
    }
    case 'conversion': {
      const won = items.filter((item) => item.outcome === 'won');
      return {
        sales: items.length,
        won: won.length,
        lost: count(items, (item) => item.outcome === 'lost'),
        rate: rate(won.length, items.length),
        revenue: sum(won.map((item) => item.value)),
      };
    }
    case 'sla':
      return { applicable: 0, met: 0, compliance: null, firstHit: null, nextHit: null, resolutionHit: null };
    case 'messages': {
      const out = messages.filter((item) => item.direction === 'outbound');
      const delivered = count(out, (item) => item.delivered);
      const read = count(out, (item) => item.read);
      const received = messages.length - out.length;
      return {
        received,
        sent: out.length,
        delivered,
        read,
        failed: count(out, (item) => item.failed),
        deliveryRate: rate(delivered, out.length),
        readRate: rate(read, out.length),
        openRate: rate(read, delivered),
        replyRate: rate(received, out.length),
      };
    }
    case 'contacts':
      return { new: figure.new === null ? null : items.length };
    case 'selfServe':
      return {
        botOnly: count(items, (item) => item.outcome === 'bot-only'),
        assisted: count(items, (item) => item.outcome === 'assisted'),
      };
    case 'cost': {
      const priced = messages.filter((item) => item.cost !== null);
      const total = sum(priced.map((item) => item.cost));
      const byCategory: Record<string, number> = {};
      for (const item of priced) byCategory[item.category] = (byCategory[item.category] ?? 0) + item.cost;
      const won = facts('sale').length;
      return {
        total,
        currency: 'EUR',
        billable: messages.length,
        unpriced: messages.length - priced.length,
        byCategory,
        cpa: won === 0 ? null : total / won,
      };
    }
    case 'engagement': {
      const contacts = (direction: string) =>
        new Set(
          messages
            .filter((item) => item.direction === direction && item.contactId !== null)
            .map((item) => item.contactId),
        );
      const messaged = contacts('outbound');
      const replied = [...contacts('inbound')].filter((contact) => messaged.has(contact)).length;
      const optOuts = figure.optOuts === null ? null : items.filter((item) => item.kind === 'optOut').length;
      const withLink = messages.filter(
        (item) => item.direction === 'outbound' && item.link && item.delivered,
      );
      const clicked = count(withLink, (item) => item.clicked);
      return {
        contactsMessaged: messaged.size,
        contactsReplied: replied,
        responseRate: rate(replied, messaged.size),
        optOuts,
        optOutRate: optOuts === null ? null : rate(optOuts, messaged.size),
        linkMessages: withLink.length,
        clicked,
        ctr: rate(clicked, withLink.length),
      };
    }
    default:
      return summarizeDurations(items.map((item) => item.value));
  }
}

describe.each(BACKENDS)('metrics drill-down and grouping properties on %s', (backend) => {
  let test: TestApp;
  let secret: Record<string, string>;

  beforeAll(async () => {
    test = await startTestApp(backend);
    secret = { authorization: `Bearer ${test.workspace.secretKey}` };
    const write = { authorization: `Bearer ${test.workspace.writeKey}` };
    for (const batch of dataset()) {
      const response = await test.post('/v1/capture', { batch }, write);
      expect(response.body.rejected).toEqual([]);
    }
    const settings = await fetch(`${test.baseUrl}/api/v1/workspace/settings`, {
      method: 'PATCH',
      headers: { ...secret, 'content-type': 'application/json' },
      body: JSON.stringify({
        businessHours: {
          timeZone: 'Europe/Madrid',
          weekly: {
            mon: [{ start: '09:00', end: '18:00' }],
            tue: [
              { start: '09:00', end: '13:00' },
              { start: '15:00', end: '19:00' },
            ],
            wed: [{ start: '08:00', end: '20:00' }],
            thu: [{ start: '09:00', end: '17:00' }],
            fri: [{ start: '09:00', end: '15:00' }],
            sat: [{ start: '10:00', end: '14:00' }],
          },
        },
        // Prices that are binary fractions keep the recomputed sums exact in any order.
        rateCard: {
          currency: 'EUR',
          rates: [
            { category: 'marketing', price: 0.0625 },
            { category: 'marketing', country: 'MX', price: 0.03125 },
            { category: 'utility', price: 0.015625 },
          ],
        },
      }),
      signal: AbortSignal.timeout(30_000),
    });
    expect(settings.status).toBe(200);
  }, 240_000);
  afterAll(() => test.close());

  const get = async (path: string) => {
    const response = await test.get(path, secret);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  };
  const drillAll = async (metric: string, query: string, pageSize: number) => {
    const items: any[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10_000; page += 1) {
      const body: { items: any[]; nextCursor: string | null } = await get(
        `/api/v1/metrics/conversations?metric=${metric}&${query}&limit=${pageSize}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      items.push(...body.items);
      cursor = body.nextCursor;
      if (cursor === null) return items;
    }
    throw new Error('drill-down did not end');
  };
  const expectFigures = async (query: string, figures: any, pageSize: number) => {
    for (const metric of DRILL_METRICS) {
      const items = await drillAll(metric, query, pageSize);
      const recomputed = recompute(metric, items, figures[metric]);
      if (metric === 'cost' && figures.cost.total !== null) {
        expect(recomputed, `${metric} ${query}`).toEqual(figures.cost);
      } else if (metric !== 'cost') {
        expect(recomputed, `${metric} ${query}`).toEqual(figures[metric]);
      }
    }
  };

  it('the dataset is rich enough to mean something', async () => {
    const figures = (await get(`/api/v1/metrics?from=2026-10-19&to=2026-11-02`)).rows[0].metrics;
    expect(figures.conversations).toBeGreaterThan(30);
    expect(figures.cyclesOpened).toBeGreaterThan(figures.conversations);
    expect(figures.firstResponse.count).toBeGreaterThan(20);
    expect(figures.botFirstResponse.count).toBeGreaterThan(5);
    expect(figures.csat.ratings).toBeGreaterThan(5);
    expect(figures.conversion.sales).toBeGreaterThan(2);
    expect(figures.messages.failed).toBeGreaterThan(0);
    expect(figures.cost.billable).toBeGreaterThan(0);
    expect(figures.reopenRate).toBeGreaterThan(0);
    expect(figures.engagement.clicked).toBeGreaterThan(0);
    expect(figures.engagement.optOuts).toBeGreaterThan(0);
  });

  it('every figure recomputed from its drill-down rows is the figure, ungrouped and for one grouped row', async () => {
    await fc.assert(
      fc.asyncProperty(questionArbitrary, fc.nat(), async (question, rowPick) => {
        const query = queryOf(question);
        const ungrouped = (await get(`/api/v1/metrics?${query}`)).rows[0].metrics;
        await expectFigures(query, ungrouped, question.pageSize);
        const grouped = (await get(`/api/v1/metrics?${query}&groupBy=${question.groupBy}`)).rows as any[];
        if (grouped.length === 0) return; // a dimension grouping of an empty period has no rows
        const row = grouped[rowPick % grouped.length];
        const key = row.key === null ? '' : encodeURIComponent(row.key);
        await expectFigures(
          `${query}&groupBy=${question.groupBy}&key=${key}`,
          row.metrics,
          question.pageSize,
        );
      }),
      { numRuns: 40, seed: 5 },
    );
  });

  it('the ungrouped counts are the sums of the grouped rows, and its rates the ratios of the sums', async () => {
    await fc.assert(
      fc.asyncProperty(questionArbitrary, async (question) => {
        if (question.groupBy === 'tag') return;
        const query = queryOf(question);
        const total = (await get(`/api/v1/metrics?${query}`)).rows[0].metrics;
        const answer = (await get(`/api/v1/metrics?${query}&groupBy=${question.groupBy}`)).rows as any[];
        const rows = answer.map((row) => row.metrics);
        const sum = (pick: (m: any) => number) => rows.reduce((total, m) => total + pick(m), 0);
        for (const path of ['conversations', 'cyclesOpened', 'cyclesEnded'])
          expect(
            sum((m) => m[path]),
            path,
          ).toBe(total[path]);
        for (const duration of DURATIONS)
          expect(
            sum((m) => m[duration].count),
            duration,
          ).toBe(total[duration].count);
        for (const [group, fields] of Object.entries({
          csat: ['ratings', 'positive'],
          conversion: ['sales', 'won', 'lost'],
          messages: ['received', 'sent', 'delivered', 'read', 'failed'],
          selfServe: ['botOnly', 'assisted'],
          cost: ['billable', 'unpriced'],
        })) {
          for (const field of fields)
            expect(
              sum((m) => m[group][field]),
              `${group}.${field}`,
            ).toBe(total[group][field]);
        }
        if (total.contacts.new !== null && rows.every((m) => m.contacts.new !== null))
          expect(sum((m) => m.contacts.new)).toBe(total.contacts.new);
        // A row's reopens are its rate × its ended cycles; a row where no cycle ended has a null rate, so its
        // reopens (dated by the reopening message, credited to the reopened cycle) come from its drill-down.
        let reopens = 0;
        for (const row of answer) {
          const m = row.metrics;
          if (m.cyclesEnded > 0) reopens += Math.round((m.reopenRate * m.cyclesEnded) / 100);
          else {
            const key = row.key === null ? '' : encodeURIComponent(row.key);
            const items = await drillAll(
              'reopenRate',
              `${query}&groupBy=${question.groupBy}&key=${key}`,
              1000,
            );
            reopens += items.filter((item) => item.fact === 'reopen').length;
          }
        }
        expect(
          rate(
            reopens,
            sum((m) => m.cyclesEnded),
          ),
        ).toBe(total.reopenRate);
        expect(
          rate(
            sum((m) => m.csat.positive),
            sum((m) => m.csat.ratings),
          ),
        ).toBe(total.csat.score);
        expect(
          rate(
            sum((m) => m.conversion.won),
            sum((m) => m.conversion.sales),
          ),
        ).toBe(total.conversion.rate);
        const [delivered, read, sent, received] = ['delivered', 'read', 'sent', 'received'].map((field) =>
          sum((m) => m.messages[field]),
        );
        expect(rate(delivered!, sent!)).toBe(total.messages.deliveryRate);
        expect(rate(read!, sent!)).toBe(total.messages.readRate);
        expect(rate(read!, delivered!)).toBe(total.messages.openRate);
        expect(rate(received!, sent!)).toBe(total.messages.replyRate);
      }),
      { numRuns: 60, seed: 11 },
    );
  });

  it('shuffled, repeated and late arrivals leave the same facts as a rebuild in ledger order', async () => {
    const rows = async () => {
      const tables: Record<string, string[]> = {};
      for (const table of ['metric_facts', 'message_facts', 'cycles'] as const) {
        const all = await test.app.store.db.selectFrom(table).selectAll().execute();
        tables[table] = all.map((row) => JSON.stringify(row)).sort();
      }
      return tables;
    };
    const live = await rows();
    expect(live.message_facts!.filter((row) => row.includes('"conversation_id":null')).length).toBeLessThan(
      live.message_facts!.length / 10,
    );
    await rebuildProjections(test.app.store);
    expect(await rows()).toEqual(live);
  });
});
