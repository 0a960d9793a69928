import { compareByEventTime, type Json } from '../events.js';
import type { ConversationState, ThreadEvent } from '../conversation/conversation-state.js';
import { type AgentProfile, type RoutingAgent } from './agents.js';
import { evolveAvailability, statusOf, type AgentAvailability } from './availability.js';
import type { RoutingConfig } from './routing-config.js';

/**
 * The routing state, and where each part comes from. Nothing here is stored for its own sake: all of it
 * is derived, so a rebuild gives the same routing.
 *
 * | part                        | derived from                                                               |
 * |-----------------------------|----------------------------------------------------------------------------|
 * | availability (+ history)    | `agent.status_changed` {agentId, status}                                   |
 * | round-robin cursor per team | the latest `chat.assigned` whose `routing.strategy` is `round-robin`: its `teamId` → `agentId` |
 * | last assignment per agent   | the latest `chat.assigned` naming the agent (by routing or by hand)        |
 * | load per agent              | the conversations projection: active conversations the agent owns          |
 * | queue per team              | the conversations projection: active conversations waiting for an agent (routing-queue.ts) |
 *
 * Loads and the queue come from the conversation engine's state (itself folded from `message.*`,
 * `chat.assigned`, `agent.handoff`, `chat.resolved`, `chat.status_changed` …) rather than from a second
 * fold of those events: who owns a chat, whether it is active and whether a reopen brought it back are
 * the engine's decisions, and a copy of them would drift.
 */
export interface RoutingLedgerState {
  availability: ReadonlyMap<string, AgentAvailability>;
  /** Team → the agent round robin assigned last. */
  cursors: ReadonlyMap<string, string>;
  /** Agent → their latest assignment. */
  lastAssignedAt: ReadonlyMap<string, number>;
}

export const emptyRoutingLedger = (): RoutingLedgerState => ({
  availability: new Map(),
  cursors: new Map(),
  lastAssignedAt: new Map(),
});

type RoutingEvent = Pick<ThreadEvent, 'type' | 'eventTime' | 'idempotencyKey' | 'payload'>;

const stringOf = (value: Json | undefined): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

/** The state after `event`; events must come in `compareByEventTime` order (see `foldRoutingLedger`). */
export function evolveRoutingLedger(state: RoutingLedgerState, event: RoutingEvent): RoutingLedgerState {
  if (event.type === 'agent.status_changed') {
    const availability = evolveAvailability(state.availability, event);
    return availability === state.availability ? state : { ...state, availability };
  }
  if (event.type !== 'chat.assigned') return state;
  const props = event.payload.properties;
  const agentId = stringOf(props['agentId']);
  if (agentId === null) return state;
  const lastAssignedAt = new Map(state.lastAssignedAt).set(agentId, event.eventTime);
  const routing = props['routing'];
  const strategy =
    routing !== null && typeof routing === 'object' && !Array.isArray(routing) ? routing['strategy'] : null;
  const team = stringOf(props['teamId']);
  if (strategy !== 'round-robin' || team === null) return { ...state, lastAssignedAt };
  return { ...state, lastAssignedAt, cursors: new Map(state.cursors).set(team, agentId) };
}

/** The routing ledger state from the set of events (any order; duplicates of a key counted once). */
export function foldRoutingLedger(events: readonly RoutingEvent[]): RoutingLedgerState {
  const seen = new Set<string>();
  let state = emptyRoutingLedger();
  for (const event of [...events].sort(compareByEventTime)) {
    if (seen.has(event.idempotencyKey)) continue;
    seen.add(event.idempotencyKey);
    state = evolveRoutingLedger(state, event);
  }
  return state;
}

/** Active (not ended) conversations per owning agent. Superseded conversations have ended by construction. */
export function agentLoads(
  conversations: Iterable<Pick<ConversationState, 'owner' | 'cycles'>>,
): Map<string, number> {
  const loads = new Map<string, number>();
  for (const conversation of conversations) {
    const owner = conversation.owner;
    const cycle = conversation.cycles.at(-1);
    if (owner?.type !== 'agent' || cycle === undefined || cycle.end !== null) continue;
    loads.set(owner.id, (loads.get(owner.id) ?? 0) + 1);
  }
  return loads;
}

/** The agents as routing sees them now: profiles, with availability, load and last assignment. */
export function routingAgents(
  profiles: readonly AgentProfile[],
  ledger: RoutingLedgerState,
  loads: ReadonlyMap<string, number>,
  config: Pick<RoutingConfig, 'defaultCapacity'>,
): RoutingAgent[] {
  return profiles.map((profile) => ({
    id: profile.id,
    teams: profile.teams,
    skills: profile.skills,
    capacity: profile.capacity ?? config.defaultCapacity,
    status: statusOf(ledger.availability, profile.id),
    load: loads.get(profile.id) ?? 0,
    lastAssignedAt: ledger.lastAssignedAt.get(profile.id) ?? null,
  }));
}
