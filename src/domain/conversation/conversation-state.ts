import type { Actor, NewEvent } from '../events.js';
import type { ContactId, ConversationId } from '../ids.js';
import type {
  ConversationStatus,
  ConversationType,
  EndingStatus,
  Priority,
  ServiceMode,
} from './vocabulary.js';

/**
 * What the engine reads of an event. Ledger events, new events and the drafts `decide` returns all fit,
 * and nothing arrival-dependent (event id, position, received time) is part of it.
 */
export type ThreadEvent = Pick<
  NewEvent,
  'idempotencyKey' | 'type' | 'eventTime' | 'channel' | 'actor' | 'subjects' | 'payload'
>;

/** The one accountable owner of a conversation: an agent or a bot; `null` where used means nobody yet. */
export interface Owner {
  type: 'agent' | 'bot';
  id: string;
}

export interface Assignment {
  owner: Owner | null;
  team: string | null;
}

/** A change of owner and/or team. Times are epoch milliseconds, like every `at`/`from`/`to` here. */
export interface Handoff {
  at: number;
  from: Assignment;
  to: Assignment;
  /** Who made the change (an agent, a bot, a routing rule), when known. */
  by: string | null;
  reason: string | null;
  /**
   * True when something held by someone passed to someone else (owner or team changed from a non-null
   * value). A first assignment from nobody is recorded but is not a transfer; handoff counts count transfers.
   */
  transfer: boolean;
}

/** A reply measured from the moment someone started waiting for it. */
export interface MeasuredReply {
  /** The agent's or bot's id. */
  by: string;
  /** The moment the wait started. */
  from: number;
  at: number;
  seconds: number;
}

/**
 * A customer turn: from the earliest unanswered inbound message to the next outbound reply (agent or bot;
 * campaign and system messages are not replies). The last turn of a cycle may be unanswered.
 */
export interface CustomerTurn {
  from: number;
  inboundMessages: number;
  replyAt: number | null;
  repliedBy: 'agent' | 'bot' | null;
  replierId: string | null;
  seconds: number | null;
}

export interface StatusSpan {
  status: ConversationStatus;
  from: number;
  /** `null` while the span is current. */
  to: number | null;
}

export interface TeamSpan {
  team: string | null;
  from: number;
  to: number | null;
}

export interface TeamTime {
  team: string | null;
  seconds: number;
}

export interface Deal {
  stage: string | null;
  value: number | null;
  currency: string | null;
  outcome: 'won' | 'lost' | null;
  /** When the current outcome was reached. */
  closedAt: number | null;
  updatedAt: number;
}

export interface CsatRating {
  rating: number;
  scale: number;
  /** The rating on the 1-5 scale (see csat.ts). */
  score: number;
  /** 4 or 5 on the 1-5 scale: what the CSAT score counts. */
  positive: boolean;
  at: number;
  /** The cycle's owner and team the rating is credited to: at the end of the cycle, or current while open. */
  owner: Owner | null;
  team: string | null;
}

/** How a cycle ended, with who held it at that moment (resolution time is credited to this owner). */
export interface CycleEnd {
  at: number;
  status: EndingStatus;
  resolutionType: string | null;
  endedBy: Actor;
  owner: Owner | null;
  team: string | null;
}

/** What opened a cycle: a customer message, an outbound template, or a person setting an active status. */
export type CycleOpening = 'inbound' | 'template' | 'status-change';

/** `assisted`: an agent took part; `bot-only`: a bot replied and no agent did; `unattended`: nobody replied. */
export type CycleService = 'bot-only' | 'assisted' | 'unattended';

/**
 * One open -> end span of a conversation, with every fact the KPIs are computed from (DESIGN.md
 * "KPI definitions"). Durations are seconds of wall time; the spans and `from`/`at` pairs let the metrics
 * engine recompute any of them in business hours.
 */
export interface Cycle {
  /** 0 for the conversation's first cycle, 1 for the first reopen ... */
  index: number;
  startedAt: number;
  openedBy: CycleOpening;
  /** True when this cycle reopened the conversation (a previous cycle of it had ended). */
  isReopen: boolean;
  /** The first customer message of the cycle (= `startedAt` when a customer message opened it). */
  firstInboundAt: number | null;
  /** Who served the customer first in this cycle. Known from the first reply or service-mode signal. */
  beganWith: ServiceMode | null;
  /** The bot -> agent handoff of a cycle that began with a bot. */
  handoffAt: number | null;
  /** True when no handoff event was recorded and the handoff is inferred from an agent's reply. */
  handoffImplicit: boolean;
  /**
   * The first reply by a human agent, credited to the agent who replied, measured from the moment the
   * cycle started waiting for a human: the bot -> agent handoff when the cycle began with a bot, else the
   * first customer message of the cycle.
   */
  firstHumanReply: MeasuredReply | null;
  /** The first bot reply, measured from the first customer message of the cycle. */
  firstBotReply: MeasuredReply | null;
  turns: CustomerTurn[];
  inboundCount: number;
  /** Every outbound message of the cycle: agent, bot, campaign and template. */
  outboundCount: number;
  agentMessageCount: number;
  botMessageCount: number;
  /** Campaign and system messages: sent, but never a reply to a customer turn. */
  automatedMessageCount: number;
  /** Time of the last message of the cycle (or its start): the inactivity clock. */
  lastMessageAt: number;
  statusSpans: StatusSpan[];
  teamSpans: TeamSpan[];
  /** Seconds per status over the finished spans (plus the current one up to `now` in an `asOf` view). */
  timeInStatus: Partial<Record<ConversationStatus, number>>;
  /** Seconds per team, in order of first appearance; same counting as `timeInStatus`. */
  timeInTeam: TeamTime[];
  /** Owner and team changes made while the cycle was active. */
  handoffs: Handoff[];
  handoffCount: number;
  service: CycleService;
  /** Organisation of the cycle: current while it is the conversation's last cycle (wrap-up included). */
  priority: Priority | null;
  conversationType: ConversationType | null;
  tags: string[];
  deal: Deal | null;
  end: CycleEnd | null;
  /** `end.at - startedAt`, credited to `end.owner`. */
  resolutionSeconds: number | null;
  /** Set on an ended cycle when the conversation is reopened after it. */
  reopened: boolean;
  reopenedAt: number | null;
  csat: CsatRating | null;
}

export interface SourceAttribution {
  /** Where the values come from: the conversation's first inbound message, its opening template, or the contact. */
  origin: 'inbound' | 'template' | 'contact';
  /** ad, web, qr, referral, organic, campaign, or the source's own word. */
  kind: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmContent: string | null;
  utmTerm: string | null;
  /** Click-to-WhatsApp click id (Cloud API `referral.ctwa_clid`). */
  ctwaClid: string | null;
  adId: string | null;
  adUrl: string | null;
  adHeadline: string | null;
  campaignId: string | null;
}

export interface NextAction {
  text: string;
  dueAt: number | null;
  setBy: string | null;
  setAt: number;
}

/** An internal note: never sent to the customer. */
export interface Note {
  id: string;
  text: string;
  mentions: string[];
  author: Actor;
  at: number;
}

/** One case with one contact on one channel (or one source `chatId`), folded from its events. */
export interface ConversationState {
  id: ConversationId;
  threadKey: string;
  /** 1 for the thread's first conversation, 2 for the next ... */
  ordinal: number;
  /** The source's own conversation id, when it sends one. */
  chatId: string | null;
  contactId: ContactId | null;
  channel: string;
  /** Number of events applied to this conversation: the optimistic-concurrency version of commands. */
  version: number;
  openedAt: number;
  status: ConversationStatus;
  statusSince: number;
  snoozedUntil: number | null;
  /** Current service mode; unknown (`null`) at the start of each cycle until a reply or signal. */
  serviceMode: ServiceMode | null;
  owner: Owner | null;
  team: string | null;
  /** Sorted. */
  watchers: string[];
  /** Every owner and team change, cycles and in between. */
  handoffs: Handoff[];
  /** Sorted. */
  tags: string[];
  priority: Priority | null;
  conversationType: ConversationType | null;
  source: SourceAttribution | null;
  deal: Deal | null;
  nextAction: NextAction | null;
  notes: Note[];
  lastInboundAt: number | null;
  lastOutboundAt: number | null;
  lastActivityAt: number;
  /**
   * The conversation that followed this one in its thread (the customer wrote after the reopen window).
   * A superseded conversation still takes notes, tags and ratings, but no longer changes status or owner.
   */
  supersededBy: ConversationId | null;
  cycles: Cycle[];
  /**
   * When a CSAT survey was sent and not yet answered (absent otherwise): the customer's next message, if it
   * is a rating, rates the last cycle instead of reopening it.
   */
  pendingSurveyAt?: number;
}
