// `npm start` (examples/mysql-innodb-cluster/demo.ts) and `juju-reactive simulate` as a newcomer
// reads them: a run that cannot cluster says why, a status is told once per hook, and the first
// column of `simulate` is said to be the trace seq, not a count of the unit's hooks.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../helpers/hook.js';

const DEMO = fileURLToPath(new URL('../../examples/mysql-innodb-cluster/demo.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const CHARM_DIR = fileURLToPath(new URL('../fixtures/charms/peer-echo', import.meta.url));

function demo(...args: string[]) {
  return spawnSync(TSX, [DEMO, ...args], { encoding: 'utf8', timeout: 120_000 });
}

describe('npm start (the example demo)', () => {
  it.each([1, 2])(
    'with --units %i says the charm needs 3 units to form a cluster',
    (units) => {
      const run = demo('--units', String(units));
      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(/^Note: this charm forms a cluster from 3 units/);
      expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(
        /Settled, NOT clustered: this charm needs at least 3 units to form a cluster \(got \d; try --units 3\)\.$/,
      );
    },
    120_000,
  );

  it('tells each hook once and never says the same status twice in a row within a hook', () => {
    const run = demo('--units', '3', '--seed', '1');
    expect(run.status).toBe(0);
    const hooks = run.stdout.split(/\n(?= +\d+ {2})/);
    expect(hooks.length).toBeGreaterThan(20);
    for (const hook of hooks) {
      const statuses = hook.split('\n').filter((l) => /^ +status /.test(l));
      for (let i = 1; i < statuses.length; i++) expect(statuses[i]).not.toBe(statuses[i - 1]);
    }
    expect(run.stdout).toMatch(/Settled: all 3 units are clustered\./);
  }, 120_000);
});

describe('juju-reactive simulate output', () => {
  it('says its first column is the hook seq in the model trace', async () => {
    const run = await runCliCaptured('simulate', CHARM_DIR, '--units', '2', '--seed', '1');
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n')).toContain(
      '(each line: the seq of the hook in the model trace, across all units; the hook; its outcome and effects)',
    );
  });
});
