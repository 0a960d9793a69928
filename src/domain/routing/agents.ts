/**
 * Agents as routing sees them: who they are (profile: teams, skills, capacity — configuration), whether
 * they can take a chat now (availability — events, availability.ts) and how busy they are (load — the
 * conversations they own, routing-queue.ts).
 */

/** `online` takes new chats; `away` keeps their chats but takes no new ones; `offline` neither. */
export const AGENT_STATUSES = ['online', 'away', 'offline'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];
export const isAgentStatus = (value: unknown): value is AgentStatus =>
  (AGENT_STATUSES as readonly unknown[]).includes(value);

/** Configuration of an agent (users / agents settings). */
export interface AgentProfile {
  id: string;
  teams: readonly string[];
  /** Free-form skills routing rules ask for: languages (`es`), products (`billing`), tiers (`vip`). */
  skills: readonly string[];
  /** Most active conversations routing gives them; `null` = the workspace default. */
  capacity: number | null;
}

/** An agent at the moment of a routing decision. */
export interface RoutingAgent {
  id: string;
  teams: readonly string[];
  skills: readonly string[];
  /** Most active conversations routing gives them (0 = none). */
  capacity: number;
  status: AgentStatus;
  /** Active (not ended) conversations they own now. */
  load: number;
  /** Their latest assignment (by routing or by hand), `null` if never: the least-loaded tie-break. */
  lastAssignedAt: number | null;
}

export const hasSpareCapacity = (agent: RoutingAgent): boolean => agent.load < agent.capacity;
export const hasSkills = (agent: RoutingAgent, skills: readonly string[]): boolean =>
  skills.every((skill) => agent.skills.includes(skill));
