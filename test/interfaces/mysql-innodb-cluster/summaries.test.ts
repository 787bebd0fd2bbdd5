// The peer summaries the interface keeps in the unit state: a -changed hook re-reads the remote
// unit only, yet every answer is the one a full re-read would give; summaries go with a
// departure, are replaced on a re-join, roll back with a failed hook, and never hold a password.
import { MySQLInnoDBClusterPeers } from 'juju-reactive/interfaces/mysql-innodb-cluster';
import { describe, expect, it } from 'vitest';
import {
  joinAll,
  peerCharm,
  peerData,
  peerHarness,
  peerPassword,
  peers,
  peerWorld,
  REL,
} from './builders.js';

const AVAILABLE = 'cluster.available';
const CLUSTERED = 'cluster.clustered';
const SUMMARIES = 'endpoint.cluster.peers';

const relationGets = (h: ReturnType<typeof peerHarness>, from: number) =>
  h.tools.calls
    .slice(from)
    .filter((c) => c.tool === 'relation-get')
    .map((c) => c.args[1]);

describe('peer summaries in the unit state', () => {
  it('answer the flags for peers not re-read: a -changed hook reads its remote unit only', async () => {
    const world = peerWorld(peers({ 1: {}, 2: {} }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).toContain(AVAILABLE);
    expect(h.flags()).not.toContain(CLUSTERED);

    let before = h.tools.calls.length;
    await h.change('mysql/1', peerData(1, { clustered: true }));
    expect(relationGets(h, before)).toEqual(['mysql/1']);
    expect(h.flags()).not.toContain(CLUSTERED); // mysql/2 (from its summary) is not clustered

    before = h.tools.calls.length;
    await h.change('mysql/2', peerData(2, { clustered: true }));
    expect(relationGets(h, before)).toEqual(['mysql/2']);
    expect(h.flags()).toContain(CLUSTERED); // mysql/1's summary says clustered
  });

  it('never hold a password, plaintext or from a secret', async () => {
    const world = peerWorld(
      peers({ 1: {}, 2: { password: undefined, passwordSecret: 'secret:peer2' } }),
      { secrets: { 'secret:peer2': { password: peerPassword(2) } } },
    );
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    const state = JSON.stringify(h.store.load());
    expect(state).toContain(SUMMARIES);
    expect(state).not.toContain(peerPassword(1));
    expect(state).not.toContain(peerPassword(2));
  });

  it("read a summarised peer's data only when a handler asks for its password, and give the right one", async () => {
    const world = peerWorld(peers({ 1: {}, 2: {} }));
    const seen: string[] = [];
    let ask = false;
    const charm = peerCharm(undefined, (c) =>
      c.when(AVAILABLE).run(function usePasswords(rt) {
        if (!ask) return;
        for (const peer of rt.endpoint(MySQLInnoDBClusterPeers).readyPeers)
          seen.push(peer.connectionInfo.password);
      }),
    );
    const h = peerHarness(charm, world);
    await joinAll(h, world);
    ask = true;
    const before = h.tools.calls.length;
    await h.relationHook('changed', 'mysql/2');
    expect(seen).toEqual([peerPassword(1), peerPassword(2)]);
    expect(relationGets(h, before).sort()).toEqual(['mysql/1', 'mysql/2']);
  });

  it('lose a departed peer, and a peer that joins again is read again in its -joined hook', async () => {
    const world = peerWorld(peers({ 1: {}, 2: {} }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    await h.depart('mysql/1');
    expect(h.flags()).not.toContain(AVAILABLE);
    expect(JSON.stringify(h.store.load().data[SUMMARIES])).not.toContain('mysql/1');

    // It comes back having published nothing yet: not counted from its old summary.
    const r = world.relations[REL];
    if (r === undefined) throw new Error('no relation');
    r.units['mysql/1'] = { 'private-address': '10.0.0.11' };
    const before = h.tools.calls.length;
    await h.relationHook('joined', 'mysql/1');
    expect(relationGets(h, before)).toEqual(['mysql/1']);
    expect(h.flags()).not.toContain(AVAILABLE);
    await h.change('mysql/1', peerData(1));
    expect(h.flags()).toContain(AVAILABLE);
  });

  it('roll back with a failed hook: the next hook reads the remote unit again', async () => {
    const world = peerWorld(peers({ 1: {}, 2: {} }));
    let fail = false;
    const charm = peerCharm(undefined, (c) =>
      c.when('endpoint.cluster.changed').run(function mayFail() {
        if (fail) throw new Error('killed');
      }),
    );
    const h = peerHarness(charm, world);
    await joinAll(h, world);
    const committed = JSON.stringify(h.store.load().data[SUMMARIES]);
    fail = true;
    const failed = await h.change('mysql/2', peerData(2, { clustered: true }));
    expect(failed.ok).toBe(false);
    expect(JSON.stringify(h.store.load().data[SUMMARIES])).toBe(committed);
    fail = false;
    const before = h.tools.calls.length;
    await h.relationHook('changed', 'mysql/2');
    expect(relationGets(h, before)).toEqual(['mysql/2']);
    expect(JSON.stringify(h.store.load().data[SUMMARIES])).not.toBe(committed);
  });

  it('are all re-read in upgrade-charm (the new version may validate differently)', async () => {
    const world = peerWorld(peers({ 1: {}, 2: {} }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    const before = h.tools.calls.length;
    await h.run({ hookName: 'upgrade-charm' });
    expect(relationGets(h, before).sort()).toEqual(['mysql/1', 'mysql/2']);
  });

  it('are ignored when the unit state holds something else under their key', async () => {
    const world = peerWorld(peers({ 1: {}, 2: {} }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    const state = h.store.load();
    h.store.save({ ...state, data: { ...state.data, [SUMMARIES]: { v: 1, relations: 'x' } } });
    const before = h.tools.calls.length;
    await h.relationHook('changed', 'mysql/2');
    expect(relationGets(h, before).sort()).toEqual(['mysql/1', 'mysql/2']);
    expect(h.flags()).toContain(AVAILABLE);
  });
});
