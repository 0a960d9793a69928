import { describe, expect, it } from 'vitest';
import type { Actor } from '../events.js';
import type { CommandContext, ConversationCommand } from './commands.js';
import type { ConversationState, ThreadEvent } from './conversation-state.js';
import { decide, type Decision } from './decide.js';
import { DEFAULT_CONVERSATION_SETTINGS } from './settings.js';
import { agent, chatThread, contactThread, given, hours, minutes, T0, type Thread } from './test-events.js';
import { foldThread } from './thread.js';
import { threadKeyOf } from './thread-key.js';

const NOW = T0 + hours(1);
const ana: Actor = agent('ana');

/** Given these events, when `command` is decided at NOW: the decision and the conversation after its events. */
function when(events: ThreadEvent[], command: ConversationCommand, ctx: Partial<CommandContext> = {}) {
  const before = latest(events);
  const decision = decide(command, before, { now: NOW, actor: ana, commandId: 'cmd-1', ...ctx });
  const after = decision.ok ? latest([...events, ...decision.events]) : before;
  return { before, decision, after };
}

function latest(events: ThreadEvent[]): ConversationState {
  const conversation = foldThread(events, DEFAULT_CONVERSATION_SETTINGS).conversations.at(-1);
  if (conversation === undefined) throw new Error('the givens open no conversation');
  return conversation;
}

const errorOf = (decision: Decision) => (decision.ok ? null : decision.error.code);

const g = given();
const opened = [g.inbound(T0), g.agentReply(T0 + minutes(1), 'ana')];
const resolved = [...opened, g.resolved(T0 + minutes(30), ana)];

describe('every command', () => {
  it('is refused for an unknown conversation', () => {
    const decision = decide({ type: 'add-tag', tag: 'vip' }, null, { now: NOW, actor: ana, commandId: 'c' });
    expect(errorOf(decision)).toBe('not_found');
  });

  it('is refused when the conversation changed since the version the client saw', () => {
    const { decision } = when(opened, { type: 'add-tag', tag: 'vip' }, { expectedVersion: 1 });
    expect(decision).toEqual({
      ok: false,
      error: {
        code: 'version_conflict',
        message: expect.any(String),
        details: { expectedVersion: 1, currentVersion: 2 },
      },
    });
    expect(when(opened, { type: 'add-tag', tag: 'vip' }, { expectedVersion: 2 }).decision.ok).toBe(true);
  });

  it.each([chatThread('chat-42'), contactThread()])(
    'appends one event with the actor, at now, keyed by the command id, in the conversation thread (%o)',
    (thread: Thread) => {
      const t = given(thread);
      const { before, decision, after } = when([t.inbound(T0)], { type: 'set-priority', priority: 'P1' });
      expect(decision.ok).toBe(true);
      const [draft] = decision.ok ? decision.events : [];
      expect(draft).toMatchObject({
        idempotencyKey: 'cmd:cmd-1',
        type: 'chat.priority_changed',
        eventTime: NOW,
        actor: ana,
        channel: before.channel,
        subjects: { conversationId: before.id, contactId: before.contactId },
      });
      expect(threadKeyOf(draft as ThreadEvent)).toBe(before.threadKey);
      expect(after).toMatchObject({ id: before.id, priority: 'P1', version: before.version + 1 });
    },
  );
});

describe('concurrency and dating', () => {
  it('without a command id, keys the event by conversation and version, so concurrent commands collide', () => {
    const state = latest(opened);
    const keyOf = (command: ConversationCommand) => {
      const decision = decide(command, state, { now: NOW, actor: ana });
      return decision.ok ? decision.events[0]?.idempotencyKey : null;
    };
    expect(keyOf({ type: 'add-tag', tag: 'vip' })).toBe(`cmd:${state.id}:v2`);
    expect(keyOf({ type: 'set-priority', priority: 'P0' })).toBe(keyOf({ type: 'add-tag', tag: 'vip' }));
  });

  it('dates the event after the last one the check saw, even when a source clock runs ahead', () => {
    const ahead = [...opened, g.inbound(NOW + minutes(2))];
    const { decision, after } = when(ahead, { type: 'change-status', status: 'resolved' });
    expect(decision.ok && decision.events[0]?.eventTime).toBe(NOW + minutes(2) + 1);
    expect(after.status).toBe('resolved');
  });
});

describe('a conversation superseded by a newer one', () => {
  const after = T0 + hours(60);
  const events = [...resolved, g.inbound(after)];
  const [earlier] = foldThread(events, DEFAULT_CONVERSATION_SETTINGS).conversations as [ConversationState];

  it('still takes notes and tags, which land on it and not on the newer conversation', () => {
    expect(earlier.supersededBy).not.toBeNull();
    const decision = decide({ type: 'add-note', text: 'Follow-up done' }, earlier, {
      now: after + 1,
      actor: ana,
      commandId: 'n-1',
    });
    const drafts = decision.ok ? decision.events : [];
    const [first, second] = foldThread([...events, ...drafts], DEFAULT_CONVERSATION_SETTINGS)
      .conversations as [ConversationState, ConversationState];
    expect(first.notes.map((note) => note.text)).toEqual(['Follow-up done']);
    expect(second.notes).toEqual([]);
    expect(second.id).toBe(earlier.supersededBy);
  });

  it('no longer changes status or owner', () => {
    for (const command of [
      { type: 'change-status', status: 'open' },
      { type: 'assign', agentId: 'bo' },
    ] as const) {
      const decision = decide(command, earlier, { now: after + 1, actor: ana, commandId: 'x' });
      expect(errorOf(decision)).toBe('conversation_superseded');
    }
  });
});

describe('assign', () => {
  it('gives the chat to an agent and a team, recorded as a handoff by the actor with the reason', () => {
    const { after } = when(opened, {
      type: 'assign',
      agentId: 'bo',
      teamId: 'billing',
      reason: 'invoice question',
    });
    expect(after).toMatchObject({ owner: { type: 'agent', id: 'bo' }, team: 'billing' });
    expect(after.handoffs).toEqual([
      {
        at: NOW,
        from: { owner: null, team: null },
        to: { owner: { type: 'agent', id: 'bo' }, team: 'billing' },
        by: 'ana',
        reason: 'invoice question',
        transfer: false,
      },
    ]);
  });

  it('reassigns without anything special, keeping the team when only the agent is named', () => {
    const events = [...opened, g.assigned(T0 + minutes(2), 'ana', { teamId: 'support' })];
    const { after } = when(events, { type: 'assign', agentId: 'bo' });
    expect(after).toMatchObject({ owner: { id: 'bo' }, team: 'support' });
    expect(after.cycles[0]?.handoffCount).toBe(1);
  });

  it('moves a chat to a team queue, and unassigns with null', () => {
    const events = [...opened, g.assigned(T0 + minutes(2), 'ana', { teamId: 'support' })];
    expect(when(events, { type: 'assign', agentId: null, teamId: 'sales' }).after).toMatchObject({
      owner: null,
      team: 'sales',
    });
  });

  it('refuses an assignment that names nobody or changes nothing', () => {
    expect(errorOf(when(opened, { type: 'assign' }).decision)).toBe('invalid_assignment');
    expect(errorOf(when(opened, { type: 'assign', agentId: ' ' }).decision)).toBe('invalid_assignment');
    const events = [...opened, g.assigned(T0 + minutes(2), 'ana')];
    expect(errorOf(when(events, { type: 'assign', agentId: 'ana' }).decision)).toBe('assignment_unchanged');
  });
});

describe('change status', () => {
  it('resolves an active chat as chat.resolved by the agent', () => {
    const { decision, after } = when(opened, { type: 'change-status', status: 'resolved' });
    expect(decision.ok && decision.events[0]?.type).toBe('chat.resolved');
    expect(after.cycles[0]?.end).toMatchObject({
      at: NOW,
      status: 'resolved',
      resolutionType: 'manual',
      endedBy: ana,
    });
  });

  it('refuses to resolve a resolved chat', () => {
    expect(errorOf(when(resolved, { type: 'change-status', status: 'resolved' }).decision)).toBe(
      'already_resolved',
    );
  });

  it('records the outcome of a resolved chat as closed-won without a new cycle', () => {
    const { after } = when(resolved, { type: 'change-status', status: 'closed-won' });
    expect(after.status).toBe('closed-won');
    expect(after.cycles).toHaveLength(1);
  });

  it('reopens an ended chat as a new cycle', () => {
    const { after } = when(resolved, { type: 'change-status', status: 'open' });
    expect(after.cycles).toHaveLength(2);
    expect(after.cycles[0]?.reopened).toBe(true);
  });

  it('snoozes only until a time in the future, and never an ended chat', () => {
    expect(errorOf(when(opened, { type: 'change-status', status: 'snoozed' }).decision)).toBe(
      'invalid_snooze',
    );
    expect(
      errorOf(when(opened, { type: 'change-status', status: 'snoozed', snoozedUntil: NOW }).decision),
    ).toBe('invalid_snooze');
    const { after } = when(opened, {
      type: 'change-status',
      status: 'snoozed',
      snoozedUntil: NOW + hours(2),
    });
    expect(after).toMatchObject({ status: 'snoozed', snoozedUntil: NOW + hours(2) });
    expect(
      errorOf(
        when(resolved, { type: 'change-status', status: 'snoozed', snoozedUntil: NOW + hours(2) }).decision,
      ),
    ).toBe('invalid_status_transition');
  });

  it('refuses an unknown status and a change to the current one, seen at now', () => {
    expect(errorOf(when(opened, { type: 'change-status', status: 'closed' }).decision)).toBe(
      'invalid_status',
    );
    expect(errorOf(when(opened, { type: 'change-status', status: 'open' }).decision)).toBe(
      'status_unchanged',
    );
    // A snooze that expired before now has already ended: the chat is open again.
    const snoozed = [...opened, g.status(T0 + minutes(2), 'snoozed', { snoozedUntil: T0 + minutes(30) })];
    expect(errorOf(when(snoozed, { type: 'change-status', status: 'open' }).decision)).toBe(
      'status_unchanged',
    );
  });
});

describe('organisation commands', () => {
  it('adds and removes tags, refusing a duplicate, a missing one and an empty one', () => {
    const tagged = when(opened, { type: 'add-tag', tag: ' vip ' });
    expect(tagged.after.tags).toEqual(['vip']);
    const events = [...opened, g.tagged(T0 + 5, 'vip')];
    expect(errorOf(when(events, { type: 'add-tag', tag: 'vip' }).decision)).toBe('tag_already_present');
    expect(when(events, { type: 'remove-tag', tag: 'vip' }).after.tags).toEqual([]);
    expect(errorOf(when(opened, { type: 'remove-tag', tag: 'vip' }).decision)).toBe('tag_not_present');
    expect(errorOf(when(opened, { type: 'add-tag', tag: '' }).decision)).toBe('invalid_tag');
  });

  it('sets a priority P0-P3 and a known type', () => {
    expect(errorOf(when(opened, { type: 'set-priority', priority: 'P4' }).decision)).toBe('invalid_priority');
    const prioritised = [...opened, g.priority(T0 + 5, 'P2')];
    expect(errorOf(when(prioritised, { type: 'set-priority', priority: 'p2' }).decision)).toBe(
      'priority_unchanged',
    );
    expect(when(opened, { type: 'set-type', conversationType: 'Complaint' }).after.conversationType).toBe(
      'complaint',
    );
    expect(errorOf(when(opened, { type: 'set-type', conversationType: 'gossip' }).decision)).toBe(
      'invalid_type',
    );
    const typed = [...opened, g.event('chat.type_changed', T0 + 5, { conversationType: 'support' })];
    expect(errorOf(when(typed, { type: 'set-type', conversationType: 'support' }).decision)).toBe(
      'type_unchanged',
    );
  });

  it('adds a note with its mentions for the notifier', () => {
    const { decision, after } = when(opened, {
      type: 'add-note',
      text: 'Refund approved, @bo please send it',
    });
    expect(decision.ok && decision.events[0]?.payload.properties).toMatchObject({ mentions: ['bo'] });
    expect(after.notes).toEqual([
      {
        id: 'cmd:cmd-1',
        text: 'Refund approved, @bo please send it',
        mentions: ['bo'],
        author: ana,
        at: NOW,
      },
    ]);
    expect(errorOf(when(opened, { type: 'add-note', text: '   ' }).decision)).toBe('invalid_note');
  });

  it('adds and removes watchers', () => {
    expect(when(opened, { type: 'add-watcher', watcherId: 'lia' }).after.watchers).toEqual(['lia']);
    const watched = [...opened, g.event('chat.watcher_added', T0 + 5, { watcherId: 'lia' })];
    expect(errorOf(when(watched, { type: 'add-watcher', watcherId: 'lia' }).decision)).toBe(
      'watcher_already_present',
    );
    expect(when(watched, { type: 'remove-watcher', watcherId: 'lia' }).after.watchers).toEqual([]);
    expect(errorOf(when(opened, { type: 'remove-watcher', watcherId: 'lia' }).decision)).toBe(
      'watcher_not_present',
    );
  });

  it('updates the deal, and a won deal closes the cycle', () => {
    const { after } = when(opened, {
      type: 'update-deal',
      stage: 'closed-won',
      value: 1200,
      currency: 'eur',
    });
    expect(after.deal).toMatchObject({ stage: 'closed-won', value: 1200, currency: 'EUR', outcome: 'won' });
    expect(after.cycles[0]?.end?.status).toBe('closed-won');
    expect(errorOf(when(opened, { type: 'update-deal' }).decision)).toBe('invalid_deal');
    expect(errorOf(when(opened, { type: 'update-deal', value: -1 }).decision)).toBe('invalid_deal');
    expect(errorOf(when(opened, { type: 'update-deal', currency: 'euro' }).decision)).toBe('invalid_deal');
  });

  it('sets and clears the next action', () => {
    const { after } = when(opened, {
      type: 'set-next-action',
      text: 'Send the quote',
      dueAt: NOW + hours(24),
    });
    expect(after.nextAction).toEqual({
      text: 'Send the quote',
      dueAt: NOW + hours(24),
      setBy: 'ana',
      setAt: NOW,
    });
    expect(errorOf(when(opened, { type: 'set-next-action', text: '', dueAt: null }).decision)).toBe(
      'invalid_next_action',
    );
    expect(errorOf(when(opened, { type: 'clear-next-action' }).decision)).toBe('no_next_action');
    const planned = [...opened, g.event('chat.next_action_set', T0 + 5, { text: 'Call', dueAt: null })];
    expect(when(planned, { type: 'clear-next-action' }).after.nextAction).toBeNull();
  });
});
