// The example charm's operator actions (cluster-status, rejoin-instance, remove-instance) on a
// cluster the simulator built. The model cannot run actions yet (issue 13's simulator side), so
// each action runs through runHook() on one unit whose hook tools hold that unit's view of the
// settled model: its flags, the leader settings, the cluster password secret, its address.
import { beforeEach, describe, expect, it } from 'vitest';
import { localClusterAddress } from '../../examples/mysql-innodb-cluster/src/addresses.js';
import { createCharm, PASSWORD_SECRET_KEY } from '../../examples/mysql-innodb-cluster/src/charm.js';
import {
  CHARM_DIR,
  deploySimulated,
  type SimulatedDeployment,
} from '../../examples/mysql-innodb-cluster/src/simulate.js';
import { runHook } from '../../src/charm/run-hook.js';
import { readMetadata } from '../../src/juju/metadata.js';
import { MemoryStateStore } from '../../src/state/memory-store.js';
import { hookContext } from '../helpers/hook.js';
import { StubHookTools, stubWorld } from '../helpers/stub-tools.js';

let deployment: SimulatedDeployment;
beforeEach(async () => {
  deployment = await deploySimulated({ units: 3, seed: 5 });
  expect(await deployment.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
});

/** Run `action` with `params` on `unitName`, seeing the settled model as that unit does. */
async function runAction(unitName: string, action: string, params: Record<string, unknown>) {
  const { model, cluster, app } = deployment;
  const unit = model.unit(unitName);
  const settings = model.leaderSettings(app);
  const secretId = settings[PASSWORD_SECRET_KEY] ?? '';
  const tools = new StubHookTools(
    stubWorld({
      unit: unitName,
      leader: unit.isLeader,
      leaderSettings: { ...settings },
      config: { 'cluster-name': 'jujuCluster', 'cluster-user': 'clusteruser' },
      network: { cluster: { ingress: unit.address } },
      secrets: { [secretId]: { password: cluster.passwordsSeen()[0] ?? '' } },
      action: { params, results: {}, logs: [] },
    }),
  );
  const store = new MemoryStateStore();
  store.save({ version: 1, flags: [...unit.flags], data: {} });
  const charm = createCharm({ backendFor: (rt) => cluster.backendFor(localClusterAddress(rt)) });
  const result = await runHook({
    charm,
    context: hookContext({ unitName, hookName: action, action: { name: action, uuid: '1' } }),
    metadata: readMetadata(CHARM_DIR),
    tools,
    store,
  });
  return { result, tools, reported: tools.world.action };
}

const leaderOf = () => deployment.model.leader(deployment.app) ?? '';
const otherUnit = () => deployment.model.units(deployment.app).find((u) => u !== leaderOf()) ?? '';

describe("the example charm's actions", () => {
  it('cluster-status reports the members and the primary', async () => {
    const { result, reported } = await runAction(leaderOf(), 'cluster-status', {});
    expect(result.action?.status).toBe('completed');
    const status = JSON.parse(reported?.results['cluster-status'] ?? '{}') as {
      members: unknown[];
    };
    expect(status.members).toHaveLength(3);
    expect(reported?.results['members']).toBe('3');
    expect(reported?.results['primary']).toBe(deployment.cluster.members[0]);
  });

  it('remove-instance removes a member, and on the leader forgets it in the leader settings', async () => {
    const target = deployment.model.unit(otherUnit()).address;
    const { result, tools } = await runAction(leaderOf(), 'remove-instance', { address: target });
    expect(result.action).toMatchObject({ status: 'completed' });
    expect(deployment.cluster.members).not.toContain(target);
    expect(
      Object.keys(tools.world.leaderSettings).some((k) => k.endsWith(target.replace(/\./g, '-'))),
    ).toBe(false);
  });

  it('rejoin-instance brings a removed member back', async () => {
    const target = deployment.model.unit(otherUnit()).address;
    await runAction(leaderOf(), 'remove-instance', { address: target });
    const { result, reported } = await runAction(leaderOf(), 'rejoin-instance', {
      address: target,
    });
    expect(result.action?.status).toBe('completed');
    expect(reported?.logs[0]).toMatch(/^rejoining /);
    expect(deployment.cluster.members).toContain(target);
  });

  it('remove-instance refuses the instance it works through unless forced', async () => {
    const self = deployment.model.unit(leaderOf()).address;
    const { result } = await runAction(leaderOf(), 'remove-instance', { address: self });
    expect(result.action).toMatchObject({ status: 'failed' });
    expect(result.action?.message).toMatch(
      /works through; run it on another unit, or set force=true/,
    );
    expect(deployment.cluster.members).toContain(self);
  });

  it('rejoin-instance without an address fails naming the param and touches no instance', async () => {
    const before = deployment.cluster.log.length;
    const { result, reported } = await runAction(leaderOf(), 'rejoin-instance', {});
    expect(result.action).toMatchObject({ status: 'failed' });
    expect(reported?.failed).toMatch(/param "address" is required/);
    expect(deployment.cluster.log.length).toBe(before);
  });

  it('cluster-status before the cluster exists fails with what to wait for', async () => {
    const fresh = await deploySimulated({ units: 3, seed: 5 });
    deployment = fresh;
    await fresh.model.settle({ maxHooks: 3 });
    const { result } = await runAction(fresh.model.units(fresh.app)[0] ?? '', 'cluster-status', {});
    expect(result.action).toMatchObject({ status: 'failed' });
    expect(result.action?.message).toMatch(/cluster is not created yet/);
  });
});
