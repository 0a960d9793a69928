/**
 * The demo business, Lumen Coffee (a specialty roaster with an online shop, cafés and espresso machines), and
 * the stories its customers play on WhatsApp, in Spanish, Portuguese and English. Each story is a function of
 * a seeded `Random`, so a seed always gives the same texts, branches and delays.
 *
 * The stories follow what the conversation engine measures (docs/conversations.md): a customer writes after
 * every bot→agent handoff before the agent answers (first response is measured from that turn), the CSAT
 * survey comes before the resolution (a customer message after it would reopen the chat), and a reopen is a
 * customer writing again after the resolution.
 */
import type { Customer, Lang } from './customers.js';
import type { Random } from './random.js';
import {
  AGENTS,
  BOT,
  type Action,
  type Agent,
  type Button,
  type ConversationPlan,
  type StatusStep,
  type Step,
  type StoryName,
  type Team,
} from './scenario.js';

type Lines = Readonly<Record<Lang, readonly string[]>>;
type Vars = Record<string, string>;
/** Seconds of script time: a delay is drawn uniformly from the range. */
type Range = readonly [number, number];

export interface StoryOptions {
  /** Make the story take its reopen branch (when it has one). */
  reopen?: boolean;
}

/** Which story each conversation plays: the first five show every part of the product, then a weighted mix. */
const ROTATION: readonly StoryName[] = [
  'wholesale',
  'order-status',
  'damaged-delivery',
  'machine-fault',
  'store-hours',
];
const WEIGHTS: readonly (readonly [StoryName, number])[] = [
  ['order-status', 3],
  ['wholesale', 2],
  ['damaged-delivery', 2],
  ['machine-fault', 2],
  ['store-hours', 1],
];

export function storyFor(index: number, random: Random): StoryName {
  return index < ROTATION.length ? (ROTATION[index] as StoryName) : random.weighted(WEIGHTS);
}

export function planStory(
  index: number,
  story: StoryName,
  customer: Customer,
  random: Random,
  options: StoryOptions = {},
): ConversationPlan {
  const builder = new StoryBuilder(random, customer);
  STORIES[story](builder, options);
  return { index, story, customer, steps: builder.steps };
}

class StoryBuilder {
  readonly steps: Step[] = [];
  readonly vars: Vars;
  private resolved = false;

  constructor(
    readonly random: Random,
    readonly customer: Customer,
  ) {
    const order = `#${random.int(40_000, 69_999)}`;
    this.vars = {
      name: customer.firstName,
      city: customer.city,
      order,
      orderDigits: order.slice(1),
      serial: `LX-${random.int(10_000, 99_999)}`,
      bot: BOT.name,
    };
  }

  get lang(): Lang {
    return this.customer.lang;
  }

  /** A random variant of the line in the customer's language, with `{placeholders}` filled in. */
  say(lines: Lines, extra: Vars = {}): string {
    const vars = { ...this.vars, ...extra };
    return this.random
      .pick(lines[this.lang])
      .replace(/\{(\w+)\}/g, (match, key: string) => vars[key] ?? match);
  }

  money(amount: number): string {
    return new Intl.NumberFormat(this.customer.locale, {
      style: 'currency',
      currency: this.customer.currency,
      maximumFractionDigits: amount >= 100 ? 0 : 2,
    }).format(amount);
  }

  agents(team: Team): { agent: Agent; mate: Agent } {
    const [first, second] = AGENTS[team][this.lang];
    return this.random.chance(0.5) ? { agent: first, mate: second } : { agent: second, mate: first };
  }

  private add(after: Range, action: Action): void {
    const seconds = this.steps.length === 0 ? 0 : this.random.between(after[0], after[1]);
    this.steps.push({ after: Math.round(seconds * 1000), action });
  }

  customerSays(
    after: Range,
    text: string,
    extra: Omit<Extract<Action, { kind: 'customer' }>, 'kind' | 'text'> = {},
  ) {
    const reopens = this.resolved;
    this.resolved = false;
    this.add(after, { kind: 'customer', text, ...extra, ...(reopens ? { reopens } : {}) });
  }

  botSays(after: Range, text: string, extra: { buttons?: Button[]; survey?: boolean } = {}) {
    this.add(after, { kind: 'bot', text, ...extra, statuses: this.statuses(0.1) });
  }

  agentSays(after: Range, agent: Agent, text: string) {
    this.add(after, { kind: 'agent', agent, text, statuses: this.statuses(0.05) });
  }

  handoff(after: Range, agent: Agent, reason: string) {
    this.add(after, { kind: 'handoff', agent, reason });
  }

  tag(after: Range, tag: string, by: Agent | null) {
    this.add(after, { kind: 'tag', tag, by });
  }

  act(after: Range, action: Extract<Action, { kind: 'priority' | 'type' | 'note' | 'deal' }>) {
    this.add(after, action);
  }

  resolve(after: Range, by: Agent | null, resolutionType: string) {
    this.add(after, { kind: 'resolve', by, resolutionType });
    this.resolved = true;
  }

  /** The bot asks for a 1-5 rating, the customer answers with a digit, stars or an emoji, the bot thanks. */
  survey(ratings: readonly (readonly [number, number])[]) {
    this.botSays([3, 8], this.say(SURVEY.ask), { survey: true });
    const rating = this.random.weighted(ratings);
    this.customerSays([6, 20], this.say(RATING_REPLIES[rating] as Lines), { rating });
    this.botSays([1, 3], this.say(rating >= 4 ? SURVEY.thanks : SURVEY.sorry));
  }

  /**
   * The statuses Meta reports for one outbound message: usually sent, delivered, read in order, but also a
   * `read` that arrives before its `delivered`, the same notification twice, or a message never read.
   */
  private statuses(unreadShare: number): StatusStep[] {
    const r = this.random;
    const ms = (min: number, max: number) => Math.round(r.between(min, max) * 1000);
    const sent: StatusStep = { after: ms(0.3, 1.2), status: 'sent' };
    const pattern = r.weighted([
      ['in-order', 0.5],
      ['read-first', 0.22],
      ['repeated', 0.18],
      ['unread', unreadShare],
    ] as const);
    switch (pattern) {
      case 'in-order':
        return [sent, { after: ms(1, 4), status: 'delivered' }, { after: ms(4, 30), status: 'read' }];
      case 'read-first':
        return [
          sent,
          { after: ms(5, 20), status: 'read' },
          { after: ms(2, 8), status: 'delivered', earlierBy: ms(1, 4) },
        ];
      case 'repeated':
        return [
          sent,
          { after: ms(1, 4), status: 'delivered' },
          { after: ms(1, 5), status: 'delivered', repeat: true },
          { after: ms(4, 30), status: 'read' },
          ...(r.chance(0.5) ? [{ after: ms(1, 5), status: 'read' as const, repeat: true }] : []),
        ];
      case 'unread':
        return [sent, { after: ms(1, 4), status: 'delivered' }];
    }
  }
}

const GOOD_RATINGS = [
  [5, 55],
  [4, 30],
  [3, 10],
  [2, 3],
  [1, 2],
] as const;
const MIXED_RATINGS = [
  [5, 30],
  [4, 35],
  [3, 18],
  [2, 10],
  [1, 7],
] as const;

const STORIES: Record<StoryName, (b: StoryBuilder, options: StoryOptions) => void> = {
  wholesale(b) {
    const { agent, mate } = b.agents('sales');
    const volume = b.random.weighted([
      ['small', 0.3],
      ['medium', 0.45],
      ['large', 0.25],
    ] as const);
    const kg =
      volume === 'small'
        ? b.random.int(4, 9)
        : volume === 'medium'
          ? b.random.int(12, 45)
          : b.random.int(60, 150);
    // Price per kilo in euros by volume; the customer sees it in their currency, the deal is booked in euros
    // (the business's currency), so that the revenue figure adds up.
    const euroPerKg = volume === 'small' ? 24 : volume === 'medium' ? 19 : 16;
    const pricePerKg = Math.round(euroPerKg * rateOf(b.customer.currency));
    const vars = { agent: agent.name, kg: String(kg), price: b.money(pricePerKg), mate: mate.id };
    const buttons = VOLUME_BUTTONS[b.lang];
    b.customerSays([0, 0], b.say(WHOLESALE.opening));
    b.botSays([2, 4], b.say(WHOLESALE.qualify), { buttons: [...buttons] });
    const chosen = buttons[volume === 'small' ? 0 : volume === 'medium' ? 1 : 2];
    if (b.random.chance(0.7)) b.customerSays([6, 20], chosen.title, { button: chosen });
    else b.customerSays([8, 25], b.say(WHOLESALE.volumeText, vars));
    b.botSays([1.5, 3], b.say(WHOLESALE.handoffNotice, vars));
    b.handoff([1, 2], agent, `qualified wholesale lead, ${kg} kg/month`);
    b.act([1, 3], { kind: 'type', conversationType: 'opportunity', by: null });
    b.tag([0.5, 2], 'wholesale', null);
    if (volume === 'large') {
      b.tag([0.5, 2], 'vip', null);
      b.act([0.5, 2], { kind: 'priority', priority: 'P1', by: null });
    }
    b.customerSays([5, 15], b.say(WHOLESALE.whileWaiting));
    b.agentSays([20, 70], agent, b.say(WHOLESALE.offer, vars));
    b.customerSays([10, 30], b.say(WHOLESALE.samplesYes));
    if (volume === 'large' || b.random.chance(0.5)) {
      b.act([3, 8], {
        kind: 'note',
        agent,
        text: b.say(volume === 'large' ? WHOLESALE.noteLarge : WHOLESALE.noteSamples, vars),
      });
    }
    b.agentSays([10, 30], agent, b.say(WHOLESALE.samplesSent));
    b.customerSays([8, 25], b.say(WHOLESALE.thanks, vars));
    if (b.random.chance(0.55)) {
      b.agentSays([8, 20], agent, b.say(WHOLESALE.closeAsk, vars));
      b.customerSays([10, 30], b.say(WHOLESALE.confirm));
      b.agentSays([5, 12], agent, b.say(WHOLESALE.confirmed));
      b.survey(GOOD_RATINGS);
      b.act([2, 5], { kind: 'deal', agent, stage: 'won', value: kg * euroPerKg, currency: 'EUR' });
    } else {
      b.survey(GOOD_RATINGS);
      b.resolve([2, 5], agent, 'follow-up-scheduled');
    }
  },

  'order-status'(b, options) {
    b.customerSays([0, 0], b.say(ORDER.opening));
    b.botSays([2, 4], b.say(ORDER.tracking));
    b.customerSays([8, 25], b.say(ORDER.thanks));
    b.survey(GOOD_RATINGS);
    b.resolve([2, 5], null, 'self-serve');
    if (!(options.reopen ?? b.random.chance(0.35))) return;
    const { agent } = b.agents('support');
    b.customerSays([20, 60], b.say(ORDER.reopen));
    b.botSays([2, 4], b.say(ORDER.handoffNotice));
    b.handoff([1, 2], agent, 'delivery address change');
    b.customerSays([6, 18], b.say(ORDER.newAddress));
    b.agentSays([20, 60], agent, b.say(ORDER.addressChanged, { agent: agent.name }));
    b.customerSays([8, 20], b.say(ORDER.thanksAgain));
    b.resolve([3, 8], agent, 'solved');
  },

  'damaged-delivery'(b, options) {
    const { agent, mate } = b.agents('support');
    const amount = b.money(Math.round(89 * rateOf(b.customer.currency)));
    const vars = { agent: agent.name, mate: mate.id, amount };
    b.customerSays([0, 0], b.say(DAMAGED.opening));
    b.customerSays([4, 10], b.say(DAMAGED.photo), { image: true });
    b.botSays([2, 4], b.say(DAMAGED.sorry));
    b.handoff([1, 2], agent, 'damaged delivery');
    b.act([1, 2], { kind: 'type', conversationType: 'complaint', by: null });
    b.act([0.5, 2], { kind: 'priority', priority: 'P1', by: null });
    b.customerSays([5, 15], b.say(DAMAGED.urgency));
    b.agentSays([15, 60], agent, b.say(DAMAGED.offer, vars));
    const refund = options.reopen === true || b.random.chance(0.6);
    b.customerSays([10, 30], b.say(refund ? DAMAGED.wantsRefund : DAMAGED.wantsReplacement));
    b.tag([2, 5], refund ? 'refund' : 'replacement', agent);
    b.act([3, 10], {
      kind: 'note',
      agent,
      text: b.say(refund ? DAMAGED.refundNote : DAMAGED.replacementNote, vars),
    });
    b.agentSays([15, 40], agent, b.say(refund ? DAMAGED.refunded : DAMAGED.replaced, vars));
    b.customerSays([8, 25], b.say(DAMAGED.thanks, vars));
    b.survey(MIXED_RATINGS);
    b.resolve([2, 6], agent, refund ? 'refunded' : 'replacement-sent');
    if (!refund || !(options.reopen ?? b.random.chance(0.5))) return;
    b.customerSays([30, 90], b.say(DAMAGED.refundMissing));
    b.agentSays([15, 50], agent, b.say(DAMAGED.refundExplained, vars));
    b.customerSays([8, 20], b.say(DAMAGED.ok));
    b.resolve([2, 6], agent, 'refunded');
  },

  'machine-fault'(b) {
    const { agent, mate } = b.agents('support');
    const vars = { agent: agent.name, mate: mate.id };
    const [fixed, broken] = FAULT_BUTTONS[b.lang];
    b.customerSays([0, 0], b.say(FAULT.opening));
    b.botSays([2, 4], b.say(FAULT.descale), { buttons: [fixed, broken] });
    if (b.random.chance(0.25)) {
      b.customerSays([20, 60], fixed.title, { button: fixed });
      b.botSays([1, 3], b.say(FAULT.glad));
      if (b.random.chance(0.5)) b.survey(GOOD_RATINGS);
      b.resolve([2, 5], null, 'self-serve');
      return;
    }
    if (b.random.chance(0.6)) b.customerSays([20, 60], broken.title, { button: broken });
    else b.customerSays([20, 60], b.say(FAULT.stillBroken));
    b.botSays([1.5, 3], b.say(FAULT.handoffNotice));
    b.handoff([1, 2], agent, 'bot could not solve: machine fault');
    b.act([1, 2], { kind: 'type', conversationType: 'support', by: null });
    b.tag([0.5, 2], 'machine', null);
    b.customerSays([5, 15], b.say(FAULT.serial));
    b.agentSays([20, 70], agent, b.say(FAULT.tip, vars));
    if (b.random.chance(0.75)) {
      b.customerSays([20, 50], b.say(FAULT.works));
      b.agentSays([6, 15], agent, b.say(FAULT.anythingElse));
      b.customerSays([6, 15], b.say(FAULT.thatsAll));
      b.survey(GOOD_RATINGS);
      b.resolve([2, 5], agent, 'solved');
      return;
    }
    b.customerSays([20, 50], b.say(FAULT.stillNothing));
    b.tag([2, 4], 'warranty', agent);
    b.act([3, 8], { kind: 'note', agent, text: b.say(FAULT.warrantyNote, vars) });
    b.agentSays([15, 40], agent, b.say(FAULT.pickup));
    b.customerSays([8, 20], b.say(FAULT.okThanks));
    b.survey(MIXED_RATINGS);
    b.resolve([2, 5], agent, 'warranty-replacement');
  },

  'store-hours'(b) {
    b.customerSays([0, 0], b.say(HOURS.opening));
    b.botSays([2, 4], b.say(HOURS.answer));
    b.customerSays([6, 20], b.say(HOURS.thanks));
    b.botSays([1, 3], b.say(HOURS.bye));
    if (b.random.chance(0.4)) b.survey(GOOD_RATINGS);
    b.resolve([2, 5], null, 'self-serve');
  },
};

/** Rough exchange rates from euros, for prices in the customer's currency. */
const RATES: Record<string, number> = {
  EUR: 1,
  USD: 1.1,
  GBP: 0.85,
  MXN: 20,
  BRL: 6,
  COP: 4500,
};
const rateOf = (currency: string): number => RATES[currency] ?? 1;

const VOLUME_BUTTONS: Record<Lang, readonly [Button, Button, Button]> = {
  es: [
    { id: 'vol-small', title: 'Menos de 10 kg' },
    { id: 'vol-medium', title: 'Entre 10 y 50 kg' },
    { id: 'vol-large', title: 'Más de 50 kg' },
  ],
  pt: [
    { id: 'vol-small', title: 'Menos de 10 kg' },
    { id: 'vol-medium', title: 'Entre 10 e 50 kg' },
    { id: 'vol-large', title: 'Mais de 50 kg' },
  ],
  en: [
    { id: 'vol-small', title: 'Under 10 kg' },
    { id: 'vol-medium', title: '10 to 50 kg' },
    { id: 'vol-large', title: 'Over 50 kg' },
  ],
};

const FAULT_BUTTONS: Record<Lang, readonly [Button, Button]> = {
  es: [
    { id: 'fixed', title: 'Sí, ¡arreglado! ✅' },
    { id: 'still-broken', title: 'Sigue igual' },
  ],
  pt: [
    { id: 'fixed', title: 'Sim, resolvido! ✅' },
    { id: 'still-broken', title: 'Continua igual' },
  ],
  en: [
    { id: 'fixed', title: 'Yes, fixed! ✅' },
    { id: 'still-broken', title: 'Still broken' },
  ],
};

const WHOLESALE = {
  opening: {
    es: [
      '¡Hola! Tengo una cafetería en {city} y me interesa comprar café en grano al por mayor ☕',
      'Buenas tardes 👋 ¿Tienen precios especiales para oficinas? Somos unas 40 personas en {city}',
      'Hola, ¿venden café para restaurantes? Abrimos un local nuevo en {city} el mes que viene 🎉',
    ],
    pt: [
      'Olá! Tenho uma cafeteria em {city} e queria comprar café em grão no atacado ☕',
      'Boa tarde 👋 Vocês têm preços especiais para escritórios? Somos umas 40 pessoas em {city}',
      'Oi! Vamos abrir um restaurante em {city} no mês que vem, vocês vendem café para empresas? 🎉',
    ],
    en: [
      "Hi! I run a small café in {city} and I'm looking for a wholesale coffee supplier ☕",
      "Hello 👋 do you do office plans? We're about 40 people in {city}",
      "Hey there, we're opening a brunch place in {city} next month, do you sell to restaurants? 🎉",
    ],
  },
  qualify: {
    es: [
      '¡Hola {name}! Soy {bot}, la asistente virtual de Lumen Coffee 🤖☕ Para pasarte con la persona adecuada: ¿cuánto café necesitarían al mes?',
    ],
    pt: [
      'Olá, {name}! Eu sou a {bot}, a assistente virtual da Lumen Coffee 🤖☕ Para te encaminhar à pessoa certa: quanto café vocês precisariam por mês?',
    ],
    en: [
      "Hi {name}! I'm {bot}, Lumen Coffee's virtual assistant 🤖☕ To get you to the right person: roughly how much coffee would you need per month?",
    ],
  },
  volumeText: {
    es: ['Unos {kg} kg al mes, más o menos', 'Calculo que {kg} kilos al mes'],
    pt: ['Uns {kg} kg por mês, mais ou menos', 'Acho que uns {kg} quilos por mês'],
    en: ['About {kg} kg a month, give or take', "I'd say {kg} kilos a month"],
  },
  handoffNotice: {
    es: [
      '¡Perfecto! 🙌 Te paso con {agent}, de nuestro equipo comercial. Te escribe en unos minutos.',
      'Genial, gracias 😊 En un momento te atiende una persona del equipo comercial.',
    ],
    pt: [
      'Perfeito! 🙌 Vou te passar para {agent}, da nossa equipe comercial. Em poucos minutos você recebe uma mensagem.',
      'Ótimo, obrigada 😊 Em instantes alguém da equipe comercial fala com você.',
    ],
    en: [
      "Perfect! 🙌 I'm handing you over to {agent} from our sales team, who'll message you in a few minutes.",
      'Great, thanks 😊 Someone from our sales team will be with you shortly.',
    ],
  },
  whileWaiting: {
    es: [
      'Vale, ¡gracias! Mientras tanto: ¿hacen envíos a {city}?',
      'Perfecto, espero 👍',
      'Genial. Nos interesa sobre todo un tueste medio, para espresso.',
    ],
    pt: [
      'Beleza, obrigado! Enquanto isso: vocês entregam em {city}?',
      'Perfeito, fico aguardando 👍',
      'Ótimo. Nosso interesse é principalmente torra média, para espresso.',
    ],
    en: [
      'Sounds good, thanks! Meanwhile: do you deliver to {city}?',
      'Perfect, I’ll wait 👍',
      "Great. We're mostly after a medium roast for espresso.",
    ],
  },
  offer: {
    es: [
      '¡Hola {name}! Soy {agent}, del equipo comercial de Lumen 😊 Para {kg} kg al mes tenemos precio mayorista de {price} el kilo, con envío gratis a {city}. ¿Te mando muestras de nuestros tres orígenes para que los prueben?',
      'Hola {name}, {agent} por aquí 👋 Con {kg} kg/mes entras en nuestra tarifa mayorista: {price}/kg y el envío a {city} va incluido. ¿Quieres que te envíe muestras de Huila, Sidama y Cerrado?',
    ],
    pt: [
      'Olá, {name}! Sou {agent}, da equipe comercial da Lumen 😊 Para {kg} kg por mês temos preço de atacado de {price} o quilo, com frete grátis para {city}. Posso te mandar amostras dos nossos três cafés de origem?',
      'Oi, {name}, aqui é {agent} 👋 Com {kg} kg/mês vocês entram na nossa tabela de atacado: {price}/kg, frete para {city} incluído. Quer amostras do Huila, Sidama e Cerrado?',
    ],
    en: [
      "Hi {name}! I'm {agent} from Lumen's sales team 😊 At {kg} kg a month you'd get our wholesale price of {price} per kilo, with free delivery to {city}. Shall I send you samples of our three single origins?",
      'Hey {name}, {agent} here 👋 With {kg} kg/month you qualify for wholesale pricing: {price}/kg, delivery to {city} included. Want me to send samples of our Huila, Sidama and Cerrado?',
    ],
  },
  samplesYes: {
    es: [
      '¡Sí, por favor! La dirección es Calle Mayor 12, {city} 📦',
      'Me encantaría. ¿Las muestras tienen coste?',
    ],
    pt: ['Sim, por favor! O endereço é Rua das Flores 120, {city} 📦', 'Adoraria. As amostras têm custo?'],
    en: [
      'Yes please! The address is 12 High Street, {city} 📦',
      'I’d love that. Do the samples cost anything?',
    ],
  },
  noteLarge: {
    es: ['@{mate} cliente de {kg} kg/mes en {city} 🔥 ¿preparas tú la propuesta con el molino en comodato?'],
    pt: ['@{mate} cliente de {kg} kg/mês em {city} 🔥 pode preparar a proposta com o moedor em comodato?'],
    en: [
      '@{mate} {kg} kg/month account in {city} 🔥 can you put together the proposal with the loaned grinder?',
    ],
  },
  noteSamples: {
    es: ['@{mate} envío de muestras a {city} mañana, ¿me confirmas que queda stock del Sidama?'],
    pt: ['@{mate} envio de amostras para {city} amanhã, confirma se ainda tem estoque do Sidama?'],
    en: ['@{mate} sending samples to {city} tomorrow, can you confirm we still have Sidama in stock?'],
  },
  samplesSent: {
    es: [
      'Las muestras son gratis 🎁 Te llegan en 48 h. Cuando las prueben me dices cuál les gusta y preparo el primer pedido.',
      '¡Hecho! Muestras en camino, llegan en 48 h 🚚 Te escribo el jueves para ver qué les parecen.',
    ],
    pt: [
      'As amostras são grátis 🎁 Chegam em 48 h. Quando provarem, me diz qual gostaram e eu preparo o primeiro pedido.',
      'Feito! Amostras a caminho, chegam em 48 h 🚚 Te escrevo na quinta para saber o que acharam.',
    ],
    en: [
      "Samples are on us 🎁 They'll arrive within 48 h. Once you've tried them, tell me your favourite and I'll set up the first order.",
      "Done! Samples are on their way, 48 h 🚚 I'll check in on Thursday to hear what you think.",
    ],
  },
  thanks: {
    es: ['¡Mil gracias, {agent}! 🙏', 'Perfecto, quedamos así 👍'],
    pt: ['Muito obrigado, {agent}! 🙏', 'Perfeito, combinado 👍'],
    en: ['Thanks so much, {agent}! 🙏', 'Perfect, deal 👍'],
  },
  closeAsk: {
    es: ['Por cierto, te dejo reservado el primer pedido de {kg} kg a {price}/kg, ¿lo confirmo?'],
    pt: ['Aliás, deixei reservado o primeiro pedido de {kg} kg a {price}/kg, posso confirmar?'],
    en: ["By the way, I've pencilled in a first order of {kg} kg at {price}/kg, shall I confirm it?"],
  },
  confirm: {
    es: ['¡Sí, confírmalo! 💪', 'Dale, confirmado 🙌'],
    pt: ['Sim, pode confirmar! 💪', 'Fechado, pode mandar 🙌'],
    en: ['Yes, go ahead! 💪', 'Confirmed 🙌'],
  },
  confirmed: {
    es: ['¡Pedido confirmado! ✅ Bienvenidos a Lumen ☕'],
    pt: ['Pedido confirmado! ✅ Bem-vindos à Lumen ☕'],
    en: ['Order confirmed! ✅ Welcome to Lumen ☕'],
  },
} satisfies Record<string, Lines>;

const ORDER = {
  opening: {
    es: [
      '¡Hola! Hice un pedido el lunes y todavía no me ha llegado. Es el {order}',
      'Buenas, ¿me dicen dónde está mi pedido {order}? 🙏',
      'hola q tal, mi pedido {order} sigue sin llegar',
    ],
    pt: [
      'Oi! Fiz um pedido na segunda e ainda não chegou. É o {order}',
      'Bom dia, podem me dizer onde está o meu pedido {order}? 🙏',
      'olá, a minha encomenda {order} ainda não chegou',
    ],
    en: [
      "Hi! I placed an order on Monday and it hasn't arrived yet. Order {order}",
      "hey, where's my order {order}? 🙏",
      'Hello, any news on order {order}? It said 2-3 days',
    ],
  },
  tracking: {
    es: [
      '¡Hola {name}! 🤖 Tu pedido {order} salió ayer de nuestro almacén y llegará mañana antes de las 14:00 🚚 Puedes seguirlo aquí: https://lumen.example/t/{orderDigits}',
    ],
    pt: [
      'Olá, {name}! 🤖 O seu pedido {order} saiu ontem do nosso armazém e chega amanhã até às 14h 🚚 Acompanhe aqui: https://lumen.example/t/{orderDigits}',
    ],
    en: [
      'Hi {name}! 🤖 Your order {order} left our warehouse yesterday and arrives tomorrow before 2 pm 🚚 Track it here: https://lumen.example/t/{orderDigits}',
    ],
  },
  thanks: {
    es: ['Genial, ¡muchas gracias! 😊', 'Perfecto, gracias 👌', 'ahh vale, ¡gracias!!'],
    pt: ['Ótimo, muito obrigada! 😊', 'Perfeito, obrigado 👌', 'ahh tá, valeu!!'],
    en: ['Great, thank you so much! 😊', 'Perfect, thanks 👌', 'ahh ok, cheers!!'],
  },
  reopen: {
    es: [
      'Perdona, otra cosa: ¿puedo cambiar la dirección de entrega? Mañana no estaré en casa 😅',
      'Hola de nuevo 🙈 al final mañana no estoy, ¿se puede entregar en mi trabajo?',
    ],
    pt: [
      'Desculpa, mais uma coisa: posso mudar o endereço de entrega? Amanhã não vou estar em casa 😅',
      'Oi de novo 🙈 amanhã não vou estar em casa, dá para entregar no meu trabalho?',
    ],
    en: [
      "Sorry, one more thing: can I change the delivery address? I won't be home tomorrow 😅",
      "Hi again 🙈 turns out I'm out tomorrow, could it go to my office instead?",
    ],
  },
  handoffNotice: {
    es: ['¡Claro! 🙌 Para cambiar la dirección te paso con el equipo de soporte, enseguida te escriben.'],
    pt: ['Claro! 🙌 Para mudar o endereço vou te passar para a equipe de suporte, já já falam com você.'],
    en: ["Sure! 🙌 I'll pass you to our support team to change the address, they'll message you right away."],
  },
  newAddress: {
    es: ['Es en Av. de la Constitución 5, oficina 3B', 'La nueva dirección: Calle Alcalá 200, 2º izquierda'],
    pt: ['É na Rua Augusta 210, 2º andar', 'O novo endereço: Av. Paulista 1000, conjunto 52'],
    en: ["It's 500 Market St, suite 300", 'New address: 221 Baker Street, flat B'],
  },
  addressChanged: {
    es: [
      'Hola {name}, soy {agent} 👋 Ya he hablado con la transportista: mañana lo entregan en la nueva dirección ✅',
    ],
    pt: ['Olá, {name}, aqui é {agent} 👋 Já falei com a transportadora: amanhã entregam no novo endereço ✅'],
    en: [
      "Hi {name}, {agent} here 👋 I've spoken to the courier: it'll be delivered to the new address tomorrow ✅",
    ],
  },
  thanksAgain: {
    es: ['¡Genial, gracias! 🙏', 'Mil gracias, ¡qué rapidez! ⚡'],
    pt: ['Ótimo, obrigada! 🙏', 'Valeu, que rapidez! ⚡'],
    en: ['Brilliant, thanks! 🙏', 'Wow, that was quick, thank you! ⚡'],
  },
} satisfies Record<string, Lines>;

const DAMAGED = {
  opening: {
    es: [
      'Hola. Me ha llegado la cafetera con el depósito roto 😡 Pedido {order}',
      'Buenas, el paquete llegó aplastado y la bolsa de café rota 😞 pedido {order}',
    ],
    pt: [
      'Olá. A minha máquina chegou com o depósito partido 😡 Pedido {order}',
      'Oi, o pacote chegou amassado e o saco de café rasgado 😞 pedido {order}',
    ],
    en: [
      'Hi. My espresso machine arrived with a cracked water tank 😡 Order {order}',
      'Hello, the parcel arrived crushed and the coffee bag is torn 😞 order {order}',
    ],
  },
  photo: {
    es: ['Miren cómo llegó', 'Foto del paquete 📸'],
    pt: ['Olha como chegou', 'Foto do pacote 📸'],
    en: ['Look at the state of it', 'Photo of the parcel 📸'],
  },
  sorry: {
    es: ['Lo siento muchísimo, {name} 😔 Te paso ahora mismo con el equipo de soporte para solucionarlo.'],
    pt: ['Sinto muito, {name} 😔 Vou te passar agora mesmo para a equipe de suporte resolver isso.'],
    en: ["I'm so sorry, {name} 😔 I'm passing you to our support team right now to sort this out."],
  },
  urgency: {
    es: ['Vale. La necesito antes del lunes, por favor', 'Espero que lo solucionen rápido...'],
    pt: ['Ok. Preciso dela antes de segunda, por favor', 'Espero que resolvam rápido...'],
    en: ['Ok. I need it before Monday, please', 'Hope you can fix this quickly...'],
  },
  offer: {
    es: [
      'Hola {name}, soy {agent}. Siento mucho lo ocurrido 🙏 ¿Prefieres el reembolso de {amount} o que te enviemos otra hoy mismo?',
    ],
    pt: [
      'Olá, {name}, sou {agent}. Lamento muito o que aconteceu 🙏 Prefere o reembolso de {amount} ou que a gente envie outra hoje mesmo?',
    ],
    en: [
      "Hi {name}, I'm {agent}. I'm really sorry about this 🙏 Would you prefer a refund of {amount} or a replacement sent out today?",
    ],
  },
  wantsRefund: {
    es: ['Prefiero el reembolso, gracias', 'El reembolso, por favor'],
    pt: ['Prefiro o reembolso, obrigada', 'O reembolso, por favor'],
    en: ["I'd rather have the refund, thanks", 'Refund please'],
  },
  wantsReplacement: {
    es: ['Mejor envíenme otra, la necesito 🙏'],
    pt: ['Melhor mandar outra, preciso dela 🙏'],
    en: ['Please send a new one, I need it 🙏'],
  },
  refundNote: {
    es: ['@{mate} ¿puedes aprobar el reembolso de {amount} del pedido {order}? Nos mandó foto del daño 📸'],
    pt: ['@{mate} pode aprovar o reembolso de {amount} do pedido {order}? Cliente mandou foto do dano 📸'],
    en: [
      '@{mate} can you approve the {amount} refund for order {order}? Customer sent a photo of the damage 📸',
    ],
  },
  replacementNote: {
    es: ['@{mate} reenvío urgente del pedido {order}, ¿lo priorizas en almacén?'],
    pt: ['@{mate} reenvio urgente do pedido {order}, consegue priorizar no armazém?'],
    en: ['@{mate} urgent replacement for order {order}, can you prioritise it in the warehouse?'],
  },
  refunded: {
    es: ['Hecho ✅ El reembolso de {amount} ya está emitido, lo verás en 3-5 días hábiles.'],
    pt: ['Feito ✅ O reembolso de {amount} já foi emitido, aparece em 3 a 5 dias úteis.'],
    en: ["Done ✅ The {amount} refund has been issued, you'll see it within 3-5 business days."],
  },
  replaced: {
    es: ['Listo ✅ Hoy sale una nueva por envío urgente y te llega mañana. No hace falta devolver la rota.'],
    pt: ['Pronto ✅ Hoje sai uma nova por envio expresso e chega amanhã. Não precisa devolver a quebrada.'],
    en: [
      'All set ✅ A new one ships today by express and arrives tomorrow. No need to return the broken one.',
    ],
  },
  thanks: {
    es: ['Gracias, {agent}, muy amable', 'Ok, gracias por la rapidez'],
    pt: ['Obrigada, {agent}, muito gentil', 'Ok, obrigado pela rapidez'],
    en: ['Thanks {agent}, very kind', 'Ok, thanks for the quick help'],
  },
  refundMissing: {
    es: [
      'Hola de nuevo, aún no me ha llegado el reembolso 😕',
      'Buenas, sigo sin ver el reembolso en mi cuenta...',
    ],
    pt: ['Oi de novo, o reembolso ainda não caiu 😕', 'Olá, continuo sem ver o reembolso na conta...'],
    en: [
      "Hi again, the refund still hasn't come through 😕",
      "Hello, I still can't see the refund in my account...",
    ],
  },
  refundExplained: {
    es: [
      'Hola {name} 👋 Te confirmo que el reembolso se emitió correctamente; algunos bancos tardan hasta 5 días hábiles. Si el viernes no lo ves, escríbeme y lo revisamos.',
    ],
    pt: [
      'Olá, {name} 👋 Confirmo que o reembolso foi emitido; alguns bancos levam até 5 dias úteis. Se na sexta ainda não aparecer, me escreve que a gente verifica.',
    ],
    en: [
      "Hi {name} 👋 I can confirm the refund went out; some banks take up to 5 business days. If it's not there by Friday, message me and we'll look into it.",
    ],
  },
  ok: {
    es: ['Ok, gracias por mirarlo', 'Vale, esperaré 👍'],
    pt: ['Ok, obrigada por verificar', 'Tá bom, vou aguardar 👍'],
    en: ['Ok, thanks for checking', "Alright, I'll wait 👍"],
  },
} satisfies Record<string, Lines>;

const FAULT = {
  opening: {
    es: [
      'Hola, mi cafetera Lumen One tiene una luz roja parpadeando y no sale café 😩',
      'Buenas, la cafetera que compré el mes pasado pierde agua por debajo 💧',
    ],
    pt: [
      'Olá, a minha máquina Lumen One está com uma luz vermelha piscando e não sai café 😩',
      'Oi, a máquina que comprei mês passado está vazando água por baixo 💧',
    ],
    en: [
      "Hi! My Lumen One machine shows a blinking red light and won't brew 😩",
      'Hello, the espresso machine I bought last month is leaking water from the bottom 💧',
    ],
  },
  descale: {
    es: [
      '¡Vaya! 🤖 Casi siempre se arregla con un ciclo de descalcificación; aquí tienes una guía de 2 minutos: https://lumen.example/descalcificar ¿Te ha funcionado?',
    ],
    pt: [
      'Poxa! 🤖 Quase sempre um ciclo de descalcificação resolve; aqui tem um guia de 2 minutos: https://lumen.example/descalcificar Funcionou?',
    ],
    en: [
      "Oh no! 🤖 Most of the time a descaling cycle fixes it, here's a 2-minute guide: https://lumen.example/descale Did that help?",
    ],
  },
  glad: {
    es: ['¡Genial! ☕ Que disfrutes del café.'],
    pt: ['Que ótimo! ☕ Bom café!'],
    en: ['Great! ☕ Happy brewing.'],
  },
  stillBroken: {
    es: ['Lo he hecho y sigue igual 😕', 'Nada, sigue parpadeando'],
    pt: ['Fiz e continua igual 😕', 'Nada, continua piscando'],
    en: ['Tried it, still blinking 😕', 'Nope, same problem'],
  },
  handoffNotice: {
    es: ['Gracias por probarlo. Te paso con una especialista de soporte técnico 👩‍🔧'],
    pt: ['Obrigada por tentar. Vou te passar para o suporte técnico 👩‍🔧'],
    en: ["Thanks for trying. I'm connecting you with a support specialist 👩‍🔧"],
  },
  serial: {
    es: ['Gracias. El número de serie es {serial}', 'Ok. Por si sirve, es la {serial}'],
    pt: ['Obrigado. O número de série é {serial}', 'Ok. Se ajudar, é a {serial}'],
    en: ['Thanks. Serial number is {serial}', "Ok. In case it helps, it's {serial}"],
  },
  tip: {
    es: [
      'Hola {name}, soy {agent} 👋 Eso suele ser el sensor de agua atascado. ¿Puedes sacar el depósito y dar unos golpecitos al flotador de dentro?',
    ],
    pt: [
      'Olá, {name}, aqui é {agent} 👋 Isso costuma ser o sensor de água preso. Pode tirar o reservatório e dar umas batidinhas na boia de dentro?',
    ],
    en: [
      'Hi {name}, {agent} here 👋 That usually means the water sensor is stuck. Could you take out the tank and gently tap the little float inside?',
    ],
  },
  works: {
    es: ['¡¡Funciona!! 🙌 Muchísimas gracias', 'Hecho y... ¡ya sale café! ☕ Gracias'],
    pt: ['Funcionou!! 🙌 Muito obrigada', 'Feito e... já está saindo café! ☕ Valeu'],
    en: ['OMG it works now!! 🙌 thank you so much', "Done, and... it's brewing again! ☕ Thanks"],
  },
  anythingElse: {
    es: ['¡Me alegro mucho! ☕ ¿Te puedo ayudar con algo más?'],
    pt: ['Que bom! ☕ Posso ajudar com mais alguma coisa?'],
    en: ['So glad to hear it ☕ Anything else I can help with?'],
  },
  thatsAll: {
    es: ['No, eso era todo 👍', 'Nada más, ¡gracias!'],
    pt: ['Não, era só isso 👍', 'Só isso, obrigado!'],
    en: ["No, that's all 👍", "That's it, thanks!"],
  },
  stillNothing: {
    es: ['Nada, sigue sin funcionar 😞'],
    pt: ['Nada, continua sem funcionar 😞'],
    en: ['Still nothing 😞'],
  },
  warrantyNote: {
    es: ['@{mate} cambio en garantía para la {serial}, ¿programas la recogida para mañana?'],
    pt: ['@{mate} troca na garantia da {serial}, pode agendar a coleta para amanhã?'],
    en: ['@{mate} warranty swap for {serial}, can you book the pickup for tomorrow?'],
  },
  pickup: {
    es: ['Gracias por comprobarlo. Está en garantía: mañana pasamos a recogerla y te enviamos una nueva 📦'],
    pt: ['Obrigada por verificar. Está na garantia: amanhã passamos para buscar e enviamos uma nova 📦'],
    en: ["Thanks for checking. It's under warranty: we'll pick it up tomorrow and send you a new one 📦"],
  },
  okThanks: {
    es: ['Vale, gracias'],
    pt: ['Ok, obrigado'],
    en: ['Ok, thank you'],
  },
} satisfies Record<string, Lines>;

const HOURS = {
  opening: {
    es: ['¿A qué hora abre la tienda de {city} los sábados?', '¡Hola! ¿Abren el domingo en {city}?'],
    pt: ['A loja de {city} abre aos sábados? Que horas?', 'Olá! Vocês abrem no domingo em {city}?'],
    en: ['What time does the {city} store open on Saturdays?', 'Hi! Are you open on Sunday in {city}?'],
  },
  answer: {
    es: [
      '¡Hola {name}! 🤖 La tienda de {city} abre de lunes a sábado de 9:00 a 20:30, y los domingos de 10:00 a 14:00 ☕',
    ],
    pt: [
      'Olá, {name}! 🤖 A loja de {city} abre de segunda a sábado das 9h às 20h30, e aos domingos das 10h às 14h ☕',
    ],
    en: ['Hi {name}! 🤖 The {city} store is open Monday to Saturday 9:00-20:30, and Sundays 10:00-14:00 ☕'],
  },
  thanks: {
    es: ['¡Perfecto, gracias!', 'Genial 👍'],
    pt: ['Perfeito, obrigada!', 'Show 👍'],
    en: ['Perfect, thanks!', 'Great 👍'],
  },
  bye: {
    es: ['¡A ti! Aquí estamos para lo que necesites 💚'],
    pt: ['Nós que agradecemos! Estamos aqui para o que precisar 💚'],
    en: ["You're welcome! We're here whenever you need us 💚"],
  },
} satisfies Record<string, Lines>;

const SURVEY = {
  ask: {
    es: ['Antes de irte: ¿cómo valorarías la atención de hoy? Responde del 1 al 5 ⭐'],
    pt: ['Antes de ir: como você avalia o atendimento de hoje? Responda de 1 a 5 ⭐'],
    en: ['Before you go: how would you rate us 1-5? ⭐'],
  },
  thanks: {
    es: ['¡Gracias por tu valoración, {name}! 💚 Que disfrutes del café ☕'],
    pt: ['Obrigada pela avaliação, {name}! 💚 Aproveite o café ☕'],
    en: ['Thanks for the rating, {name}! 💚 Enjoy your coffee ☕'],
  },
  sorry: {
    es: ['Gracias por tu sinceridad, {name}. Lo revisaremos para mejorar 🙏'],
    pt: ['Obrigada pela sinceridade, {name}. Vamos rever isso para melhorar 🙏'],
    en: ["Thanks for being honest, {name}. We'll look into it and do better 🙏"],
  },
} satisfies Record<string, Lines>;

/** CSAT answers as people type them: a digit, stars, an emoji, a few words. */
const RATING_REPLIES: Record<number, Lines> = {
  5: {
    es: ['5', '⭐⭐⭐⭐⭐', '5 ⭐', 'Un 5, ¡genial! 😍'],
    pt: ['5', '⭐⭐⭐⭐⭐', 'Nota 5! 👏', '5 😍'],
    en: ['5', '⭐⭐⭐⭐⭐', '5/5!', '5 😍'],
  },
  4: {
    es: ['4', '⭐⭐⭐⭐', '4 👍'],
    pt: ['4', '⭐⭐⭐⭐', '4 👍'],
    en: ['4', '⭐⭐⭐⭐', '4 👍'],
  },
  3: {
    es: ['3', '⭐⭐⭐', '3, normalito'],
    pt: ['3', '⭐⭐⭐', '3, mais ou menos'],
    en: ['3', '⭐⭐⭐', '3, it was ok'],
  },
  2: {
    es: ['2', '⭐⭐', '2 👎'],
    pt: ['2', '⭐⭐', '2 👎'],
    en: ['2', '⭐⭐', '2 👎'],
  },
  1: {
    es: ['1', '⭐', '1 😡'],
    pt: ['1', '⭐', '1 😡'],
    en: ['1', '⭐', '1 😡'],
  },
};
