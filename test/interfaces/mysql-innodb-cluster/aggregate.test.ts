// The counts the flags come from (aggregate.ts) are kept incrementally, from the one summary a
// hook changed: they must equal a count from scratch over every kept summary after every hook,
// whatever happens in between. Random joins, changes (some left queued, as Juju queues a
// -changed hook per settings change and coalesces them: juju/juju worker/uniter/relation/
// resolver.go nextHookForRelation), departures (the departing unit leaves relation-list in its
// -departed hook: worker/uniter/runner/context/contextfactory.go RemoveMember), upgrade-charm,
// secret-changed, a new minimumClusterSize, handlers that read a peer outside relation hooks,
// and a state whose counts were lost.
import {
  type ClusterPeerChanges,
  type ClusterPeerCounts,
  MySQLInnoDBClusterPeers,
} from 'juju-reactive/interfaces/mysql-innodb-cluster';
import { describe, expect, it } from 'vitest';
import {
  aggregateOf,
  digestText,
  loadAggregate,
  type PeerAggregate,
} from '../../../interfaces/mysql-innodb-cluster/aggregate.js';
import {
  isReadySummary,
  type PeerSummary,
  SummaryStore,
} from '../../../interfaces/mysql-innodb-cluster/summaries.js';
import { UnitState } from '../../../src/state/unit-state.js';
import { mulberry32 } from '../../../src/testing/random.js';
import {
  type PeerFields,
  type PeerHarness,
  peerCharm,
  peerData,
  peerHarness,
  peerPassword,
  peerWorld,
  REL,
} from './builders.js';

const COUNTS_KEY = 'endpoint.cluster.peer-counts';
const PREFIX = 'endpoint.cluster.peer.';
const ADDRESS_PREFIX = 'endpoint.cluster.peer-address.';

/** What the handlers saw in the last hook. */
interface Seen {
  /** Read one peer now in update-status. */
  unit?: string;
  /** peerCounts after that read. */
  counts?: ClusterPeerCounts;
  /** peerChanges at the end of the hook. */
  changes?: ClusterPeerChanges;
}

/** A peer's fields at random: valid, incomplete, invalid, with its password in a secret. */
function randomFields(n: number, r: () => number): PeerFields {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  return {
    address: pick([undefined, `10.0.0.${10 + n}`, `10.0.0.${10 + n}`, 'bad address!']),
    user: pick(['clusteruser', 'clusteruser', undefined, 'bad user']),
    password: pick([peerPassword(n), peerPassword(n), undefined]),
    passwordSecret: pick([undefined, undefined, `secret:peer${n}`, 'secret:shared']),
    configureReady: pick([undefined, true]),
    clustered: pick([undefined, true, true, 'yes']),
  };
}

/** A charm whose update-status handler reads one peer now (as the example's handlers do). */
function charmFor(size: number, readOnUpdate: Seen) {
  return peerCharm({ minimumClusterSize: size }, (c) => {
    c.hook('update-status').run(function readOne(rt) {
      const cluster = rt.endpoint(MySQLInnoDBClusterPeers);
      // Asked before and after a read that may change a summary: the second answer is moved.
      void cluster.peerCounts;
      if (readOnUpdate.unit !== undefined) void cluster.peer(readOnUpdate.unit)?.clusterData;
      readOnUpdate.counts = cluster.peerCounts;
    });
    c.hook('*').run(function recordChanges(rt) {
      readOnUpdate.changes = rt.endpoint(MySQLInnoDBClusterPeers).peerChanges;
    });
  });
}

/** Every kept summary, decoded, and the counts stored next to them. */
function kept(h: PeerHarness) {
  const state = new UnitState(h.store.load());
  const store = new SummaryStore(state, PREFIX);
  const summaries = new Map<string, PeerSummary | undefined>();
  for (const key of state.keys(PREFIX)) {
    const [relationId, unit] = key.slice(PREFIX.length).split(' ') as [string, string];
    summaries.set(SummaryStore.id(relationId, unit), store.get(relationId, unit));
  }
  const addressIndex = Object.fromEntries(
    state.keys(ADDRESS_PREFIX).map((key) => [key.slice(ADDRESS_PREFIX.length), state.get(key)]),
  );
  return { summaries, counts: loadAggregate(state, COUNTS_KEY), addressIndex };
}

/** How many summaries hold each address. */
function addressesOf(summaries: ReadonlyMap<string, PeerSummary | undefined>) {
  const held: Record<string, number> = {};
  for (const s of summaries.values())
    if (s?.address !== undefined) held[s.address] = (held[s.address] ?? 0) + 1;
  return held;
}

const plain = (a: PeerAggregate | undefined) =>
  a === undefined ? undefined : { ...a, secrets: [...a.secrets].sort() };

async function runSequence(seed: number, steps: number): Promise<number> {
  const r = mulberry32(seed);
  const world = peerWorld({}, { secrets: { 'secret:shared': { password: 'shared-pw-Zq8' } } });
  const rel = world.relations[REL];
  if (rel === undefined) throw new Error('no relation');
  let size = 1 + Math.floor(r() * 3);
  const readOnUpdate: Seen = {};
  let h = peerHarness(charmFor(size, readOnUpdate), world);
  let next = 1;
  let checked = 0;
  let changesChecked = 0;
  const joined = () => Object.keys(rel.units);
  const any = (units: string[]) => units[Math.floor(r() * units.length)];
  for (let step = 0; step < steps; step++) {
    const roll = r();
    let flagsUpdated = true;
    const before = kept(h);
    readOnUpdate.changes = undefined;
    let oneHook = true;
    if (roll < 0.25 || joined().length === 0) {
      const n = next++;
      const unit = `mysql/${n}`;
      world.secrets[`secret:peer${n}`] = { password: peerPassword(n) };
      rel.units[unit] = peerData(n, randomFields(n, r));
      expect((await h.relationHook('joined', unit)).ok).toBe(true);
      if (r() < 0.8) {
        expect((await h.relationHook('changed', unit)).ok).toBe(true);
        oneHook = false;
      }
    } else if (roll < 0.55) {
      const unit = any(joined()) as string;
      rel.units[unit] = peerData(
        Number(unit.split('/')[1]),
        randomFields(Number(unit.split('/')[1]), r),
      );
      // Sometimes the -changed hook is still queued, and another peer's hook runs first.
      const hookOf = r() < 0.7 ? unit : (any(joined()) as string);
      expect((await h.relationHook('changed', hookOf)).ok).toBe(true);
    } else if (roll < 0.7) {
      expect((await h.depart(any(joined()) as string)).ok).toBe(true);
    } else if (roll < 0.76) {
      expect((await h.run({ hookName: 'upgrade-charm' })).ok).toBe(true);
    } else if (roll < 0.84) {
      const unit = any(joined()) as string;
      const secret = r() < 0.5 ? 'secret:shared' : `secret:peer${unit.split('/')[1]}`;
      world.secrets[secret] = { password: r() < 0.3 ? '' : `${secret}-pw-Zq8` };
      expect((await h.run({ hookName: 'secret-changed', secretId: secret })).ok).toBe(true);
    } else if (roll < 0.9) {
      // The operator changed the charm's minimumClusterSize: a new charm on the same state.
      size = 1 + Math.floor(r() * 4);
      const saved = h.store.load();
      h = peerHarness(charmFor(size, readOnUpdate), world);
      h.store.save(saved);
      expect((await h.run({ hookName: 'config-changed' })).ok).toBe(true);
    } else if (roll < 0.97) {
      readOnUpdate.unit = any(joined());
      expect((await h.run({ hookName: 'update-status' })).ok).toBe(true);
      readOnUpdate.unit = undefined;
      flagsUpdated = false;
    } else {
      // A state whose counts were lost (written by an older version, hand-edited): rebuilt.
      const saved = h.store.load();
      const data = { ...saved.data };
      delete data[COUNTS_KEY];
      h.store.save({ ...saved, data });
      const unit = any(joined()) as string;
      expect((await h.relationHook('changed', unit)).ok).toBe(true);
    }

    const { summaries, counts, addressIndex } = kept(h);
    // The address index (hasPeerAddress) holds what a recount over the summaries holds.
    expect(addressIndex).toEqual(addressesOf(summaries));
    // peerChanges: the digest the hook started with, and every summary that differs from
    // then among the ones read in the hook.
    const changes = readOnUpdate.changes as ClusterPeerChanges | undefined;
    if (oneHook && changes !== undefined && before.counts !== undefined) {
      const startedWith = digestText(before.counts.digest);
      if (changes.digestAtStart !== undefined) {
        expect(changes.digestAtStart).toBe(startedWith);
        changesChecked++;
      }
      const refreshed = new Set(changes.refreshed.map((x) => `${x.relationId} ${x.unitName}`));
      for (const [id, summary] of summaries)
        if (!refreshed.has(id)) expect(summary).toEqual(before.summaries.get(id));
    }
    if (!flagsUpdated && readOnUpdate.counts !== undefined) {
      // What a handler reads (peerCounts) is the recount too.
      const all = [...summaries.values()] as PeerSummary[];
      const recount = aggregateOf([...summaries] as [string, PeerSummary][]);
      expect(readOnUpdate.counts).toEqual({
        peers: all.length,
        ready: all.filter(isReadySummary).length,
        clustered: all.filter((x) => x.clustered).length,
        plaintextPasswords: all.filter((x) => x.hasPassword && x.passwordFrom === 'relation')
          .length,
        digest: digestText(recount.digest),
        addresses: digestText(recount.addresses),
        readyAddresses: digestText(recount.readyAddresses),
        configureReadyAddresses: digestText(recount.configureReadyAddresses),
      });
      readOnUpdate.counts = undefined;
    }
    // The incremental counts equal the counts from scratch, at every step.
    expect(plain(counts)).toEqual(
      plain(
        aggregateOf(
          [...summaries].flatMap(([id, s]) => (s === undefined ? [] : ([[id, s]] as const))),
        ),
      ),
    );
    expect([...summaries.values()].every((s) => s !== undefined)).toBe(true);
    if (flagsUpdated) {
      // One summary per joined peer, no other; and the flags as a recount says.
      expect([...summaries.keys()].sort()).toEqual(
        joined()
          .map((u) => `${REL} ${u}`)
          .sort(),
      );
      const all = [...summaries.values()] as PeerSummary[];
      const needed = size - 1;
      const flags = h.flags();
      expect(flags.includes('cluster.connected')).toBe(all.length > 0);
      expect(flags.includes('cluster.available')).toBe(all.filter(isReadySummary).length >= needed);
      expect(flags.includes('cluster.clustered')).toBe(
        all.length >= needed && all.every((s) => s.clustered),
      );
      checked++;
    }
  }
  expect(changesChecked).toBeGreaterThan(steps / 2);
  return checked;
}

describe('the flags’ counts, kept from the summaries that changed, equal a recount after every hook', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
    it(`seed ${seed}: 60 random joins, changes (some queued: resolver.go), departures, upgrades, secret and size changes`, async () => {
      expect(await runSequence(seed, 60)).toBeGreaterThan(40);
    });
  }

  it('a -changed hook decodes and counts its remote peer only: the others’ kept summaries are not read', async () => {
    const world = peerWorld({});
    const rel = world.relations[REL];
    if (rel === undefined) throw new Error('no relation');
    const h = peerHarness(charmFor(3, {}), world);
    for (let n = 1; n <= 4; n++) {
      rel.units[`mysql/${n}`] = peerData(n, { clustered: true });
      await h.relationHook('joined', `mysql/${n}`);
      await h.relationHook('changed', `mysql/${n}`);
    }
    // Replace mysql/4's kept summary by one that says it is not clustered: a hook that decoded
    // every summary would clear cluster.clustered; counting from what changed leaves it.
    const saved = h.store.load();
    h.store.save({
      ...saved,
      data: {
        ...saved.data,
        [`${PREFIX}${REL} mysql/4`]: [1, '10.0.0.14', 'clusteruser', 1, null],
      },
    });
    await h.relationHook('changed', 'mysql/1');
    expect(h.flags()).toContain('cluster.clustered');
  });

  it('-changed and update-status check the counts by the number of peers only (members change only in -joined/-departed: worker/uniter/relation/state.go UpdateStateForHook); -created checks every member', async () => {
    const world = peerWorld({});
    const rel = world.relations[REL];
    if (rel === undefined) throw new Error('no relation');
    const seen: { counts?: ClusterPeerCounts } = {};
    const h = peerHarness(charmFor(3, seen), world);
    for (let n = 1; n <= 4; n++) {
      rel.units[`mysql/${n}`] = peerData(n, { clustered: true });
      await h.relationHook('joined', `mysql/${n}`);
      await h.relationHook('changed', `mysql/${n}`);
    }
    // mysql/4's summary goes behind the counts' back (no hook of this charm does that): a hook
    // that looked up every listed peer would count from scratch and read mysql/4 again.
    const drop = () => {
      const saved = h.store.load();
      const data = { ...saved.data };
      delete data[`${PREFIX}${REL} mysql/4`];
      h.store.save({ ...saved, data });
    };
    drop();
    expect((await h.relationHook('changed', 'mysql/1')).ok).toBe(true);
    expect((await h.run({ hookName: 'update-status' })).ok).toBe(true);
    expect(seen.counts?.peers).toBe(4);
    expect([...kept(h).summaries.keys()]).not.toContain(`${REL} mysql/4`);
    // Where a relation may appear or go, every listed peer is looked up: mysql/4 is read again.
    expect((await h.relationHook('created')).ok).toBe(true);
    expect([...kept(h).summaries.keys()]).toContain(`${REL} mysql/4`);
    expect(plain(kept(h).counts)).toEqual(
      plain(aggregateOf([...kept(h).summaries] as [string, PeerSummary][])),
    );
  });
});
