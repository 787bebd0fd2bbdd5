// Migrating a running Python mysql-innodb-cluster application to the example charm, unit by
// unit, on the simulator: a Python-format unit charm (test/helpers/python-mysql-innodb-cluster.ts,
// the format of test/fixtures/python-mysql-innodb-cluster-wire.json) forms the cluster, then
// units move to the TypeScript charm one at a time (leader first, leader last), run in steady
// state, switch to secrets, and one unit is rolled back. After every step every unit is
// connected, available and clustered. docs/migrating-from-python-charm.md is the operator's side.
import { describe, expect, it } from 'vitest';
import {
  instanceKey,
  localClusterAddress,
} from '../../examples/mysql-innodb-cluster/src/addresses.js';
import { SimulatedInnoDBCluster } from '../../examples/mysql-innodb-cluster/src/backend/simulated.js';
import { createCharm } from '../../examples/mysql-innodb-cluster/src/charm.js';
import { isTrue } from '../../examples/mysql-innodb-cluster/src/migration.js';
import { CHARM_DIR, deploySimulated } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import { Model } from '../../src/testing/index.js';
import { MixedApplication } from '../helpers/mixed-application.js';
import { pythonFormatCharm, pythonInstanceKey } from '../helpers/python-mysql-innodb-cluster.js';
import { PYTHON_WIRE } from '../helpers/python-vectors.js';
import { peerCharm, peerHarness, peerWorld } from '../interfaces/mysql-innodb-cluster/builders.js';

const VECTORS = PYTHON_WIRE;

const APP = 'mysql';

interface Deployment {
  readonly model: Model;
  readonly cluster: SimulatedInnoDBCluster;
  readonly mixed: MixedApplication;
  readonly relationId: string;
}

/** Three units of the Python charm, clustered. */
async function pythonApplication(): Promise<Deployment> {
  const cluster = new SimulatedInnoDBCluster();
  const model = new Model();
  const typescript = createCharm({
    backendFor: (rt) => cluster.backendFor(localClusterAddress(rt)),
  });
  const mixed = new MixedApplication(model, APP, {
    python: pythonFormatCharm(cluster),
    typescript,
  });
  await model.deploy(APP, { charm: mixed.charm, charmDir: CHARM_DIR, units: 3 });
  await mixed.settle();
  const relationId = model.relationIds(APP, 'cluster')[0] ?? '';
  return { model, cluster, mixed, relationId };
}

const address = (d: Deployment, unit: string) => d.model.unit(unit).address;

/** Every unit connected, available and clustered; one cluster of every instance, one password. */
function expectHealthy(d: Deployment, step: string): void {
  const { model, cluster, mixed } = d;
  const units = model.units(APP);
  const leader = model.leader(APP) ?? '';
  const settings = model.leaderSettings(APP);
  const leaderIsPython = mixed.implementation(leader) === 'python';
  for (const unit of units) {
    const view = model.unit(unit);
    const what = `${step}: ${unit} (${mixed.implementation(unit)})`;
    expect(view.inError, `${what} in error: ${view.error?.message}`).toBe(false);
    expect(view.flags, what).toEqual(
      expect.arrayContaining(['cluster.connected', 'cluster.available']),
    );
    // Clustered: the instance is a member, and the leader settings record it (either format).
    expect(cluster.members, what).toContain(view.address);
    const recorded =
      isTrue(settings[instanceKey('clustered', view.address)]) ||
      isTrue(settings[pythonInstanceKey('clustered', view.address)]);
    expect(recorded, what).toBe(true);
    if (mixed.implementation(unit) === 'typescript') {
      expect(view.status, what).toEqual({
        status: 'active',
        message: 'Unit is ready and clustered',
      });
    } else {
      // Python's cluster.clustered needs unit-clustered from every peer, which a Python leader
      // never publishes (it stays in the bag of a leader that once ran ours): under a leader
      // that has always run Python, no Python non-leader has it, in a pure Python application
      // too.
      const peersSignalled = units
        .filter((u) => u !== unit)
        .every((u) => model.relationData(d.relationId, u)['unit-clustered'] === 'true');
      expect(view.flags.includes('cluster.clustered'), what).toBe(peersSignalled);
      if (!leaderIsPython || unit === leader) expect(peersSignalled, what).toBe(true);
    }
  }
  expect([...cluster.members].sort(), step).toEqual(units.map((u) => address(d, u)).sort());
  // Every account on every instance holds the one password the Python leader generated.
  expect(cluster.passwordsSeen(), step).toEqual([settings['cluster-password']]);
}

/** Units in the order they are upgraded: the leader first or last. */
function order(d: Deployment, leaderFirst: boolean): string[] {
  const leader = d.model.leader(APP) ?? '';
  const others = d.model.units(APP).filter((u) => u !== leader);
  return leaderFirst ? [leader, ...others] : [...others, leader];
}

describe('a Python-format application (the vectors file format)', () => {
  it('publishes the bags and leader settings the Python stack writes', async () => {
    const d = await pythonApplication();
    expectHealthy(d, 'deployed');
    const { model, relationId } = d;
    const leader = model.leader(APP) ?? '';
    const follower = model.units(APP).find((u) => u !== leader) ?? '';
    // A non-leader's bag: the vectors' python_unit_bag_clustered, at this unit's address.
    const at = (template: Record<string, string>, from: string, to: string) =>
      Object.fromEntries(Object.entries(template).map(([k, v]) => [k, v.split(from).join(to)]));
    // The password in the bag is the one in leader settings, JSON-encoded as json.dumps does.
    const password = model.leaderSettings(APP)['cluster-password'] ?? '';
    const vectorPassword = VECTORS.python_leader_settings_of_a_clustered_application?.[
      'cluster-password'
    ] as string;
    const clusteredBag = at(
      VECTORS.python_unit_bag_clustered ?? {},
      '10.0.0.2',
      address(d, follower),
    );
    expect(model.relationData(relationId, follower)).toEqual(
      at(clusteredBag, vectorPassword, password),
    );
    // Leader settings: the vectors' keys, at these units' addresses, with Python's True.
    const expected = Object.keys(VECTORS.python_leader_settings_of_a_clustered_application ?? {})
      .filter((k) => !k.startsWith('cluster-instance-'))
      .concat(
        model
          .units(APP)
          .flatMap((u) => [
            pythonInstanceKey('configured', address(d, u)),
            pythonInstanceKey('clustered', address(d, u)),
          ]),
      )
      .sort();
    const settings = model.leaderSettings(APP);
    expect(Object.keys(settings).sort()).toEqual(expected);
    for (const key of expected.filter((k) => k.startsWith('cluster-instance')))
      expect(settings[key], key).toBe('True');
    expect(settings['cluster-created']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
  });
});

describe('upgrading a Python application to the example charm, unit by unit', () => {
  for (const leaderFirst of [true, false]) {
    it(`leader ${leaderFirst ? 'first' : 'last'}: upgrade, steady state, secrets, rollback`, async () => {
      const d = await pythonApplication();
      const { model, mixed, relationId } = d;
      const password = model.leaderSettings(APP)['cluster-password'];
      // juju refresh mysql --path ... --config password-transport=both
      model.setConfig(APP, { 'password-transport': 'both' });
      await mixed.settle();
      expectHealthy(d, 'refresh started');

      for (const unit of order(d, leaderFirst)) {
        await mixed.switchUnit(unit, 'typescript');
        expectHealthy(d, `${unit} upgraded`);
      }
      // The cluster kept its password: the TypeScript leader put it in its secret.
      expect(model.leaderSettings(APP)['cluster-password']).toBe(password);
      expect(model.secrets().filter((s) => s.owner === APP)).toHaveLength(1);

      // Steady state: periodic hooks change nothing.
      for (const unit of model.units(APP)) model.fireHook(unit, 'update-status');
      await mixed.settle();
      expectHealthy(d, 'steady state');

      // juju config mysql password-transport=secret
      model.setConfig(APP, { 'password-transport': 'secret' });
      await mixed.settle();
      expectHealthy(d, 'secrets');
      for (const unit of model.units(APP)) {
        const bag = model.relationData(relationId, unit);
        expect(bag['cluster-password'], unit).toBeUndefined();
        expect(JSON.stringify(bag), unit).not.toContain(password);
        expect(bag['cluster-password-secret'], unit).toMatch(/^"secret:/);
      }

      // Rolling one unit back: plaintext again first, then the unit.
      model.setConfig(APP, { 'password-transport': 'both' });
      await mixed.settle();
      expectHealthy(d, 'both again');
      const back = leaderFirst
        ? (model.units(APP).find((u) => u !== model.leader(APP)) ?? '')
        : (model.leader(APP) ?? '');
      await mixed.switchUnit(back, 'python');
      expectHealthy(d, `${back} rolled back`);
      expect(model.leaderSettings(APP)['cluster-password']).toBe(password);
      // ...and the rest of the way back: the Python charm runs on what ours left.
      for (const unit of mixed.unitsRunning('typescript')) {
        await mixed.switchUnit(unit, 'python');
        expectHealthy(d, `${unit} rolled back`);
      }
      expect(model.leaderSettings(APP)['cluster-password']).toBe(password);
    });
  }
});

describe('what goes wrong without password-transport=both', () => {
  it('a unit upgraded with the default (secret) leaves its Python peers without cluster.available', async () => {
    const d = await pythonApplication();
    const { model, mixed } = d;
    const leader = model.leader(APP) ?? '';
    const [upgraded, ...python] = model.units(APP).filter((u) => u !== leader);
    await mixed.switchUnit(upgraded ?? '', 'typescript');
    const bag = model.relationData(d.relationId, upgraded ?? '');
    expect(bag['cluster-password']).toBeUndefined();
    for (const unit of [leader, ...python])
      expect(model.unit(unit).flags, unit).not.toContain('cluster.available');
    // The upgraded unit says why, naming the units that cannot read its secret.
    expect(model.unit(upgraded ?? '').status).toEqual({
      status: 'blocked',
      message: expect.stringContaining(`password-transport is secret, but ${leader}`),
    });
    // Setting the option afterwards repairs it.
    model.setConfig(APP, { 'password-transport': 'both' });
    await mixed.settle();
    expectHealthy(d, 'both set late');
  });
});

describe("the example charm's cluster-address", () => {
  it('is the bind address where the binding has both, as the Python charm publishes (network-get --primary-address: Info[0].Addresses[0], juju worker/uniter/runner/jujuc/network-get.go)', async () => {
    const seen: string[] = [];
    const charm = peerCharm(undefined, (c) =>
      c.hook('install').run(function address(rt) {
        seen.push(localClusterAddress(rt));
      }),
    );
    const world = peerWorld(
      {},
      { network: { cluster: { ingress: '192.0.2.10', bind: '10.0.0.10' } } },
    );
    await peerHarness(charm, world).run({ hookName: 'install' });
    expect(seen).toEqual(['10.0.0.10']);
  });
});

describe('password-transport values', () => {
  it('refuses an unknown value with a blocked status, and publishes as both meanwhile', async () => {
    const { model, app } = await deploySimulated({ units: 3 });
    model.setConfig(app, { 'password-transport': 'plain' });
    expect((await model.settle()).settled).toBe(true);
    const relationId = model.relationIds(app, 'cluster')[0] ?? '';
    for (const unit of model.units(app)) {
      expect(model.unit(unit).status, unit).toEqual({
        status: 'blocked',
        message:
          'password-transport "plain" is not one of plaintext, secret, both (publishing as both meanwhile)',
      });
      const bag = model.relationData(relationId, unit);
      expect(bag['cluster-password'], unit).toBeDefined();
      expect(bag['cluster-password-secret'], unit).toMatch(/^"secret:/);
    }
    model.setConfig(app, { 'password-transport': null });
    await model.settle();
    for (const unit of model.units(app)) {
      expect(model.unit(unit).status.status, unit).toBe('active');
      expect(model.relationData(relationId, unit)['cluster-password'], unit).toBeUndefined();
    }
  });
});
