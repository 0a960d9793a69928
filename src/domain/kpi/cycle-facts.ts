/**
 * The dated figures of a conversation's cycles: what every cycle-based KPI counts or measures, each dated
 * by DESIGN.md's dating rule ("a figure belongs to the period in which it became known") and credited to
 * the person DESIGN.md's KPI table names. Pure: the same conversation state and calendar give the same rows,
 * which is what lets `rebuild` reproduce them and a late event correct them (the projection rewrites the
 * facts of every cycle whose facts changed).
 *
 * | fact                 | one per                               | dated at                  | credited to            |
 * |----------------------|---------------------------------------|---------------------------|------------------------|
 * | `conversation`       | conversation (its first cycle)        | its start                 | the cycle's owner      |
 * | `cycle_opened`       | cycle (reopens included)              | its start                 | the cycle's owner      |
 * | `cycle_ended`        | ended cycle (outcome = its service)   | its end                   | the owner at the end   |
 * | `first_response`     | cycle with a human reply              | the reply                 | the agent who replied  |
 * | `bot_first_response` | cycle that began with a bot           | the bot's reply           | the bot                |
 * | `agent_response`     | customer turn answered by an agent    | the reply                 | the agent who replied  |
 * | `bot_response`       | customer turn answered by a bot       | the reply                 | the bot                |
 * | `resolution`         | ended cycle                           | its end                   | the owner at the end   |
 * | `reopen`             | ended cycle that was reopened         | the reopening message     | the owner at the end   |
 * | `rating`             | rated cycle (outcome positive/negative)| the rating's submission  | the rated owner & team |
 * | `sale`               | ended sales cycle (outcome won/lost/open) | its end               | the owner at the end   |
 * | `length`             | ended cycle (value = its messages)    | its end                   | the owner at the end   |
 */
import type { ConversationState, Cycle, Owner } from '../conversation/conversation-state.js';
import { SOURCE_KINDS } from '../conversation/vocabulary.js';
import { describeContactId } from '../phone.js';
import { normalizeRating } from './csat.js';

export const FACT_KINDS = [
  'conversation',
  'cycle_opened',
  'cycle_ended',
  'first_response',
  'bot_first_response',
  'agent_response',
  'bot_response',
  'resolution',
  'reopen',
  'rating',
  'sale',
  'length',
] as const;
export type FactKind = (typeof FACT_KINDS)[number];

/** The facts whose value is a duration in seconds (measured over `[from_at, at)`). */
export const DURATION_FACTS: readonly FactKind[] = [
  'first_response',
  'bot_first_response',
  'agent_response',
  'bot_response',
  'resolution',
];

/** How a cycle is described for filters and grouping (docs/metrics.md "Dimensions"). */
export interface CycleDimensions {
  /** The cycle's owner: at its end, or now while it is active. */
  ownerId: string | null;
  /** The cycle's team, the same way. */
  teamId: string | null;
  channel: string;
  /** The conversation's source kind: ad, web, qr, referral, organic, campaign, or the source's own word. */
  source: string | null;
  conversationType: string | null;
  priority: string | null;
  /** The contact's country (ISO 3166 alpha-2), from the phone number. */
  country: string | null;
  /** The campaign the conversation came from: its campaign id, else its UTM campaign. */
  campaign: string | null;
  tags: readonly string[];
}

const countries = new Map<string, string | null>();

/** The country of a contact id, remembered (phone parsing is the costly part of writing facts). */
export function countryOfContact(contactId: string | null): string | null {
  if (contactId === null) return null;
  let country = countries.get(contactId);
  if (country === undefined) {
    country = describeContactId(contactId).country;
    if (countries.size > 100_000) countries.clear();
    countries.set(contactId, country);
  }
  return country;
}

export function cycleDimensions(conversation: ConversationState, cycle: Cycle): CycleDimensions {
  const source = conversation.source;
  return {
    ownerId: (cycle.end === null ? conversation.owner : cycle.end.owner)?.id ?? null,
    teamId: cycle.end === null ? conversation.team : cycle.end.team,
    channel: conversation.channel,
    source: source?.kind ?? null,
    conversationType: cycle.conversationType,
    priority: cycle.priority,
    country: countryOfContact(conversation.contactId),
    campaign: source?.campaignId ?? source?.utmCampaign ?? null,
    tags: cycle.tags,
  };
}

/** `|a|b|`: tags between bars, so a query finds one tag as the substring `|a|` and no tags as ``. */
export const encodeTags = (tags: readonly string[]): string =>
  tags.length === 0 ? '' : `|${[...tags].sort().join('|')}|`;

export const decodeTags = (encoded: string | null): string[] =>
  encoded === null || encoded === '' ? [] : encoded.slice(1, -1).split('|');

/**
 * A rating on the 1-5 scale of src/domain/kpi/csat.ts (`1 + round(4 · (r − 1) / (n − 1))`; 4-5 positive).
 * The engine keeps the raw rating and its scale `n` (a rating scale 1..n; a 0 is clamped to 1, as the
 * engine does).
 */
export function ratingScore(rating: number, scale: number): number | null {
  if (!Number.isFinite(rating) || !Number.isInteger(scale) || scale < 2) return null;
  return normalizeRating(Math.min(Math.max(rating, 1), scale), { min: 1, max: scale });
}

/**
 * A sales cycle (DESIGN.md "Conversion rate"): one that ended closed won or lost, or one of type
 * `opportunity` or with a deal, unless that deal was already won or lost before the cycle began (a customer
 * writing again after the sale is not a new sale).
 */
export function isSalesCycle(cycle: Cycle): boolean {
  if (cycle.end?.status === 'closed-won' || cycle.end?.status === 'closed-lost') return true;
  const deal = cycle.deal;
  if (deal !== null && deal.closedAt !== null && deal.closedAt < cycle.startedAt) return false;
  return cycle.conversationType === 'opportunity' || deal !== null;
}

const idOf = (owner: Owner | null): string | null => owner?.id ?? null;

/** One dated figure of a cycle (a row of `metric_facts` without its dimensions). */
export interface CycleFact {
  metric: FactKind;
  seq: number;
  at: number;
  from: number | null;
  value: number;
  outcome: string | null;
  agent: string | null;
  /** The team credited, when it is not the cycle's (a rating is credited to the rated team). */
  team?: string | null;
}

/** The facts of one cycle, in a fixed order. */
export function factsOfCycle(conversation: ConversationState, cycle: Cycle): CycleFact[] {
  const owner = idOf(cycle.end === null ? conversation.owner : cycle.end.owner);
  const facts: CycleFact[] = [];
  const count = (metric: FactKind, at: number, agent: string | null, outcome: string | null = null) =>
    facts.push({ metric, seq: 0, at, from: null, value: 1, outcome, agent });
  if (cycle.index === 0) count('conversation', conversation.openedAt, owner);
  count('cycle_opened', cycle.startedAt, owner, cycle.isReopen ? 'reopen' : 'new');
  const first = cycle.firstHumanReply;
  if (first !== null) {
    facts.push({
      metric: 'first_response',
      seq: 0,
      at: first.at,
      from: first.from,
      value: first.seconds,
      outcome: null,
      agent: first.by,
    });
  }
  const bot = cycle.firstBotReply;
  if (bot !== null && cycle.beganWith === 'bot') {
    facts.push({
      metric: 'bot_first_response',
      seq: 0,
      at: bot.at,
      from: bot.from,
      value: bot.seconds,
      outcome: null,
      agent: bot.by,
    });
  }
  cycle.turns.forEach((turn, index) => {
    if (turn.replyAt === null || turn.seconds === null || turn.repliedBy === null) return;
    facts.push({
      metric: turn.repliedBy === 'agent' ? 'agent_response' : 'bot_response',
      seq: index,
      at: turn.replyAt,
      from: turn.from,
      value: turn.seconds,
      outcome: null,
      agent: turn.replierId,
    });
  });
  const end = cycle.end;
  if (end !== null) {
    count('cycle_ended', end.at, owner, cycle.service);
    facts.push({
      metric: 'resolution',
      seq: 0,
      at: end.at,
      from: cycle.startedAt,
      value: (end.at - cycle.startedAt) / 1000,
      outcome: null,
      agent: owner,
    });
    if (cycle.reopened && cycle.reopenedAt !== null) count('reopen', cycle.reopenedAt, owner);
    if (isSalesCycle(cycle)) {
      const outcome = end.status === 'closed-won' ? 'won' : end.status === 'closed-lost' ? 'lost' : 'open';
      facts.push({
        metric: 'sale',
        seq: 0,
        at: end.at,
        from: null,
        value: outcome === 'won' ? (cycle.deal?.value ?? 0) : 0,
        outcome,
        agent: owner,
      });
    }
    facts.push({
      metric: 'length',
      seq: 0,
      at: end.at,
      from: null,
      value: cycle.inboundCount + cycle.outboundCount,
      outcome: null,
      agent: owner,
    });
  }
  const csat = cycle.csat;
  const score = csat === null ? null : ratingScore(csat.rating, csat.scale);
  if (csat !== null && score !== null) {
    facts.push({
      metric: 'rating',
      seq: 0,
      at: csat.at,
      from: null,
      value: score,
      outcome: score >= 4 ? 'positive' : 'negative',
      agent: idOf(csat.owner),
      team: csat.team,
    });
  }
  return facts;
}

/** Canonical spelling of a source kind (`QR` → `qr`), as the engine stores it; other words unchanged. */
export function canonicalSource(value: string | null): string | null {
  const lower = value?.toLowerCase() ?? null;
  return lower !== null && (SOURCE_KINDS as readonly string[]).includes(lower) ? lower : value;
}
