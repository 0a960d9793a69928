import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RoutingAgent } from './agents.js';
import { defaultTeamRouting, routingConfig, type TeamRouting } from './routing-config.js';
import { drainQueue, pickAgent, route, type TeamRoutingState } from './route.js';
import type { RoutingRequest } from './routing-queue.js';

const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

const agent = (id: string, overrides: Partial<RoutingAgent> = {}): RoutingAgent => ({
  id,
  teams: ['support'],
  skills: [],
  capacity: 3,
  status: 'online',
  load: 0,
  lastAssignedAt: null,
  ...overrides,
});

const request = (
  conversationId: string,
  since: number,
  overrides: Partial<RoutingRequest> = {},
): RoutingRequest => ({
  conversationId,
  cycleIndex: 0,
  team: 'support',
  since,
  language: null,
  country: null,
  source: null,
  conversationType: null,
  skills: [],
  previousOwner: null,
  ...overrides,
});

const team = (config: Partial<TeamRouting> = {}, queue: RoutingRequest[] = []): TeamRoutingState => ({
  config: { ...defaultTeamRouting('support'), ...config },
  cursor: null,
  queue,
});

const assignedTo = (result: ReturnType<typeof route>) =>
  result.decision.kind === 'assigned' ? result.decision.assignment.agentId : result.decision.reason;

describe('round robin', () => {
  it('is even over 1,000 chats: max − min ≤ 1, whoever resolves when', () => {
    const names = ['ana', 'bo', 'cy', 'di', 'ed', 'fay', 'gus'];
    let agents = names.map((id) => agent(id, { capacity: 4 }));
    let state = team();
    const counts = new Map<string, number>();
    const open: { id: string; agent: string }[] = [];
    for (let i = 0; i < 1000; i += 1) {
      // Chats are resolved in a scrambled order but quickly enough that capacity never binds.
      while (open.length >= names.length) {
        const [done] = open.splice((i * 7919) % open.length, 1);
        agents = agents.map((a) => (a.id === done!.agent ? { ...a, load: a.load - 1 } : a));
      }
      const result = route(request(`c${i}`, T0 + i), state, agents, T0 + i);
      expect(result.decision.kind).toBe('assigned');
      const chosen = assignedTo(result);
      counts.set(chosen, (counts.get(chosen) ?? 0) + 1);
      open.push({ id: `c${i}`, agent: chosen });
      ({ team: state, agents } = result);
    }
    const values = [...counts.values()];
    expect(values).toHaveLength(names.length);
    expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1);
  });

  it('skips agents who are full, away or lack the skill, and carries on after the cursor', () => {
    const agents = [agent('ana'), agent('bo', { load: 3 }), agent('cy', { status: 'away' }), agent('di')];
    const start = { ...team(), cursor: 'ana' };
    expect(pickAgent(request('x', T0), start, agents)).toEqual({ agent: agents[3], reason: 'round-robin' });
    expect(pickAgent(request('x', T0), { ...start, cursor: 'di' }, agents).agent?.id).toBe('ana');
  });
});

describe('least loaded', () => {
  it('picks the lowest share of capacity, then the lower load, then the longest since an assignment', () => {
    const config = { strategy: 'least-loaded' as const };
    const agents = [
      agent('ana', { capacity: 10, load: 3 }), // 30 %
      agent('bo', { capacity: 2, load: 1 }), // 50 %
      agent('cy', { capacity: 5, load: 1, lastAssignedAt: T0 + 5 }), // 20 %
      agent('di', { capacity: 5, load: 1, lastAssignedAt: T0 }), // 20 %, waiting longer
    ];
    expect(pickAgent(request('x', T0), team(config), agents)).toMatchObject({
      agent: { id: 'di' },
      reason: 'least-loaded',
    });
  });
});

describe('sticky routing', () => {
  const agents = [agent('ana', { load: 2 }), agent('bo'), agent('cy')];

  it('sends a returning customer back to their previous agent when available', () => {
    expect(assignedTo(route(request('x', T0, { previousOwner: 'ana' }), team(), agents, T0))).toBe('ana');
    const result = route(request('x', T0, { previousOwner: 'ana' }), team(), agents, T0);
    expect(result.decision).toMatchObject({
      kind: 'assigned',
      assignment: { reason: 'sticky', waitedMs: 0 },
    });
  });

  it('falls back to the strategy when the previous agent is away, full, not in the team, or stickiness is off', () => {
    const fallback = (previousOwner: string, list: RoutingAgent[], config: Partial<TeamRouting> = {}) =>
      route(request('x', T0, { previousOwner }), team(config), list, T0).decision;
    const away = agents.map((a) => (a.id === 'ana' ? { ...a, status: 'away' as const } : a));
    const full = agents.map((a) => (a.id === 'ana' ? { ...a, load: 3 } : a));
    const elsewhere = agents.map((a) => (a.id === 'ana' ? { ...a, teams: ['sales'] } : a));
    for (const decision of [
      fallback('ana', away),
      fallback('ana', full),
      fallback('ana', elsewhere),
      fallback('bo', agents, { sticky: false }),
    ]) {
      expect(decision).toMatchObject({ kind: 'assigned', assignment: { reason: 'round-robin' } });
    }
    expect(fallback('bo', agents, { sticky: false })).toMatchObject({ assignment: { agentId: 'ana' } });
  });
});

describe('rules by language, country, source, type and skill', () => {
  const config = routingConfig({
    teams: [
      {
        team: 'support',
        rules: [
          { when: { languages: 'es' }, skills: ['es'] },
          { when: { countries: 'br', sources: 'ad' }, skills: ['pt'] },
          { when: { types: 'complaint' }, skills: ['senior'], required: false },
          { when: { skills: 'billing' }, skills: ['finance'] },
        ],
      },
    ],
  }).teams.get('support')!;
  const agents = [
    agent('ana', { skills: ['es'] }),
    agent('bo', { skills: ['pt', 'senior'] }),
    agent('cy', { skills: ['billing', 'finance'] }),
  ];
  const pick = (overrides: Partial<RoutingRequest>, list = agents) =>
    pickAgent(request('x', T0, overrides), { config, cursor: null }, list);

  it('requires the skills of every matching rule', () => {
    expect(pick({ language: 'es-MX' }).agent?.id).toBe('ana');
    expect(pick({ country: 'BR', source: 'ad' }).agent?.id).toBe('bo');
    expect(pick({ country: 'BR', source: 'web' }).agent?.id).toBe('ana'); // both conditions must hold
    expect(pick({ skills: ['billing'] }).agent?.id).toBe('cy');
  });

  it('only prefers the skills of a rule that is not required', () => {
    expect(pick({ conversationType: 'complaint' }).agent?.id).toBe('bo');
    expect(
      pick(
        { conversationType: 'complaint' },
        agents.filter((a) => a.id !== 'bo'),
      ).agent?.id,
    ).toBe('ana');
  });

  it('queues with a reason when nobody qualifies', () => {
    expect(pick({ language: 'es' }, [agents[1]!, agents[2]!])).toEqual({
      agent: null,
      reason: 'no-skilled-agent',
    });
    expect(
      pick(
        {},
        agents.map((a) => ({ ...a, status: 'offline' })),
      ),
    ).toEqual({ agent: null, reason: 'no-agent-online' });
    expect(
      pick(
        {},
        agents.map((a) => ({ ...a, load: a.capacity })),
      ),
    ).toEqual({ agent: null, reason: 'all-at-capacity' });
  });
});

describe('the queue', () => {
  it('queues when everyone is at capacity and assigns longest waiting first as capacity frees', () => {
    const busy = [agent('ana', { capacity: 1, load: 1 }), agent('bo', { capacity: 1, load: 1 })];
    let state = team();
    const arrivals = [request('late', T0 + 30), request('first', T0 + 10), request('middle', T0 + 20)];
    for (const [index, arrival] of arrivals.entries()) {
      const result = route(arrival, state, busy, T0 + 40);
      expect(result.decision).toEqual({
        kind: 'queued',
        reason: 'all-at-capacity',
        position: index === 0 ? 1 : index === 1 ? 1 : 2,
      });
      state = result.team;
    }
    expect(state.queue.map((waiting) => waiting.conversationId)).toEqual(['first', 'middle', 'late']);
    // Ana resolves a chat: the chat waiting longest is hers.
    const freed = drainQueue(state, [{ ...busy[0]!, load: 0 }, busy[1]!], T0 + 100);
    expect(freed.assignments.map((a) => [a.conversationId, a.agentId, a.waitedMs])).toEqual([
      ['first', 'ana', 90],
    ]);
    // Both free up: the next two in waiting order.
    const both = drainQueue(
      freed.team,
      freed.agents.map((a) => ({ ...a, load: 0 })),
      T0 + 200,
    );
    expect(both.assignments.map((a) => a.conversationId)).toEqual(['middle', 'late']);
    expect(both.team.queue).toEqual([]);
  });

  it('a new chat does not overtake an older one the same agent can take', () => {
    const state = team({}, [request('old', T0)]);
    const result = route(request('new', T0 + 50), state, [agent('ana', { capacity: 1 })], T0 + 60);
    expect(result.assignments.map((a) => a.conversationId)).toEqual(['old']);
    expect(result.decision).toEqual({ kind: 'queued', reason: 'all-at-capacity', position: 1 });
  });

  it('does not let a chat nobody can take hold up the ones behind it', () => {
    const config = routingConfig({
      teams: [{ team: 'support', rules: [{ when: { languages: 'de' }, skills: ['de'] }] }],
    });
    const state: TeamRoutingState = {
      config: config.teams.get('support')!,
      cursor: null,
      queue: [request('german', T0, { language: 'de' }), request('english', T0 + 1, { language: 'en' })],
    };
    const result = drainQueue(state, [agent('ana')], T0 + 5);
    expect(result.assignments.map((a) => a.conversationId)).toEqual(['english']);
    expect(result.team.queue.map((waiting) => waiting.conversationId)).toEqual(['german']);
  });
});

describe('capacity', () => {
  type Step =
    | { kind: 'arrive'; skill: string | null }
    | { kind: 'resolve'; pick: number }
    | { kind: 'status'; agent: number; status: RoutingAgent['status'] };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('arrive' as const), skill: fc.constantFrom(null, null, 'es') }),
    fc.record({ kind: fc.constant('resolve' as const), pick: fc.nat() }),
    fc.record({
      kind: fc.constant('status' as const),
      agent: fc.nat(),
      status: fc.constantFrom('online' as const, 'away' as const, 'offline' as const),
    }),
  );

  it('is never exceeded, only online agents get chats, and nobody waits while an agent could take them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ capacity: fc.integer({ min: 0, max: 3 }), es: fc.boolean() }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.constantFrom('round-robin' as const, 'least-loaded' as const),
        fc.array(step, { maxLength: 120 }),
        (profiles, strategy, steps) => {
          const config = routingConfig({
            teams: [{ team: 'support', strategy, rules: [{ when: { skills: 'es' }, skills: ['es'] }] }],
          }).teams.get('support')!;
          let agents = profiles.map((profile, index) =>
            agent(`a${index}`, { capacity: profile.capacity, skills: profile.es ? ['es'] : [] }),
          );
          let state: TeamRoutingState = { config, cursor: null, queue: [] };
          const owned: { id: string; agent: string }[] = [];
          const apply = (assignments: { conversationId: string; agentId: string }[]) => {
            for (const a of assignments) owned.push({ id: a.conversationId, agent: a.agentId });
          };
          steps.forEach((current, time) => {
            const now = T0 + time * 1000;
            if (current.kind === 'arrive') {
              const result = route(
                request(`c${time}`, now, { skills: current.skill ? [current.skill] : [] }),
                state,
                agents,
                now,
              );
              for (const a of result.assignments) {
                expect(agents.find((candidate) => candidate.id === a.agentId)!.status).toBe('online');
              }
              apply(result.assignments);
              ({ team: state, agents } = result);
            } else {
              if (current.kind === 'resolve' && owned.length > 0) {
                const [done] = owned.splice(current.pick % owned.length, 1);
                agents = agents.map((a) => (a.id === done!.agent ? { ...a, load: a.load - 1 } : a));
              } else if (current.kind === 'status') {
                const target = agents[current.agent % agents.length]!.id;
                agents = agents.map((a) => (a.id === target ? { ...a, status: current.status } : a));
              }
              const result = drainQueue(state, agents, now);
              for (const a of result.assignments) {
                expect(agents.find((candidate) => candidate.id === a.agentId)!.status).toBe('online');
              }
              apply(result.assignments);
              ({ team: state, agents } = result);
            }
            for (const a of agents) {
              expect(a.load).toBeLessThanOrEqual(a.capacity);
              expect(a.load).toBe(owned.filter((o) => o.agent === a.id).length);
            }
            // Work-conserving: a chat still waits only if no online agent with room has its skills.
            for (const waiting of state.queue) {
              expect(
                agents.some(
                  (a) =>
                    a.status === 'online' &&
                    a.load < a.capacity &&
                    waiting.skills.every((s) => a.skills.includes(s)),
                ),
              ).toBe(false);
            }
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
