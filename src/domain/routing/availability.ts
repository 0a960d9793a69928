import { compareByEventTime, type Actor } from '../events.js';
import type { EventDraft } from '../conversation/event-draft.js';
import type { ThreadEvent } from '../conversation/conversation-state.js';
import { isAgentStatus, type AgentStatus } from './agents.js';

/**
 * Agent availability, with its history, from `agent.status_changed` events
 * {agentId, status: online | away | offline, reason?}. The latest event by event time wins (ties: the
 * idempotency key, as everywhere), so any arrival order gives the same state. An agent with no event is
 * `offline`: nobody is routed chats before they say they are there.
 */

export const AGENT_STATUS_CHANGED = 'agent.status_changed';

export interface AgentAvailability {
  status: AgentStatus;
  since: number;
}

export interface AvailabilitySpan {
  agentId: string;
  status: AgentStatus;
  from: number;
  /** `null` while current. */
  to: number | null;
}

type AvailabilityEvent = Pick<ThreadEvent, 'type' | 'eventTime' | 'idempotencyKey' | 'payload'>;

function readChange(event: AvailabilityEvent): { agentId: string; status: AgentStatus } | null {
  if (event.type !== AGENT_STATUS_CHANGED) return null;
  const { agentId, status } = event.payload.properties;
  return typeof agentId === 'string' && agentId !== '' && isAgentStatus(status) ? { agentId, status } : null;
}

/** The availability after `event`; events must come in `compareByEventTime` order (see `availabilityOf`). */
export function evolveAvailability(
  state: ReadonlyMap<string, AgentAvailability>,
  event: AvailabilityEvent,
): ReadonlyMap<string, AgentAvailability> {
  const change = readChange(event);
  if (change === null) return state;
  const current = state.get(change.agentId);
  if (current?.status === change.status) return state;
  return new Map(state).set(change.agentId, { status: change.status, since: event.eventTime });
}

const inOrder = <E extends AvailabilityEvent>(events: readonly E[]): E[] => {
  const seen = new Set<string>();
  return [...events].sort(compareByEventTime).filter((event) => {
    if (seen.has(event.idempotencyKey)) return false;
    seen.add(event.idempotencyKey);
    return true;
  });
};

/** Every agent's availability from the set of events (any order, duplicates counted once). */
export function availabilityOf(events: readonly AvailabilityEvent[]): ReadonlyMap<string, AgentAvailability> {
  return inOrder(events).reduce(evolveAvailability, new Map<string, AgentAvailability>());
}

/** The status of `agentId` (`offline` when unknown). */
export const statusOf = (
  availability: ReadonlyMap<string, AgentAvailability>,
  agentId: string,
): AgentStatus => availability.get(agentId)?.status ?? 'offline';

/** The availability history as spans per agent, sorted by agent then time; a repeated status extends its span. */
export function availabilityHistory(events: readonly AvailabilityEvent[]): AvailabilitySpan[] {
  const spans: AvailabilitySpan[] = [];
  const open = new Map<string, AvailabilitySpan>();
  for (const event of inOrder(events)) {
    const change = readChange(event);
    if (change === null) continue;
    const current = open.get(change.agentId);
    if (current?.status === change.status) continue;
    if (current !== undefined) current.to = event.eventTime;
    const span: AvailabilitySpan = {
      agentId: change.agentId,
      status: change.status,
      from: event.eventTime,
      to: null,
    };
    spans.push(span);
    open.set(change.agentId, span);
  }
  return spans.sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : a.from - b.from));
}

/**
 * The `agent.status_changed` event to append when an agent (or a supervisor, or the system on sign-out)
 * changes an agent's status. Key `agent.status:<agentId>:<at>:<status>`: the same change submitted twice counts once.
 */
export function agentStatusDraft(
  agentId: string,
  status: AgentStatus,
  at: number,
  actor: Actor,
  options: { reason?: string | null; channel?: string } = {},
): EventDraft {
  return {
    idempotencyKey: `agent.status:${agentId}:${at}:${status}`,
    type: AGENT_STATUS_CHANGED,
    eventTime: at,
    channel: options.channel ?? 'api',
    actor,
    subjects: { contactId: null, conversationId: null, messageId: null },
    payload: { properties: { agentId, status, reason: options.reason ?? null }, context: {} },
  };
}
