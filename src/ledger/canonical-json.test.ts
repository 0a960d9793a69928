import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members, so equal values hash equally', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ x: 'é😀', n: null })).toBe(JSON.stringify({ n: null, x: 'é😀' }));
    expect(canonicalJson([undefined, Number.NaN])).toBe('[null,null]');
  });
});
