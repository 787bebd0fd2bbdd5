// The charm's actions run as Juju runs them (model.runAction: queued on the unit, run through
// the charm's action dispatch, params checked against actions.yaml): cluster-status on any
// unit, switchover / failover / rejoin-instance on the leader only.
import { beforeEach, describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../../../examples/mariadb-replication/src/failover/cluster-status.js';
import {
  type CharmScene,
  deployScene,
  expectCharmConverged,
  expectRowsEverywhere,
  promotedSince,
  writeThroughSource,
} from './charm-helpers.js';

let scene: CharmScene;
beforeEach(async () => {
  scene = await deployScene({ units: 3, seed: 3, app: 'mariadb' });
  expect(await scene.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
});

const leader = () => scene.model.leader(scene.app) ?? '';
const run = (unit: string, action: string, params: Record<string, unknown> = {}) =>
  scene.model.runAction(unit, action, params);

describe('cluster-status', () => {
  it('reports the topology as JSON on any unit: role, read_only, GTID position, threads per unit', async () => {
    writeThroughSource(scene, 'cs', 3);
    const result = await run('mariadb/2', 'cluster-status');
    expect(result.status).toBe('completed');
    expect(result.results).toMatchObject({ source: 'mariadb/0', generation: '1' });
    const status = JSON.parse(result.results['cluster-status'] ?? '{}') as ClusterStatus;
    expect(Object.keys(status.units)).toEqual(['mariadb/0', 'mariadb/1', 'mariadb/2']);
    expect(status.units['mariadb/0']).toMatchObject({ role: 'source', 'read-only': false });
    expect(status.units['mariadb/1']).toMatchObject({
      role: 'replica',
      'read-only': true,
      'replicating-from': 'mariadb/0',
      'io-thread': 'running',
      'sql-thread': 'running',
      'gtid-current-pos': status.units['mariadb/0']?.['gtid-current-pos'],
    });
    expect(result.results['cluster-status']).not.toMatch(/password/i);
  });

  it('shows an unreachable unit with why', async () => {
    scene.fleet.kill('mariadb/1');
    const result = await run(leader(), 'cluster-status');
    const status = JSON.parse(result.results['cluster-status'] ?? '{}') as ClusterStatus;
    expect(status.units['mariadb/1']).toMatchObject({ reachable: false });
    expect(status.units['mariadb/1']?.reason).toMatch(/Can't connect/);
  });
});

describe('switchover', () => {
  it('moves the source to the named unit with no acknowledged write lost; the old source replicates from it', async () => {
    const keys = writeThroughSource(scene, 'so', 10);
    const result = await run(leader(), 'switchover', { target: 'mariadb/2' });
    expect(result).toMatchObject({
      status: 'completed',
      results: { source: 'mariadb/2', previous: 'mariadb/0' },
    });
    expect(result.log).toContain('fence mariadb/0');
    expect(scene.record()).toMatchObject({ source: 'mariadb/2', generation: 2 });
    await scene.model.settle();
    await scene.model.advance({ minutes: 10 });
    expectCharmConverged(scene);
    expectRowsEverywhere(scene, keys);
  });

  it('without a target promotes the best replica', async () => {
    const result = await run(leader(), 'switchover');
    expect(result.status).toBe('completed');
    expect(['mariadb/1', 'mariadb/2']).toContain(result.results['source']);
  });

  it('is refused on a non-leader, naming where to run it, and changes nothing', async () => {
    const log = scene.backend.log.length;
    const result = await run('mariadb/1', 'switchover', { target: 'mariadb/1' });
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/mariadb\/1 is not the leader: run this action on the leader/);
    expect(scene.backend.log.length).toBe(log);
  });

  it('is refused for a target that is not a unit name, or the source itself', async () => {
    const bad = await run(leader(), 'switchover', { target: "x'; DROP" });
    expect(bad).toMatchObject({ status: 'failed' });
    expect(bad.message).toMatch(/is not a unit name/);
    const same = await run(leader(), 'switchover', { target: 'mariadb/0' });
    expect(same.message).toBe('mariadb/0 is already the source');
  });

  it('is refused while the source is down: that is a failover', async () => {
    scene.fleet.kill('mariadb/0');
    const result = await run(leader(), 'switchover', { target: 'mariadb/1' });
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/needs a healthy source \(failover handles a failed one\)/);
    expect(scene.record().source).toBe('mariadb/0');
  });
});

describe('failover (the operator unsticks a dead source before failure-threshold)', () => {
  it('promotes the best replica now, without waiting for the threshold', async () => {
    const keys = writeThroughSource(scene, 'fo', 5);
    scene.fleet.kill('mariadb/0');
    const at = scene.backend.log.length;
    const result = await run(leader(), 'failover');
    expect(result.status).toBe('completed');
    expect(result.results['previous']).toBe('mariadb/0');
    expect(promotedSince(scene, at)).toEqual([scene.record().source]);
    scene.fleet.restart('mariadb/0');
    await scene.model.advance({ minutes: 10 });
    expectCharmConverged(scene);
    expectRowsEverywhere(scene, keys);
  });

  it('is refused while the source is healthy', async () => {
    const result = await run(leader(), 'failover');
    expect(result).toMatchObject({ status: 'failed' });
    expect(result.message).toBe(
      'source mariadb/0 is healthy: use the switchover action for a planned move',
    );
  });

  it('is refused when no replica can take over, with what is down', async () => {
    for (const unit of scene.model.units(scene.app)) scene.fleet.kill(unit);
    const result = await run(leader(), 'failover');
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(
      /no replica can take over: mariadb\/1 unreachable, mariadb\/2 unreachable$/,
    );
  });
});

describe('rejoin-instance', () => {
  it('rebuilds a replica holding an errant transaction from a dump of the source (the errant row is gone)', async () => {
    const keys = writeThroughSource(scene, 'rj', 5);
    const replica = scene.fleet.server('mariadb/1');
    replica.readOnly = false;
    expect(scene.fleet.write('mariadb/1', 'errant', 'x')).toMatchObject({ ok: true });
    replica.replica = undefined;
    replica.readOnly = true;
    const result = await run(leader(), 'rejoin-instance', { unit: 'mariadb/1' });
    expect(result.status).toBe('completed');
    expect(result.results['outcome']).toMatch(
      /^rebuild mariadb\/1 from mariadb\/0 \(errant transaction/,
    );
    expect(scene.fleet.server('mariadb/1').data.has('errant')).toBe(false);
    await scene.model.advance({ minutes: 5 });
    expectCharmConverged(scene);
    expectRowsEverywhere(scene, keys);
  });

  it('says so when the unit already replicates from the source', async () => {
    const result = await run(leader(), 'rejoin-instance', { unit: 'mariadb/2' });
    expect(result).toMatchObject({
      status: 'completed',
      results: { outcome: 'mariadb/2 already replicates from mariadb/0' },
    });
  });

  it('refuses the source, an unreachable unit, a stranger and a missing param', async () => {
    expect((await run(leader(), 'rejoin-instance', { unit: 'mariadb/0' })).message).toBe(
      'mariadb/0 is the source',
    );
    scene.fleet.kill('mariadb/2');
    expect((await run(leader(), 'rejoin-instance', { unit: 'mariadb/2' })).message).toMatch(
      /^mariadb\/2 is unreachable: /,
    );
    expect((await run(leader(), 'rejoin-instance', { unit: 'other/9' })).message).toMatch(
      /other\/9 is not in the topology/,
    );
    const missing = await run(leader(), 'rejoin-instance', {});
    expect(missing.status).toBe('failed');
    expect(missing.message).toMatch(/param "unit" is required/);
  });
});
