import { describe, expect, it } from 'vitest';
import { groupingFor } from './grouping.js';
import { exactSum, priceOf } from './metrics-shape.js';
import { csvField } from './export-cycles.js';

const period = (from: string, to: string, timeZone: string) => ({
  from: Date.parse(from),
  to: Date.parse(to),
  timeZone,
});

describe('grouping by time', () => {
  it('answers every local day of the period, the DST day included, and puts each instant in its local day', () => {
    const grouping = groupingFor({
      ...period('2026-10-23T22:00:00Z', '2026-10-26T23:00:00Z', 'Europe/Madrid'),
      groupBy: 'day',
    });
    expect(grouping.rowKeys([])).toEqual(['2026-10-24', '2026-10-25', '2026-10-26']);
    // 23:30Z on Saturday is 01:30 on Sunday in Madrid; 22:59Z on Sunday (CET) is still Sunday.
    expect(grouping.keysOf(Date.parse('2026-10-24T23:30:00Z'), null)).toEqual(['2026-10-25']);
    expect(grouping.keysOf(Date.parse('2026-10-25T22:59:00Z'), null)).toEqual(['2026-10-25']);
    expect(grouping.keysOf(Date.parse('2026-10-25T23:00:00Z'), null)).toEqual(['2026-10-26']);
  });

  it('gives the repeated hour of a fall-back its own bucket, and 168 weekday-hour cells', () => {
    const hours = groupingFor({
      ...period('2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z', 'Europe/Madrid'),
      groupBy: 'hour',
    });
    expect(hours.rowKeys([])).toHaveLength(25);
    expect(hours.keysOf(Date.parse('2026-10-25T00:30:00Z'), null)).toEqual(['2026-10-25T02']);
    expect(hours.keysOf(Date.parse('2026-10-25T01:30:00Z'), null)).toEqual(['2026-10-25T02+01:00']);
    const cells = groupingFor({
      ...period('2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z', 'Europe/Madrid'),
      groupBy: 'weekday-hour',
    });
    expect(cells.rowKeys([])).toHaveLength(168);
    expect(cells.keysOf(Date.parse('2026-10-25T01:30:00Z'), null)).toEqual(['7-02']);
  });

  it('puts nothing in a bucket outside the period', () => {
    const grouping = groupingFor({
      ...period('2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z', 'UTC'),
      groupBy: 'day',
    });
    expect(grouping.keysOf(Date.parse('2026-10-03T00:00:00Z'), null)).toEqual([]);
  });
});

describe('grouping by dimension', () => {
  it('sorts the values that occur with none last, and splits tags', () => {
    const agents = groupingFor({
      ...period('2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z', 'UTC'),
      groupBy: 'agent',
    });
    expect(agents.rowKeys(['bo', null, 'ana', 'bo'])).toEqual(['ana', 'bo', null]);
    const tags = groupingFor({
      ...period('2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z', 'UTC'),
      groupBy: 'tag',
    });
    expect(tags.keysOf(0, '|refund|vip|')).toEqual(['refund', 'vip']);
    expect(tags.keysOf(0, '')).toEqual([null]);
  });
});

describe('sums and prices', () => {
  it('sums the same values to the same bits in any order', () => {
    const values = [0.1, 0.2, 0.3, 1e16, -1e16, 0.0509];
    expect(exactSum(values)).toBe(exactSum([...values].reverse()));
    expect(exactSum([0.1, 0.2])).toBe(0.30000000000000004);
    expect(exactSum([])).toBe(0);
  });

  it('prices a message by its category and country, falling back to the category', () => {
    const card = {
      currency: 'EUR',
      rates: [
        { category: 'marketing', country: 'ES', price: 0.05 },
        { category: 'marketing', price: 0.06 },
      ],
    };
    expect(priceOf(card, 'marketing', 'ES')).toBe(0.05);
    expect(priceOf(card, 'marketing', 'MX')).toBe(0.06);
    expect(priceOf(card, 'utility', 'ES')).toBeNull();
    expect(priceOf(null, 'marketing', 'ES')).toBeNull();
  });
});

describe('CSV fields', () => {
  it('quote commas, quotes and line breaks (RFC 4180), and leave the rest alone', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(true)).toBe('1');
    expect(csvField(2.5)).toBe('2.5');
  });
});
