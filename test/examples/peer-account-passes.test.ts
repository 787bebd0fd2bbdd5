// The example's pass that makes every ready peer's account (accounts.ts registerPeerAccounts)
// looks only at the summaries read in its hook when the hook started with the summaries the
// last pass saw; any other start (a summary read in a hook without a pass) means a full pass.
// unit-configure-ready promises an account for every ready peer, so a missed address is a
// peer the leader may add before this instance lets it in.
import { MySQLInnoDBClusterPeers } from 'juju-reactive/interfaces/mysql-innodb-cluster';
import { describe, expect, it } from 'vitest';
import { registerPeerAccounts } from '../../examples/mysql-innodb-cluster/src/accounts.js';
import { F } from '../../examples/mysql-innodb-cluster/src/flags.js';
import { Charm } from '../helpers/hook.js';
import {
  type PeerHarness,
  peerAddress,
  peerData,
  peerHarness,
  peerWorld,
  REL,
} from '../interfaces/mysql-innodb-cluster/builders.js';

/** The account handlers with a recording ensureAccount, and a handler that reads one peer. */
function setup() {
  const made: string[] = [];
  const readOnUpdate: { unit?: string } = {};
  const charm = new Charm().endpoint(MySQLInnoDBClusterPeers, { minimumClusterSize: 3 });
  charm.whenNot(F.userCreated).run(function userCreated(rt) {
    rt.flags.set(F.userCreated);
  });
  registerPeerAccounts(charm, {
    backendFor: () => {
      throw new Error('the accounts are recorded, not made');
    },
    ensureAccount: async (_rt, host) => {
      made.push(host);
      return true;
    },
  });
  // As the example's handlers do outside relation hooks (reconcile, cluster checks): read a
  // peer's current data, which replaces its summary.
  charm.hook('update-status').run(function readOne(rt) {
    if (readOnUpdate.unit !== undefined)
      void rt.endpoint(MySQLInnoDBClusterPeers).peer(readOnUpdate.unit)?.clusterData;
  });
  charm.when('endpoint.cluster.changed').run(function forgetChanges(rt) {
    rt.endpoint(MySQLInnoDBClusterPeers).clearChangedFlags();
  });
  const world = peerWorld({});
  const h = peerHarness(charm, world);
  const rel = world.relations[REL];
  if (rel === undefined) throw new Error('no relation');
  return { made, readOnUpdate, h, rel };
}

async function joinAll(h: PeerHarness, units: readonly string[]) {
  for (const unit of units) {
    expect((await h.relationHook('joined', unit)).ok).toBe(true);
    expect((await h.relationHook('changed', unit)).ok).toBe(true);
  }
}

describe('mysql-innodb-cluster example: the pass that makes each ready peer’s account', () => {
  it('a peer that becomes ready later costs one account, made in its own -changed hook', async () => {
    const { made, h, rel } = setup();
    rel.units['mysql/1'] = peerData(1);
    rel.units['mysql/2'] = peerData(2);
    await joinAll(h, ['mysql/1', 'mysql/2']);
    expect([...made].sort()).toEqual([peerAddress(1), peerAddress(2)]);
    rel.units['mysql/3'] = peerData(3);
    await joinAll(h, ['mysql/3']);
    expect(made.slice(2)).toEqual([peerAddress(3)]);
  });

  it('a summary read in a hook without a pass (a new address) is not missed by the next pass: it looks at every summary', async () => {
    const { made, readOnUpdate, h, rel } = setup();
    rel.units['mysql/1'] = peerData(1);
    rel.units['mysql/2'] = peerData(2);
    await joinAll(h, ['mysql/1', 'mysql/2']);
    const before = made.length;
    // mysql/2 moves; this unit reads it in update-status, before mysql/2's -changed hook.
    rel.units['mysql/2'] = peerData(2, { address: '10.0.0.99' });
    readOnUpdate.unit = 'mysql/2';
    expect((await h.run({ hookName: 'update-status' })).ok).toBe(true);
    readOnUpdate.unit = undefined;
    expect(made.length).toBe(before); // no pass in update-status
    // The next pass runs in another peer's -changed hook: it must make 10.0.0.99's account.
    rel.units['mysql/1'] = peerData(1, { clustered: true });
    expect((await h.relationHook('changed', 'mysql/1')).ok).toBe(true);
    expect(made.slice(before)).toEqual(['10.0.0.99']);
  });
});
