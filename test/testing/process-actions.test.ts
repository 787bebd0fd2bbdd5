// Actions on units run as processes: the packed example charm's real `dispatch` runs with
// JUJU_DISPATCH_PATH=actions/<name>, and its action-get/-set/-fail/-log calls reach the model
// through the fake hook tools on PATH (answering as worker/uniter/runner/jujuc/action-*.go do).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHARM_DIR } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import { packCharm } from '../../src/cli/pack.js';
import { Model } from '../../src/testing/index.js';

let root = '';
let packed = '';

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'jr-process-actions-'));
  packed = join(root, 'packed');
  await packCharm({ charmDir: CHARM_DIR, entry: 'src/main-simulated.ts', outDir: packed });
  process.env['SIM_CLUSTER_STATE'] = join(root, 'cluster.json');
}, 120_000);
afterAll(() => {
  delete process.env['SIM_CLUSTER_STATE'];
  rmSync(root, { recursive: true, force: true });
});

// Every hook here is a node process; on a loaded machine a 3-unit cluster can take a minute.
describe('actions in process mode', { timeout: 240_000 }, () => {
  it('runs the packed dispatch under actions/<name>: results through action-set, a bad param through action-fail', async () => {
    const model = new Model({ seed: 5, name: 'process-actions' });
    try {
      await model.deploy('mysql', { charmDir: packed, units: 3, processes: true });
      expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
      const leader = model.leader('mysql') ?? '';

      const status = await model.runAction(leader, 'cluster-status', {});
      const missing = await model.runAction(leader, 'rejoin-instance', {});

      expect(status.status).toBe('completed');
      expect(status.results['members']).toBe('3');
      const members = JSON.parse(status.results['cluster-status'] ?? '{}') as {
        members: unknown[];
      };
      expect(members.members).toHaveLength(3);
      expect(missing).toMatchObject({ status: 'failed', results: {} });
      expect(missing.message).toMatch(/param "address" is required/);
      const actionHooks = model.timeline(leader).filter((e) => e.hook.startsWith('actions/'));
      expect(actionHooks.map((e) => [e.hook, e.ok])).toEqual([
        ['actions/cluster-status', true],
        ['actions/rejoin-instance', true],
      ]);
      const toolCalls = model.trace.flatMap((e) =>
        e.kind === 'tool' && e.unit === leader && e.tool.startsWith('action-') ? [e.tool] : [],
      );
      expect(toolCalls).toContain('action-get');
      expect(toolCalls).toContain('action-set');
      expect(toolCalls).toContain('action-fail');

      // A crashed action process (model.failNextHook with `action`): killed by a signal after
      // its first hook-tool call, or exiting 1; Juju fails the action with the process error.
      model.failNextHook(leader, { action: 'cluster-status', killAfterToolCalls: 1 });
      expect(await model.runAction(leader, 'cluster-status', {})).toMatchObject({
        status: 'failed',
        message: 'signal: killed',
        results: {},
      });
      model.failNextHook(leader, { action: 'cluster-status' });
      expect(await model.runAction(leader, 'cluster-status', {})).toMatchObject({
        status: 'failed',
        message: 'exit status 1',
      });
      expect((await model.runAction(leader, 'cluster-status', {})).status).toBe('completed');
      expect(model.unit(leader).inError).toBe(false);
    } finally {
      await model.close();
    }
  });
});
