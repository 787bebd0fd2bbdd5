// The charm packed and run as real hook processes: the example's own `dispatch` runs the
// bundle under hooks/<name> and actions/<name> (JUJU_DISPATCH_PATH), its hook tools reach the
// model through the fake tools on PATH (as worker/uniter/runner/jujuc/action-*.go answer), and
// every process shares the simulated fleet through SIM_FLEET_STATE.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFleet } from '../../../examples/mariadb-replication/src/backend/fleet-file.js';
import { CHARM_DIR } from '../../../examples/mariadb-replication/src/deploy.js';
import type { ClusterStatus } from '../../../examples/mariadb-replication/src/failover/cluster-status.js';
import type { OptionsDocument } from '../../../examples/shared/adminapi-tags/index.js';
import { packCharm } from '../../../src/cli/pack.js';
import { Model } from '../../../src/testing/index.js';
import { clientCharm, clientMetadata } from '../../interfaces/cluster-view/fixtures/charms.js';
import { publishedMembers } from '../view-bag.js';

let root = '';
let packed = '';
let fleetFile = '';

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'jr-replication-process-'));
  packed = join(root, 'packed');
  fleetFile = join(root, 'fleet.json');
  await packCharm({ charmDir: CHARM_DIR, entry: 'src/main-simulated.ts', outDir: packed });
  process.env['SIM_FLEET_STATE'] = fleetFile;
}, 120_000);
afterAll(() => {
  delete process.env['SIM_FLEET_STATE'];
  rmSync(root, { recursive: true, force: true });
});

// Every hook is a node process; on a loaded machine a 3-unit deployment takes a minute.
describe('the mariadb-replication charm in process mode', { timeout: 300_000 }, () => {
  it('sets up replication, answers cluster-status and refuses a switchover on a non-leader through the packed dispatch', async () => {
    const model = new Model({ seed: 2, name: 'replication-process' });
    try {
      await model.deploy('mariadb', { charmDir: packed, units: 3, processes: true });
      expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
      const leader = model.leader('mariadb') ?? '';

      const status = await model.runAction('mariadb/1', 'cluster-status', {});
      const refused = await model.runAction('mariadb/1', 'switchover', { target: 'mariadb/2' });
      const moved = await model.runAction(leader, 'switchover', { target: 'mariadb/2' });

      expect(status.status).toBe('completed');
      const topology = JSON.parse(status.results['cluster-status'] ?? '{}') as ClusterStatus;
      expect(topology.source).toBe('mariadb/0');
      expect(Object.values(topology.units).map((u) => u['read-only'])).toEqual([false, true, true]);
      expect(refused).toMatchObject({ status: 'failed' });
      expect(refused.message).toMatch(/is not the leader/);
      expect(moved).toMatchObject({ status: 'completed', results: { source: 'mariadb/2' } });
      // The fleet file the processes shared: mariadb/2 writable, the others replicating from it.
      const fleet = loadFleet(fleetFile);
      expect(fleet.server('mariadb/2')).toMatchObject({ readOnly: false, replica: undefined });
      expect(fleet.server('mariadb/0').replica?.source).toBe('mariadb/2');
      expect(readFileSync(fleetFile, 'utf8')).not.toMatch(/"password"/);
      const hooks = model.timeline('mariadb/1').filter((e) => e.hook.startsWith('actions/'));
      expect(hooks.map((e) => [e.hook, e.ok])).toEqual([
        ['actions/cluster-status', true],
        ['actions/switchover', true],
      ]);
    } finally {
      await model.close();
    }
  });

  // The messages are MySQL Shell's (modules/adminapi/common/base_cluster_impl.cc and
  // set_instance_option.cc, as examples/shared/adminapi-tags/option.ts cites them).
  it("set-instance-option tag:_hidden on a replica through the packed dispatch: options lists it, the view hides it, a rule violation fails with MySQL Shell's message", async () => {
    const model = new Model({ seed: 4, name: 'replication-process-tags' });
    try {
      await model.deploy('mariadb', { charmDir: packed, units: 3, processes: true });
      await model.deploy('app', { charm: clientCharm, metadata: clientMetadata, units: 1 });
      model.relate('app:db', 'mariadb:view');
      expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
      const leader = model.leader('mariadb') ?? '';
      const label = `${model.unit('mariadb/1').address}:3306`;

      const hide = await model.runAction(leader, 'set-instance-option', {
        instance: 'mariadb/1',
        option: 'tag:_hidden',
        value: '"true"',
      });
      const read = await model.runAction('mariadb/2', 'options', {});
      const badName = await model.runAction(leader, 'set-instance-option', {
        instance: 'mariadb/1',
        option: 'tag:_x',
        value: 'true',
      });
      const badType = await model.runAction(leader, 'set-instance-option', {
        instance: 'mariadb/1',
        option: 'tag:_hidden',
        value: '"yes"',
      });
      const badNamespace = await model.runAction(leader, 'set-option', {
        option: 'Tag:location',
        value: '"EMEA"',
      });

      expect(hide).toMatchObject({
        status: 'completed',
        results: { instance: 'mariadb/1', option: 'tag:_hidden', stored: 'true' },
      });
      expect(read.status).toBe('completed');
      const doc = JSON.parse(read.results['options'] ?? '{}') as OptionsDocument;
      expect(doc.clusterName).toBe('mariadb');
      expect(doc.defaultReplicaSet.tags[label]).toEqual([{ option: '_hidden', value: true }]);
      expect(badName).toMatchObject({
        status: 'failed',
        message: "'_x' is not a valid built-in tag.",
      });
      expect(badType).toMatchObject({
        status: 'failed',
        message: "Built-in tag '_hidden' is expected to be of type Bool, but is String",
      });
      expect(badNamespace).toMatchObject({
        status: 'failed',
        message: "Namespace 'Tag' not supported.",
      });
      // The action published the view: the client's bag holds mariadb/1 hidden.
      const hidden = publishedMembers(model, 'mariadb').find((m) => m.name === 'mariadb/1');
      expect(hidden).toMatchObject({ role: 'SECONDARY', hidden: true, disconnect: true });
      // A refused write changed nothing: still exactly the one tag.
      const again = await model.runAction(leader, 'options', {});
      const after = JSON.parse(again.results['options'] ?? '{}') as OptionsDocument;
      expect(after.defaultReplicaSet.tags[label]).toEqual([{ option: '_hidden', value: true }]);
      const hooks = model.timeline(leader).filter((e) => e.hook.startsWith('actions/'));
      expect(hooks.map((e) => e.hook)).toContain('actions/set-instance-option');
    } finally {
      await model.close();
    }
  });
});
