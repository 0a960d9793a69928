import type { ConversationState } from '../conversation/conversation-state.js';
import { draftFor, type EventDraft } from '../conversation/event-draft.js';
import type { QueueReason, RoutingAssignment } from './route.js';
import type { RoutingRequest } from './routing-queue.js';

/**
 * The events routing appends, as drafts (actor `{type: "system", id: "routing"}`):
 * - `chat.assigned` {chatId?, agentId, teamId, assignedBy: "routing", reason, routing: {strategy, since,
 *   waitedMs}}: the conversation engine applies it like any assignment; `routing.strategy` (`sticky`,
 *   `round-robin`, `least-loaded`) is what moves a team's round-robin cursor (routing-state.ts). Key
 *   `routing:<conversationId>:<cycle>:<since>`: one assignment per wait, whichever node decides first.
 * - `routing.queued` {chatId?, teamId, reason, since, position}: the timeline's "waiting for an agent"; key
 *   `routing.queued:<conversationId>:<cycle>:<since>`. Informational: the queue itself is derived from the
 *   conversations (routing-queue.ts), so a lost `routing.queued` loses no chat.
 */

const ROUTING_ACTOR = { type: 'system', id: 'routing' } as const;

export const assignmentKey = (conversationId: string, cycleIndex: number, since: number): string =>
  `routing:${conversationId}:${cycleIndex}:${since}`;

export function assignmentDraft(conversation: ConversationState, assignment: RoutingAssignment): EventDraft {
  return draftFor(
    conversation,
    'chat.assigned',
    {
      agentId: assignment.agentId,
      teamId: assignment.team,
      assignedBy: 'routing',
      reason: assignment.reason,
      routing: { strategy: assignment.reason, since: assignment.since, waitedMs: assignment.waitedMs },
    },
    {
      idempotencyKey: assignmentKey(assignment.conversationId, assignment.cycleIndex, assignment.since),
      at: Math.max(assignment.at, conversation.lastActivityAt + 1),
      actor: ROUTING_ACTOR,
    },
  );
}

export function queuedDraft(
  conversation: ConversationState,
  request: RoutingRequest,
  decision: { reason: QueueReason; position: number },
  now: number,
): EventDraft {
  return draftFor(
    conversation,
    'routing.queued',
    { teamId: request.team, reason: decision.reason, since: request.since, position: decision.position },
    {
      idempotencyKey: `routing.queued:${request.conversationId}:${request.cycleIndex}:${request.since}`,
      at: now,
      actor: ROUTING_ACTOR,
    },
  );
}
