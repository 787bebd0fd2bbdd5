// The leader's cluster-relation-changed in a settled cluster (the hook `npm run bench` times)
// makes no hook-tool call the example charms do not need (issue #21):
// - no config-get: the options are kept since config-changed, which Juju runs before any
//   relation hook once the config changed (juju/juju worker/uniter/resolver.go nextOp:
//   ConfigHash before Relations.NextOp; examples/shared/kept-config);
// - no password read of the charm's own: the cluster password is read by a handler that uses
//   it (an account to create or re-password, a plaintext publication), and an application-owned
//   secret's id says which password a unit last applied (a new password is a new secret:
//   examples/shared/password-secret).
// A config change and a new password still take effect.
import { type HookRuntime, leaderSet } from 'juju-reactive';
import type { Model } from 'juju-reactive/testing';
import { describe, expect, it } from 'vitest';
import { deploySimulated as deployReplication } from '../../examples/mariadb-replication/src/deploy.js';
import { localClusterAddress } from '../../examples/mysql-innodb-cluster/src/addresses.js';
import { SimulatedInnoDBCluster } from '../../examples/mysql-innodb-cluster/src/backend/simulated.js';
import type { ClusterBackend } from '../../examples/mysql-innodb-cluster/src/backend/types.js';
import { createCharm, PASSWORD_SECRET_KEY } from '../../examples/mysql-innodb-cluster/src/charm.js';
import { CHARM_DIR, deploySimulated } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import { addPasswordSecret } from '../../examples/shared/password-secret/index.js';
import { readServerSet } from '../../src/discovery/serverset.js';
import { Model as SimModel } from '../../src/testing/index.js';
import { clientCharm, clientMetadata } from '../interfaces/cluster-view/fixtures/charms.js';
import { memoryZooKeeper, publishedMembers } from './view-bag.js';

/** The tool calls (`tool args`) of `unit`'s last hook named `hook`. */
function callsOfLast(model: Model, unit: string, hook: string): string[] {
  const entry = [...model.timeline(unit)].reverse().find((e) => e.hook === hook);
  if (entry === undefined) throw new Error(`${unit} ran no ${hook}`);
  return model.trace.flatMap((e) =>
    e.kind === 'tool' && e.hookSeq === entry.seq ? [`${e.tool} ${e.args.join(' ')}`.trim()] : [],
  );
}

const tools = (calls: readonly string[]) => calls.map((c) => c.split(' ')[0]);

/**
 * Settle, then have a peer change a key no handler reads: the leader runs a steady
 * cluster-relation-changed (nothing to do). Returns its calls.
 */
async function steadyLeaderHook(model: Model, app: string): Promise<string[]> {
  expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
  const leader = model.leader(app) ?? '';
  const peer = model.units(app).find((u) => u !== leader) ?? '';
  model.setRelationData(peer, 'cluster', { 'test-note': 'steady' });
  expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
  return callsOfLast(model, leader, 'cluster-relation-changed');
}

/** The simulated backends, counting the accounts each unit's hooks create or re-password. */
function countingBackends() {
  const created: string[] = [];
  const backendFor = (rt: HookRuntime, cluster: SimulatedInnoDBCluster): ClusterBackend => {
    const backend = cluster.backendFor(localClusterAddress(rt));
    const users = Object.create(backend.users) as typeof backend.users;
    users.createClusterUser = async (account, password) => {
      created.push(`${rt.unitName} ${rt.hookName} ${account.host}`);
      return backend.users.createClusterUser(account, password);
    };
    return { users, cluster: backend.cluster };
  };
  return { created, backendFor };
}

describe('mysql-innodb-cluster: the steady leader cluster-relation-changed', () => {
  for (const units of [3, 5]) {
    it(`makes no config-get, creates no account, and at most ${units + 5} calls at ${units} units (was ${units + 6}: config-get kept since config-changed, resolver.go nextOp)`, async () => {
      const counting = countingBackends();
      const { model, app } = await deploySimulated({
        units,
        seed: 3,
        backendFor: counting.backendFor,
      });
      await model.settle();
      const before = counting.created.length;
      const calls = await steadyLeaderHook(model, app);
      expect(tools(calls)).not.toContain('config-get');
      // No account created or re-passworded anywhere: nothing about the peers changed.
      expect(counting.created.slice(before)).toEqual([]);
      expect(calls.length).toBeLessThanOrEqual(units + 5);
    });
  }

  it('reads no secret of its own: with password-transport=plaintext (peers publish the password, the interface reads no secret) the hook makes no secret-get', async () => {
    const { model, app } = await deploySimulated({ units: 3, seed: 3 });
    model.setConfig(app, { 'password-transport': 'plaintext' });
    const calls = await steadyLeaderHook(model, app);
    // Before: a plain `secret-get` for the leader's re-creation of every peer account and its
    // check of the Python units' leader setting, every hook.
    expect(tools(calls)).not.toContain('secret-get');
    expect(tools(calls)).not.toContain('config-get');
    // And the password still reaches the Python units' setting and the peers' bags.
    const password = model.leaderSettings(app)['cluster-password'];
    expect(password).toMatch(/^.{16,}$/);
    for (const unit of model.units(app)) {
      const bag = model.relationData(model.relationIds(app, 'cluster')[0] ?? '', unit);
      expect(JSON.parse(bag['cluster-password'] ?? 'null'), unit).toBe(password);
    }
  });
});

describe('mysql-innodb-cluster: a new peer gets its accounts, and no other account is made again', () => {
  it.each([3, 5])(
    '%i units + 1: the units that were there make accounts for the new address only (each ready pass makes what the last one did not); the new unit makes one for every unit',
    async (units) => {
      const counting = countingBackends();
      const { model, app, cluster } = await deploySimulated({
        units,
        seed: 9,
        backendFor: counting.backendFor,
      });
      expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
      const before = counting.created.length;
      const added = model.addUnit(app);
      expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
      const address = model.unit(added).address;
      const made = counting.created.slice(before).map((line) => line.split(' '));
      for (const unit of model.units(app)) {
        const hosts = made.filter(([u]) => u === unit).map(([, , host]) => host);
        // (The leader also makes sure of the new instance's account as it adds it.)
        if (unit === added) expect(new Set(hosts).size, unit).toBe(units + 1);
        else expect([...new Set(hosts)], unit).toEqual([address]);
        for (const peer of model.units(app))
          expect(cluster.usersOn(model.unit(unit).address), `${unit} for ${peer}`).toContain(
            `clusteruser@${model.unit(peer).address}`,
          );
      }
    },
  );
});

describe('mysql-innodb-cluster: a config change still takes effect (config-changed reads, relation hooks keep)', () => {
  it('juju config weight / discovery-zookeeper / password-transport after the cluster formed: published, and kept by the next relation hooks', async () => {
    const fake = memoryZooKeeper();
    const { model, app } = await deploySimulated({
      units: 3,
      seed: 5,
      charm: { connectZooKeeper: fake.connect },
    });
    await model.deploy('app', { charm: clientCharm, metadata: clientMetadata, units: 1 });
    model.relate('app:db', `${app}:view`);
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(publishedMembers(model).map((m) => m.weight)).toEqual([1, 1, 1]);

    model.setConfig(app, {
      weight: '2, mysql/1=5',
      'discovery-zookeeper': 'zk://10.9.0.1:2181/mysos',
      'password-transport': 'both',
    });
    const calls = await steadyLeaderHook(model, app);
    expect(tools(calls)).not.toContain('config-get');
    expect(publishedMembers(model).map((m) => m.weight)).toEqual([2, 5, 2]);
    const nodes = await readServerSet(fake.zk, '/mysos/discover/jujuCluster');
    expect(nodes).toHaveLength(3);
    const relationId = model.relationIds(app, 'cluster')[0] ?? '';
    for (const unit of model.units(app)) {
      const bag = model.relationData(relationId, unit);
      expect(bag['cluster-password'], unit).toBeDefined();
      expect(bag['cluster-password-secret'], unit).toMatch(/^"secret:/);
    }

    model.setConfig(app, { weight: '1', 'password-transport': 'secret' });
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(publishedMembers(model).map((m) => m.weight)).toEqual([1, 1, 1]);
    for (const unit of model.units(app)) {
      expect(model.relationData(relationId, unit)['cluster-password'], unit).toBeUndefined();
      expect(model.unit(unit).status.status, unit).toBe('active');
    }
  });
});

describe('mysql-innodb-cluster: a new cluster password reaches every unit and every account', () => {
  it('a leader that names a new password secret: every instance re-passwords every account, the cluster stays whole', async () => {
    const NEW = 'a-new-cluster-password-0123456789';
    const cluster = new SimulatedInnoDBCluster();
    const model = new SimModel({ seed: 11 });
    let replace = false;
    await model.deploy('mysql', {
      charm: () => {
        const charm = createCharm({
          backendFor: (rt) => cluster.backendFor(localClusterAddress(rt)),
        });
        // What replaceLostPasswordSecret + generateClusterPassword do when a secret is lost:
        // a new secret, named in leader settings (the charms never write a second revision).
        charm.when('leadership.is_leader').run(function newPasswordForTest(rt) {
          if (!replace) return;
          replace = false;
          leaderSet(rt, {
            [PASSWORD_SECRET_KEY]: addPasswordSecret(rt, 'cluster-password-2', NEW),
          });
        });
        return charm;
      },
      charmDir: CHARM_DIR,
      units: 3,
    });
    cluster.instanceGone = (address) =>
      !model.units('mysql').some((unit) => model.unit(unit).address === address);
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    const old = new Set(
      Object.values(cluster.snapshot().instances).flatMap((i) => Object.values(i.users)),
    );
    expect(old.size).toBe(1);
    expect(old.has(NEW)).toBe(false);

    replace = true;
    model.fireHook(model.leader('mysql') ?? '', 'update-status');
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });

    const snapshot = cluster.snapshot();
    const addresses = model.units('mysql').map((u) => model.unit(u).address);
    for (const address of addresses) {
      const users = snapshot.instances[address]?.users ?? {};
      // The local account and one per peer, all with the new password.
      expect(Object.keys(users).sort(), address).toEqual(
        addresses.map((a) => `clusteruser@${a}`).sort(),
      );
      expect(new Set(Object.values(users)), address).toEqual(new Set([NEW]));
    }
    expect([...(snapshot.cluster?.members ?? [])].sort()).toEqual([...addresses].sort());
    for (const unit of model.units('mysql')) {
      expect(model.unit(unit).status, unit).toEqual({
        status: 'active',
        message: 'Unit is ready and clustered',
      });
    }
    await model.close();
  });
});

describe('mariadb-replication: the steady leader cluster-relation-changed', () => {
  it('makes no config-get and at most 8 calls at 3 units (was 9: config-get kept since config-changed, resolver.go nextOp)', async () => {
    const { model, app } = await deployReplication({ units: 3, seed: 3 });
    const calls = await steadyLeaderHook(model, app);
    expect(tools(calls)).not.toContain('config-get');
    expect(calls.length).toBeLessThanOrEqual(8);
    await model.close();
  });

  it('a config change still takes effect: failure-threshold out of range blocks the leader, set back it is active again; weight is published', async () => {
    const { model, app } = await deployReplication({ units: 3, seed: 3 });
    await model.deploy('app', { charm: clientCharm, metadata: clientMetadata, units: 1 });
    model.relate('app:db', `${app}:view`);
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    const leader = model.leader(app) ?? '';

    model.setConfig(app, { 'failure-threshold': 500 });
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(model.unit(leader).status).toEqual({
      status: 'blocked',
      message: 'failure-threshold must be a whole number from 1 to 100 (got 500)',
    });
    // A relation hook keeps the value config-changed read: still blocked, no config-get.
    const blockedCalls = await steadyLeaderHook(model, app);
    expect(tools(blockedCalls)).not.toContain('config-get');
    expect(model.unit(leader).status.status).toBe('blocked');

    model.setConfig(app, { 'failure-threshold': 3, weight: '4' });
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(model.unit(leader).status.status).toBe('active');
    expect(publishedMembers(model, app).map((m) => m.weight)).toEqual([4, 4, 4]);
    await model.close();
  });
});
