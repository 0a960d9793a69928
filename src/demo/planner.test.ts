/**
 * The demo's plans: one seed always plays the same stories, the customers have valid numbers from several
 * countries and write in three languages, and each story keeps to the rules the metrics rely on.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { ConversationPlanner } from './planner.js';
import type { Action, ConversationPlan } from './scenario.js';

const plans = (seed: number, stream: 'live' | 'history', count: number): ConversationPlan[] => {
  const planner = new ConversationPlanner(seed, stream);
  return Array.from({ length: count }, (_, index) => planner.plan(index));
};
const actions = (plan: ConversationPlan): Action[] => plan.steps.map((step) => step.action);

describe('demo conversation plans', () => {
  it('are the same for the same seed and differ for another seed', () => {
    expect(plans(42, 'live', 20)).toEqual(plans(42, 'live', 20));
    expect(plans(42, 'history', 20)).toEqual(plans(42, 'history', 20));
    expect(JSON.stringify(plans(43, 'live', 20))).not.toEqual(JSON.stringify(plans(42, 'live', 20)));
  });

  it('give customers distinct, valid mobile numbers from several countries, writing in three languages', () => {
    const all = [...plans(7, 'live', 150), ...plans(7, 'history', 150)];
    const live = all.slice(0, 150);
    expect(new Set(live.map((plan) => plan.customer.phone)).size).toBe(150);
    for (const { customer } of all) {
      const parsed = parsePhoneNumberFromString(customer.phone);
      expect(parsed?.isValid(), customer.phone).toBe(true);
      expect(parsed?.number).toBe(customer.phone);
      expect(parsed?.country).toBe(customer.country);
      expect(customer.phone).toBe(`+${customer.waId}`);
    }
    const countries = new Set(all.map((plan) => plan.customer.country));
    for (const country of ['ES', 'MX', 'BR', 'PT', 'US']) expect(countries).toContain(country);
    expect(new Set(all.map((plan) => plan.customer.lang))).toEqual(new Set(['es', 'pt', 'en']));
  });

  it('show every part of the product in the first five live conversations', () => {
    const first = plans(1, 'live', 5);
    expect(first.map((plan) => plan.story)).toEqual([
      'wholesale',
      'order-status',
      'damaged-delivery',
      'machine-fault',
      'store-hours',
    ]);
    const kinds = new Set(first.flatMap(actions).map((action) => action.kind));
    for (const kind of [
      'customer',
      'bot',
      'handoff',
      'agent',
      'tag',
      'note',
      'resolve',
      'priority',
      'type',
    ]) {
      expect(kinds).toContain(kind);
    }
    const customerSteps = first.flatMap(actions).filter((action) => action.kind === 'customer');
    expect(customerSteps.some((action) => action.reopens)).toBe(true);
    expect(customerSteps.some((action) => action.rating !== undefined)).toBe(true);
    const notes = first.flatMap(actions).filter((action) => action.kind === 'note');
    expect(notes.every((note) => /(^|\s)@\w/.test(note.text))).toBe(true);
  });

  it('keep to the rules the metrics rely on', () => {
    for (const plan of [...plans(3, 'live', 200), ...plans(3, 'history', 200)]) {
      const steps = actions(plan);
      expect(steps[0]?.kind).toBe('customer');
      let resolved = false;
      let waitingForCustomer = false;
      let surveyed = false;
      for (const action of steps) {
        // A customer writes after each handoff before the agent answers: first response is measured from there.
        if (action.kind === 'handoff') waitingForCustomer = true;
        if (action.kind === 'customer') waitingForCustomer = false;
        if (action.kind === 'agent') expect(waitingForCustomer, plan.story).toBe(false);
        // The survey comes before the resolution, so the rating does not reopen the chat.
        if (action.kind === 'bot' && action.survey) surveyed = true;
        if (action.kind === 'customer' && action.rating !== undefined) {
          expect(surveyed).toBe(true);
          expect(resolved).toBe(false);
        }
        // Nothing but a customer's message follows a resolution, and that message reopens the chat.
        if (resolved) expect(action).toMatchObject({ kind: 'customer', reopens: true });
        if (action.kind === 'customer') expect(action.reopens === true).toBe(resolved);
        resolved = action.kind === 'resolve' || action.kind === 'deal';
      }
      expect(resolved, `${plan.story} ends resolved or won`).toBe(true);
    }
  });

  it('report statuses in order, late (a delivered after its read) and twice', () => {
    const statuses = plans(5, 'live', 30)
      .flatMap(actions)
      .flatMap((action) => (action.kind === 'bot' || action.kind === 'agent' ? [action.statuses] : []));
    expect(statuses.every((steps) => steps[0]?.status === 'sent')).toBe(true);
    expect(statuses.some((steps) => steps.some((step) => step.earlierBy !== undefined))).toBe(true);
    expect(statuses.some((steps) => steps.some((step) => step.repeat))).toBe(true);
    expect(statuses.some((steps) => steps.at(-1)?.status === 'read')).toBe(true);
  });
});
