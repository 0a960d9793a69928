import type { JsonObject } from '../events.js';
import {
  MAX_NEXT_ACTION_LENGTH,
  MAX_NOTE_LENGTH,
  MAX_TAG_LENGTH,
  type CommandContext,
  type ConversationCommand,
} from './commands.js';
import type { ConversationState, Owner } from './conversation-state.js';
import { domainError, type DomainError } from './domain-error.js';
import { draftFor, type EventDraft } from './event-draft.js';
import { isoTime } from './event-properties.js';
import { isEnded, wakeFromSnooze } from './lifecycle.js';
import { parseMentions } from './mentions.js';
import { sameOwner } from './ownership.js';
import { isConversationStatus, isEndingStatus, parseConversationType, parsePriority } from './vocabulary.js';

export type Decision = { ok: true; events: EventDraft[] } | { ok: false; error: DomainError };

type Emit = (type: string, properties: JsonObject) => Decision;

/**
 * Checks a command against the conversation as it stands at `ctx.now` and turns it into the event to
 * append, or says why it does not apply. `state` is `null` when no conversation has the requested id.
 * Pure: the HTTP layer loads the state, calls `decide`, and appends the drafts (conditionally on the
 * version it loaded, so a concurrent command is caught even between load and append).
 */
export function decide(
  command: ConversationCommand,
  state: ConversationState | null,
  ctx: CommandContext,
): Decision {
  if (state === null) return fail(domainError('not_found', 'No conversation with this id.'));
  if (ctx.expectedVersion !== undefined && ctx.expectedVersion !== state.version) {
    return fail(
      domainError('version_conflict', 'The conversation changed since you loaded it; reload and try again.', {
        expectedVersion: ctx.expectedVersion,
        currentVersion: state.version,
      }),
    );
  }
  if (state.supersededBy !== null && (command.type === 'assign' || command.type === 'change-status')) {
    return fail(
      domainError(
        'conversation_superseded',
        'The customer has a newer conversation on this chat; act on that one.',
        { supersededBy: state.supersededBy },
      ),
    );
  }
  const conversation = wakeFromSnooze(state, ctx.now);
  const idempotencyKey = `cmd:${ctx.commandId ?? `${conversation.id}:v${conversation.version}`}`;
  // Strictly after the last event: an event with the same time could sort either side of it.
  const at = Math.max(ctx.now, conversation.lastActivityAt + 1);
  const emit: Emit = (type, properties) => ({
    ok: true,
    events: [draftFor(conversation, type, properties, { idempotencyKey, at, actor: ctx.actor })],
  });
  switch (command.type) {
    case 'assign':
      return decideAssign(command, conversation, ctx, emit);
    case 'change-status':
      return decideStatus(command, conversation, ctx, emit);
    case 'add-tag':
    case 'remove-tag': {
      const tag = command.tag.trim();
      if (tag === '' || tag.length > MAX_TAG_LENGTH) {
        return fail(domainError('invalid_tag', `A tag is 1 to ${MAX_TAG_LENGTH} characters.`));
      }
      const present = conversation.tags.includes(tag);
      if (command.type === 'add-tag') {
        return present
          ? fail(domainError('tag_already_present', `The conversation is already tagged "${tag}".`, { tag }))
          : emit('chat.tagged', { tag });
      }
      return present
        ? emit('chat.untagged', { tag })
        : fail(domainError('tag_not_present', `The conversation is not tagged "${tag}".`, { tag }));
    }
    case 'set-priority': {
      const priority = parsePriority(command.priority);
      if (priority === null)
        return fail(domainError('invalid_priority', 'Priority is one of P0, P1, P2, P3.'));
      if (priority === conversation.priority) {
        return fail(domainError('priority_unchanged', `The priority is already ${priority}.`));
      }
      return emit('chat.priority_changed', { priority });
    }
    case 'set-type': {
      const conversationType = parseConversationType(command.conversationType);
      if (conversationType === null) {
        return fail(
          domainError(
            'invalid_type',
            'Type is one of inquiry, support, complaint, opportunity, renewal, feedback, onboarding.',
          ),
        );
      }
      if (conversationType === conversation.conversationType) {
        return fail(domainError('type_unchanged', `The type is already ${conversationType}.`));
      }
      return emit('chat.type_changed', { conversationType });
    }
    case 'add-note': {
      const text = command.text.trim();
      if (text === '' || text.length > MAX_NOTE_LENGTH) {
        return fail(domainError('invalid_note', `A note is 1 to ${MAX_NOTE_LENGTH} characters.`));
      }
      // The mentions ride along for whoever notifies the teammates; the state parses the text itself.
      return emit('chat.note_added', { text, mentions: parseMentions(text) });
    }
    case 'add-watcher':
    case 'remove-watcher': {
      const watcherId = command.watcherId.trim();
      if (watcherId === '') return fail(domainError('invalid_watcher', 'A watcher id is required.'));
      const present = conversation.watchers.includes(watcherId);
      if (command.type === 'add-watcher') {
        return present
          ? fail(domainError('watcher_already_present', `${watcherId} already watches the conversation.`))
          : emit('chat.watcher_added', { watcherId });
      }
      return present
        ? emit('chat.watcher_removed', { watcherId })
        : fail(domainError('watcher_not_present', `${watcherId} does not watch the conversation.`));
    }
    case 'update-deal':
      return decideDeal(command, emit);
    case 'set-next-action': {
      const text = command.text.trim();
      if (text === '' || text.length > MAX_NEXT_ACTION_LENGTH) {
        return fail(
          domainError('invalid_next_action', `A next action is 1 to ${MAX_NEXT_ACTION_LENGTH} characters.`),
        );
      }
      if (command.dueAt !== null && !Number.isFinite(command.dueAt)) {
        return fail(domainError('invalid_next_action', 'dueAt is a time or null.'));
      }
      return emit('chat.next_action_set', {
        text,
        dueAt: command.dueAt === null ? null : isoTime(command.dueAt),
      });
    }
    case 'clear-next-action':
      return conversation.nextAction === null
        ? fail(domainError('no_next_action', 'The conversation has no next action.'))
        : emit('chat.next_action_cleared', {});
  }
}

function decideAssign(
  command: Extract<ConversationCommand, { type: 'assign' }>,
  conversation: ConversationState,
  ctx: CommandContext,
  emit: Emit,
): Decision {
  const { agentId, teamId } = command;
  if (agentId === undefined && teamId === undefined) {
    return fail(domainError('invalid_assignment', 'Name an agent, a team, or both.'));
  }
  if (agentId?.trim() === '' || teamId?.trim() === '') {
    return fail(
      domainError('invalid_assignment', 'An agent or team id cannot be empty; use null to clear it.'),
    );
  }
  const owner: Owner | null =
    agentId === undefined
      ? conversation.owner
      : agentId === null
        ? null
        : { type: 'agent', id: agentId.trim() };
  const team = teamId === undefined ? conversation.team : (teamId?.trim() ?? null);
  if (sameOwner(owner, conversation.owner) && team === conversation.team) {
    return fail(domainError('assignment_unchanged', 'The conversation already has this owner and team.'));
  }
  const properties: JsonObject = { assignedBy: ctx.actor.id, reason: command.reason?.trim() || null };
  if (agentId !== undefined) properties['agentId'] = owner?.id ?? null;
  if (teamId !== undefined) properties['teamId'] = team;
  return emit('chat.assigned', properties);
}

function decideStatus(
  command: Extract<ConversationCommand, { type: 'change-status' }>,
  conversation: ConversationState,
  ctx: CommandContext,
  emit: Emit,
): Decision {
  const status = command.status;
  if (!isConversationStatus(status)) {
    return fail(domainError('invalid_status', `Unknown status "${status}".`, { status }));
  }
  const ended = isEnded(conversation);
  const resolutionType = command.resolutionType?.trim() || null;
  if (isEndingStatus(status)) {
    if (ended && conversation.status === status) {
      return fail(domainError('already_resolved', `The conversation is already ${status}.`, { status }));
    }
    if (status === 'resolved' && !ended) {
      return emit('chat.resolved', {
        agentId: ctx.actor.type === 'agent' ? ctx.actor.id : null,
        resolutionType: resolutionType ?? 'manual',
      });
    }
    return emit('chat.status_changed', { status, resolutionType });
  }
  if (status === 'snoozed') {
    if (ended) {
      return fail(
        domainError('invalid_status_transition', 'An ended conversation is reopened, not snoozed.', {
          from: conversation.status,
          to: status,
        }),
      );
    }
    if (command.snoozedUntil === undefined || !(command.snoozedUntil > ctx.now)) {
      return fail(domainError('invalid_snooze', 'Snoozing needs a snoozedUntil time in the future.'));
    }
    return emit('chat.status_changed', { status, snoozedUntil: isoTime(command.snoozedUntil) });
  }
  if (!ended && conversation.status === status) {
    return fail(domainError('status_unchanged', `The conversation is already ${status}.`, { status }));
  }
  return emit('chat.status_changed', { status });
}

function decideDeal(command: Extract<ConversationCommand, { type: 'update-deal' }>, emit: Emit): Decision {
  const properties: JsonObject = {};
  if (command.stage !== undefined) {
    if (command.stage.trim() === '')
      return fail(domainError('invalid_deal', 'A deal stage cannot be empty.'));
    properties['stage'] = command.stage.trim();
  }
  if (command.value !== undefined) {
    if (!Number.isFinite(command.value) || command.value < 0) {
      return fail(domainError('invalid_deal', 'A deal value is a number of 0 or more.'));
    }
    properties['value'] = command.value;
  }
  if (command.currency !== undefined) {
    if (!/^[A-Za-z]{3}$/.test(command.currency)) {
      return fail(domainError('invalid_deal', 'A currency is a three-letter ISO 4217 code.'));
    }
    properties['currency'] = command.currency.toUpperCase();
  }
  if (Object.keys(properties).length === 0) {
    return fail(domainError('invalid_deal', 'Give a stage, a value or a currency.'));
  }
  return emit('deal.updated', properties);
}

const fail = (error: DomainError): Decision => ({ ok: false, error });
