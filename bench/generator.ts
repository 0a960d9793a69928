/**
 * A deterministic generator of realistic capture traffic (DESIGN.md "Events"), for every benchmark:
 * the same options give the same events, byte for byte, on any machine.
 *
 * What it produces, per conversation: the contact's `contact.created` (on its first conversation), an
 * optional campaign template, inbound `message.received` from the customer, a bot stage (bot replies,
 * then self-service resolution or an `agent.handoff` to an agent), `chat.assigned`, agent replies with
 * human reply times (seconds to hours, log-normal), occasional tags, priorities, notes and deals,
 * `chat.resolved`, `csat.submitted`, and sometimes a reopen (the customer writes again after the
 * resolution, within the 48 h reopen window). Every outbound message gets WhatsApp statuses
 * (`message.delivered`, `message.read`, `message.failed`) with the quirks WhatsApp really has: some
 * arrive late (after later events of the conversation, or after the conversation ended), some `read`
 * arrive before their `delivered`, some `read` never had a `delivered`, some messages are never
 * reported `sent` but are delivered, and some events are re-sent (the same event again, shortly or much
 * later), which the ledger must count once.
 *
 * Streaming: conversations are scripted one at a time and merged by event time through a heap of at
 * most `openConversations` conversations, so memory stays bounded whatever the total (the metrics
 * benchmark streams 10M events). Conversation `n` draws from its own PRNG stream, seeded from
 * (seed, n), so its content does not depend on how it is interleaved.
 */
import { createRandom, mixSeeds, type Random } from './random.js';
import { MinHeap } from './min-heap.js';
import { countryOfContact, MAX_CONTACTS, phoneOfContact, type ContactCountry } from './phone-numbers.js';

/** One event as a client sends it to `POST /v1/capture` (Segment's track envelope). */
export interface CaptureEvent {
  type: 'track';
  event: string;
  userId: string;
  timestamp: string;
  context: { channel: string };
  properties: Record<string, unknown>;
}

export interface GeneratedEvent {
  event: CaptureEvent;
  /** A re-send of an event already emitted (same idempotency key): the ledger must not store it again. */
  duplicate: boolean;
}

export interface TrafficBatch {
  /** 0-based batch number. */
  index: number;
  events: CaptureEvent[];
  /** Events of this batch that were never emitted before (what the ledger must store). */
  distinct: number;
  duplicates: number;
}

export interface TrafficSummary {
  /** Events emitted, duplicates included. */
  events: number;
  /** Events the ledger must store: the emitted events minus the re-sends. */
  distinct: number;
  duplicates: number;
  /** Conversations whose first event was emitted. */
  conversations: number;
  /** Distinct events per type. */
  byType: Record<string, number>;
}

export interface TrafficOptions {
  /** PRNG seed; the same seed and options give the same stream. */
  seed: number;
  /** Conversations to script (each may have several cycles through reopens). */
  conversations: number;
  /** Distinct customers; conversation n belongs to contact n mod contacts (so contacts ≤ conversations). */
  contacts: number;
  /** Mean messages (inbound + outbound) in a conversation's first cycle. */
  messagesPerConversation: number;
  agents: number;
  teams: number;
  /** Bots answering first; 0 means every conversation goes straight to an agent. */
  bots: number;
  /** First conversation start (event time). Keep start + span in the past: the API refuses future times. */
  start: string;
  /** Conversation starts are spread over this many days (with a daily peak-hours profile). */
  spanDays: number;
  /** Events per batch. */
  batchSize: number;
  /** Stop after this many emitted events (duplicates included); Infinity runs every conversation out. */
  maxEvents: number;
  /** Conversations interleaved at once (bounds memory; the stream is time-ordered within this window). */
  openConversations: number;
  /** Probability that an event is re-sent later (statuses twice as often, as WhatsApp retries webhooks). */
  duplicateRate: number;
  /** Probability that a status arrives late, thousands of events after its place in time. */
  lateStatusRate: number;
  /** Share of conversations a customer reopens after resolution. */
  reopenRate: number;
  /** Prefix of generated chat and message ids, so runs with different tags never collide. */
  runTag: string;
  /** `context.channel` of every event. */
  channel: string;
}

export const DEFAULT_TRAFFIC: TrafficOptions = {
  seed: 1,
  conversations: 10_000,
  contacts: 7_000,
  messagesPerConversation: 8,
  agents: 24,
  teams: 4,
  bots: 2,
  start: '2025-01-06T00:00:00.000Z',
  spanDays: 90,
  batchSize: 100,
  maxEvents: Number.POSITIVE_INFINITY,
  openConversations: 256,
  duplicateRate: 0.02,
  lateStatusRate: 0.03,
  reopenRate: 0.12,
  runTag: 'b1',
  channel: 'whatsapp',
};

/**
 * Events per conversation at the defaults, measured over seeds 1–5 (20.0–20.2: a first cycle of about 8
 * messages brings 4 outbound messages with up to 2 statuses each, plus the chat events, reopens and
 * re-sends). Used only to size a run for a target event count.
 */
export const EVENTS_PER_CONVERSATION = 20;

/** Options for a stream of exactly `events` events: enough conversations, cut at `events`. */
export function trafficForEvents(events: number, overrides: Partial<TrafficOptions> = {}): TrafficOptions {
  const perConversation =
    (EVENTS_PER_CONVERSATION *
      (overrides.messagesPerConversation ?? DEFAULT_TRAFFIC.messagesPerConversation)) /
    DEFAULT_TRAFFIC.messagesPerConversation;
  const conversations = Math.max(1, Math.ceil((events / perConversation) * 1.25) + 10);
  return resolveTrafficOptions({
    conversations,
    contacts: Math.max(1, Math.round(conversations * 0.7)),
    ...overrides,
    maxEvents: events,
  });
}

export function resolveTrafficOptions(overrides: Partial<TrafficOptions> = {}): TrafficOptions {
  const options: TrafficOptions = { ...DEFAULT_TRAFFIC, ...overrides };
  if (overrides.conversations !== undefined && overrides.contacts === undefined) {
    options.contacts = Math.max(1, Math.round(options.conversations * 0.7));
  }
  options.contacts = Math.min(options.contacts, options.conversations);
  const positive = [
    'conversations',
    'contacts',
    'agents',
    'teams',
    'batchSize',
    'openConversations',
  ] as const;
  for (const name of positive) {
    if (!Number.isInteger(options[name]) || options[name] < 1)
      throw new RangeError(`${name} must be a positive integer, got ${options[name]}`);
  }
  if (!Number.isInteger(options.bots) || options.bots < 0) throw new RangeError('bots must be ≥ 0');
  if (options.contacts > MAX_CONTACTS) throw new RangeError(`at most ${MAX_CONTACTS} contacts`);
  if (!(options.messagesPerConversation >= 2)) throw new RangeError('messagesPerConversation must be ≥ 2');
  if (Number.isNaN(Date.parse(options.start))) throw new RangeError(`start is not a date: ${options.start}`);
  if (!(options.spanDays > 0)) throw new RangeError('spanDays must be > 0');
  if (!(options.maxEvents >= 0)) throw new RangeError('maxEvents must be ≥ 0');
  return options;
}

// ---------------------------------------------------------------------------------------------------
// Vocabulary

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Relative inbound volume per local hour of day: quiet nights, a late-morning and an evening peak. */
const HOUR_WEIGHTS: readonly (readonly [number, number])[] = [
  1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 4, 6, 7, 8, 8, 7, 6, 6, 6, 7, 7, 6, 5, 4, 3, 2,
].map((weight, hour) => [hour, weight] as const);

/** UTC offset in hours of each country's main city (standard time; near enough for a traffic profile). */
const UTC_OFFSET: Record<ContactCountry, number> = { MX: -6, BR: -3, CO: -5, ES: 1, AR: -3, US: -5 };

const FIRST_NAMES: Record<ContactCountry, readonly string[]> = {
  MX: ['María', 'José', 'Guadalupe', 'Juan', 'Fernanda', 'Luis', 'Ximena', 'Carlos'],
  BR: ['Ana', 'João', 'Francisca', 'Antônio', 'Juliana', 'Pedro', 'Larissa', 'Lucas'],
  CO: ['Valentina', 'Santiago', 'Camila', 'Andrés', 'Daniela', 'Sebastián', 'Paula', 'Felipe'],
  ES: ['Lucía', 'Hugo', 'Carmen', 'Javier', 'Marta', 'Pablo', 'Elena', 'Álvaro'],
  AR: ['Sofía', 'Mateo', 'Martina', 'Benjamín', 'Catalina', 'Joaquín', 'Agustina', 'Tomás'],
  US: ['Emily', 'James', 'Olivia', 'Michael', 'Ava', 'Daniel', 'Madison', 'Ethan'],
};
const LAST_NAMES: Record<ContactCountry, readonly string[]> = {
  MX: ['Hernández', 'García', 'Martínez', 'López', 'González', 'Rodríguez'],
  BR: ['Silva', 'Santos', 'Oliveira', 'Souza', 'Pereira', 'Costa'],
  CO: ['Rodríguez', 'Gómez', 'Díaz', 'Muñoz', 'Rojas', 'Vargas'],
  ES: ['García', 'Fernández', 'Sánchez', 'Pérez', 'Jiménez', 'Ruiz'],
  AR: ['Fernández', 'Romero', 'Álvarez', 'Sosa', 'Benítez', 'Acosta'],
  US: ['Smith', 'Johnson', 'Williams', 'Brown', 'Miller', 'Davis'],
};

type Language = 'es' | 'pt' | 'en';
const LANGUAGE: Record<ContactCountry, Language> = {
  MX: 'es',
  BR: 'pt',
  CO: 'es',
  ES: 'es',
  AR: 'es',
  US: 'en',
};
const CUSTOMER_TEXTS: Record<Language, readonly string[]> = {
  es: [
    'Hola, quiero saber el estado de mi pedido',
    '¿Tienen envío a domicilio?',
    'No me llegó la factura de este mes',
    'Quiero cambiar la talla de mi compra',
    'Gracias!',
    '¿Cuál es el horario de atención?',
    'El pago fue rechazado, ¿qué hago?',
    'Necesito hablar con una persona',
  ],
  pt: [
    'Olá, quero saber o status do meu pedido',
    'Vocês entregam no meu bairro?',
    'Não recebi a nota fiscal',
    'Quero trocar o tamanho',
    'Obrigado!',
    'Qual o horário de atendimento?',
    'Meu pagamento foi recusado',
    'Preciso falar com um atendente',
  ],
  en: [
    'Hi, where is my order?',
    'Do you ship to my area?',
    "I didn't get this month's invoice",
    'I want to exchange the size',
    'Thanks!',
    'What are your opening hours?',
    'My payment was declined',
    'Can I talk to a person?',
  ],
};
const AGENT_TEXTS: Record<Language, readonly string[]> = {
  es: [
    'Hola, con gusto te ayudo. ¿Me compartes tu número de pedido?',
    'Ya lo revisé: tu pedido sale hoy y llega en 2 días hábiles.',
    'Te acabo de reenviar la factura a tu correo.',
    'Listo, el cambio quedó registrado.',
    '¿Hay algo más en lo que pueda ayudarte?',
  ],
  pt: [
    'Olá, posso ajudar! Pode me passar o número do pedido?',
    'Verifiquei: seu pedido sai hoje e chega em 2 dias úteis.',
    'Acabei de reenviar a nota fiscal para o seu e-mail.',
    'Pronto, a troca foi registrada.',
    'Posso ajudar em mais alguma coisa?',
  ],
  en: [
    'Hi, happy to help. Could you share your order number?',
    'I checked: your order ships today and arrives in 2 business days.',
    'I just re-sent the invoice to your email.',
    'Done, the exchange is registered.',
    'Is there anything else I can help with?',
  ],
};
const BOT_TEXTS: Record<Language, readonly string[]> = {
  es: ['¡Hola! Soy el asistente virtual. Elige una opción: 1) Pedidos 2) Pagos 3) Hablar con un asesor'],
  pt: ['Olá! Sou o assistente virtual. Escolha: 1) Pedidos 2) Pagamentos 3) Falar com um atendente'],
  en: ['Hi! I am the virtual assistant. Choose: 1) Orders 2) Payments 3) Talk to an agent'],
};
const MEDIA_TYPES: readonly (readonly [string, number])[] = [
  ['text', 85],
  ['image', 8],
  ['audio', 5],
  ['document', 2],
];
const SOURCES: readonly (readonly [string, number])[] = [
  ['organic', 40],
  ['ad', 20],
  ['web', 15],
  ['qr', 8],
  ['referral', 7],
  ['campaign', 10],
];
const CURRENCY: Record<ContactCountry, string> = {
  MX: 'MXN',
  BR: 'BRL',
  CO: 'COP',
  ES: 'EUR',
  AR: 'ARS',
  US: 'USD',
};
const TEAM_NAMES = ['support', 'sales', 'billing', 'onboarding', 'retention', 'vip'];
const TAGS = ['billing', 'shipping', 'returns', 'lead', 'vip', 'refund', 'bug', 'complaint'];
const HANDOFF_REASONS = ['customer_requested_agent', 'intent_not_understood', 'payment_issue', 'sales_lead'];
const FAILURES = [
  { code: 131026, title: 'Message undeliverable' },
  { code: 131047, title: 'Re-engagement message' },
  { code: 131049, title: 'Meta chose not to deliver' },
];
const PRICING_CATEGORIES: readonly (readonly [string, number])[] = [
  ['service', 80],
  ['utility', 10],
  ['marketing', 8],
  ['authentication', 2],
];

// ---------------------------------------------------------------------------------------------------
// One conversation

type Kind = 'message' | 'status' | 'other';

interface Scripted {
  /** Where the event belongs in the stream (its time, except a `delivered` swapped after its `read`). */
  emitAt: number;
  event: CaptureEvent;
  kind: Kind;
  /** A status that arrives thousands of events later than its place in time. */
  late: boolean;
}

interface Script {
  conversation: number;
  events: Scripted[];
}

const agentIdOf = (index: number) => `agent_${String(index + 1).padStart(3, '0')}`;
const teamIdOf = (options: TrafficOptions, agentIndex: number) => {
  const team = agentIndex % options.teams;
  return `team_${TEAM_NAMES[team] ?? String(team + 1)}`;
};
const botIdOf = (index: number) => `bot_${index + 1}`;
const iso = (time: number) => new Date(time).toISOString();

/** A WhatsApp-looking message id (`wamid.` + base64url), unique per run tag, conversation and message. */
const messageIdOf = (options: TrafficOptions, conversation: number, message: number) =>
  `wamid.${Buffer.from(`${options.runTag}:${conversation.toString(36)}:${message}`).toString('base64url')}`;

/** When conversation n starts: its share of the span, at an hour drawn from the daily profile. */
function conversationStart(options: TrafficOptions, random: Random, n: number, country: ContactCountry) {
  const start = Date.parse(options.start);
  const day = Math.floor(((n + random.next()) / options.conversations) * options.spanDays);
  const localHour = random.weighted(HOUR_WEIGHTS);
  const time = start + day * DAY + (localHour - UTC_OFFSET[country]) * HOUR + random.int(0, HOUR - 1);
  return Math.max(start, time);
}

function scriptConversation(options: TrafficOptions, n: number): Script {
  const random = createRandom(mixSeeds(options.seed, n));
  const contact = n % options.contacts;
  const country = countryOfContact(contact);
  const language = LANGUAGE[country];
  const userId = phoneOfContact(contact, options.seed);
  const chatId = `chat_${options.runTag}_${n.toString(36)}`;
  const context = { channel: options.channel };
  const events: Scripted[] = [];
  let messages = 0;

  const add = (time: number, event: string, properties: Record<string, unknown>, kind: Kind = 'other') => {
    events.push({
      emitAt: time,
      event: { type: 'track', event, userId, timestamp: iso(time), context, properties },
      kind,
      late: false,
    });
  };
  const late = () => random.chance(options.lateStatusRate);

  /** An outbound message and the statuses WhatsApp reports for it. */
  const outbound = (time: number, properties: Record<string, unknown>) => {
    const messageId = messageIdOf(options, n, messages++);
    // A delivered that was never sent: the `sent` event is lost, its statuses still arrive.
    if (!random.chance(0.01)) {
      add(time, 'message.sent', { messageId, chatId, direction: 'outbound', ...properties }, 'message');
    }
    const status = (at: number, event: string, extra: Record<string, unknown>) => {
      add(at, event, { messageId, chatId, ...extra }, 'status');
      const scripted = events[events.length - 1] as Scripted;
      scripted.late = late();
      return scripted;
    };
    if (random.chance(0.02)) {
      const at = time + random.duration(3 * SECOND, 1, 200, 10 * MINUTE);
      status(at, 'message.failed', { failedAt: iso(at), error: random.pick(FAILURES) });
      return;
    }
    const pricing = { billable: true, pricing_model: 'PMP', category: random.weighted(PRICING_CATEGORIES) };
    const deliveredAt = time + random.duration(2 * SECOND, 0.8, 300, 10 * MINUTE);
    const readAt = deliveredAt + random.duration(90 * SECOND, 2, SECOND, 12 * HOUR);
    const delivered = random.chance(0.96);
    const read = random.chance(delivered ? 0.78 : 0.3); // a read without any delivered: it still counts as delivered
    const deliveredEvent = delivered
      ? status(deliveredAt, 'message.delivered', { deliveredAt: iso(deliveredAt), pricing })
      : undefined;
    const readEvent = read ? status(readAt, 'message.read', { readAt: iso(readAt) }) : undefined;
    // A read before its delivered: the delivered is emitted just after the read, its timestamp unchanged.
    if (deliveredEvent && readEvent && random.chance(0.08)) deliveredEvent.emitAt = readAt + 1;
  };
  const inbound = (time: number, serviceMode: 'bot' | 'agent') => {
    const contentType = random.weighted(MEDIA_TYPES);
    add(
      time,
      'message.received',
      {
        messageId: messageIdOf(options, n, messages++),
        chatId,
        direction: 'inbound',
        contentType,
        hasMedia: contentType !== 'text',
        ...(contentType === 'text' ? { text: random.pick(CUSTOMER_TEXTS[language]) } : {}),
        serviceMode,
      },
      'message',
    );
  };
  const agentReply = (time: number, agentId: string) =>
    outbound(time, {
      contentType: 'text',
      hasMedia: false,
      text: random.pick(AGENT_TEXTS[language]),
      agentId,
      serviceMode: 'agent',
    });

  let t = conversationStart(options, random, n, country);
  if (n < options.contacts) {
    const contactRandom = createRandom(mixSeeds(options.seed ^ 0x00c0ffee, contact));
    add(t - random.duration(30 * SECOND, 1, SECOND, 10 * MINUTE), 'contact.created', {
      chatId,
      name: `${contactRandom.pick(FIRST_NAMES[country])} ${contactRandom.pick(LAST_NAMES[country])}`,
      source: contactRandom.weighted(SOURCES),
      countryCode: country,
    });
  }
  // Some conversations start with a campaign template the customer answers.
  if (random.chance(0.05)) {
    const campaign = random.int(1, 12);
    outbound(t, {
      contentType: 'template',
      hasMedia: false,
      templateId: `promo_${campaign}`,
      campaignId: `cmp_2025_${String(campaign).padStart(2, '0')}`,
    });
    t += random.duration(20 * MINUTE, 1.5, 10 * SECOND, 20 * HOUR);
  }

  const botFirst = options.bots > 0 && random.chance(0.55);
  const botId = botIdOf(random.int(0, Math.max(0, options.bots - 1)));
  let agentIndex = random.int(0, options.agents - 1);
  const cycles = random.chance(options.reopenRate) ? (random.chance(0.15) ? 3 : 2) : 1;

  for (let cycle = 0; cycle < cycles; cycle += 1) {
    const cycleStart = t;
    const messagesBefore = messages;
    const withBot = botFirst && cycle === 0;
    inbound(t, withBot ? 'bot' : 'agent');
    if (random.chance(0.25)) inbound((t += random.duration(20 * SECOND, 1, 2 * SECOND, 3 * MINUTE)), 'agent');

    let exchanges =
      cycle === 0
        ? Math.max(1, Math.round((options.messagesPerConversation / 2) * (0.4 + 1.2 * random.next())))
        : random.int(1, 3);
    if (withBot) {
      const botTurns = random.int(1, 2);
      for (let turn = 0; turn < botTurns; turn += 1) {
        t += random.duration(1500, 0.5, 300, 10 * SECOND);
        outbound(t, {
          contentType: 'interactive',
          hasMedia: false,
          text: random.pick(BOT_TEXTS[language]),
          agentId: botId,
          serviceMode: 'bot',
        });
        t += random.duration(40 * SECOND, 1.2, 3 * SECOND, 30 * MINUTE);
        inbound(t, 'bot');
      }
      exchanges = Math.max(1, exchanges - botTurns);
      if (random.chance(0.35)) {
        // Self-service: the bot answers and closes the cycle on its own.
        t += random.duration(1500, 0.5, 300, 10 * SECOND);
        outbound(t, {
          contentType: 'text',
          hasMedia: false,
          text: random.pick(BOT_TEXTS[language]),
          agentId: botId,
          serviceMode: 'bot',
        });
        t += random.duration(2 * MINUTE, 1, 5 * SECOND, HOUR);
        add(t, 'chat.resolved', {
          chatId,
          agentId: botId,
          resolutionType: 'self_served',
          messageCount: messages - messagesBefore,
          durationMinutes: Math.round((t - cycleStart) / MINUTE),
        });
        t = afterResolution(t, cycle, cycles);
        continue;
      }
      t += random.duration(3 * SECOND, 0.7, 500, MINUTE);
      add(t, 'agent.handoff', {
        chatId,
        fromMode: 'bot',
        toMode: 'agent',
        agentId: agentIdOf(agentIndex),
        handoffReason: random.pick(HANDOFF_REASONS),
        serviceMode: 'agent',
      });
    }

    if (cycle > 0 && random.chance(0.3)) agentIndex = random.int(0, options.agents - 1);
    const agentId = agentIdOf(agentIndex);
    t += random.duration(20 * SECOND, 1.2, SECOND, 30 * MINUTE);
    add(t, 'chat.assigned', {
      chatId,
      agentId,
      teamId: teamIdOf(options, agentIndex),
      assignedBy: withBot
        ? botId
        : random.chance(0.8)
          ? 'router'
          : agentIdOf((agentIndex + 1) % options.agents),
    });
    if (random.chance(0.1)) {
      add((t += random.duration(10 * SECOND, 1, SECOND, 5 * MINUTE)), 'chat.priority_changed', {
        chatId,
        priority: random.weighted([
          ['P0', 1],
          ['P1', 3],
          ['P2', 4],
          ['P3', 2],
        ] as const),
        agentId,
      });
    }

    // First response, then the back and forth.
    t += random.duration(3 * MINUTE, 1.3, 5 * SECOND, 4 * HOUR);
    agentReply(t, agentId);
    for (let exchange = 1; exchange < exchanges; exchange += 1) {
      t += random.duration(2 * MINUTE, 1.5, 5 * SECOND, 6 * HOUR);
      inbound(t, 'agent');
      if (random.chance(0.2)) inbound((t += random.duration(15 * SECOND, 1, SECOND, 2 * MINUTE)), 'agent');
      t += random.duration(90 * SECOND, 1.4, 5 * SECOND, 2 * HOUR);
      agentReply(t, agentId);
    }
    if (random.chance(0.2)) {
      add((t += random.duration(30 * SECOND, 1, SECOND, 10 * MINUTE)), 'chat.tagged', {
        chatId,
        tag: random.pick(TAGS),
        agentId,
      });
    }
    if (random.chance(0.05)) {
      add((t += random.duration(30 * SECOND, 1, SECOND, 10 * MINUTE)), 'chat.note_added', {
        chatId,
        text: `@${agentIdOf((agentIndex + 1) % options.agents)} can you check this one?`,
        agentId,
      });
    }
    const sale = random.chance(0.04);
    if (sale) {
      add((t += random.duration(5 * MINUTE, 1, 10 * SECOND, HOUR)), 'deal.updated', {
        chatId,
        stage: random.chance(0.6) ? 'closed-won' : 'closed-lost',
        value: random.int(10, 500) * 10,
        currency: CURRENCY[country],
      });
    }
    t += random.duration(5 * MINUTE, 1.2, 10 * SECOND, 24 * HOUR);
    add(t, 'chat.resolved', {
      chatId,
      agentId,
      resolutionType: sale
        ? 'sale'
        : random.weighted([
            ['solved', 80],
            ['no_response', 12],
            ['duplicate', 3],
            ['spam', 5],
          ] as const),
      messageCount: messages - messagesBefore,
      durationMinutes: Math.round((t - cycleStart) / MINUTE),
    });
    t = afterResolution(t, cycle, cycles);
  }

  /** CSAT after some resolutions, then the gap before a reopening message (within the 48 h window). */
  function afterResolution(time: number, cycle: number, total: number): number {
    let next = time;
    if (random.chance(0.35)) {
      next += random.duration(3 * MINUTE, 1, 20 * SECOND, 2 * HOUR);
      add(next, 'csat.submitted', {
        chatId,
        rating: random.weighted([
          [5, 45],
          [4, 25],
          [3, 12],
          [2, 8],
          [1, 10],
        ] as const),
        scale: 5,
      });
    }
    if (cycle + 1 < total) next += random.duration(6 * HOUR, 1.3, 5 * MINUTE, 44 * HOUR);
    return next;
  }

  // Stream order: by emitAt; the sort is stable, so events at the same moment keep script order.
  events.sort((a, b) => a.emitAt - b.emitAt);
  return { conversation: n, events };
}

// ---------------------------------------------------------------------------------------------------
// The stream

interface Cursor {
  script: Script;
  next: number;
}

interface Delayed {
  due: number;
  order: number;
  event: CaptureEvent;
  duplicate: boolean;
}

const cursorAt = (cursor: Cursor) => (cursor.script.events[cursor.next] as Scripted).emitAt;

/** The events, one at a time; the generator's return value is the summary. */
export function* generateEvents(
  overrides: Partial<TrafficOptions> = {},
): Generator<GeneratedEvent, TrafficSummary> {
  const options = resolveTrafficOptions(overrides);
  // The interleaving (late arrivals and re-sends) has its own stream, apart from the conversations'.
  const random = createRandom(mixSeeds(options.seed, 0x5eed5eed));
  const open = new MinHeap<Cursor>(
    (a, b) =>
      cursorAt(a) < cursorAt(b) ||
      (cursorAt(a) === cursorAt(b) && a.script.conversation < b.script.conversation),
  );
  const delayed = new MinHeap<Delayed>((a, b) => a.due < b.due || (a.due === b.due && a.order < b.order));
  const summary: TrafficSummary = { events: 0, distinct: 0, duplicates: 0, conversations: 0, byType: {} };
  let nextConversation = 0;
  let pending: Script | undefined;
  let order = 0;

  while (summary.events < options.maxEvents) {
    // Admit conversations whose start has come, keeping at most `openConversations` interleaved.
    while (open.size < options.openConversations && nextConversation < options.conversations) {
      pending ??= scriptConversation(options, nextConversation);
      const head = open.peek();
      if (pending.events.length === 0) {
        pending = undefined;
        nextConversation += 1;
        continue;
      }
      if (head !== undefined && (pending.events[0] as Scripted).emitAt > cursorAt(head)) break;
      open.push({ script: pending, next: 0 });
      summary.conversations += 1;
      pending = undefined;
      nextConversation += 1;
    }

    let emitted: Delayed | undefined;
    const waiting = delayed.peek();
    if (waiting !== undefined && (waiting.due <= summary.events || open.size === 0)) {
      emitted = delayed.pop();
    } else {
      const cursor = open.pop();
      if (cursor === undefined) break; // nothing open, nothing waiting, no conversation left
      const scripted = cursor.script.events[cursor.next] as Scripted;
      cursor.next += 1;
      if (cursor.next < cursor.script.events.length) open.push(cursor);
      if (scripted.late) {
        delayed.push({
          due: summary.events + random.int(500, 20_000),
          order: order++,
          event: scripted.event,
          duplicate: false,
        });
        continue;
      }
      emitted = { due: 0, order: 0, event: scripted.event, duplicate: false };
      const resendRate = scripted.kind === 'status' ? 2 * options.duplicateRate : options.duplicateRate;
      if (random.chance(resendRate)) {
        // Re-sent soon (often in the same batch) or much later (a retried webhook).
        const gap = random.chance(0.3) ? random.int(0, 50) : random.int(50, 5_000);
        delayed.push({ due: summary.events + gap, order: order++, event: scripted.event, duplicate: true });
      }
    }
    if (emitted === undefined) break;
    summary.events += 1;
    if (emitted.duplicate) summary.duplicates += 1;
    else {
      summary.distinct += 1;
      summary.byType[emitted.event.event] = (summary.byType[emitted.event.event] ?? 0) + 1;
    }
    yield { event: emitted.event, duplicate: emitted.duplicate };
  }
  return summary;
}

/** The events in batches of `batchSize` (the last may be shorter); the return value is the summary. */
export function* generateBatches(
  overrides: Partial<TrafficOptions> = {},
): Generator<TrafficBatch, TrafficSummary> {
  const options = resolveTrafficOptions(overrides);
  const stream = generateEvents(options);
  let batch: TrafficBatch = { index: 0, events: [], distinct: 0, duplicates: 0 };
  for (;;) {
    const step = stream.next();
    if (step.done) {
      if (batch.events.length > 0) yield batch;
      return step.value;
    }
    batch.events.push(step.value.event);
    if (step.value.duplicate) batch.duplicates += 1;
    else batch.distinct += 1;
    if (batch.events.length === options.batchSize) {
      yield batch;
      batch = { index: batch.index + 1, events: [], distinct: 0, duplicates: 0 };
    }
  }
}

/** Runs the stream without keeping it: how many events, distinct events and duplicates it holds. */
export function countTraffic(overrides: Partial<TrafficOptions> = {}): TrafficSummary {
  const stream = generateEvents(overrides);
  for (;;) {
    const step = stream.next();
    if (step.done) return step.value;
  }
}
