import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConversationState, ThreadEvent } from '../conversation/conversation-state.js';
import { DEFAULT_CONVERSATION_SETTINGS } from '../conversation/settings.js';
import {
  agent as agentActor,
  chatThread,
  given,
  minutes,
  seconds,
  system,
  T0,
} from '../conversation/test-events.js';
import { foldThread } from '../conversation/thread.js';
import { agentStatusDraft, availabilityHistory, availabilityOf } from './availability.js';
import type { AgentProfile } from './agents.js';
import { parseRoutingConfig, routingConfig } from './routing-config.js';
import { assignmentDraft, queuedDraft } from './routing-events.js';
import { previousAgentOf, routingRequestFor, waitingForAgentSince } from './routing-queue.js';
import { agentLoads, foldRoutingLedger, routingAgents } from './routing-state.js';
import { route, type TeamRoutingState } from './route.js';

const fold = (events: readonly ThreadEvent[]): ConversationState[] =>
  foldThread(events, DEFAULT_CONVERSATION_SETTINGS).conversations;
const single = (events: readonly ThreadEvent[]): ConversationState => {
  const conversations = fold(events);
  expect(conversations).toHaveLength(1);
  return conversations[0]!;
};

const config = routingConfig({ teams: [{ team: 'support' }], defaultTeam: 'support', defaultCapacity: 2 });
const profiles: AgentProfile[] = ['ana', 'bo', 'cy'].map((id) => ({
  id,
  teams: ['support'],
  skills: [],
  capacity: null,
}));
const online = (at: number) => profiles.map((p) => agentStatusDraft(p.id, 'online', at, agentActor(p.id)));

describe('who waits for an agent', () => {
  const g = given();

  it('a new chat, from its start, when the workspace routes new chats', () => {
    const conversation = single([g.inbound(T0)]);
    expect(waitingForAgentSince(conversation, config)).toBe(T0);
    expect(waitingForAgentSince(conversation, { routeNewChats: false })).toBeNull();
    expect(routingRequestFor(conversation, config, { language: 'es' })).toMatchObject({
      conversationId: conversation.id,
      cycleIndex: 0,
      team: 'support',
      since: T0,
      language: 'es',
    });
  });

  it('a chat a bot serves does not wait; the bot → agent handoff enters routing from that moment', () => {
    const served = [g.inbound(T0), g.botReply(T0 + seconds(2))];
    expect(waitingForAgentSince(single(served), config)).toBeNull();
    const handedOff = single([...served, g.handoff(T0 + minutes(3), null)]);
    expect(waitingForAgentSince(handedOff, { routeNewChats: false })).toBe(T0 + minutes(3));
  });

  it('an owned chat does not wait, until someone removes its owner', () => {
    const owned = [g.inbound(T0), g.assigned(T0 + minutes(1), 'ana')];
    expect(waitingForAgentSince(single(owned), config)).toBeNull();
    expect(waitingForAgentSince(single([...owned, g.assigned(T0 + minutes(5), null)]), config)).toBe(
      T0 + minutes(5),
    );
    expect(waitingForAgentSince(single([g.inbound(T0), g.resolved(T0 + minutes(1))]), config)).toBeNull();
  });

  it("remembers the customer's previous agent across conversations of the thread", () => {
    const g2 = given(chatThread('chat-2'));
    const events = [
      g2.inbound(T0),
      g2.assigned(T0 + minutes(1), 'bo'),
      g2.resolved(T0 + minutes(9), agentActor('bo')),
      g2.inbound(T0 + 5 * 24 * 60 * minutes(1)), // after the 48 h reopen window: a new conversation
    ];
    const [first, second] = fold(events);
    expect(second!.owner).toBeNull();
    expect(previousAgentOf([first!, second!], second!)).toBe('bo');
  });
});

describe('the routing state derives from events', () => {
  it('availability keeps its history, and any arrival order gives the same state', () => {
    const events = [
      agentStatusDraft('ana', 'online', T0, agentActor('ana')),
      agentStatusDraft('ana', 'away', T0 + minutes(30), agentActor('ana')),
      agentStatusDraft('ana', 'away', T0 + minutes(31), system),
      agentStatusDraft('bo', 'online', T0 + minutes(5), agentActor('bo')),
      agentStatusDraft('ana', 'offline', T0 + minutes(90), system, { reason: 'signed out' }),
    ];
    expect(availabilityHistory(events)).toEqual([
      { agentId: 'ana', status: 'online', from: T0, to: T0 + minutes(30) },
      { agentId: 'ana', status: 'away', from: T0 + minutes(30), to: T0 + minutes(90) },
      { agentId: 'ana', status: 'offline', from: T0 + minutes(90), to: null },
      { agentId: 'bo', status: 'online', from: T0 + minutes(5), to: null },
    ]);
    fc.assert(
      fc.property(fc.shuffledSubarray(events, { minLength: events.length }), (shuffled) => {
        expect(availabilityOf([...shuffled, ...shuffled])).toEqual(availabilityOf(events));
      }),
    );
    expect(availabilityOf(events).get('ana')).toEqual({ status: 'offline', since: T0 + minutes(90) });
  });

  it('cursor, loads and last assignments rebuilt from the appended events equal the live ones', () => {
    let ledgerEvents: ThreadEvent[] = [...online(T0 - minutes(1))];
    const threads: ThreadEvent[][] = [];
    let team: TeamRoutingState = { config: config.teams.get('support')!, cursor: null, queue: [] };
    for (let i = 0; i < 12; i += 1) {
      const now = T0 + minutes(i);
      const g = given(chatThread(`chat-${i}`));
      const thread = [g.inbound(now)];
      // Every third chat is resolved a little later, freeing capacity.
      if (i % 3 === 0) thread.push(g.resolved(now + seconds(30), agentActor('x')));
      threads.push(thread);
      // Rebuild everything from the events so far, as a fresh node would.
      const conversations = threads.flatMap((events) => fold(events.filter((e) => e.eventTime <= now)));
      const ledger = foldRoutingLedger(ledgerEvents);
      const agents = routingAgents(profiles, ledger, agentLoads(conversations), config);
      const queue = conversations.flatMap((c) => routingRequestFor(c, config) ?? []);
      team = { ...team, cursor: ledger.cursors.get('support') ?? null, queue };
      const conversation = conversations.find((c) => c.chatId === `chat-${i}`)!;
      const request = routingRequestFor(conversation, config)!;
      const result = route(request, team, agents, now);
      for (const assignment of result.assignments) {
        const target = conversations.find((c) => c.id === assignment.conversationId)!;
        const draft = assignmentDraft(target, assignment);
        ledgerEvents = [...ledgerEvents, draft];
        const index = threads.findIndex((events) => fold(events)[0]!.id === target.id);
        threads[index] = [...threads[index]!, draft];
      }
      if (result.decision.kind === 'queued') {
        expect(queuedDraft(conversation, request, result.decision, now)).toMatchObject({
          type: 'routing.queued',
          idempotencyKey: `routing.queued:${conversation.id}:0:${now}`,
        });
      }
      // The live result and a rebuild from the events agree on the cursor and the loads.
      const rebuilt = foldRoutingLedger([...ledgerEvents].reverse());
      expect(rebuilt.cursors.get('support') ?? null).toBe(result.team.cursor);
      const reloaded = agentLoads(
        threads.flatMap((events) => fold(events.filter((e) => e.eventTime <= now + 1))),
      );
      for (const a of result.agents) expect(reloaded.get(a.id) ?? 0).toBe(a.load);
    }
    const assigned = ledgerEvents.filter((event) => event.type === 'chat.assigned');
    expect(assigned.length).toBeGreaterThan(6);
    expect(assigned[0]!.payload.properties).toMatchObject({
      agentId: 'ana',
      teamId: 'support',
      assignedBy: 'routing',
      reason: 'round-robin',
      routing: { strategy: 'round-robin' },
    });
  });

  it('an assignment of the same wait gets the same key on every node', () => {
    const g = given();
    const conversation = single([
      g.inbound(T0),
      g.botReply(T0 + 1, 'bot-1'),
      g.handoff(T0 + minutes(2), null),
    ]);
    const request = routingRequestFor(conversation, config)!;
    const agents = routingAgents(profiles, foldRoutingLedger(online(T0)), new Map(), config);
    const team: TeamRoutingState = { config: config.teams.get('support')!, cursor: null, queue: [] };
    const draftAt = (now: number) => {
      const decision = route(request, team, agents, now).decision;
      if (decision.kind !== 'assigned') throw new Error('expected an assignment');
      return assignmentDraft(conversation, decision.assignment);
    };
    const [a, b] = [draftAt(T0 + minutes(3)), draftAt(T0 + minutes(4))];
    expect(a.idempotencyKey).toBe(b.idempotencyKey);
    expect(a.idempotencyKey).toBe(`routing:${conversation.id}:0:${T0 + minutes(2)}`);
    expect(a.payload.properties).toMatchObject({
      agentId: 'ana',
      routing: { since: T0 + minutes(2), waitedMs: minutes(1) },
    });
  });
});

describe('parseRoutingConfig', () => {
  it('reports each problem with a stable code and path', () => {
    const result = parseRoutingConfig({
      teams: [
        { team: 'support', strategy: 'random', rules: [{ when: {}, skills: [] }] },
        { team: 'support', sticky: 'yes' },
        { strategy: 'least-loaded', priority: 1 },
      ],
      defaultTeam: 'sales',
      defaultCapacity: -1,
    });
    expect(result.ok ? [] : result.errors.map((issue) => [issue.code, issue.path])).toEqual([
      ['invalid_strategy', 'teams[0].strategy'],
      ['empty_conditions', 'teams[0].rules[0].when'],
      ['invalid_name', 'teams[0].rules[0].skills'],
      ['duplicate_team', 'teams[1].team'],
      ['invalid_routing_config', 'teams[1].sticky'],
      ['unknown_field', 'teams[2].priority'],
      ['missing_field', 'teams[2].team'],
      ['invalid_capacity', 'defaultCapacity'],
      ['unknown_team', 'defaultTeam'],
    ]);
  });

  it('defaults: round robin, sticky, capacity 5, new chats routed', () => {
    const parsed = routingConfig({ teams: [{ team: 'support' }] });
    expect(parsed).toMatchObject({ defaultCapacity: 5, routeNewChats: true, defaultTeam: null });
    expect(parsed.teams.get('support')).toEqual({
      team: 'support',
      strategy: 'round-robin',
      sticky: true,
      rules: [],
    });
  });
});
