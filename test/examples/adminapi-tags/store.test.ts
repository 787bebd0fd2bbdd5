// Tags kept in Juju leader settings: one key per scope, canonical JSON, pruned when units leave,
// and (leader settings being the application's) the same for whichever unit leads.
import { describe, expect, it } from 'vitest';
import {
  GLOBAL_TAGS_KEY,
  pruneTagSettings,
  readStoredTags,
  scopeTags,
  TagError,
  tagsKey,
  unitOfTagsKey,
  writeTagOption,
} from '../../../examples/shared/adminapi-tags/index.js';

/** Leader settings as Juju keeps them, with writes applied the way leader-set does. */
function apply(
  settings: Record<string, string>,
  changes: Readonly<Record<string, string | null>>,
): Record<string, string> {
  const next = { ...settings };
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next;
}

describe('leader-settings keys (juju/names application.go: unit names map back unambiguously)', () => {
  const keys: Array<[string, string]> = [
    ['mysql/0', 'adminapi-tags-unit-mysql-0'],
    ['mysql/12', 'adminapi-tags-unit-mysql-12'],
    ['my-sql2/3', 'adminapi-tags-unit-my-sql2-3'],
  ];
  it.each(keys)('%s is kept under %s and read back', (unit, key) => {
    expect(tagsKey({ kind: 'unit', unit })).toBe(key);
    expect(unitOfTagsKey(key)).toBe(unit);
  });

  it('keeps cluster tags under one global key', () => {
    expect(tagsKey({ kind: 'global' })).toBe(GLOBAL_TAGS_KEY);
    expect(unitOfTagsKey(GLOBAL_TAGS_KEY)).toBeUndefined();
  });

  it.each(['mysql', 'mysql/01', 'MySQL/1', 'mysql/1/2', 'mysql-1/x'])(
    'refuses %j as a unit name',
    (unit) => {
      expect(() => tagsKey({ kind: 'unit', unit })).toThrow(/is not a Juju unit name/);
    },
  );

  it('reads no unit from keys of other shapes', () => {
    expect(unitOfTagsKey('adminapi-tags-unit-mysql')).toBeUndefined();
    expect(unitOfTagsKey('cluster-instance-clustered-10-0-0-2')).toBeUndefined();
  });
});

describe('writing and reading tags in leader settings', () => {
  it('stages one key per scope and reads every scope back', () => {
    let s: Record<string, string> = { 'cluster-created': 'true' };
    s = apply(s, writeTagOption(s, { kind: 'global' }, 'tag:location', 'US East').settings);
    s = apply(
      s,
      writeTagOption(s, { kind: 'unit', unit: 'mysql/1' }, 'tag:_hidden', true).settings,
    );
    s = apply(
      s,
      writeTagOption(s, { kind: 'unit', unit: 'mysql/1' }, 'tag:rack', { r: 1 }).settings,
    );
    expect(s).toEqual({
      'cluster-created': 'true',
      'adminapi-tags-global': '{"location":"US East"}',
      'adminapi-tags-unit-mysql-1': '{"_hidden":true,"rack":{"r":1}}',
    });
    const stored = readStoredTags(s);
    expect(stored.global.get('location')).toBe('US East');
    expect([...stored.units.keys()]).toEqual(['mysql/1']);
    expect(stored.problems).toEqual([]);
  });

  it('merges an object value with what leader settings hold', () => {
    let s: Record<string, string> = {};
    const scope = { kind: 'unit', unit: 'mysql/0' } as const;
    s = apply(s, writeTagOption(s, scope, 'tag:maint', { by: 'ops', ticket: 7 }).settings);
    s = apply(s, writeTagOption(s, scope, 'tag:maint', { ticket: null, eta: '1h' }).settings);
    expect(scopeTags(s, scope).get('maint')).toEqual({ by: 'ops', eta: '1h' });
  });

  it('deletes the key when the last tag of a scope is removed', () => {
    const s = { 'adminapi-tags-unit-mysql-1': '{"_hidden":true}' };
    const write = writeTagOption(s, { kind: 'unit', unit: 'mysql/1' }, 'tag:_hidden', null);
    expect(write.settings).toEqual({ 'adminapi-tags-unit-mysql-1': null });
  });

  it('stages nothing and throws the MySQL Shell message on a rule violation', () => {
    expect(() => writeTagOption({}, { kind: 'global' }, 'tag:_hidden', 'maybe')).toThrow(
      new TagError(
        'TypeError',
        "Built-in tag '_hidden' is expected to be of type Bool, but is String",
      ),
    );
  });

  it("reads the same tags whichever unit leads: the settings are the application's", () => {
    const s = apply({}, writeTagOption({}, { kind: 'global' }, 'tag:a', 1).settings);
    // A new leader reads the same leader-get output; its next write keeps the first tag.
    const afterChange = apply(s, writeTagOption(s, { kind: 'global' }, 'tag:b', 2).settings);
    expect(readStoredTags(afterChange).global).toEqual(
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
    );
  });
});

describe('untrusted stored values are parsed, never trusted', () => {
  const bad: Array<[string, string, string]> = [
    ['not JSON', '{', 'not JSON'],
    ['a JSON array', '[1]', 'not a JSON object'],
    ['too large', `{"a":"${'x'.repeat(17_000)}"}`, 'longer than 16384 bytes'],
    ['too deep', `{"a":${'['.repeat(20)}${']'.repeat(20)}}`, 'nested deeper than 16 levels'],
  ];
  it.each(bad)('ignores a scope that is %s, and says so', (_what, text, problem) => {
    const stored = readStoredTags({ 'adminapi-tags-unit-mysql-2': text });
    expect(stored.units.size).toBe(0);
    expect(stored.problems).toEqual([`adminapi-tags-unit-mysql-2: ignored, ${problem}`]);
  });

  it('drops entries whose names are not tag names, keeps the rest', () => {
    const stored = readStoredTags({ 'adminapi-tags-global': '{"ok":1,"bad name":2,"_x":3}' });
    expect([...stored.global.keys()]).toEqual(['ok']);
    expect(stored.problems).toHaveLength(2);
  });

  it('keeps a malformed built-in as stored (routing ignores it, as Router does)', () => {
    const stored = readStoredTags({ 'adminapi-tags-unit-mysql-0': '{"_hidden":"yes"}' });
    expect(stored.units.get('mysql/0')?.get('_hidden')).toBe('yes');
  });
});

describe('pruning tags of units that left', () => {
  const s = {
    'adminapi-tags-global': '{"a":1}',
    'adminapi-tags-unit-mysql-0': '{"a":1}',
    'adminapi-tags-unit-mysql-1': '{"_hidden":true}',
    'adminapi-tags-unit-mysql-10': '{"a":1}',
    'cluster-created': 'true',
  };

  it('deletes exactly the keys of units no longer present', () => {
    expect(pruneTagSettings(s, ['mysql/0', 'mysql/10'])).toEqual({
      'adminapi-tags-unit-mysql-1': null,
    });
  });

  it('deletes nothing when every unit is present, and never touches other keys', () => {
    expect(pruneTagSettings(s, ['mysql/0', 'mysql/1', 'mysql/10'])).toEqual({});
    expect(Object.keys(pruneTagSettings(s, []))).toEqual([
      'adminapi-tags-unit-mysql-0',
      'adminapi-tags-unit-mysql-1',
      'adminapi-tags-unit-mysql-10',
    ]);
  });
});
