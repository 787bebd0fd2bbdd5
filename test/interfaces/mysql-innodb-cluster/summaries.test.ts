// Peer summaries: the flags and `peerSummaries` come from what this unit last read of each peer,
// so a peer's -changed hook reads that peer only, whatever the peer count. Juju facts relied on:
// a -changed hook is queued for every change of a peer's settings, coalesced to the latest
// version (juju/juju worker/uniter/relation/resolver.go nextHookForRelation), and relation-get
// reads the peer's current settings (worker/uniter/runner/context/relation.go ReadSettings):
// newer than a summary while that hook is still queued.
import { MySQLInnoDBClusterPeers } from 'juju-reactive/interfaces/mysql-innodb-cluster';
import { describe, expect, it } from 'vitest';
import type { RelationData } from '../../../src/juju/hook-tools.js';
import {
  joinAll,
  type PeerFields,
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

/** `count` peers, all valid and clustered; `secret` puts each password in a peer secret. */
function cluster(count: number, secret: boolean) {
  const spec: Record<number, PeerFields> = {};
  const secrets: Record<string, Record<string, string>> = {};
  for (let n = 1; n <= count; n++) {
    spec[n] = secret
      ? { password: undefined, passwordSecret: `secret:peer${n}`, clustered: true }
      : { clustered: true };
    if (secret) secrets[`secret:peer${n}`] = { password: peerPassword(n) };
  }
  return peerWorld(peers(spec), { secrets });
}

/** Tool calls made since `before`, as `tool args...` for reads of peer data. */
function peerReads(h: ReturnType<typeof peerHarness>, before: number): string[] {
  return h.tools.calls
    .slice(before)
    .filter((c) => c.tool === 'relation-get' || c.tool === 'secret-get')
    .map((c) => `${c.tool} ${String(c.args[1] ?? c.args[0])}`);
}

/** A charm whose handler lists the peers the cheap way, as the example's steady handlers do. */
function summaryCharm(seen: string[][] = []) {
  return peerCharm(undefined, (c) =>
    c.when('endpoint.cluster.changed').run(function listPeers(rt) {
      const cluster = rt.endpoint(MySQLInnoDBClusterPeers);
      seen.push(
        cluster.peerSummaries.filter((p) => p.ready && p.clustered).map((p) => p.address ?? ''),
      );
      cluster.clearChangedFlags();
    }),
  );
}

describe('a -changed hook reads its remote unit only (resolver.go queues one per peer change)', () => {
  for (const count of [2, 32]) {
    for (const secret of [false, true]) {
      it(`${count} peers, password ${secret ? 'in secrets' : 'in relation data'}: one relation-get, no secret-get`, async () => {
        const world = cluster(count, secret);
        const seen: string[][] = [];
        const h = peerHarness(summaryCharm(seen), world);
        await joinAll(h, world);
        expect(h.flags()).toEqual(expect.arrayContaining([AVAILABLE, CLUSTERED]));

        const unit = `mysql/${count}`;
        const r = world.relations[REL];
        if (r === undefined) throw new Error('no relation');
        r.units[unit] = { ...(r.units[unit] as RelationData), extra: '"x"' };
        const before = h.tools.calls.length;
        const result = await h.relationHook('changed', unit);
        expect(result.ok).toBe(true);
        expect(peerReads(h, before)).toEqual([`relation-get ${unit}`]);
        expect(seen.at(-1)).toHaveLength(count);
        expect(h.flags()).toEqual(expect.arrayContaining([AVAILABLE, CLUSTERED]));
      });
    }
  }

  it('reads a peer password secret again in that secret’s secret-changed hook', async () => {
    const world = cluster(3, true);
    const h = peerHarness(summaryCharm(), world);
    await joinAll(h, world);
    world.secrets['secret:peer2'] = { password: '' };
    const before = h.tools.calls.length;
    await h.run({ hookName: 'secret-changed', secretId: 'secret:peer2' });
    expect(peerReads(h, before)).toEqual(['relation-get mysql/2', 'secret-get secret:peer2']);
    expect(h.flags()).toContain(AVAILABLE); // two valid peers remain: enough for three units
    expect(h.flags()).toContain(CLUSTERED);
  });

  it('reads every peer again in upgrade-charm, and when no summary is kept', async () => {
    const world = cluster(3, false);
    const h = peerHarness(summaryCharm(), world);
    await joinAll(h, world);
    let before = h.tools.calls.length;
    await h.run({ hookName: 'upgrade-charm' });
    expect(peerReads(h, before).sort()).toEqual([
      'relation-get mysql/1',
      'relation-get mysql/2',
      'relation-get mysql/3',
    ]);
    // A state from before summaries existed (or a corrupt one): every peer is read again.
    const state = h.store.load();
    const data = Object.fromEntries(
      Object.entries(state.data).filter(([k]) => !k.startsWith('endpoint.cluster.peer.')),
    );
    data['endpoint.cluster.peer.cluster:0 mysql/1'] = [1, 42, 'clusteruser', 9, null];
    h.store.save({ ...state, data });
    before = h.tools.calls.length;
    await h.relationHook('changed', 'mysql/3');
    expect(peerReads(h, before).sort()).toEqual([
      'relation-get mysql/1',
      'relation-get mysql/2',
      'relation-get mysql/3',
    ]);
    expect(h.flags()).toContain(CLUSTERED);
  });
});

describe('how fresh the flags and each accessor are', () => {
  it('counts a peer as last read until its own -changed hook, while readyPeers and peer() read it now', async () => {
    const world = cluster(2, false);
    const h = peerHarness(summaryCharm(), world);
    await joinAll(h, world);
    const r = world.relations[REL];
    if (r === undefined) throw new Error('no relation');
    // mysql/2 withdraws its password; its -changed hook is queued, mysql/1's runs first.
    r.units['mysql/2'] = peerData(2, { password: undefined, clustered: true });
    const views: unknown[] = [];
    const charm = peerCharm(undefined, (c) =>
      c.hook('cluster-relation-changed').run(function look(rt) {
        const cluster = rt.endpoint(MySQLInnoDBClusterPeers);
        const kept = cluster.peerSummaries.find((p) => p.unitName === 'mysql/2');
        views.push(kept?.ready, kept?.readThisHook);
        views.push(cluster.peer('mysql/2')?.isReady(), cluster.readyPeers.length);
        const after = cluster.peerSummaries.find((p) => p.unitName === 'mysql/2');
        views.push(after?.ready, after?.readThisHook);
      }),
    );
    const next = peerHarness(charm, world);
    next.store.save(h.store.load());
    await next.relationHook('changed', 'mysql/1');
    // Flags from the summaries: mysql/2 still counts in mysql/1's hook...
    expect(next.flags()).toContain(AVAILABLE);
    // ...the accessors that read say what it publishes now, and that read replaces its summary.
    expect(views).toEqual([true, false, false, 1, false, true]);
    // Its own -changed hook, queued by Juju for that change, settles the flags.
    await next.relationHook('changed', 'mysql/2');
    expect(next.flags()).not.toContain(AVAILABLE);
  });

  it('sees a peer that became ready in that peer’s own -changed hook', async () => {
    const world = peerWorld(peers({ 1: {}, 2: { password: undefined } }));
    const h = peerHarness(summaryCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).not.toContain(AVAILABLE);
    const r = world.relations[REL];
    if (r === undefined) throw new Error('no relation');
    r.units['mysql/2'] = peerData(2);
    await h.relationHook('changed', 'mysql/1');
    expect(h.flags()).not.toContain(AVAILABLE); // mysql/2's -changed is still to come
    await h.relationHook('changed', 'mysql/2');
    expect(h.flags()).toContain(AVAILABLE);
  });
});

describe('what the unit state keeps', () => {
  it.each([
    ['in relation data', false],
    ['in secrets', true],
  ])('never a password (%s), only whether a valid one was published', async (_what, secret) => {
    const world = cluster(3, secret);
    const h = peerHarness(summaryCharm(), world);
    await joinAll(h, world);
    const state = h.store.load();
    const saved = JSON.stringify(state);
    for (let n = 1; n <= 3; n++) expect(saved).not.toContain(peerPassword(n));
    // [version, address, user, bits (1 password, 2 from its secret, 4 configure-ready,
    // 8 clustered), secret id]: compact, one per peer.
    expect(state.data['endpoint.cluster.peer.cluster:0 mysql/2']).toEqual([
      1,
      '10.0.0.12',
      'clusteruser',
      secret ? 1 + 2 + 8 : 1 + 8,
      secret ? 'secret:peer2' : null,
    ]);
  });

  it('drops a departed peer’s summary in its -departed hook, and the flags follow', async () => {
    const world = cluster(3, false);
    const h = peerHarness(summaryCharm(), world);
    await joinAll(h, world);
    await h.depart('mysql/3');
    const keys = Object.keys(h.store.load().data).filter((k) =>
      k.startsWith('endpoint.cluster.peer.'),
    );
    expect(keys).toEqual([
      'endpoint.cluster.peer.cluster:0 mysql/1',
      'endpoint.cluster.peer.cluster:0 mysql/2',
    ]);
    expect(h.flags()).toContain(AVAILABLE);
    await h.depart('mysql/2');
    expect(h.flags()).not.toContain(AVAILABLE);
    expect(h.flags()).not.toContain(CLUSTERED);
  });

  it('keeps rejecting invalid data it does not read again, reporting it once per relation hook', async () => {
    const world = peerWorld(peers({ 1: {}, 2: { user: 'bad user' } }));
    const h = peerHarness(summaryCharm(), world);
    await joinAll(h, world);
    const warned = h.warnings().length;
    const before = h.tools.calls.length;
    await h.relationHook('changed', 'mysql/1');
    expect(peerReads(h, before)).toEqual(['relation-get mysql/1']);
    expect(h.warnings().slice(warned)).toEqual([
      expect.stringContaining('ignoring invalid data from mysql/2 on cluster:0: cluster-user'),
    ]);
    expect(h.flags()).not.toContain(AVAILABLE);
  });
});
