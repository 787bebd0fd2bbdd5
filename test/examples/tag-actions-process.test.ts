// The tag actions through the example's real packed dispatch: each unit is a process running
// dist/charm.cjs with JUJU_DISPATCH_PATH=actions/<name>, action-get/-set/-fail through the fake
// hook tools, and the simulated cluster (metadata tags included) in the SIM_CLUSTER_STATE file.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedClusterSnapshot } from '../../examples/mysql-innodb-cluster/src/backend/simulated.js';
import { CHARM_DIR } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import type { OptionsDocument } from '../../examples/shared/adminapi-tags/index.js';
import { packCharm } from '../../src/cli/pack.js';
import { Model } from '../../src/testing/index.js';

let root = '';
let packed = '';
let statePath = '';

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'jr-tag-actions-'));
  packed = join(root, 'packed');
  statePath = join(root, 'cluster.json');
  await packCharm({ charmDir: CHARM_DIR, entry: 'src/main-simulated.ts', outDir: packed });
  process.env['SIM_CLUSTER_STATE'] = statePath;
}, 120_000);
afterAll(() => {
  delete process.env['SIM_CLUSTER_STATE'];
  rmSync(root, { recursive: true, force: true });
});

describe('tag actions in process mode', { timeout: 300_000 }, () => {
  it('writes tags on the leader into the cluster metadata, refuses elsewhere, keeps them through a killed hook and a leader change', async () => {
    const model = new Model({ seed: 5, name: 'process-tags' });
    try {
      await model.deploy('mysql', { charmDir: packed, units: 3, processes: true });
      expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
      const leader = model.leader('mysql') ?? '';
      const other = model.units('mysql').find((u) => u !== leader) ?? '';
      const label = `${model.unit('mysql/1').address}:3306`;

      const hide = await model.runAction(leader, 'set-instance-option', {
        instance: 'mysql/1',
        option: 'tag:_hidden',
        value: 'true',
      });
      expect(hide).toMatchObject({
        status: 'completed',
        results: { option: 'tag:_hidden', value: 'true', instance: label, unit: 'mysql/1' },
      });
      const bad = await model.runAction(leader, 'set-option', { option: 'tag:_x', value: '1' });
      expect(bad).toMatchObject({ status: 'failed', message: "'_x' is not a valid built-in tag." });
      const refused = await model.runAction(other, 'set-option', {
        option: 'tag:location',
        value: '"EMEA"',
      });
      expect(refused.status).toBe('failed');
      expect(refused.message).toContain(`${other} is not the leader (the leader is ${leader})`);

      const stored = JSON.parse(readFileSync(statePath, 'utf8')) as SimulatedClusterSnapshot;
      expect(stored.cluster?.tags?.instances[label]).toEqual({ _hidden: true });
      expect(stored.cluster?.tags?.global).toEqual({});

      // A hook killed on the new leader right after its first hook-tool call; then it settles.
      model.failNextHook(other, { hook: 'leader-elected', killAfterToolCalls: 1 });
      model.setLeader(other);
      await model.settle();
      expect(model.leader('mysql')).toBe(other);
      const killed = model.timeline(other).filter((e) => e.hook === 'leader-elected');
      expect(killed.map((e) => e.ok)).toEqual([false, true]);

      const read = await model.runAction(leader, 'options', {});
      expect(read.status).toBe('completed');
      const doc = JSON.parse(read.results['options'] ?? '{}') as OptionsDocument;
      expect(doc.defaultReplicaSet.tags[label]).toEqual([{ option: '_hidden', value: true }]);
      const status = await model.runAction(other, 'cluster-status', {});
      expect(status.results['cluster-status']).toContain('"hiddenFromRouter":true');

      const unhide = await model.runAction(other, 'set-instance-option', {
        instance: label,
        option: 'tag:_hidden',
        value: 'null',
      });
      expect(unhide.status).toBe('completed');
      const after = JSON.parse(readFileSync(statePath, 'utf8')) as SimulatedClusterSnapshot;
      expect(after.cluster?.tags?.instances[label]).toEqual({});
      const hooks = model.timeline(other).filter((e) => e.hook.startsWith('actions/'));
      expect(hooks.every((e) => e.ok)).toBe(true);
    } finally {
      await model.close();
    }
  });
});
