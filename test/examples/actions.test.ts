// The example charm's operator actions (cluster-status, rejoin-instance, remove-instance) on a
// cluster the simulator built, run as Juju runs them: `model.runAction` queues the action on the
// unit, which runs it through the charm's action dispatch with the unit's own view of the model.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  deploySimulated,
  type SimulatedDeployment,
} from '../../examples/mysql-innodb-cluster/src/simulate.js';

let deployment: SimulatedDeployment;
beforeEach(async () => {
  deployment = await deploySimulated({ units: 3, seed: 5 });
  expect(await deployment.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
});

/** Run `action` with `params` on `unitName` through the model. */
function runAction(unitName: string, action: string, params: Record<string, unknown>) {
  return deployment.model.runAction(unitName, action, params);
}

const leaderOf = () => deployment.model.leader(deployment.app) ?? '';
const otherUnit = () => deployment.model.units(deployment.app).find((u) => u !== leaderOf()) ?? '';

describe("the example charm's actions, run by model.runAction", () => {
  it('cluster-status on a settled 3-unit cluster reports the members and the primary', async () => {
    const result = await runAction(leaderOf(), 'cluster-status', {});
    expect(result.status).toBe('completed');
    const status = JSON.parse(result.results['cluster-status'] ?? '{}') as { members: unknown[] };
    expect(status.members).toHaveLength(3);
    expect(result.results['members']).toBe('3');
    expect(result.results['primary']).toBe(deployment.cluster.members[0]);
  });

  it('remove-instance removes a member, and on the leader forgets it in the leader settings', async () => {
    const target = deployment.model.unit(otherUnit()).address;
    const result = await runAction(leaderOf(), 'remove-instance', { address: target });
    expect(result).toMatchObject({ status: 'completed' });
    expect(deployment.cluster.members).not.toContain(target);
    const settings = deployment.model.leaderSettings(deployment.app);
    expect(Object.keys(settings).some((k) => k.endsWith(target.replace(/\./g, '-')))).toBe(false);
  });

  it('rejoin-instance brings a removed member back', async () => {
    const target = deployment.model.unit(otherUnit()).address;
    await runAction(leaderOf(), 'remove-instance', { address: target });
    const result = await runAction(leaderOf(), 'rejoin-instance', { address: target });
    expect(result.status).toBe('completed');
    expect(result.log[0]).toMatch(/^rejoining /);
    expect(deployment.cluster.members).toContain(target);
  });

  it('remove-instance refuses the instance it works through unless forced', async () => {
    const self = deployment.model.unit(leaderOf()).address;
    const result = await runAction(leaderOf(), 'remove-instance', { address: self });
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/works through; run it on another unit, or set force=true/);
    expect(deployment.cluster.members).toContain(self);
  });

  it('rejoin-instance without an address fails naming the param and touches no instance', async () => {
    const before = deployment.cluster.log.length;
    const result = await runAction(leaderOf(), 'rejoin-instance', {});
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/param "address" is required/);
    expect(deployment.cluster.log.length).toBe(before);
  });

  it('cluster-status before the cluster exists fails with what to wait for', async () => {
    const fresh = await deploySimulated({ units: 3, seed: 5 });
    deployment = fresh;
    await fresh.model.settle({ maxHooks: 3 });
    const unit = fresh.model.units(fresh.app)[0] ?? '';
    const result = await runAction(unit, 'cluster-status', {});
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/cluster is not created yet/);
  });
});
