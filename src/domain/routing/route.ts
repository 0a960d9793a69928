import { hasSkills, hasSpareCapacity, type RoutingAgent } from './agents.js';
import type { RoutingConditions, RoutingRule, TeamRouting } from './routing-config.js';
import { compareWaiting, type RoutingRequest } from './routing-queue.js';

/**
 * Assignment: which agent of a team gets a chat, or why it waits. Pure: the same request, team state and
 * agents give the same answer on every node.
 *
 * For one chat, in order:
 * 1. **Sticky**: on a sticky team, the customer's previous agent, if they are a member, `online` and below
 *    capacity (skills are not asked: they served this customer before). Otherwise, on to the strategy.
 * 2. **Eligible** agents: members of the team, `online`, below capacity, with every skill the request and its
 *    required rules ask for. None: the chat queues (reason `no-agent-online`, `no-skilled-agent` or
 *    `all-at-capacity`). Among them, those with every preferred skill, if any.
 * 3. **Strategy**. `round-robin`: members in id order as a circle; the first eligible after the team's cursor
 *    (the agent round robin chose last), so over many chats every available agent gets the same number, ±1.
 *    `least-loaded`: the lowest load ÷ capacity (a part-timer with capacity 2 is as busy with 1 chat as a
 *    full-timer with 5), then the lower load, then the longest since their last assignment, then the id.
 *
 * The queue is served longest waiting first: `drainQueue` takes each waiting chat in that order and gives it
 * an agent if one is eligible, so an agent who frees up goes to the oldest chat they can take; a chat that
 * nobody can take (its skill is missing) does not hold up the ones behind it. `route` puts a new chat at the
 * end of that queue and drains, so a new chat never overtakes an older one that the same agent could take.
 * Loads count as they are handed out, so capacity is never exceeded within a call.
 */

export type AssignmentReason = 'sticky' | 'round-robin' | 'least-loaded';
export type QueueReason = 'no-agent-online' | 'no-skilled-agent' | 'all-at-capacity';

export interface RoutingAssignment {
  conversationId: string;
  cycleIndex: number;
  team: string;
  agentId: string;
  reason: AssignmentReason;
  /** When the chat started waiting. */
  since: number;
  /** The moment of the decision (`now`). */
  at: number;
  waitedMs: number;
}

/** A team's routing at a moment: its settings, its round-robin cursor, its waiting chats. */
export interface TeamRoutingState {
  config: TeamRouting;
  /** The agent round robin chose last (routing-state.ts), `null` before the first. */
  cursor: string | null;
  queue: readonly RoutingRequest[];
}

export type RouteDecision =
  | { kind: 'assigned'; assignment: RoutingAssignment }
  | { kind: 'queued'; reason: QueueReason; /** 1 = next in line */ position: number };

export interface DrainResult {
  /** In queue order. */
  assignments: RoutingAssignment[];
  /** The team after the assignments: cursor moved, assigned chats out of the queue. */
  team: TeamRoutingState;
  /** The agents with the new loads and last-assignment times. */
  agents: RoutingAgent[];
}

export interface RouteResult extends DrainResult {
  /** What happened to the routed chat. */
  decision: RouteDecision;
}

const matches = (
  values: readonly string[] | null,
  value: string | null,
  test = (a: string, b: string) => a === b,
) => values === null || (value !== null && values.some((candidate) => test(candidate, value)));

const languageMatches = (rule: string, language: string) => {
  const lower = language.toLowerCase();
  return lower === rule || lower.startsWith(`${rule}-`);
};

export function ruleMatches(when: RoutingConditions, request: RoutingRequest): boolean {
  return (
    matches(when.languages, request.language, languageMatches) &&
    matches(when.countries, request.country?.toUpperCase() ?? null) &&
    matches(when.sources, request.source?.toLowerCase() ?? null) &&
    matches(when.types, request.conversationType?.toLowerCase() ?? null) &&
    (when.skills === null || when.skills.some((skill) => request.skills.includes(skill)))
  );
}

/** The skills a request requires and prefers under a team's rules (every matching rule applies). */
export function skillsFor(
  rules: readonly RoutingRule[],
  request: RoutingRequest,
): { required: string[]; preferred: string[] } {
  const required = new Set(request.skills);
  const preferred = new Set<string>();
  for (const rule of rules) {
    if (!ruleMatches(rule.when, request)) continue;
    for (const skill of rule.skills) (rule.required ? required : preferred).add(skill);
  }
  return { required: [...required], preferred: [...preferred] };
}

const byId = (a: RoutingAgent, b: RoutingAgent) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function roundRobin(pool: readonly RoutingAgent[], cursor: string | null): RoutingAgent {
  const sorted = [...pool].sort(byId);
  return (cursor === null ? undefined : sorted.find((agent) => agent.id > cursor)) ?? sorted[0]!;
}

function leastLoaded(pool: readonly RoutingAgent[]): RoutingAgent {
  return [...pool].sort(
    (a, b) =>
      a.load / a.capacity - b.load / b.capacity ||
      a.load - b.load ||
      (a.lastAssignedAt ?? -Infinity) - (b.lastAssignedAt ?? -Infinity) ||
      byId(a, b),
  )[0]!;
}

/** The agent for one request, or why there is none (see the module comment). */
export function pickAgent(
  request: RoutingRequest,
  team: Pick<TeamRoutingState, 'config' | 'cursor'>,
  agents: readonly RoutingAgent[],
): { agent: RoutingAgent; reason: AssignmentReason } | { agent: null; reason: QueueReason } {
  const members = agents.filter((agent) => agent.teams.includes(team.config.team));
  const online = members.filter((agent) => agent.status === 'online');
  if (team.config.sticky && request.previousOwner !== null) {
    const previous = online.find((agent) => agent.id === request.previousOwner);
    if (previous !== undefined && hasSpareCapacity(previous)) return { agent: previous, reason: 'sticky' };
  }
  const { required, preferred } = skillsFor(team.config.rules, request);
  const skilled = online.filter((agent) => hasSkills(agent, required));
  const eligible = skilled.filter(hasSpareCapacity);
  if (eligible.length === 0) {
    const reason =
      online.length === 0 ? 'no-agent-online' : skilled.length === 0 ? 'no-skilled-agent' : 'all-at-capacity';
    return { agent: null, reason };
  }
  const favoured = eligible.filter((agent) => hasSkills(agent, preferred));
  const pool = favoured.length > 0 ? favoured : eligible;
  return team.config.strategy === 'round-robin'
    ? { agent: roundRobin(pool, team.cursor), reason: 'round-robin' }
    : { agent: leastLoaded(pool), reason: 'least-loaded' };
}

/** Assigns waiting chats of `team`, longest waiting first, as far as agents and capacity allow. */
export function drainQueue(
  team: TeamRoutingState,
  agents: readonly RoutingAgent[],
  now: number,
): DrainResult {
  let current = agents.map((agent) => ({ ...agent }));
  let cursor = team.cursor;
  const assignments: RoutingAssignment[] = [];
  const waiting: RoutingRequest[] = [];
  for (const request of [...team.queue].sort(compareWaiting)) {
    const pick = pickAgent(request, { config: team.config, cursor }, current);
    if (pick.agent === null) {
      waiting.push(request);
      continue;
    }
    const chosen = pick.agent.id;
    current = current.map((agent) =>
      agent.id === chosen ? { ...agent, load: agent.load + 1, lastAssignedAt: now } : agent,
    );
    if (pick.reason === 'round-robin') cursor = chosen;
    assignments.push({
      conversationId: request.conversationId,
      cycleIndex: request.cycleIndex,
      team: team.config.team,
      agentId: chosen,
      reason: pick.reason,
      since: request.since,
      at: now,
      waitedMs: Math.max(0, now - request.since),
    });
  }
  return { assignments, team: { ...team, cursor, queue: waiting }, agents: current };
}

/**
 * Routes one chat: it joins the team's queue (replacing an older request of the same conversation) and the
 * queue is drained. The decision says what became of this chat; `assignments` also lists older waiting chats
 * that could be placed (capacity had freed since the last drain).
 */
export function route(
  request: RoutingRequest,
  team: TeamRoutingState,
  agents: readonly RoutingAgent[],
  now: number,
): RouteResult {
  const queue = [
    ...team.queue.filter((waiting) => waiting.conversationId !== request.conversationId),
    request,
  ];
  const result = drainQueue({ ...team, queue }, agents, now);
  const assignment = result.assignments.find(
    (candidate) => candidate.conversationId === request.conversationId,
  );
  if (assignment !== undefined) return { ...result, decision: { kind: 'assigned', assignment } };
  const position =
    result.team.queue.findIndex((waiting) => waiting.conversationId === request.conversationId) + 1;
  const why = pickAgent(request, result.team, result.agents);
  const reason: QueueReason = why.agent === null ? why.reason : 'all-at-capacity';
  return { ...result, decision: { kind: 'queued', reason, position } };
}
