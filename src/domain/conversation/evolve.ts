import { isInactivityResolutionCurrent } from './auto-resolve.js';
import type {
  ConversationState,
  CustomerTurn,
  Cycle,
  Deal,
  MeasuredReply,
  Owner,
  ThreadEvent,
} from './conversation-state.js';
import { csatReplyScore, csatScore, isCsatSurvey, isPositiveCsat } from './csat.js';
import { activeCycle, lastCycle, updateActiveCycle, updateLastCycle } from './cycle.js';
import { hasProperty, readNumber, readString, readTime } from './event-properties.js';
import { applyStatus, changeActiveStatus, isEnded, startCycle, wakeFromSnooze } from './lifecycle.js';
import { parseMentions } from './mentions.js';
import { messageAuthorOf } from './message-author.js';
import { changeAssignment, noteServiceMode } from './ownership.js';
import { attributionFrom } from './source-attribution.js';
import { DEFAULT_CONVERSATION_SETTINGS, type ConversationSettings } from './settings.js';
import {
  isConversationStatus,
  parseConversationType,
  parsePriority,
  parseServiceMode,
  type ConversationStatus,
} from './vocabulary.js';

/**
 * The conversation reducer: the state after `event`, given the state before it. Pure; events must come in
 * `compareByEventTime` order (thread.ts sorts them and decides which conversation each belongs to: a
 * customer message reaching an ended conversation here reopens it, the reopen window was checked there).
 * Every event counts in `version`, also one that changes nothing (a second resolution).
 */
export function evolveConversation(
  state: ConversationState,
  event: ThreadEvent,
  settings: SurveySettings = DEFAULT_CONVERSATION_SETTINGS,
): ConversationState {
  const at = event.eventTime;
  const conversation: ConversationState = {
    ...wakeFromSnooze(state, at),
    version: state.version + 1,
    lastActivityAt: Math.max(state.lastActivityAt, at),
    contactId: state.contactId ?? event.subjects.contactId,
  };
  const props = event.payload.properties;
  switch (event.type) {
    case 'message.received':
      return onCustomerMessage(conversation, event, settings);
    case 'message.sent':
      return onOutboundMessage(conversation, event, settings);
    case 'agent.handoff':
      return onServiceHandoff(conversation, event);
    case 'chat.assigned':
      return changeAssignment(
        conversation,
        {
          owner: hasProperty(props, 'agentId')
            ? agentOwner(readString(props, 'agentId'))
            : conversation.owner,
          team: hasProperty(props, 'teamId') ? readString(props, 'teamId') : conversation.team,
        },
        at,
        readString(props, 'assignedBy') ?? event.actor.id,
        readString(props, 'reason'),
      );
    case 'chat.resolved':
      if (isEnded(conversation)) return conversation;
      // An inactivity auto-resolve stands only if nothing happened since the inactivity it was based on
      // (a customer message with an earlier timestamp may have arrived after it was appended).
      if (
        hasProperty(props, 'inactiveSince') &&
        !isInactivityResolutionCurrent(conversation, readNumber(props, 'inactiveSince'))
      ) {
        return conversation;
      }
      return applyStatus(conversation, 'resolved', at, statusOptions(event));
    case 'chat.status_changed': {
      const status = props['status'];
      return isConversationStatus(status)
        ? applyStatus(conversation, status, at, statusOptions(event))
        : conversation;
    }
    case 'chat.tagged': {
      const tag = readString(props, 'tag');
      return tag === null ? conversation : organise(conversation, { tags: withItem(conversation.tags, tag) });
    }
    case 'chat.untagged': {
      const tag = readString(props, 'tag');
      return tag === null
        ? conversation
        : organise(conversation, { tags: withoutItem(conversation.tags, tag) });
    }
    case 'chat.priority_changed': {
      const priority = parsePriority(props['priority']);
      return priority === null ? conversation : organise(conversation, { priority });
    }
    case 'chat.type_changed': {
      const conversationType = parseConversationType(props['conversationType'] ?? props['type']);
      return conversationType === null ? conversation : organise(conversation, { conversationType });
    }
    case 'chat.watcher_added':
    case 'chat.watcher_removed': {
      const watcher = readString(props, 'watcherId');
      if (watcher === null) return conversation;
      const watchers =
        event.type === 'chat.watcher_added'
          ? withItem(conversation.watchers, watcher)
          : withoutItem(conversation.watchers, watcher);
      return { ...conversation, watchers };
    }
    case 'chat.note_added': {
      const text = readString(props, 'text');
      if (text === null) return conversation;
      const note = {
        id: readString(props, 'noteId') ?? event.idempotencyKey,
        text,
        mentions: parseMentions(text),
        author: event.actor,
        at,
      };
      return { ...conversation, notes: [...conversation.notes, note] };
    }
    case 'chat.next_action_set': {
      const text = readString(props, 'text');
      if (text === null) return conversation;
      return {
        ...conversation,
        nextAction: { text, dueAt: readTime(props, 'dueAt'), setBy: event.actor.id, setAt: at },
      };
    }
    case 'chat.next_action_cleared':
      return { ...conversation, nextAction: null };
    case 'csat.submitted':
      return onCsat(conversation, event);
    case 'deal.updated':
      return onDeal(conversation, event);
    default:
      return conversation;
  }
}

/** The settings that decide what a CSAT survey is and how long it waits for its answer. */
export type SurveySettings = Pick<ConversationSettings, 'reopenWindowMs' | 'csatSurveyTemplates'>;

/**
 * The rating a customer message gives in answer to the conversation's pending CSAT survey (a digit, stars,
 * a face, a thumb or a rating button, within the reopen window of the survey), or null when it is not one.
 */
export function answersSurvey(
  conversation: ConversationState,
  event: ThreadEvent,
  settings: SurveySettings,
): number | null {
  const surveyAt = conversation.pendingSurveyAt;
  if (surveyAt === undefined || event.type !== 'message.received') return null;
  if (event.eventTime - surveyAt > settings.reopenWindowMs) return null;
  return csatReplyScore(event.payload.properties);
}

function onCustomerMessage(
  conversation: ConversationState,
  event: ThreadEvent,
  settings: SurveySettings,
): ConversationState {
  const at = event.eventTime;
  const props = event.payload.properties;
  const rating = answersSurvey(conversation, event, settings);
  // Any customer message ends the wait for an answer to the survey; a rating answers it. It rates the
  // surveyed cycle and opens WhatsApp's 24-hour window, but is not a new turn and does not reopen anything.
  const { pendingSurveyAt: _answered, ...unsurveyed } = conversation;
  if (rating !== null) return rateLastCycle({ ...unsurveyed, lastInboundAt: at }, rating, 5, at);
  let next: ConversationState = unsurveyed;
  if (isEnded(next)) next = startCycle(next, at, 'inbound', 'open');
  // The customer answered or wrote again: whatever the team was waiting for has happened.
  else if (next.status === 'pending-customer' || next.status === 'snoozed') {
    next = changeActiveStatus(next, 'open', at, null);
  }
  if (next.lastInboundAt === null && next.source?.origin !== 'inbound') {
    next = { ...next, source: attributionFrom(props, event.payload.context, 'inbound') ?? next.source };
  }
  next = { ...next, lastInboundAt: at };
  next = updateActiveCycle(next, (cycle) => {
    const turn = openTurn(cycle);
    const turns =
      turn === null
        ? [...cycle.turns, newTurn(at)]
        : [...cycle.turns.slice(0, -1), { ...turn, inboundMessages: turn.inboundMessages + 1 }];
    return {
      ...cycle,
      turns,
      inboundCount: cycle.inboundCount + 1,
      firstInboundAt: cycle.firstInboundAt ?? at,
      lastMessageAt: at,
    };
  });
  const mode = parseServiceMode(props['serviceMode']);
  return mode === null ? next : noteServiceMode(next, mode, at);
}

function onOutboundMessage(
  conversation: ConversationState,
  event: ThreadEvent,
  settings: SurveySettings,
): ConversationState {
  const at = event.eventTime;
  const author = messageAuthorOf(event);
  let next: ConversationState = { ...conversation, lastOutboundAt: at };
  if (isCsatSurvey(event, settings)) next.pendingSurveyAt = at;
  const cycle = activeCycle(next);
  // A message sent between cycles (a follow-up after the resolution) belongs to no cycle.
  if (cycle === null || author === null || author.kind === 'customer') return next;
  next = updateActiveCycle(next, (current) => ({
    ...current,
    outboundCount: current.outboundCount + 1,
    agentMessageCount: current.agentMessageCount + (author.kind === 'agent' ? 1 : 0),
    botMessageCount: current.botMessageCount + (author.kind === 'bot' ? 1 : 0),
    automatedMessageCount: current.automatedMessageCount + (author.kind === 'automated' ? 1 : 0),
    lastMessageAt: at,
  }));
  if (author.kind === 'automated') return next;
  const waitingSince = openTurn(cycle)?.from ?? null;
  if (author.kind === 'agent') {
    next = noteServiceMode(next, 'agent', at, { switchAt: waitingSince ?? at });
    // A bot cannot stay accountable for a chat a person now serves. (An unowned chat is left to routing.)
    if (next.owner?.type === 'bot') {
      next = changeAssignment(
        next,
        { owner: { type: 'agent', id: author.id }, team: next.team },
        at,
        author.id,
        'agent-took-over',
      );
    }
    return updateActiveCycle(next, (current) => {
      const waitFrom = current.beganWith === 'bot' ? current.handoffAt : current.firstInboundAt;
      const firstHumanReply =
        current.firstHumanReply ?? (waitFrom === null ? null : measured(author.id, waitFrom, at));
      return answerTurn({ ...current, firstHumanReply }, at, 'agent', author.id);
    });
  }
  if (next.serviceMode === null) next = noteServiceMode(next, 'bot', at);
  // A bot serving a chat nobody owns is its accountable owner (DESIGN.md: agent, bot or nobody yet), unless
  // the chat was handed to the agents and waits for one (the bot only says so).
  if (next.owner === null && next.serviceMode !== 'agent') {
    next = changeAssignment(
      next,
      { owner: { type: 'bot', id: author.id }, team: next.team },
      at,
      author.id,
      'bot-engaged',
    );
  }
  return updateActiveCycle(next, (current) => {
    const firstBotReply =
      current.firstBotReply ??
      (current.firstInboundAt === null ? null : measured(author.id, current.firstInboundAt, at));
    return answerTurn({ ...current, firstBotReply }, at, 'bot', author.id);
  });
}

/** `agent.handoff`: the service mode switches (bot -> agent by default) and the owner follows. */
function onServiceHandoff(conversation: ConversationState, event: ThreadEvent): ConversationState {
  const at = event.eventTime;
  const props = event.payload.properties;
  const toMode = parseServiceMode(props['toMode']) ?? 'agent';
  const fromMode = parseServiceMode(props['fromMode']) ?? (toMode === 'agent' ? 'bot' : 'agent');
  let next = noteServiceMode(conversation, fromMode, at);
  next = noteServiceMode(next, toMode, at);
  const agentId = readString(props, 'agentId');
  let owner: Owner | null;
  if (toMode === 'bot') {
    owner = { type: 'bot', id: agentId ?? (event.actor.type === 'bot' ? event.actor.id : null) ?? 'bot' };
  } else {
    // Handed to the agents without naming one: the bot lets go and the chat waits for routing.
    owner =
      agentId !== null ? { type: 'agent', id: agentId } : next.owner?.type === 'bot' ? null : next.owner;
  }
  const team = hasProperty(props, 'teamId') ? readString(props, 'teamId') : next.team;
  return changeAssignment(
    next,
    { owner, team },
    at,
    event.actor.id,
    readString(props, 'handoffReason', 'reason'),
  );
}

function onCsat(conversation: ConversationState, event: ThreadEvent): ConversationState {
  const props = event.payload.properties;
  const rating = readNumber(props, 'rating');
  if (rating === null) return conversation;
  return rateLastCycle(conversation, rating, readNumber(props, 'scale') ?? 5, event.eventTime);
}

/** A rating belongs to the cycle it rates, the last one, and to whoever held it at its end. */
function rateLastCycle(
  conversation: ConversationState,
  rating: number,
  scale: number,
  at: number,
): ConversationState {
  const score = csatScore(rating, scale);
  const cycle = lastCycle(conversation);
  if (score === null || cycle === null) return conversation;
  const owner = cycle.end === null ? conversation.owner : cycle.end.owner;
  const team = cycle.end === null ? conversation.team : cycle.end.team;
  const csat = { rating, scale, score, positive: isPositiveCsat(score), at, owner, team };
  return updateLastCycle(conversation, (current) => ({ ...current, csat }));
}

/** `deal.updated`: stage, value and currency; reaching a won or lost outcome ends the cycle. */
function onDeal(conversation: ConversationState, event: ThreadEvent): ConversationState {
  const at = event.eventTime;
  const props = event.payload.properties;
  const previous = conversation.deal;
  const stage = readString(props, 'stage');
  const outcome =
    outcomeOf(readString(props, 'outcome')) ??
    (stage !== null ? outcomeOf(stage) : (previous?.outcome ?? null));
  const deal: Deal = {
    stage: stage ?? previous?.stage ?? null,
    value: readNumber(props, 'value') ?? previous?.value ?? null,
    currency: readString(props, 'currency')?.toUpperCase() ?? previous?.currency ?? null,
    outcome,
    closedAt: outcome === null ? null : outcome === previous?.outcome ? previous.closedAt : at,
    updatedAt: at,
  };
  const organised = organise(conversation, { deal });
  // Only reaching an outcome ends a cycle: a later value correction of a won deal must not end a reopen.
  if (outcome === null || outcome === previous?.outcome || lastCycle(organised) === null) return organised;
  const status: ConversationStatus = outcome === 'won' ? 'closed-won' : 'closed-lost';
  return applyStatus(organised, status, at, statusOptions(event));
}

function outcomeOf(stage: string | null): 'won' | 'lost' | null {
  const normalised = stage?.toLowerCase().replace(/[\s_]/g, '-') ?? null;
  if (normalised === 'won' || normalised === 'closed-won') return 'won';
  if (normalised === 'lost' || normalised === 'closed-lost') return 'lost';
  return null;
}

/**
 * Organisation changes apply to the conversation and to its last cycle, also once that cycle has ended:
 * tags, type and deal set while wrapping up a resolved chat describe the cycle just ended.
 */
function organise(
  conversation: ConversationState,
  changes: Partial<Pick<ConversationState, 'tags' | 'priority' | 'conversationType' | 'deal'>>,
): ConversationState {
  return updateLastCycle({ ...conversation, ...changes }, (cycle) => ({ ...cycle, ...changes }));
}

const statusOptions = (event: ThreadEvent) => ({
  snoozedUntil: readTime(event.payload.properties, 'snoozedUntil'),
  resolutionType: readString(event.payload.properties, 'resolutionType'),
  actor: event.actor,
});

const agentOwner = (id: string | null): Owner | null => (id === null ? null : { type: 'agent', id });

const openTurn = (cycle: Cycle): CustomerTurn | null => {
  const turn = cycle.turns.at(-1);
  return turn !== undefined && turn.replyAt === null ? turn : null;
};

const newTurn = (at: number): CustomerTurn => ({
  from: at,
  inboundMessages: 1,
  replyAt: null,
  repliedBy: null,
  replierId: null,
  seconds: null,
});

function answerTurn(cycle: Cycle, at: number, repliedBy: 'agent' | 'bot', replierId: string): Cycle {
  const turn = openTurn(cycle);
  if (turn === null) return cycle;
  const answered: CustomerTurn = {
    ...turn,
    replyAt: at,
    repliedBy,
    replierId,
    seconds: (at - turn.from) / 1000,
  };
  return { ...cycle, turns: [...cycle.turns.slice(0, -1), answered] };
}

const measured = (by: string, from: number, at: number): MeasuredReply => ({
  by,
  from,
  at,
  seconds: (at - from) / 1000,
});

/** Sorted sets as arrays: the state must not depend on the order tags were added in. */
const withItem = (items: string[], item: string): string[] =>
  items.includes(item) ? items : [...items, item].sort();
const withoutItem = (items: string[], item: string): string[] =>
  items.filter((existing) => existing !== item);
