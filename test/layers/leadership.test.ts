import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import {
  leaderGet,
  leaderSet,
  leaderSettingsDigest,
  leadership,
} from '../../src/layers/leadership.js';
import { mulberry32 } from '../../src/testing/random.js';
import { hookHarness } from '../helpers/hook.js';
import { StubHookTools, stubWorld } from '../helpers/stub-tools.js';

function setup(leader: boolean, settings: Record<string, string> = {}) {
  const charm = new Charm().use(leadership);
  const tools = new StubHookTools(stubWorld({ leader, leaderSettings: settings }));
  const h = hookHarness(charm, { tools });
  return {
    charm,
    tools,
    h,
    flags: () => h.store.load().flags.filter((f) => f.startsWith('leadership.')),
  };
}

describe('leadership flags at hook start', () => {
  it('sets is_leader, set.<key>, changed.<key> and changed from is-leader and leader-get', async () => {
    const { h, flags } = setup(true, { a: '1' });
    await h.run({ hookName: 'leader-elected' });
    expect(flags()).toEqual([
      'leadership.changed',
      'leadership.changed.a',
      'leadership.is_leader',
      'leadership.set.a',
    ]);
  });

  it('clears changed flags when nothing changed since the last hook', async () => {
    const { h, flags } = setup(false, { a: '1' });
    await h.run({ hookName: 'leader-settings-changed' });
    await h.run({ hookName: 'update-status' });
    expect(flags()).toEqual(['leadership.set.a']);
  });

  it('treats a deleted key as changed and clears its set flag', async () => {
    const { h, flags, tools } = setup(false, { a: '1', b: '2' });
    await h.run({ hookName: 'leader-settings-changed' });
    delete tools.world.leaderSettings.b;
    await h.run({ hookName: 'leader-settings-changed' });
    expect(flags()).toEqual(['leadership.changed', 'leadership.changed.b', 'leadership.set.a']);
  });

  it('follows a leader change in both directions', async () => {
    const { h, flags, tools } = setup(true);
    await h.run({ hookName: 'leader-elected' });
    expect(flags()).toContain('leadership.is_leader');
    tools.world.leader = false;
    await h.run({ hookName: 'leader-settings-changed' });
    expect(flags()).not.toContain('leadership.is_leader');
    tools.world.leader = true;
    await h.run({ hookName: 'leader-elected' });
    expect(flags()).toContain('leadership.is_leader');
  });

  it('never stores leader setting values in unit state (only hashes)', async () => {
    const { h } = setup(false, { password: 'hunter2-very-secret' });
    await h.run({ hookName: 'leader-settings-changed' });
    expect(JSON.stringify(h.store.load())).not.toContain('hunter2-very-secret');
  });
});

describe('leaderSet', () => {
  it('updates flags at once so handlers react in the same hook, and commits one leader-set', async () => {
    const { charm, h, tools } = setup(true);
    charm
      .when('leadership.is_leader')
      .whenNot('leadership.set.pw')
      .run(function choose(rt) {
        leaderSet(rt, { pw: 'generated-password', other: 'x' });
      });
    let seen: string | undefined;
    charm.when('leadership.changed.pw').run(function react(rt) {
      seen = leaderGet(rt, 'pw');
    });
    const r = await h.run({ hookName: 'leader-elected' });
    expect(r.runs.map((x) => `${x.handler}@${x.iteration}`)).toEqual(['choose@0', 'react@1']);
    expect(seen).toBe('generated-password');
    expect(tools.callsOf('leader-set').map((c) => c.args)).toEqual([
      [{ other: 'x', pw: 'generated-password' }],
    ]);
  });

  it('fails the hook on a non-leader with a message naming the guard, writing nothing', async () => {
    const { charm, h, tools } = setup(false);
    charm.handler({ id: 'misuse' }, (rt) => leaderSet(rt, { a: 'b' }));
    const r = await h.run({ hookName: 'update-status' });
    expect(r.exitCode).toBe(1);
    expect(r.error).toMatch(
      /leaderSet\(\) called on mysql\/0, which is not the leader; guard the handler with when\('leadership.is_leader'\)/,
    );
    expect(tools.callsOf('leader-set')).toEqual([]);
  });

  it('buffers leader settings until the hook succeeds (Juju would apply them at once)', async () => {
    const { charm, h, tools } = setup(true);
    charm.handler({ id: 'write' }, (rt) => leaderSet(rt, { a: 'b' }));
    charm.handler({ id: 'fail' }, () => {
      throw new Error('later failure');
    });
    const r = await h.run({ hookName: 'update-status' });
    expect(r.exitCode).toBe(1);
    expect(tools.callsOf('leader-set')).toEqual([]);
    expect(tools.world.leaderSettings).toEqual({});
  });

  it('deletes a key with null and sends only changed keys', async () => {
    const { charm, h, tools } = setup(true, { keep: 'same', drop: 'x' });
    charm.handler({ id: 'write' }, (rt) => leaderSet(rt, { keep: 'same', drop: null, add: 'new' }));
    await h.run({ hookName: 'update-status' });
    expect(tools.callsOf('leader-set').map((c) => c.args)).toEqual([[{ add: 'new', drop: '' }]]);
    expect(tools.world.leaderSettings).toEqual({ keep: 'same', add: 'new' });
  });
});

describe('leadership.set flags when the settings are unchanged (compared with one list per settings digest)', () => {
  it('puts back a set flag a handler cleared, and clears one a handler set for no key', async () => {
    const { charm, h, flags } = setup(false, { a: '1', b: '2' });
    charm.handler({ id: 'meddle' }, function meddle(rt) {
      if (rt.hookName !== 'config-changed') return;
      rt.flags.clear('leadership.set.a');
      rt.flags.set('leadership.set.zz');
    });
    await h.run({ hookName: 'leader-settings-changed' });
    await h.run({ hookName: 'config-changed' });
    expect(flags()).toEqual(['leadership.set.b', 'leadership.set.zz']);
    await h.run({ hookName: 'update-status' });
    expect(flags()).toEqual(['leadership.set.a', 'leadership.set.b']);
  });
});

describe('leadership flags after a deletion', () => {
  it('clears changed.<key> in the hook after the one that saw the key deleted', async () => {
    const { h, flags, tools } = setup(false, { a: '1', b: '2' });
    await h.run({ hookName: 'leader-settings-changed' });
    delete tools.world.leaderSettings.b;
    await h.run({ hookName: 'leader-settings-changed' });
    await h.run({ hookName: 'update-status' });
    expect(flags()).toEqual(['leadership.set.a']);
  });
});

describe('leadership flags over random sequences (an unchanged bag is told by one hash of it)', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`seed ${seed}: set.<key> and changed.<key> as a key-by-key comparison with the last hook says`, async () => {
      const r = mulberry32(seed);
      const keys = ['a', 'b', 'c', 'instance-10-0-0-1', 'instance-10-0-0-2'];
      const pick = () => keys[Math.floor(r() * keys.length)] as string;
      const own: { set?: Record<string, string | null> } = {};
      const charm = new Charm().use(leadership);
      charm.hook('config-changed').run(function write(rt) {
        if (own.set !== undefined) leaderSet(rt, own.set);
      });
      const tools = new StubHookTools(stubWorld({ leader: true, leaderSettings: {} }));
      const h = hookHarness(charm, { tools });
      const settings = tools.world.leaderSettings;
      let last: Record<string, string> = {};
      for (let step = 0; step < 40; step++) {
        const roll = r();
        if (roll < 0.4) {
          // Settings changed outside this unit's hooks (another leader, before this one).
          const key = pick();
          if (r() < 0.3) delete settings[key];
          else settings[key] = String(Math.floor(r() * 3));
          await h.run({ hookName: 'leader-settings-changed' });
        } else if (roll < 0.6) {
          // This unit's own leaderSet, in a hook: its flags change at once.
          own.set = { [pick()]: r() < 0.2 ? null : String(Math.floor(r() * 3)) };
          await h.run({ hookName: 'config-changed' });
          own.set = undefined;
          last = { ...settings };
          continue;
        } else {
          await h.run({ hookName: 'update-status' });
        }
        const flags = h.store.load().flags.filter((f) => f.startsWith('leadership.'));
        const changed = [...new Set([...Object.keys(last), ...Object.keys(settings)])]
          .filter((k) => last[k] !== settings[k])
          .sort();
        expect(flags).toEqual(
          [
            ...(changed.length > 0 ? ['leadership.changed'] : []),
            ...changed.map((k) => `leadership.changed.${k}`),
            'leadership.is_leader',
            ...Object.keys(settings)
              .sort()
              .map((k) => `leadership.set.${k}`),
          ].sort(),
        );
        last = { ...settings };
      }
    });
  }
});

describe('leaderSettingsDigest', () => {
  it('is equal for equal settings, moves with a pending leaderSet and with a change Juju reports, and holds no value', async () => {
    const { charm, h, tools } = setup(true, { pw: 'hunter2-very-secret', a: '1' });
    const digests: string[] = [];
    charm.when('leadership.is_leader').run(function record(rt) {
      digests.push(leaderSettingsDigest(rt), leaderSettingsDigest(rt));
      if (rt.hookName === 'config-changed') {
        leaderSet(rt, { a: '2' });
        digests.push(leaderSettingsDigest(rt));
      }
    });
    await h.run({ hookName: 'leader-elected' });
    await h.run({ hookName: 'update-status' });
    expect(digests[0]).toBe(digests[1]);
    expect(digests[2]).toBe(digests[0]);
    await h.run({ hookName: 'config-changed' });
    expect(digests[4]).toBe(digests[0]);
    expect(digests[6]).not.toBe(digests[0]); // after its own leaderSet({ a: '2' })
    tools.world.leaderSettings.a = '3';
    await h.run({ hookName: 'update-status' });
    expect(digests[7]).toBe(digests[8]);
    expect(digests[7]).not.toBe(digests[6]);
    expect(digests[7]).not.toBe(digests[0]);
    for (const d of digests) expect(d).not.toContain('hunter2');
  });
});
