import { describe, expect, it } from 'vitest';
import { OwedHooks, owedHook } from '../../src/testing/owed-hooks.js';

const changed = (remoteUnit: string) =>
  owedHook({ hook: 'db-relation-changed', relationId: 'db:0', remoteUnit, remoteApp: 'app' });

describe("a unit's owed hooks", () => {
  it('knows an owed hook by its hook, relation and remote side until it is removed', () => {
    const owed = new OwedHooks();
    const one = changed('app/1');
    owed.add(one);
    owed.add(changed('app/2'));
    expect(owed.has(changed('app/1'))).toBe(true);
    expect(owed.has({ ...changed('app/1'), relationId: 'db:1' })).toBe(false);
    expect(owed.has({ ...changed('app/1'), remoteApp: undefined })).toBe(false);
    owed.remove(one);
    expect(owed.has(changed('app/1'))).toBe(false);
    expect(owed.has(changed('app/2'))).toBe(true);
    expect(owed.toArray().map((q) => q.remoteUnit)).toEqual(['app/2']);
  });

  it('forgets what retain() drops and clear() empties, and never indexes replayed hooks', () => {
    const owed = new OwedHooks();
    owed.add(changed('app/1'));
    owed.add(changed('app/2'));
    owed.add(owedHook({ hook: 'update-status', replay: true }));
    expect(owed.anyReplayed).toBe(true);
    expect(owed.has({ hook: 'update-status' })).toBe(false);
    owed.retain((q) => q.remoteUnit !== 'app/1');
    expect(owed.has(changed('app/1'))).toBe(false);
    expect(owed.length).toBe(2);
    owed.clear();
    expect(owed.has(changed('app/2'))).toBe(false);
    expect(owed.anyReplayed).toBe(false);
    expect(owed.length).toBe(0);
  });
});
