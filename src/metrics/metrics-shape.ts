/**
 * The figures of one answer row, with DESIGN.md's names ("Public API"), and how they are computed from
 * what the queries collect. One place computes them, so the card, the breakdown and the drill-down's
 * recomputation agree bit for bit.
 */
import { rate, summarizeDurations, type DurationSummary } from '../domain/kpi/index.js';
import type { RateCard } from '../workspaces/settings.js';

export interface Metrics {
  /** New conversations started in the period. */
  conversations: number;
  /** Cycles started in the period, reopens included. */
  cyclesOpened: number;
  cyclesEnded: number;
  firstResponse: DurationSummary;
  botFirstResponse: DurationSummary;
  agentResponse: DurationSummary;
  botResponse: DurationSummary;
  resolution: DurationSummary;
  /** Reopens (dated by the reopening message) ÷ cycles ended, × 100. */
  reopenRate: number | null;
  csat: { ratings: number; positive: number; score: number | null; responseRate: number | null };
  conversion: { sales: number; won: number; lost: number; rate: number | null; revenue: number };
  /** SLA policies arrive with a later issue: zero and null until then (docs/metrics.md). */
  sla: {
    applicable: number;
    met: number;
    compliance: number | null;
    firstHit: number | null;
    nextHit: number | null;
    resolutionHit: number | null;
  };
  messages: {
    received: number;
    sent: number;
    delivered: number;
    read: number;
    failed: number;
    deliveryRate: number | null;
    readRate: number | null;
    openRate: number | null;
    replyRate: number | null;
  };
  /** `new` is null under a filter or grouping contacts do not have (only country and source apply). */
  contacts: { new: number | null };
  selfServe: { botOnly: number; assisted: number };
  /** Messages per ended cycle. */
  length: DurationSummary;
  cost: {
    /** Σ of the rate card's price of each billable message; null without a rate card. */
    total: number | null;
    currency: string | null;
    /** Billable outbound messages (their status's pricing says so). */
    billable: number;
    /** Billable messages the rate card has no price for (not in `total`). */
    unpriced: number;
    byCategory: Record<string, number>;
    /** Cost per acquisition: total ÷ sales won. */
    cpa: number | null;
  };
  /**
   * Not in DESIGN.md's metrics list, but its KPI table's campaign figures (docs/metrics.md "Engagement"):
   * response rate, opt-out rate and CTR.
   */
  engagement: {
    /** Distinct contacts sent a message in the period. */
    contactsMessaged: number;
    /** Of those, the contacts who wrote in the period. */
    contactsReplied: number;
    responseRate: number | null;
    /** Contacts who opted out in the period (and did not opt back in); null under a filter it lacks. */
    optOuts: number | null;
    optOutRate: number | null;
    /** Delivered messages that carried a tracked link. */
    linkMessages: number;
    /** Of those, the ones whose link was clicked (unique: a message counts once). */
    clicked: number;
    ctr: number | null;
  };
}

/**
 * Σ of values that is the same for the same multiset whatever order or grouping they came in: sorted, then
 * Neumaier-compensated (as `summarizeDurations` sums).
 */
export function exactSum(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  let compensation = 0;
  for (const value of sorted) {
    const next = sum + value;
    compensation += Math.abs(sum) >= Math.abs(value) ? sum - next + value : value - next + sum;
    sum = next;
  }
  return sum + compensation;
}

/** The price of one billable message: the category's rate for the country, else its rate without country. */
export function priceOf(
  card: RateCard | null,
  category: string | null,
  country: string | null,
): number | null {
  if (card === null || category === null) return null;
  let fallback: number | null = null;
  for (const entry of card.rates) {
    if (entry.category.toLowerCase() !== category) continue;
    if (entry.country === undefined) fallback ??= entry.price;
    else if (country !== null && entry.country.toUpperCase() === country) return entry.price;
  }
  return fallback;
}

/** What the queries collect for one row. */
export class MetricsAccumulator {
  conversations = 0;
  cyclesOpened = 0;
  cyclesEnded = 0;
  reopens = 0;
  botOnly = 0;
  assisted = 0;
  firstResponse: number[] = [];
  botFirstResponse: number[] = [];
  agentResponse: number[] = [];
  botResponse: number[] = [];
  resolution: number[] = [];
  length: number[] = [];
  ratings = 0;
  positive = 0;
  surveys = 0;
  sales = 0;
  won = 0;
  lost = 0;
  revenue: number[] = [];
  received = 0;
  sent = 0;
  delivered = 0;
  read = 0;
  failed = 0;
  billable = 0;
  unpriced = 0;
  costs: number[] = [];
  costByCategory = new Map<string, number[]>();
  newContacts: number | null = 0;
  /** Distinct contacts sent a message; of them, the ones who also wrote (src/metrics/message-metrics.ts). */
  contactsMessaged = 0;
  contactsReplied = 0;
  optOuts: number | null = 0;
  linkMessages = 0;
  clicked = 0;

  finish(card: RateCard | null): Metrics {
    const total = card === null ? null : exactSum(this.costs);
    const byCategory: Record<string, number> = {};
    for (const category of [...this.costByCategory.keys()].sort())
      byCategory[category] = exactSum(this.costByCategory.get(category) ?? []);
    return {
      conversations: this.conversations,
      cyclesOpened: this.cyclesOpened,
      cyclesEnded: this.cyclesEnded,
      firstResponse: summarizeDurations(this.firstResponse),
      botFirstResponse: summarizeDurations(this.botFirstResponse),
      agentResponse: summarizeDurations(this.agentResponse),
      botResponse: summarizeDurations(this.botResponse),
      resolution: summarizeDurations(this.resolution),
      reopenRate: rate(this.reopens, this.cyclesEnded),
      csat: {
        ratings: this.ratings,
        positive: this.positive,
        score: rate(this.positive, this.ratings),
        responseRate: rate(this.ratings, this.surveys),
      },
      conversion: {
        sales: this.sales,
        won: this.won,
        lost: this.lost,
        rate: rate(this.won, this.sales),
        revenue: exactSum(this.revenue),
      },
      sla: { applicable: 0, met: 0, compliance: null, firstHit: null, nextHit: null, resolutionHit: null },
      messages: {
        received: this.received,
        sent: this.sent,
        delivered: this.delivered,
        read: this.read,
        failed: this.failed,
        deliveryRate: rate(this.delivered, this.sent),
        readRate: rate(this.read, this.sent),
        openRate: rate(this.read, this.delivered),
        replyRate: rate(this.received, this.sent),
      },
      contacts: { new: this.newContacts },
      selfServe: { botOnly: this.botOnly, assisted: this.assisted },
      length: summarizeDurations(this.length),
      cost: {
        total,
        currency: card?.currency ?? null,
        billable: this.billable,
        unpriced: this.unpriced,
        byCategory,
        cpa: total === null || this.won === 0 ? null : total / this.won,
      },
      engagement: this.engagement(),
    };
  }

  private engagement(): Metrics['engagement'] {
    const messaged = this.contactsMessaged;
    const replied = this.contactsReplied;
    return {
      contactsMessaged: messaged,
      contactsReplied: replied,
      responseRate: rate(replied, messaged),
      optOuts: this.optOuts,
      optOutRate: this.optOuts === null ? null : rate(this.optOuts, messaged),
      linkMessages: this.linkMessages,
      clicked: this.clicked,
      ctr: rate(this.clicked, this.linkMessages),
    };
  }
}
