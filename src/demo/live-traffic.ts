/**
 * Live traffic: several planned conversations at a time, played at `speed` through chatledger's real edges.
 * - Customers write through the channel's webhook, signed by the fake Graph API exactly as Meta signs.
 * - The bot's messages are `message.sent` (serviceMode bot) on the capture API, with no chatId and
 *   `context.channel` = the business number, so they join the customer's WhatsApp thread.
 * - Handoffs, tags, priority, type, notes, resolutions and deals are REST commands; agents reply through
 *   the send API (`X-Agent-Id`), which sends through the fake Graph API.
 * - Meta's statuses for every outbound message come back through the webhook, some late (a `delivered`
 *   after its `read`) and some twice.
 * - A CSAT answer is the customer's message plus a `csat.submitted` on the capture API.
 * Every event is dated now. Meta's timestamps are whole seconds, so before a customer message the driver
 * waits for the next second after the conversation's last event: the message must not sort before the
 * reply it answers (chatledger orders a thread by event time, never by arrival).
 */
import type { FakeGraphApi } from '../whatsapp/fake-graph-api.js';
import type { DemoApi } from './demo-api.js';
import type { Customer } from './customers.js';
import type { Narrator } from './narrator.js';
import type { ConversationPlanner } from './planner.js';
import { deriveSeed, Random } from './random.js';
import { BOT, type Action, type ConversationPlan, type DeliveryStatus, type StatusStep } from './scenario.js';
import { sleep, sleepUntil } from './timing.js';
import { DEMO_NUMBER, demoWamid, inboundNotification, statusNotification } from './whatsapp-payloads.js';

export interface LiveTrafficOptions {
  api: DemoApi;
  fake: FakeGraphApi;
  planner: ConversationPlanner;
  narrator: Narrator;
  seed: number;
  /** Makes ids unique to this run, so a second run on the same database adds new messages. */
  runId: string;
  /** Script delays are divided by this. */
  speed: number;
  /** Conversations in progress at a time. */
  concurrent: number;
  /** Stop starting new conversations after this many (default: no limit). */
  limit?: number;
  signal: AbortSignal;
}

export interface LiveTrafficSummary {
  started: number;
  finished: number;
  inbound: number;
  outbound: number;
  commands: number;
  statuses: number;
  ratings: number;
  reopens: number;
  failures: number;
}

/** Plays conversations until `limit` conversations have been played or `signal` aborts. */
export async function runLiveTraffic(options: LiveTrafficOptions): Promise<LiveTrafficSummary> {
  const summary: LiveTrafficSummary = {
    started: 0,
    finished: 0,
    inbound: 0,
    outbound: 0,
    commands: 0,
    statuses: 0,
    ratings: 0,
    reopens: 0,
    failures: 0,
  };
  const { signal, speed, limit } = options;
  const more = () => !signal.aborted && (limit === undefined || summary.started < limit);
  const slot = async (slotIndex: number) => {
    const arrivals = new Random(deriveSeed(options.seed, 'arrivals', slotIndex));
    // The first customers arrive a few seconds apart, so the terminal fills up gradually.
    let wait = slotIndex === 0 ? 0 : (slotIndex * 3 + arrivals.between(0, 3)) * 1000;
    while (more()) {
      if (!(await sleep(wait / speed, signal)) || !more()) return;
      const plan = options.planner.plan(summary.started++);
      if (await new LiveConversation(plan, options, summary).play()) summary.finished += 1;
      wait = arrivals.between(5, 25) * 1000;
    }
  };
  await Promise.all(Array.from({ length: options.concurrent }, (_, index) => slot(index)));
  return summary;
}

class LiveConversation {
  private conversationId: string | null = null;
  /** The latest event time of this conversation so far (epoch ms). */
  private lastEventAt = 0;
  /** The last message the business sent, which a button tap answers. */
  private lastBusinessMessage: string | undefined;
  private readonly statusTasks: Promise<void>[] = [];
  private readonly customer: Customer;

  constructor(
    private readonly plan: ConversationPlan,
    private readonly options: LiveTrafficOptions,
    private readonly summary: LiveTrafficSummary,
  ) {
    this.customer = plan.customer;
  }

  /** Plays the story; `true` when every step was played (not cut short by the stop). */
  async play(): Promise<boolean> {
    const { signal, speed } = this.options;
    let complete = true;
    for (const [index, step] of this.plan.steps.entries()) {
      if (!(await sleep(step.after / speed, signal)) || !(await this.performs(step.action, index))) {
        complete = false;
        break;
      }
    }
    await Promise.all(this.statusTasks);
    return complete;
  }

  /** One step, told in the terminal; `false` when the story cannot go on (stopped, or no conversation). */
  private async performs(action: Action, index: number): Promise<boolean> {
    const { narrator } = this.options;
    try {
      if (!(await this.perform(action, index))) return false;
      narrator.action(this.plan.index, this.customer, action, index === 0);
      return true;
    } catch (error) {
      this.summary.failures += 1;
      narrator.line(this.plan.index, `⚠️  ${action.kind} failed: ${(error as Error).message}`);
      // Without its conversation nothing else of the story can be played.
      return this.conversationId !== null;
    }
  }

  private idFor(step: number, what: string) {
    return demoWamid(this.options.runId, `live:${this.plan.index}:${step}:${what}`);
  }

  /** Plays one step; `false` when the demo stopped before it happened. */
  private async perform(action: Action, step: number): Promise<boolean> {
    const { api } = this.options;
    const key = `demo:${this.options.runId}:live:${this.plan.index}:${step}`;
    switch (action.kind) {
      case 'customer':
        return this.customerWrites(action, step);
      case 'bot':
        return this.botWrites(action, step);
      case 'agent': {
        // The send API dates the reply at the server's clock: it must come after what it answers.
        if (!(await sleepUntil(this.lastEventAt, this.options.signal))) return false;
        const wamid = await api.reply(this.requireConversation(), action.agent.id, action.text);
        this.lastEventAt = Date.now();
        this.lastBusinessMessage = wamid;
        this.summary.outbound += 1;
        this.trackStatuses(
          wamid,
          this.lastEventAt,
          action.statuses,
          `${action.agent.name}'s reply`,
          (status, at) => this.options.fake.postStatus(wamid, status, { timestamp: at }),
        );
        return true;
      }
      case 'handoff':
        return this.command(
          'assign',
          { agentId: action.agent.id, teamId: action.agent.team, reason: action.reason },
          null,
          key,
        );
      case 'tag':
        return this.command('tags', { tag: action.tag }, action.by?.id ?? null, key);
      case 'priority':
        return this.command('priority', { priority: action.priority }, action.by?.id ?? null, key);
      case 'type':
        return this.command('type', { type: action.conversationType }, action.by?.id ?? null, key);
      case 'note':
        return this.command('notes', { text: action.text }, action.agent.id, key);
      case 'resolve':
        return this.command(
          'status',
          { status: 'resolved', resolutionType: action.resolutionType },
          action.by?.id ?? null,
          key,
        );
      case 'deal':
        return this.command(
          'deal',
          { stage: action.stage, value: action.value, currency: action.currency },
          action.agent.id,
          key,
        );
    }
  }

  private async customerWrites(
    action: Extract<Action, { kind: 'customer' }>,
    step: number,
  ): Promise<boolean> {
    const { fake, api, signal } = this.options;
    // Meta stamps whole seconds: wait for a second that starts after the conversation's last event.
    if (!(await sleepUntil(Math.floor(this.lastEventAt / 1000) * 1000 + 999, signal))) return false;
    const at = Date.now();
    const id = this.idFor(step, 'in');
    const answer = await fake.postNotification(
      inboundNotification(this.customer, [
        {
          id,
          at,
          text: action.text,
          ...(action.image ? { image: true } : {}),
          ...(action.button ? { button: action.button, replyTo: this.lastBusinessMessage } : {}),
        },
      ]),
    );
    expectStored(answer, 'webhook');
    this.lastEventAt = Date.now();
    this.summary.inbound += 1;
    if (action.reopens) this.summary.reopens += 1;
    if (this.conversationId === null) {
      const conversation = await api.latestConversation(this.customer.phone, DEMO_NUMBER.phoneNumberId);
      if (!conversation)
        throw new Error(`no conversation for ${this.customer.phone} after its first message`);
      this.conversationId = conversation.id;
    }
    if (action.rating !== undefined) {
      // Until chatledger reads ratings from the customer's reply, the integration reports the score.
      await api.capture([
        {
          type: 'track',
          event: 'csat.submitted',
          messageId: `demo:${this.options.runId}:csat:${id}`,
          userId: this.customer.phone,
          timestamp: new Date(this.nextEventTime()).toISOString(),
          context: { channel: DEMO_NUMBER.phoneNumberId },
          properties: { rating: action.rating, scale: 5, replyMessageId: id, text: action.text },
        },
      ]);
      this.summary.ratings += 1;
    }
    return true;
  }

  private async botWrites(action: Extract<Action, { kind: 'bot' }>, step: number): Promise<boolean> {
    const id = this.idFor(step, 'bot');
    const at = this.nextEventTime();
    await this.options.api.capture([
      {
        type: 'track',
        event: 'message.sent',
        userId: this.customer.phone,
        timestamp: new Date(at).toISOString(),
        context: { channel: DEMO_NUMBER.phoneNumberId },
        properties: {
          messageId: id,
          direction: 'outbound',
          contentType: action.buttons ? 'interactive' : 'text',
          text: action.text,
          agentId: BOT.id,
          serviceMode: 'bot',
          ...(action.buttons ? { buttons: action.buttons.map((button) => button.title) } : {}),
          ...(action.survey ? { csatSurvey: true } : {}),
        },
      },
    ]);
    this.lastBusinessMessage = id;
    this.summary.outbound += 1;
    this.trackStatuses(id, at, action.statuses, null, (status, statusAt) =>
      this.options.fake.postNotification(statusNotification(this.customer, [{ id, status, at: statusAt }])),
    );
    return true;
  }

  private async command(
    path: string,
    body: object,
    agentId: string | null,
    idempotencyKey: string,
  ): Promise<boolean> {
    await this.options.api.command(this.requireConversation(), path, body, { agentId, idempotencyKey });
    // The server dates a command at its clock, or 1 ms after the conversation's last event if that is later.
    this.lastEventAt = Math.max(Date.now(), this.lastEventAt + 1);
    this.summary.commands += 1;
    return true;
  }

  /**
   * Meta's statuses for one outbound message, in the background while the story goes on. `label` names the
   * message in the terminal: statuses of agents' replies are shown, the bot's only when they are unusual.
   */
  private trackStatuses(
    messageId: string,
    sentAt: number,
    steps: readonly StatusStep[],
    label: string | null,
    post: (status: DeliveryStatus, at: number) => Promise<{ status: number; body: unknown }>,
  ) {
    const { signal, speed, narrator } = this.options;
    const task = async () => {
      let previousAt = sentAt;
      for (const step of steps) {
        if (!(await sleep(step.after / speed, signal))) return;
        const at = step.repeat
          ? previousAt
          : step.earlierBy !== undefined
            ? Math.max(sentAt, previousAt - step.earlierBy)
            : Date.now();
        expectStored(await post(step.status, at), 'status webhook');
        this.summary.statuses += 1;
        previousAt = at;
        const unusual = step.repeat
          ? 'again (Meta delivered the same notification twice: stored once)'
          : step.earlierBy !== undefined
            ? 'late, after its read (dated before it)'
            : null;
        if (unusual || (label && step.status !== 'sent')) {
          narrator.line(
            this.plan.index,
            `${step.status === 'read' ? '👀' : '📬'} ${step.status}${unusual ? ` ${unusual}` : ''}: ${
              label ?? `${BOT.name}'s message`
            } ${messageId.slice(0, 14)}…`,
          );
        }
      }
    };
    this.statusTasks.push(
      task().catch((error: unknown) => {
        this.summary.failures += 1;
        narrator.line(this.plan.index, `⚠️  status failed: ${(error as Error).message}`);
      }),
    );
  }

  /** Now, or just after the conversation's last event (capture timestamps have millisecond precision). */
  private nextEventTime(): number {
    this.lastEventAt = Math.max(Date.now(), this.lastEventAt + 1);
    return this.lastEventAt;
  }

  private requireConversation(): string {
    if (this.conversationId === null) throw new Error('the conversation has not started');
    return this.conversationId;
  }
}

/** A webhook answer that stored the notification (or had it already) and quarantined nothing. */
function expectStored(answer: { status: number; body: unknown }, what: string) {
  const body = answer.body as { quarantined?: number; rejected?: unknown[] } | null;
  if (answer.status !== 200 || (body?.quarantined ?? 0) > 0) {
    throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  }
}
