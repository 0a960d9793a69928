/**
 * What the demo plays: a conversation is a list of steps (a customer writes, the bot answers, the bot hands
 * the chat to an agent, an agent replies, tags, notes, a CSAT survey, a resolution, a reopen...), each with
 * the script time to wait before it. Plans are pure data from a seed: the same seed plans the same
 * customers, stories, texts, delays and delivery statuses. The live driver plays them at `--speed`, the
 * history backfill at past timestamps.
 */
import type { ConversationType, Priority } from '../domain/conversation/vocabulary.js';
import type { Customer, Lang } from './customers.js';

export type Team = 'sales' | 'support';

export interface Agent {
  /** The id chatledger records (`X-Agent-Id`, `agentId`) and notes mention (`@id`). */
  id: string;
  name: string;
  team: Team;
}

/** The business's assistant: its messages are `message.sent` with `serviceMode: bot`. */
export const BOT = { id: 'bot-luna', name: 'Luna' } as const;

/** The demo business's agents, two per team and language, so that notes can mention a teammate. */
export const AGENTS: Record<Team, Record<Lang, readonly [Agent, Agent]>> = {
  sales: {
    es: [
      { id: 'ana', name: 'Ana', team: 'sales' },
      { id: 'diego', name: 'Diego', team: 'sales' },
    ],
    pt: [
      { id: 'lucas', name: 'Lucas', team: 'sales' },
      { id: 'rafaela', name: 'Rafaela', team: 'sales' },
    ],
    en: [
      { id: 'sarah', name: 'Sarah', team: 'sales' },
      { id: 'mike', name: 'Mike', team: 'sales' },
    ],
  },
  support: {
    es: [
      { id: 'marta', name: 'Marta', team: 'support' },
      { id: 'pablo', name: 'Pablo', team: 'support' },
    ],
    pt: [
      { id: 'joao', name: 'João', team: 'support' },
      { id: 'beatriz', name: 'Beatriz', team: 'support' },
    ],
    en: [
      { id: 'emily', name: 'Emily', team: 'support' },
      { id: 'tom', name: 'Tom', team: 'support' },
    ],
  },
};

export type DeliveryStatus = 'sent' | 'delivered' | 'read';

/**
 * One status notification Meta posts for an outbound message, `after` ms of script time after the previous
 * one. `earlierBy`: the status happened this long before the previous one but arrives after it (a
 * `delivered` that comes after its `read`). `repeat`: Meta delivers the previous notification again.
 */
export interface StatusStep {
  after: number;
  status: DeliveryStatus;
  earlierBy?: number;
  repeat?: boolean;
}

export interface Button {
  id: string;
  title: string;
}

export type Action =
  | {
      kind: 'customer';
      text: string;
      /** A photo, with `text` as its caption. */
      image?: boolean;
      /** A tap on one of the bot's reply buttons. */
      button?: Button;
      /** A CSAT answer (1-5): also reported as `csat.submitted`. */
      rating?: number;
      /** The first message after a resolution: it reopens the conversation. */
      reopens?: boolean;
    }
  | { kind: 'bot'; text: string; buttons?: Button[]; survey?: boolean; statuses: StatusStep[] }
  | { kind: 'agent'; agent: Agent; text: string; statuses: StatusStep[] }
  | { kind: 'handoff'; agent: Agent; reason: string }
  | { kind: 'tag'; tag: string; by: Agent | null }
  | { kind: 'priority'; priority: Priority; by: Agent | null }
  | { kind: 'type'; conversationType: ConversationType; by: Agent | null }
  | { kind: 'note'; agent: Agent; text: string }
  /** `by: null` is the bot closing a self-served chat. */
  | { kind: 'resolve'; by: Agent | null; resolutionType: string }
  | { kind: 'deal'; agent: Agent; stage: 'won'; value: number; currency: string };

export interface Step {
  /** Script milliseconds to wait after the previous step (divided by `--speed` when played live). */
  after: number;
  action: Action;
}

export type StoryName = 'wholesale' | 'order-status' | 'damaged-delivery' | 'machine-fault' | 'store-hours';

export interface ConversationPlan {
  /** The conversation's number in its run (live) or backfill (history). */
  index: number;
  story: StoryName;
  customer: Customer;
  steps: Step[];
}

/** Script milliseconds from the first step to the last (statuses not included). */
export const planDuration = (plan: ConversationPlan): number =>
  plan.steps.reduce((sum, step) => sum + step.after, 0);
