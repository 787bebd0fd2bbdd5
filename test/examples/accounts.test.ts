// Which MySQL accounts the example charm may create, alter and drop (issue 15, items 11, 12
// and 15), on the simulated cluster: only accounts it created (marked on the instance before
// creating them), never an administrator's; an account for an address stays only while a
// peer's data asks for it, even when the hook that created it failed; a config change the
// charm cannot apply is a blocked status that says why, never a failed hook.
import { describe, expect, it } from 'vitest';
import {
  deploySimulated,
  type SimulatedDeployment,
} from '../../examples/mysql-innodb-cluster/src/simulate.js';

const statuses = ({ model, app }: SimulatedDeployment) =>
  model.units(app).map((u) => model.unit(u).status);

function everyInstance({ model, app, cluster }: SimulatedDeployment, account: string): boolean[] {
  return model.units(app).map((u) => cluster.usersOn(model.unit(u).address).includes(account));
}

describe('cluster-user set to an account the charm did not create', () => {
  it('refuses root before anything is created: blocked, root@localhost kept on every instance', async () => {
    const deployment = await deploySimulated({ units: 3, seed: 51 });
    const { model, cluster, app } = deployment;
    for (const u of model.units(app))
      cluster.seedAccount(model.unit(u).address, 'root@localhost', 'r00t');
    model.setConfig(app, { 'cluster-user': 'root' });
    const report = await model.settle();
    expect(report).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(everyInstance(deployment, 'root@localhost')).toEqual([true, true, true]);
    for (const status of statuses(deployment))
      expect(status).toEqual({
        status: 'blocked',
        message: expect.stringMatching(/cluster-user "root" is reserved/),
      });
    expect(cluster.log.some((l) => /root@/.test(l))).toBe(false);
    // Another name: the charm goes on and clusters.
    model.setConfig(app, { 'cluster-user': 'clusteradmin' });
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    for (const status of statuses(deployment)) expect(status.status).toBe('active');
    expect(everyInstance(deployment, 'root@localhost')).toEqual([true, true, true]);
  });

  it('never alters or drops root when cluster-user becomes root after clustering, and says why', async () => {
    const deployment = await deploySimulated({ units: 3, seed: 52 });
    const { model, cluster, app } = deployment;
    for (const u of model.units(app))
      cluster.seedAccount(model.unit(u).address, 'root@localhost', 'r00t');
    await model.settle();
    model.setConfig(app, { 'cluster-user': 'root' });
    // A peer change: what made the old charm drop root@localhost on two of three servers.
    const peer = model.units(app)[1] ?? '';
    model.setRelationData(peer, 'cluster', { 'unit-clustered': 'true' });
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(everyInstance(deployment, 'root@localhost')).toEqual([true, true, true]);
    for (const u of model.units(app))
      expect(cluster.instance(model.unit(u).address).users.get('root@localhost')).toBe('r00t');
    for (const status of statuses(deployment))
      expect(status).toEqual({
        status: 'blocked',
        message: expect.stringMatching(/cluster-user cannot change .* uses "clusteruser"/),
      });
  });

  it('leaves an existing account of the chosen name alone: blocked, naming it', async () => {
    const deployment = await deploySimulated({ units: 3, seed: 53 });
    const { model, cluster, app } = deployment;
    const first = model.unit(model.units(app)[0] ?? '').address;
    cluster.seedAccount(first, `app@${first}`, 'their-password');
    model.setConfig(app, { 'cluster-user': 'app' });
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(cluster.instance(first).users.get(`app@${first}`)).toBe('their-password');
    expect(model.unit(model.units(app)[0] ?? '').status).toEqual({
      status: 'blocked',
      message: `the account 'app'@'${first}' exists and was not created by this charm: choose another cluster-user`,
    });
  });
});

describe('accounts for peer addresses', () => {
  it('leaves an existing account for a peer address alone: blocked, naming it, no failed hook', async () => {
    const deployment = await deploySimulated({ units: 3, seed: 56 });
    const { model, cluster, app } = deployment;
    const [first, second] = model.units(app).map((u) => model.unit(u).address) as [string, string];
    cluster.seedAccount(first, `clusteruser@${second}`, 'their-password');
    const report = await model.settle();
    expect(report).toMatchObject({ hooksFailed: 0 });
    expect(cluster.instance(first).users.get(`clusteruser@${second}`)).toBe('their-password');
    expect(model.unit(model.units(app)[0] ?? '').status).toEqual({
      status: 'blocked',
      message: `the account 'clusteruser'@'${second}' exists and was not created by this charm: choose another cluster-user`,
    });
  });

  it('drops an account a failed hook created once the peer stops asking for it', async () => {
    const deployment = await deploySimulated({ units: 3, seed: 54, maxRetries: 0 });
    const { model, app } = deployment;
    await model.settle();
    const [a, victim, c] = model.units(app) as [string, string, string];
    const real = model.relationData(model.relationIds(app, 'cluster')[0] ?? '', victim)[
      'cluster-address'
    ];
    for (const unit of [a, c]) model.failNextHook(unit, { handler: 'forgetPeerChanges' });
    model.setRelationData(victim, 'cluster', { 'cluster-address': JSON.stringify('evil.example') });
    await model.settle();
    // The failed hooks created the account for the foreign host, then failed: nothing of
    // them was committed, the account stays in the database.
    expect(everyInstance(deployment, 'clusteruser@evil.example')).toEqual([true, false, true]);
    for (const unit of [a, c]) model.resolve(unit, { retry: false });
    model.setRelationData(victim, 'cluster', { 'cluster-address': real ?? null });
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(everyInstance(deployment, 'clusteruser@evil.example')).toEqual([false, false, false]);
  });
});

describe('update-status on a settled unit (it decodes no peer summary unless something differs)', () => {
  it('drops an account the charm marked but no peer asks for, created since its last reconcile', async () => {
    const deployment = await deploySimulated({ units: 3, seed: 7 });
    const { model, app, cluster } = deployment;
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    const unit = model.units(app)[1] as string;
    const address = model.unit(unit).address;
    // Two quiet update-status hooks: the second finds what the first reconciled unchanged.
    for (let i = 0; i < 2; i++) {
      model.fireHook(unit, 'update-status');
      await model.step(unit);
    }
    // As a hook that failed after creating it (and was then skipped) leaves one behind.
    await cluster
      .backendFor(address)
      .users.createClusterUser({ user: 'clusteruser', host: 'stray.example' }, 'stray-pw-Zq8');
    expect(cluster.usersOn(address)).toContain('clusteruser@stray.example');
    model.fireHook(unit, 'update-status');
    await model.step(unit);
    expect(cluster.usersOn(address)).not.toContain('clusteruser@stray.example');
  });
});

describe('cluster-name renamed after clustering', () => {
  it('keeps the cluster, blocks saying why, and recovers when set back', async () => {
    const deployment = await deploySimulated({ units: 3, seed: 55 });
    const { model, cluster, app } = deployment;
    await model.settle();
    model.setConfig(app, { 'cluster-name': 'renamed' });
    const report = await model.settle();
    expect(report).toMatchObject({ settled: true, hooksFailed: 0 });
    for (const status of statuses(deployment))
      expect(status).toEqual({
        status: 'blocked',
        message:
          'cluster-name cannot change after the cluster was created (it is "jujuCluster"): set it back',
      });
    expect(cluster.getCluster()?.name).toBe('jujuCluster');
    // Scaling still works on the cluster that exists.
    model.addUnit(app);
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(cluster.members).toHaveLength(4);
    model.setConfig(app, { 'cluster-name': null });
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    for (const status of statuses(deployment)) expect(status.status).toBe('active');
  });
});
