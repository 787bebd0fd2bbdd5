// Changing one scope's tags: values, JSON merge-patch of object values (MySQL's
// JSON_MERGE_PATCH in MetadataStorage::set_table_tag, modules/adminapi/common/metadata_storage.cc),
// removal with null (JSON_REMOVE: absent is not an error), bounds, and the action's `value` text.
import type { JsonValue } from 'juju-reactive';
import { describe, expect, it } from 'vitest';
import {
  applyTagOption,
  decodeValueParam,
  encodeTags,
  MAX_TAGS_PER_SCOPE,
  MAX_VALUE_TEXT,
  mergePatch,
  readSetOptionParams,
  type TagMap,
} from '../../../examples/shared/adminapi-tags/index.js';
import { failure, tags } from './helpers.js';

describe('custom tag values are any JSON value (metadata_storage.cc set_table_tag)', () => {
  const values: JsonValue[] = ['US East', 123, 1.5, true, false, [1, 'a', null], { a: 1 }, ''];
  it.each(values.map((v) => [v]))('stores %j unchanged on an absent tag', (value) => {
    const change = applyTagOption(new Map(), 'tag:custom', value);
    expect(change.stored).toEqual(value);
    expect(change.tags.get('custom')).toEqual(value);
  });

  it('replaces a scalar with a scalar', () => {
    expect(applyTagOption(tags({ location: 'EMEA' }), 'tag:location', 'US East').stored).toBe(
      'US East',
    );
  });

  it('stores built-ins converted to Bool, also at cluster level', () => {
    expect(applyTagOption(new Map(), 'tag:_hidden', '1').tags.get('_hidden')).toBe(true);
    expect(
      applyTagOption(new Map(), 'tag:_disconnect_existing_sessions_when_hidden', 0).stored,
    ).toBe(false);
  });

  it('leaves the given map unchanged', () => {
    const before = tags({ a: 1 });
    applyTagOption(before, 'tag:a', null);
    expect(before.get('a')).toBe(1);
  });
});

describe('object values merge (JSON merge-patch, RFC 7396)', () => {
  const cases: Array<[string, JsonValue | undefined, JsonValue, JsonValue]> = [
    ['adds keys', { a: 1 }, { b: 2 }, { a: 1, b: 2 }],
    ['replaces keys', { a: 1, b: 2 }, { b: 3 }, { a: 1, b: 3 }],
    ['an inner null deletes a key', { a: 1, b: 2 }, { b: null }, { a: 1 }],
    ['deleting an absent inner key is no error', { a: 1 }, { z: null }, { a: 1 }],
    ['merges recursively', { a: { x: 1, y: 2 } }, { a: { y: null, z: 3 } }, { a: { x: 1, z: 3 } }],
    ['an object onto a scalar starts from {} and drops nulls', 'old', { a: 1, b: null }, { a: 1 }],
    ['an object onto an array replaces it', [1, 2], { a: 1 }, { a: 1 }],
    ['an array replaces an object', { a: 1 }, [1], [1]],
    ['a scalar replaces an object', { a: 1 }, 'flat', 'flat'],
    ['arrays inside are replaced, not merged', { a: [1, 2] }, { a: [3] }, { a: [3] }],
    ['an object onto an absent tag', undefined, { a: { b: null } }, { a: {} }],
  ];
  it.each(cases)('%s', (_what, target, patch, expected) => {
    expect(mergePatch(target, patch)).toEqual(expected);
    const start: TagMap = target === undefined ? new Map() : tags({ t: target });
    expect(applyTagOption(start, 'tag:t', patch).tags.get('t')).toEqual(expected);
  });

  it('keeps a key named __proto__ as a plain key, not a prototype', () => {
    const merged = mergePatch({ a: 1 }, JSON.parse('{"__proto__": {"polluted": true}}'));
    expect(Object.hasOwn(merged as object, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });
});

describe('null removes a tag (JSON_REMOVE in set_table_tag)', () => {
  it('removes a present tag', () => {
    const change = applyTagOption(tags({ location: 'EMEA', b: 1 }), 'tag:location', null);
    expect(change.stored).toBeNull();
    expect([...change.tags.keys()]).toEqual(['b']);
  });

  it('removing an absent tag is not an error', () => {
    expect(applyTagOption(tags({ b: 1 }), 'tag:location', null).tags).toEqual(tags({ b: 1 }));
  });

  it('removes a built-in without a type check', () => {
    expect(applyTagOption(tags({ _hidden: true }), 'tag:_hidden', null).tags.size).toBe(0);
  });

  it('still checks the option when removing', () => {
    expect(failure(() => applyTagOption(new Map(), 'tag:_nope', null)).message).toBe(
      "'_nope' is not a valid built-in tag.",
    );
  });
});

describe('bounds of a scope (leader settings travel in argv)', () => {
  it(`refuses tag number ${MAX_TAGS_PER_SCOPE + 1}`, () => {
    const full = new Map<string, JsonValue>();
    for (let i = 0; i < MAX_TAGS_PER_SCOPE; i++) full.set(`t${i}`, i);
    expect(applyTagOption(full, 'tag:t0', 'replace').tags.size).toBe(MAX_TAGS_PER_SCOPE);
    expect(failure(() => applyTagOption(full, 'tag:one_more', 1)).kind).toBe('LimitError');
  });

  it('refuses a scope over the byte bound', () => {
    let scope: TagMap = new Map();
    const big = 'x'.repeat(4000);
    for (let i = 0; i < 4; i++) scope = applyTagOption(scope, `tag:t${i}`, big).tags;
    expect(failure(() => applyTagOption(scope, 'tag:t4', big))).toEqual({
      kind: 'LimitError',
      message: expect.stringContaining('at most 16384 are accepted per scope'),
    });
  });

  it('refuses an overlong option before parsing it', () => {
    expect(failure(() => applyTagOption(new Map(), `tag:${'a'.repeat(300)}`, 1)).kind).toBe(
      'LimitError',
    );
  });

  it('encodes a scope canonically: names sorted, ASCII only', () => {
    expect(encodeTags(tags({ b: 'é', a: { z: 1, y: 2 } }))).toBe(
      '{"a":{"y":2,"z":1},"b":"\\u00e9"}',
    );
  });
});

describe("the action's value parameter is JSON text", () => {
  const texts: Array<[string, JsonValue, string]> = [
    ['null', null, 'removes the tag'],
    ['true', true, 'a boolean'],
    ['"true"', 'true', 'a string, quoted'],
    ['1', 1, 'a number'],
    ['"US East"', 'US East', 'a string with a space'],
    ['{"a": null}', { a: null }, 'an object keeps inner nulls for merge-patch'],
    [' [1, 2] ', [1, 2], 'white space around is JSON'],
  ];
  it.each(texts)('%s decodes to %j (%s)', (text, value) => {
    expect(decodeValueParam(text)).toEqual(value);
    expect(readSetOptionParams({ option: 'tag:a', value: text })).toEqual({
      option: 'tag:a',
      value,
    });
  });

  it('refuses text that is not JSON, with how to quote a string', () => {
    expect(failure(() => decodeValueParam('US East'))).toEqual({
      kind: 'ValueError',
      message: expect.stringContaining(`value='"US East"'`),
    });
  });

  it('refuses a non-string parameter (juju run without --string-args parsed it as YAML)', () => {
    expect(failure(() => decodeValueParam(true)).message).toContain('--string-args');
  });

  it('refuses over-long and over-deep values', () => {
    expect(failure(() => decodeValueParam(`"${'x'.repeat(MAX_VALUE_TEXT)}"`)).kind).toBe(
      'LimitError',
    );
    expect(failure(() => decodeValueParam(`${'['.repeat(17)}${']'.repeat(17)}`)).kind).toBe(
      'LimitError',
    );
    expect(decodeValueParam(`${'['.repeat(16)}${']'.repeat(16)}`)).toBeDefined();
  });

  it('refuses numbers a double cannot hold, which would be written back as null', () => {
    expect(failure(() => decodeValueParam('1e400')).kind).toBe('ValueError');
    expect(failure(() => decodeValueParam('{"a": [-1e999]}')).kind).toBe('ValueError');
  });

  it('requires value (removal is value=null) and a string option', () => {
    expect(failure(() => readSetOptionParams({ option: 'tag:a' })).message).toContain('value=null');
    expect(failure(() => readSetOptionParams({ option: 1, value: '1' })).message).toBe(
      'parameter option is required and must be a string',
    );
  });
});
