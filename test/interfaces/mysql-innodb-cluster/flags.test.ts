import { MySQLInnoDBClusterPeers } from 'juju-reactive/interfaces/mysql-innodb-cluster';
import { describe, expect, it } from 'vitest';
import { joinAll, peerCharm, peerData, peerHarness, peers, peerWorld, REL } from './builders.js';

const CONNECTED = 'cluster.connected';
const AVAILABLE = 'cluster.available';
const CLUSTERED = 'cluster.clustered';

describe('cluster.connected', () => {
  it('is set when the first peer joins', async () => {
    const h = peerHarness(peerCharm(), peerWorld(peers({ 1: {} })));
    await h.relationHook('joined', 'mysql/1');
    expect(h.flags()).toContain(CONNECTED);
  });

  it('is not set while the relation exists without peers', async () => {
    const h = peerHarness(peerCharm());
    await h.relationHook('created');
    expect(h.flags()).not.toContain(CONNECTED);
  });

  it('stays set while a peer remains, and is cleared when the last peer departs', async () => {
    const world = peerWorld(peers({ 1: {}, 2: {} }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    await h.depart('mysql/1');
    expect(h.flags()).toContain(CONNECTED);
    await h.depart('mysql/2');
    expect(h.flags()).not.toContain(CONNECTED);
  });
});

describe('cluster.available', () => {
  it('is not set with no peers', async () => {
    const h = peerHarness(peerCharm());
    await h.relationHook('created');
    expect(h.flags()).not.toContain(AVAILABLE);
  });

  it('is not set with one valid peer when the cluster needs three units', async () => {
    const world = peerWorld(peers({ 1: {} }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).toContain(CONNECTED);
    expect(h.flags()).not.toContain(AVAILABLE);
  });

  it.each([
    ['cluster-address', { address: undefined }],
    ['cluster-user', { user: undefined }],
    ['cluster-password', { password: undefined }],
  ])('is not set when a peer has not published %s', async (_key, fields) => {
    const world = peerWorld(peers({ 1: {}, 2: fields }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).not.toContain(AVAILABLE);
    expect(h.warnings()).toEqual([]); // missing is not invalid: nothing to report
  });

  it.each([
    ['cluster-address', { address: 'not an address!' }],
    ['cluster-user', { user: "root'@'%" }],
    ['cluster-password', { password: 'line\nbreak' }],
  ])('is not set when a peer holds invalid %s', async (key, fields) => {
    const world = peerWorld(peers({ 1: {}, 2: fields }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).not.toContain(AVAILABLE);
    expect(h.warnings().at(-1)).toContain(`mysql/2 on ${REL}: ${key} must be`);
  });

  it('is set when enough peers published a valid address, user and password', async () => {
    const world = peerWorld(peers({ 1: {}, 2: {} }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).toEqual(expect.arrayContaining([CONNECTED, AVAILABLE]));
    expect(h.warnings()).toEqual([]);
  });

  it('counts ready peers: a peer that has not published yet does not hold it back', async () => {
    const world = peerWorld(peers({ 1: {}, 2: {}, 3: { password: undefined } }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).toContain(AVAILABLE);
  });

  it('is cleared in the same hook when a peer withdraws its password', async () => {
    const world = peerWorld(peers({ 1: {}, 2: {} }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).toContain(AVAILABLE);
    await h.change('mysql/2', peerData(2, { password: undefined }));
    expect(h.flags()).not.toContain(AVAILABLE);
  });

  it('is cleared in the same hook when a peer publishes null for a key', async () => {
    const world = peerWorld(peers({ 1: {}, 2: {} }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    await h.change('mysql/1', peerData(1, { address: null }));
    expect(h.flags()).not.toContain(AVAILABLE);
  });

  it('is cleared in the same hook when a peer departs', async () => {
    const world = peerWorld(peers({ 1: {}, 2: {} }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    await h.depart('mysql/2');
    expect(h.flags()).toContain(CONNECTED);
    expect(h.flags()).not.toContain(AVAILABLE);
  });

  it('is set again when the peer publishes its data again', async () => {
    const world = peerWorld(peers({ 1: {}, 2: { user: undefined } }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).not.toContain(AVAILABLE);
    await h.change('mysql/2', peerData(2));
    expect(h.flags()).toContain(AVAILABLE);
  });
});

describe('cluster.clustered', () => {
  it('is not set with no peers', async () => {
    const h = peerHarness(peerCharm());
    await h.relationHook('created');
    expect(h.flags()).not.toContain(CLUSTERED);
  });

  it('is not set with one clustered peer when the cluster needs three units', async () => {
    const world = peerWorld(peers({ 1: { clustered: true } }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).not.toContain(CLUSTERED);
  });

  it('is not set while one joined peer has not published unit-clustered', async () => {
    const world = peerWorld(peers({ 1: { clustered: true }, 2: { clustered: true }, 3: {} }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).not.toContain(CLUSTERED);
  });

  it.each([
    ['the JSON string "true"', '"true"'],
    ['Python True', 'True'],
    ['1', '1'],
  ])('is not set when a peer publishes %s instead of true', async (_what, raw) => {
    const bad = { ...peerData(2), 'unit-clustered': raw };
    const world = peerWorld({ ...peers({ 1: { clustered: true } }), 'mysql/2': bad });
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).not.toContain(CLUSTERED);
    expect(h.flags()).toContain(AVAILABLE); // the rest of the peer's data still counts
    expect(h.warnings().at(-1)).toContain('mysql/2 on cluster:0: unit-clustered must be JSON true');
  });

  it('is set when enough peers, and every joined peer, published unit-clustered: true', async () => {
    const world = peerWorld(peers({ 1: { clustered: true }, 2: { clustered: true } }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).toEqual(expect.arrayContaining([AVAILABLE, CLUSTERED]));
  });

  it('does not need the peers to be available', async () => {
    const world = peerWorld(peers({ 1: { clustered: true }, 2: { clustered: true, user: 'x y' } }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).toContain(CLUSTERED);
    expect(h.flags()).not.toContain(AVAILABLE);
  });

  it('is cleared in the same hook when a peer withdraws unit-clustered', async () => {
    const world = peerWorld(peers({ 1: { clustered: true }, 2: { clustered: true } }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    await h.change('mysql/1', peerData(1, { clustered: false }));
    expect(h.flags()).not.toContain(CLUSTERED);
  });

  it('is cleared in the same hook when a new peer joins without unit-clustered', async () => {
    const world = peerWorld(peers({ 1: { clustered: true }, 2: { clustered: true } }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    const rel = world.relations[REL];
    if (rel) rel.units['mysql/3'] = peerData(3);
    await h.relationHook('joined', 'mysql/3');
    expect(h.flags()).not.toContain(CLUSTERED);
  });

  it('is cleared in the same hook when a peer departs', async () => {
    const world = peerWorld(peers({ 1: { clustered: true }, 2: { clustered: true } }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    await h.depart('mysql/1');
    expect(h.flags()).not.toContain(CLUSTERED);
  });
});

describe('minimumClusterSize', () => {
  it.each([3, 5])(
    'with %i needs that many units minus one: ready and clustered peers',
    async (size) => {
      const needed = size - 1;
      const spec: Record<number, object> = {};
      for (let n = 1; n < needed; n++) spec[n] = { clustered: true };
      const world = peerWorld(peers(spec));
      const h = peerHarness(peerCharm({ minimumClusterSize: size }), world);
      await joinAll(h, world);
      expect(h.flags()).not.toContain(AVAILABLE);
      expect(h.flags()).not.toContain(CLUSTERED);

      const rel = world.relations[REL];
      if (rel) rel.units[`mysql/${needed}`] = peerData(needed, { clustered: true });
      await h.relationHook('joined', `mysql/${needed}`);
      expect(h.flags()).toEqual(expect.arrayContaining([AVAILABLE, CLUSTERED]));
    },
  );

  it('with 1 makes a unit without peers available and clustered once the relation exists', async () => {
    const h = peerHarness(peerCharm({ minimumClusterSize: 1 }), peerWorld());
    await h.run({ hookName: 'install' });
    expect(h.flags()).toEqual(expect.arrayContaining([AVAILABLE, CLUSTERED]));
    expect(h.flags()).not.toContain(CONNECTED);
  });

  it('with 1 and no peer relation yet sets nothing', async () => {
    const h = peerHarness(peerCharm({ minimumClusterSize: 1 }), peerWorld({}, { relations: {} }));
    await h.run({ hookName: 'install' });
    expect(h.flags()).not.toContain(AVAILABLE);
  });

  it('with 1 still waits for every joined peer before setting clustered', async () => {
    const world = peerWorld(peers({ 1: {} }));
    const h = peerHarness(peerCharm({ minimumClusterSize: 1 }), world);
    await joinAll(h, world);
    expect(h.flags()).toContain(AVAILABLE);
    expect(h.flags()).not.toContain(CLUSTERED);
  });

  it('defaults to 3', async () => {
    const world = peerWorld(peers({ 1: {} }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).not.toContain(AVAILABLE);
    const rel = world.relations[REL];
    if (rel) rel.units['mysql/2'] = peerData(2);
    await h.relationHook('joined', 'mysql/2');
    expect(h.flags()).toContain(AVAILABLE);
  });

  it.each([0, -1, 2.5, Number.NaN])(
    'rejects %s with a message that says what to fix',
    async (size) => {
      const h = peerHarness(peerCharm({ minimumClusterSize: size }));
      const result = await h.run({ hookName: 'install' });
      expect(result.ok).toBe(false);
      expect(result.error).toContain('minimumClusterSize must be a whole number of at least 1');
    },
  );

  it('recomputes the flags in the next hook after the charm changes it', async () => {
    const world = peerWorld(peers({ 1: {}, 2: {} }));
    const h = peerHarness(peerCharm({ minimumClusterSize: 3 }), world);
    await joinAll(h, world);
    expect(h.flags()).toContain(AVAILABLE);

    // The upgraded charm needs five units; same unit, same state.
    const upgraded = peerHarness(peerCharm({ minimumClusterSize: 5 }), world);
    upgraded.store.save(h.store.load());
    await upgraded.run({ hookName: 'config-changed' });
    expect(upgraded.flags()).not.toContain(AVAILABLE);
  });
});

describe('hook-tool calls', () => {
  it('makes none outside its relation hooks when nothing changed, beyond the core re-checking joined', async () => {
    const world = peerWorld(peers({ 1: { clustered: true }, 2: { clustered: true } }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    const flags = h.flags();
    for (const hookName of ['update-status', 'config-changed', 'leader-settings-changed']) {
      const before = h.tools.calls.length;
      const result = await h.run({ hookName });
      expect(result.ok).toBe(true);
      // relation-list is answered from the members the -joined hooks recorded (Juju lists the
      // units whose -joined committed: worker/uniter/relation/state.go UpdateStateForHook).
      expect(h.tools.toolNames().slice(before)).toEqual(['relation-ids']);
    }
    expect(h.flags()).toEqual(flags);
  });

  it('adds none to the automatic flags when the endpoint has no peer', async () => {
    const h = peerHarness(peerCharm());
    await h.relationHook('created');
    const before = h.tools.calls.length;
    await h.run({ hookName: 'update-status' });
    // Only what the core's automatic flags read for an endpoint that is not joined; the
    // members (none) were recorded by relation-created (worker/uniter/relation/state.go).
    expect(h.tools.toolNames().slice(before)).toEqual(['relation-ids']);
  });

  it('reads each peer once per relation hook, however often it is asked', async () => {
    const reads: number[] = [];
    const world = peerWorld(peers({ 1: {}, 2: {} }));
    const charm = peerCharm(undefined, (c) =>
      c.when('cluster.available').run(function readTwice(rt) {
        const cluster = rt.endpoint(MySQLInnoDBClusterPeers);
        reads.push(
          cluster.readyPeers.length,
          cluster.clusteredPeers.length,
          cluster.allJoinedUnits.filter((u) => u.clusterData.user).length,
        );
      }),
    );
    const h = peerHarness(charm, world);
    await joinAll(h, world);
    const before = h.tools.calls.length;
    await h.relationHook('changed', 'mysql/2');
    const gets = h.tools.callsOf('relation-get').filter((c) => h.tools.calls.indexOf(c) >= before);
    // mysql/1, mysql/2, and this unit's own bag (read once at commit only if it wrote).
    expect(gets.map((c) => c.args[1]).sort()).toEqual(['mysql/1', 'mysql/2']);
    expect(reads.slice(-3)).toEqual([2, 0, 2]);
  });
});
