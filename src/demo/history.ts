/**
 * The demo's history: `days` days of past conversations, written in a few seconds so the metrics have
 * something to show from the first minute. The stories are the live ones, dated in the past and paced like
 * a real team (minutes to answer, hours before a customer writes again).
 *
 * What goes where, and why:
 * - Customers' messages go through the channel's signed webhook with their past timestamps, and Meta's
 *   statuses (with pricing, for the cost figures) through the webhook too: the same path as live traffic.
 * - The bot's and agents' messages and the CSAT scores go through the capture API with past timestamps, no
 *   chatId and `context.channel` = the business number, so they join the customer's WhatsApp thread.
 * - Handoffs, tags, priority, type, notes, resolutions and won deals cannot take either path with a past
 *   date: REST commands are always dated at the server's clock, and the capture API's `chat.*` events need a
 *   chatId, which would put them in another thread than the webhook's messages. So the demo appends them to
 *   the ledger in-process, as `import` events with the properties and actor the REST command records
 *   (`integration`/`api` for the routing, the agent for what agents do). They are hash-chained like any
 *   other event, and `chatledger verify` and `rebuild` treat them alike.
 * Each conversation is sent as one webhook notification of its messages, one capture batch, one append and
 * one notification of statuses. Arrival order does not matter: chatledger folds a thread by event time.
 */
import { randomUUID } from 'node:crypto';
import type { JsonObject, NewEvent } from '../domain/events.js';
import { asContactId, asEventId } from '../domain/ids.js';
import { parseMentions } from '../domain/conversation/mentions.js';
import type { LedgerWriter } from '../ledger/writer.js';
import type { FakeGraphApi } from '../whatsapp/fake-graph-api.js';
import type { Customer } from './customers.js';
import type { DemoApi } from './demo-api.js';
import type { Narrator } from './narrator.js';
import type { ConversationPlanner } from './planner.js';
import { deriveSeed, Random } from './random.js';
import { BOT, type Action, type ConversationPlan, type StatusStep } from './scenario.js';
import { forEachConcurrently } from './timing.js';
import {
  DEMO_NUMBER,
  demoWamid,
  inboundNotification,
  statusNotification,
  type InboundMessage,
  type StatusItem,
} from './whatsapp-payloads.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** A real team is slower than the live script: each script delay counts this many times over. */
const PACE = 4;
/** Conversations written at the same time (the ledger commits concurrent requests together). */
const CONCURRENCY = 6;
/** Share of conversations by a customer who already wrote in earlier. */
const RETURNING_SHARE = 0.12;
/** Inbound traffic by hour of day (UTC): quiet nights, a late-morning and an afternoon peak. */
const HOURLY_WEIGHTS = [
  1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 4, 6, 8, 9, 9, 7, 6, 7, 8, 8, 7, 6, 5, 4, 3, 2,
] as const;

export interface HistoryOptions {
  api: DemoApi;
  fake: FakeGraphApi;
  writer: LedgerWriter;
  workspaceId: string;
  planner: ConversationPlanner;
  narrator: Narrator;
  seed: number;
  runId: string;
  days: number;
  now: number;
  signal: AbortSignal;
}

export interface HistorySummary {
  conversations: number;
  events: number;
  seconds: number;
}

interface TimedStep {
  at: number;
  action: Action;
  step: number;
}

interface PlannedPast {
  plan: ConversationPlan;
  timeline: TimedStep[];
}

export async function backfillHistory(options: HistoryOptions): Promise<HistorySummary> {
  const started = Date.now();
  const conversations = planPast(options);
  let events = 0;
  let done = 0;
  const progressEvery = Math.max(1, Math.ceil(conversations.length / 4));
  await forEachConcurrently(conversations, CONCURRENCY, async (past) => {
    if (options.signal.aborted) return;
    const stored = await writeConversation(past, options);
    events += stored;
    done += 1;
    if (done % progressEvery === 0 && done < conversations.length) {
      options.narrator.line(null, `⏳ history: ${done}/${conversations.length} conversations written`);
    }
  });
  return { conversations: done, events, seconds: (Date.now() - started) / 1000 };
}

/** Which conversations started when: more on weekdays and in the day's peaks; all over before `now`. */
function planPast(options: HistoryOptions): PlannedPast[] {
  const random = new Random(deriveSeed(options.seed, 'history-calendar'));
  const today = Math.floor(options.now / DAY_MS) * DAY_MS;
  const starts: number[] = [];
  for (let day = options.days; day >= 0; day--) {
    const midnight = today - day * DAY_MS;
    const weekday = new Date(midnight).getUTCDay();
    const count = weekday === 0 || weekday === 6 ? random.int(3, 6) : random.int(7, 12);
    for (let i = 0; i < count; i++) {
      const hour = random.weighted(HOURLY_WEIGHTS.map((weight, index) => [index, weight] as const));
      starts.push(midnight + hour * HOUR_MS + random.int(0, HOUR_MS / 1000 - 1) * 1000);
    }
  }
  starts.sort((a, b) => a - b);
  const planned: PlannedPast[] = [];
  const customers: { customer: Customer; at: number }[] = [];
  for (const [index, start] of starts.entries()) {
    const pick = new Random(deriveSeed(options.seed, 'history-returning', index));
    // A returning customer wrote in at least two days earlier: their conversations never overlap.
    const earlier = customers.filter((each) => each.at < start - 2 * DAY_MS);
    const returning =
      earlier.length > 0 && pick.chance(RETURNING_SHARE) ? pick.pick(earlier).customer : undefined;
    const plan = options.planner.plan(index, returning);
    const timeline = timelineOf(plan, start, new Random(deriveSeed(options.seed, 'history-gaps', index)));
    // Only conversations whose last step (and its statuses) lies safely in the past.
    if ((timeline.at(-1)?.at ?? start) > options.now - 15 * 60_000) continue;
    planned.push({ plan, timeline });
    customers.push({ customer: plan.customer, at: start });
  }
  return planned;
}

/** Absolute times for the steps: whole seconds, strictly increasing, a reopen hours after its resolution. */
function timelineOf(plan: ConversationPlan, start: number, random: Random): TimedStep[] {
  let at = Math.floor(start / 1000) * 1000;
  return plan.steps.map((step, index) => {
    if (index > 0) {
      const reopen = step.action.kind === 'customer' && step.action.reopens === true;
      const gap = reopen ? random.between(1, 20) * HOUR_MS : step.after * PACE;
      at += Math.max(1000, Math.round(gap / 1000) * 1000);
    }
    return { at, action: step.action, step: index };
  });
}

/** Writes one past conversation; answers how many events were stored. */
async function writeConversation(past: PlannedPast, options: HistoryOptions): Promise<number> {
  const { plan } = past;
  const customer = plan.customer;
  const inbound: InboundMessage[] = [];
  const capture: object[] = [];
  const ledger: NewEvent[] = [];
  const statuses: StatusItem[] = [];
  let lastBusinessMessage: string | undefined;
  const id = (step: number, what: string) =>
    demoWamid(options.runId, `history:${plan.index}:${step}:${what}`);
  const context = { channel: DEMO_NUMBER.phoneNumberId };
  const append = (at: number, step: number, type: string, actor: NewEvent['actor'], properties: JsonObject) =>
    ledger.push({
      eventId: asEventId(randomUUID()),
      idempotencyKey: `demo:${options.runId}:history:${plan.index}:${step}`,
      type,
      eventTime: at,
      receivedAt: Date.now(),
      source: 'import',
      channel: DEMO_NUMBER.phoneNumberId,
      actor,
      subjects: { contactId: asContactId(customer.phone), conversationId: null, messageId: null },
      payload: { properties, context: {} },
    });
  const routing = { type: 'integration', id: 'api' } as const;
  const agentActor = (agentId: string) => ({ type: 'agent', id: agentId }) as const;

  for (const { at, action, step } of past.timeline) {
    switch (action.kind) {
      case 'customer': {
        const messageId = id(step, 'in');
        inbound.push({
          id: messageId,
          at,
          text: action.text,
          ...(action.image ? { image: true } : {}),
          ...(action.button ? { button: action.button, replyTo: lastBusinessMessage } : {}),
        });
        if (action.rating !== undefined) {
          capture.push({
            type: 'track',
            event: 'csat.submitted',
            messageId: `demo:${options.runId}:csat:${messageId}`,
            userId: customer.phone,
            timestamp: new Date(at + 500).toISOString(),
            context,
            properties: { rating: action.rating, scale: 5, replyMessageId: messageId, text: action.text },
          });
        }
        break;
      }
      case 'bot':
      case 'agent': {
        const messageId = id(step, action.kind);
        const agentId = action.kind === 'bot' ? BOT.id : action.agent.id;
        capture.push({
          type: 'track',
          event: 'message.sent',
          userId: customer.phone,
          timestamp: new Date(at).toISOString(),
          context,
          properties: {
            messageId,
            direction: 'outbound',
            contentType: action.kind === 'bot' && action.buttons ? 'interactive' : 'text',
            text: action.text,
            agentId,
            serviceMode: action.kind,
            ...(action.kind === 'bot' && action.buttons
              ? { buttons: action.buttons.map((button) => button.title) }
              : {}),
            ...(action.kind === 'bot' && action.survey ? { csatSurvey: true } : {}),
          },
        });
        statuses.push(...pastStatuses(messageId, at, action.statuses));
        lastBusinessMessage = messageId;
        break;
      }
      case 'handoff':
        append(at, step, 'chat.assigned', routing, {
          assignedBy: routing.id,
          reason: action.reason,
          agentId: action.agent.id,
          teamId: action.agent.team,
        });
        break;
      case 'tag':
        append(at, step, 'chat.tagged', action.by ? agentActor(action.by.id) : routing, { tag: action.tag });
        break;
      case 'priority':
        append(at, step, 'chat.priority_changed', action.by ? agentActor(action.by.id) : routing, {
          priority: action.priority,
        });
        break;
      case 'type':
        append(at, step, 'chat.type_changed', action.by ? agentActor(action.by.id) : routing, {
          conversationType: action.conversationType,
        });
        break;
      case 'note':
        append(at, step, 'chat.note_added', agentActor(action.agent.id), {
          text: action.text,
          mentions: parseMentions(action.text),
        });
        break;
      case 'resolve':
        append(at, step, 'chat.resolved', action.by ? agentActor(action.by.id) : routing, {
          agentId: action.by?.id ?? null,
          resolutionType: action.resolutionType,
        });
        break;
      case 'deal':
        append(at, step, 'deal.updated', agentActor(action.agent.id), {
          stage: action.stage,
          value: action.value,
          currency: action.currency,
        });
        break;
    }
  }

  let stored = 0;
  const received = await options.fake.postNotification(inboundNotification(customer, inbound));
  stored += storedBy(received, 'history webhook');
  if (capture.length > 0) stored += (await options.api.capture(capture)).accepted;
  if (ledger.length > 0) stored += (await options.writer.append(options.workspaceId, ledger)).stored.length;
  if (statuses.length > 0) {
    stored += storedBy(
      await options.fake.postNotification(statusNotification(customer, statuses)),
      'history statuses',
    );
  }
  return stored;
}

/** The statuses of a past message at their times (a repeat is the same item again, as Meta redelivers it). */
function pastStatuses(messageId: string, sentAt: number, steps: readonly StatusStep[]): StatusItem[] {
  let at = sentAt;
  let previousAt = sentAt;
  return steps.map((step) => {
    at += step.after * PACE;
    const time = step.repeat
      ? previousAt
      : step.earlierBy !== undefined
        ? Math.max(sentAt, previousAt - step.earlierBy)
        : at;
    previousAt = time;
    return { id: messageId, status: step.status, at: time };
  });
}

function storedBy(answer: { status: number; body: unknown }, what: string): number {
  const body = answer.body as { stored?: number; quarantined?: number } | null;
  if (answer.status !== 200 || (body?.quarantined ?? 0) > 0) {
    throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  }
  return body?.stored ?? 0;
}
