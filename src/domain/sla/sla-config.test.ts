import { describe, expect, it } from 'vitest';
import { MINUTE_MS, HOUR_MS, formatDuration, parseDuration } from './duration.js';
import { applyPolicy, slaFor, type AppliedSla } from './select-policy.js';
import {
  DEFAULT_SLA_CONFIG,
  parseSlaConfig,
  slaConfig,
  SlaConfigError,
  SLA_ERROR_CODES,
} from './sla-config.js';
import type { SlaSubject } from './conditions.js';

const subject = (overrides: Partial<SlaSubject> = {}): SlaSubject => ({
  team: null,
  channel: 'pn-100',
  conversationType: null,
  tags: [],
  priority: null,
  ...overrides,
});

const errorsOf = (input: unknown) => {
  const result = parseSlaConfig(input);
  if (result.ok) throw new Error('expected errors');
  return result.errors.map((issue) => [issue.code, issue.path]);
};

describe('durations', () => {
  it('read h, m and s and write them back the same way', () => {
    expect(parseDuration('5m')).toEqual({ ok: true, ms: 5 * MINUTE_MS });
    expect(parseDuration('1h30m')).toEqual({ ok: true, ms: 90 * MINUTE_MS });
    expect(parseDuration('90s')).toEqual({ ok: true, ms: 90_000 });
    expect(formatDuration(90 * MINUTE_MS)).toBe('1h30m');
    expect(formatDuration(24 * HOUR_MS)).toBe('24h');
  });

  it('refuse days, zero, numbers and nonsense with a reason', () => {
    const refused = (value: unknown) => {
      const result = parseDuration(value);
      return result.ok ? 'accepted' : result.message;
    };
    expect(refused('1d')).toMatch(/days are ambiguous under business hours/);
    expect(refused('0m')).toMatch(/zero/);
    expect(refused(5)).toMatch(/text such as "5m"/);
    expect(refused('5 minutes')).toMatch(/not a duration/);
    expect(refused('99999h')).toMatch(/longer than a year/);
  });
});

describe('the default SLA', () => {
  it('gives P0 5 min, P1 1 h, P2 24 h first (and next) response, P3 nothing, and no resolution target', () => {
    const targets = (priority: SlaSubject['priority']) =>
      slaFor(subject({ priority }), DEFAULT_SLA_CONFIG)!.targets;
    expect(targets('P0')).toEqual({
      firstResponse: 5 * MINUTE_MS,
      nextResponse: 5 * MINUTE_MS,
      resolution: null,
    });
    expect(targets('P1')).toEqual({ firstResponse: HOUR_MS, nextResponse: HOUR_MS, resolution: null });
    expect(targets('P2')).toEqual({
      firstResponse: 24 * HOUR_MS,
      nextResponse: 24 * HOUR_MS,
      resolution: null,
    });
    expect(targets('P3')).toEqual({ firstResponse: null, nextResponse: null, resolution: null });
  });

  it('measures a conversation without a priority as P2', () => {
    expect(slaFor(subject(), DEFAULT_SLA_CONFIG)).toMatchObject({
      priority: 'P2',
      policyId: 'default',
      ruleId: null,
    });
  });
});

describe('choosing a policy', () => {
  const config = slaConfig({
    policies: [
      { id: 'vip', name: 'VIP', targets: { firstResponse: '2m', nextResponse: '5m' } },
      { id: 'sales', targets: { firstResponse: '10m' }, byPriority: { P3: { firstResponse: null } } },
      { id: 'whatsapp-es', targets: { firstResponse: '30m' } },
      {
        id: 'standard',
        byPriority: { P0: { firstResponse: '5m' }, P1: { firstResponse: '1h' } },
        unprioritised: null,
      },
    ],
    rules: [
      { id: 'vip', when: { tags: ['vip', 'gold'] }, policy: 'vip' },
      { when: { teams: 'sales', types: ['opportunity', 'renewal'] }, policy: 'sales' },
      { when: { channels: 'pn-es' }, policy: 'whatsapp-es' },
    ],
    defaultPolicy: 'standard',
  });
  const chosen = (overrides: Partial<SlaSubject>): AppliedSla | null => slaFor(subject(overrides), config);

  it('takes the first rule that matches, so a VIP sales chat gets the VIP policy', () => {
    expect(chosen({ tags: ['gold'], team: 'sales', conversationType: 'opportunity' })).toMatchObject({
      policyId: 'vip',
      ruleId: 'vip',
      targets: { firstResponse: 2 * MINUTE_MS, nextResponse: 5 * MINUTE_MS, resolution: null },
    });
    expect(chosen({ team: 'sales', conversationType: 'renewal', priority: 'P1' })).toMatchObject({
      policyId: 'sales',
      ruleId: 'rules[1]',
    });
  });

  it('needs every condition of a rule: team and type', () => {
    expect(chosen({ team: 'sales', conversationType: 'support' })?.policyId).toBe('standard');
    expect(chosen({ channel: 'pn-es' })?.policyId).toBe('whatsapp-es');
  });

  it('falls back to the default policy, whose targets depend on the priority', () => {
    expect(chosen({ priority: 'P0' })?.targets.firstResponse).toBe(5 * MINUTE_MS);
    expect(chosen({ priority: 'P2' })?.targets.firstResponse).toBeNull();
    expect(chosen({})).toMatchObject({
      policyId: 'standard',
      priority: null,
      targets: { firstResponse: null },
    });
  });

  it('lets byPriority override the common targets, field by field', () => {
    const sales = config.policies.get('sales')!;
    expect(applyPolicy(sales, 'P3').targets.firstResponse).toBeNull();
    expect(applyPolicy(sales, 'P0').targets.firstResponse).toBe(10 * MINUTE_MS);
  });

  it('gives no SLA when nothing matches and there is no default', () => {
    const none = slaConfig({
      policies: [{ id: 'a', targets: { firstResponse: '1h' } }],
      rules: [{ when: { tags: 'x' }, policy: 'a' }],
    });
    expect(slaFor(subject(), none)).toBeNull();
  });
});

describe('parseSlaConfig', () => {
  it('accepts its own normalised spec (round trip)', () => {
    const again = parseSlaConfig(DEFAULT_SLA_CONFIG.spec);
    expect(again.ok && again.value.spec).toEqual(DEFAULT_SLA_CONFIG.spec);
  });

  it('reports every problem with a stable code and the path of the value', () => {
    expect(
      errorsOf({
        policies: [
          { id: 'a', targets: { firstResponse: '1d', nextResponce: '1h' } },
          { id: 'a', targets: {} },
          { id: 'bad id!', byPriority: { P5: {} }, unprioritised: 'urgent' },
          { id: 'cal', calendar: { timeZone: 'Mars/Olympus', weekly: {} } },
        ],
        rules: [
          { when: {}, policy: 'a' },
          { when: { types: ['question'] }, policy: 'nope' },
        ],
        defaultPolicy: 'missing',
        extra: true,
      }),
    ).toEqual([
      ['unknown_field', 'extra'],
      ['unknown_field', 'policies[0].targets.nextResponce'],
      ['invalid_duration', 'policies[0].targets.firstResponse'],
      ['duplicate_id', 'policies[1].id'],
      ['invalid_id', 'policies[2].id'],
      ['invalid_priority', 'policies[2].unprioritised'],
      ['invalid_priority', 'policies[2].byPriority.P5'],
      ['invalid_calendar', 'policies[3].calendar.timeZone'],
      // The calendar's own check: a week without business hours could never fall due.
      ['invalid_calendar', 'policies[3].calendar.weekly'],
      ['empty_conditions', 'rules[0].when'],
      ['invalid_condition', 'rules[1].when.types'],
      ['unknown_policy', 'defaultPolicy'],
    ]);
  });

  it('names a rule that points at no policy', () => {
    const result = parseSlaConfig({
      policies: [{ id: 'a' }],
      rules: [{ when: { tags: 'vip' }, policy: 'b' }],
    });
    expect(result.ok ? null : result.errors).toEqual([
      { code: 'unknown_policy', path: 'rules[0].policy', message: 'no policy has the id "b" (defined: a)' },
    ]);
  });

  it('rejects documents of the wrong shape; the throwing form carries the first code', () => {
    expect(errorsOf('nope')).toEqual([['invalid_sla_config', '']]);
    expect(errorsOf({})).toEqual([['missing_field', 'policies']]);
    expect(() => slaConfig({ policies: [{ id: 'x', targets: { firstResponse: 'soon' } }] })).toThrow(
      SlaConfigError,
    );
    try {
      slaConfig({ policies: [{ id: 'x', targets: { firstResponse: 'soon' } }] });
    } catch (error) {
      expect((error as SlaConfigError).code).toBe('invalid_duration');
      expect(SLA_ERROR_CODES).toContain((error as SlaConfigError).code);
    }
  });
});
