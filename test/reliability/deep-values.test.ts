// Deeply nested and oversized relation values (issue 15, item 1). A peer value nested
// thousands of levels deep used to overflow the stack in the key-sorting hash behind the
// automatic `changed` flags, failing every relation hook of every other unit on every retry.
// Decoding and hashing are now bounded (depth and size) and never recurse on the value's depth.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { decodeValue, encodeValue } from '../../src/endpoints/views.js';
import { hashValue, MAX_DECODE_DEPTH, stableStringify } from '../../src/util/json.js';
import { peerRelation, peersMeta, peerTools, TestPeers } from '../endpoints/builders.js';
import { hookHarness } from '../helpers/hook.js';

const rel = { name: 'cluster', id: 'cluster:0' };

/** `depth` levels of arrays or objects around a leaf, as JSON text. Built without recursion. */
function nestedText(depth: number, kind: 'array' | 'object', leaf = '1'): string {
  const open = kind === 'array' ? '[' : '{"k":';
  const close = kind === 'array' ? ']' : '}';
  return open.repeat(depth) + leaf + close.repeat(depth);
}

/** A value nested `depth` levels deep, built iteratively. */
function nestedValue(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { k: value };
  return value;
}

// Generators: values nested up to 5,000 levels, as a peer could publish them.
const deepText = fc
  .record({
    depth: fc.integer({ min: 0, max: 5_000 }),
    kind: fc.constantFrom('array' as const, 'object' as const),
    leaf: fc.constantFrom('1', '"x"', 'null', '{}', '[]', '"\\"]}"'),
  })
  .map(({ depth, kind, leaf }) => nestedText(depth, kind, leaf));

describe('a deeply nested peer value', () => {
  it('does not fail the relation hook of a unit that reads it (3,000 levels, ~6 KB)', async () => {
    const charm = new Charm().endpoint(TestPeers);
    const deep = nestedText(3_000, 'array');
    expect(deep.length).toBeLessThan(7_000);
    const tools = peerTools({ 'cluster:0': peerRelation({ 'mysql/1': { evil: deep } }) });
    const h = hookHarness(charm, { tools, metadata: peersMeta });
    const ctx = { relation: rel, remoteUnit: 'mysql/1' };
    const joined = await h.run({ hookName: 'cluster-relation-joined', ...ctx });
    expect(joined.error).toBeUndefined();
    expect(joined.exitCode).toBe(0);
    expect(h.store.load().flags).toContain('endpoint.cluster.changed.evil');
    const warnings = tools.logs.filter((l) => l.level === 'WARNING');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/mysql\/1 on cluster:0: evil is nested deeper than/);
    // The same value seen again is not reported again.
    const changed = await h.run({ hookName: 'cluster-relation-changed', ...ctx });
    expect(changed.exitCode).toBe(0);
    expect(tools.logs.filter((l) => l.level === 'WARNING')).toHaveLength(1);
  });

  it('is read as the raw string it was published as, beyond the depth bound', () => {
    const deep = nestedText(MAX_DECODE_DEPTH + 1, 'object');
    expect(decodeValue(deep)).toBe(deep);
    const shallow = nestedText(MAX_DECODE_DEPTH, 'object');
    expect(decodeValue(shallow)).toEqual(JSON.parse(shallow));
  });

  it('never makes decodeValue or hashValue throw (property, up to 5,000 levels)', () => {
    fc.assert(
      fc.property(deepText, (text) => {
        const decoded = decodeValue(text);
        expect(typeof hashValue(decoded)).toBe('string');
      }),
      { numRuns: 300, seed: 20261129 },
    );
  });
});

/** A copy with object keys sorted, built as objects (so array-index keys come first). */
const sortDeep = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(sortDeep)
    : v !== null && typeof v === 'object'
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sortDeep((v as Record<string, unknown>)[k])]),
        )
      : v;

describe('stableStringify', () => {
  it('encodes a value nested 100,000 levels without recursion', () => {
    const text = stableStringify(nestedValue(100_000));
    expect(text.length).toBeGreaterThan(200_000);
    expect(text.startsWith('{"k":[{"k":')).toBe(true);
  });

  it('encodes as JSON.stringify of a key-sorted copy, as it always has (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        expect(stableStringify(value)).toBe(JSON.stringify(sortDeep(value)));
      }),
      { numRuns: 500, seed: 20261129 },
    );
  });

  it('encodes the same beyond the depth of its recursive fast path (property)', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 4 }),
        fc.integer({ min: 95, max: 140 }),
        (leaf, depth) => {
          let wrapped: unknown = leaf;
          for (let i = 0; i < depth; i++)
            wrapped = i % 2 ? { z: 0, '10': wrapped, '2': [] } : [wrapped, 'x'];
          expect(stableStringify(wrapped)).toBe(JSON.stringify(sortDeep(wrapped)));
        },
      ),
      { numRuns: 200, seed: 20261129 },
    );
  });

  it('drops undefined members, turns undefined array items into null, honours toJSON', () => {
    const date = new Date(0);
    expect(stableStringify({ b: undefined, a: [undefined, date] })).toBe(
      JSON.stringify({ a: [null, date] }),
    );
    expect(stableStringify(undefined)).toBe('null');
  });

  it('refuses a circular value with a clear error instead of looping', () => {
    const loop: Record<string, unknown> = {};
    loop['self'] = loop;
    expect(() => encodeValue(loop)).toThrow(/circular/);
  });
});
