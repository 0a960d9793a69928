import type { ConversationState } from '../conversation/conversation-state.js';
import type { RoutingConfig } from './routing-config.js';

/**
 * Which conversations wait for an agent, since when, and what they ask of one: the routing requests.
 *
 * A conversation waits for an agent when its cycle is active, it is not superseded, it has no owner, and an
 * agent is wanted: it was handed to the agents (service mode `agent`: the bot → agent handoff enters
 * routing here), or nobody serves it yet and the workspace routes new chats (`routeNewChats`). A chat a bot
 * serves does not wait. A reopened conversation keeps its owner (the engine's rule), so it is not routed
 * again unless someone clears the owner.
 *
 * It waits since the latest of: the start of the cycle, the bot → agent handoff, the last handoff that left
 * it without an owner (an agent unassigned, an escalation sent it to another team). The queue is ordered by
 * that moment, longest waiting first; ties by conversation id, so every node orders it the same way.
 */

export interface RoutingRequest {
  conversationId: string;
  cycleIndex: number;
  team: string;
  /** When it started waiting for an agent: the queue order and the key of its assignment. */
  since: number;
  /** BCP 47 language of the customer (`es`, `pt-BR`), when known. */
  language: string | null;
  /** ISO 3166 alpha-2 country of the customer, when known. */
  country: string | null;
  /** The conversation's source kind (ad, web, qr, referral, organic, campaign …). */
  source: string | null;
  conversationType: string | null;
  /** Skills the request itself requires (e.g. set by a bot that classified the question). */
  skills: readonly string[];
  /** The agent who owned this customer's previous conversation (stickiness), when known. */
  previousOwner: string | null;
}

/** When `conversation` started waiting for an agent, or `null` when it does not wait for one. */
export function waitingForAgentSince(
  conversation: ConversationState,
  options: Pick<RoutingConfig, 'routeNewChats'>,
): number | null {
  const cycle = conversation.cycles.at(-1);
  if (
    cycle === undefined ||
    cycle.end !== null ||
    conversation.supersededBy !== null ||
    conversation.owner !== null
  ) {
    return null;
  }
  const wanted =
    conversation.serviceMode === 'agent' || (conversation.serviceMode === null && options.routeNewChats);
  if (!wanted) return null;
  let since = Math.max(cycle.startedAt, cycle.handoffAt ?? -Infinity);
  for (const handoff of cycle.handoffs) {
    if (handoff.to.owner === null && handoff.at > since) since = handoff.at;
  }
  return since;
}

/**
 * The routing request of `conversation`, or `null` when it does not wait for an agent or has no team
 * (its own, else the workspace's `defaultTeam`). What the conversation does not know (language, country,
 * skills, the previous owner) comes from `context`.
 */
export function routingRequestFor(
  conversation: ConversationState,
  config: Pick<RoutingConfig, 'routeNewChats' | 'defaultTeam'>,
  context: {
    language?: string | null;
    country?: string | null;
    skills?: readonly string[];
    previousOwner?: string | null;
  } = {},
): RoutingRequest | null {
  const since = waitingForAgentSince(conversation, config);
  const team = conversation.team ?? config.defaultTeam;
  if (since === null || team === null) return null;
  return {
    conversationId: conversation.id,
    cycleIndex: conversation.cycles.length - 1,
    team,
    since,
    language: context.language ?? null,
    country: context.country ?? null,
    source: conversation.source?.kind ?? null,
    conversationType: conversation.conversationType,
    skills: context.skills ?? [],
    previousOwner: context.previousOwner ?? null,
  };
}

/**
 * The agent who owned the customer's most recent ended cycle before `conversation` (its own earlier cycles,
 * then the thread's earlier conversations): whom a sticky team sends the customer back to.
 */
export function previousAgentOf(
  thread: readonly ConversationState[],
  conversation: ConversationState,
): string | null {
  const index = thread.findIndex((candidate) => candidate.id === conversation.id);
  const earlier = index === -1 ? thread : thread.slice(0, index + 1);
  for (let i = earlier.length - 1; i >= 0; i -= 1) {
    const cycles = earlier[i]!.cycles;
    for (let c = cycles.length - 1; c >= 0; c -= 1) {
      const owner = cycles[c]!.end?.owner;
      if (owner?.type === 'agent') return owner.id;
    }
  }
  return null;
}

/** Longest waiting first; ties by conversation id. */
export const compareWaiting = (a: RoutingRequest, b: RoutingRequest): number =>
  a.since - b.since ||
  (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0);
