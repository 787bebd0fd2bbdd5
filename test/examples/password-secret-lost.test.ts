// The cluster password secret lost with a killed hook (examples/shared/password-secret
// replaceLostPasswordSecret): Juju applies leader-set at once but commits secret-add only with a
// successful hook (juju docs, hook commands: leader-set; secrets are committed with the hook),
// so a leader SIGKILLed right after its leader-set leaves a setting naming a secret nobody can
// read. The packed example runs as hook processes; the simulator kills the leader's generating
// hook after its leader-set call (failNextHook(unit, { killAfterToolCalls })).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_SECRET_KEY } from '../../examples/mysql-innodb-cluster/src/charm.js';
import { CHARM_DIR, deploySimulated } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import { packCharm } from '../../src/cli/pack.js';
import { Model } from '../../src/testing/index.js';

const SEED = 13;
let root = '';
let packed = '';

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'jr-lost-secret-'));
  packed = join(root, 'packed');
  await packCharm({ charmDir: CHARM_DIR, entry: 'src/main-simulated.ts', outDir: packed });
}, 120_000);
afterAll(() => {
  delete process.env['SIM_CLUSTER_STATE'];
  rmSync(root, { recursive: true, force: true });
});

/** The hook of an in-process run that added the secret: its index, unit, name, leader-set call. */
async function generatingHook() {
  const { model } = await deploySimulated({ units: 3, seed: SEED, trace: 'full' });
  let index = 0;
  let found: { index: number; unit: string; hook: string; leaderSetCall: number } | undefined;
  await model.settle({
    onHook: (entry) => {
      index++;
      const tools = model.trace.filter((e) => e.kind === 'tool' && e.hookSeq === entry.seq);
      const names = tools.map((e) => (e.kind === 'tool' ? e.tool : ''));
      if (found === undefined && names.includes('secret-add'))
        found = {
          index,
          unit: entry.unit,
          hook: entry.hook,
          leaderSetCall: names.indexOf('leader-set') + 1,
        };
    },
  });
  await model.close();
  if (found === undefined || found.leaderSetCall === 0) throw new Error('no generating hook');
  return found;
}

describe('the packed example, its leader killed right after naming a new password secret', () => {
  it('replaces the secret that was rolled back: one secret, named in leader settings, every unit active', async () => {
    const point = await generatingHook();
    process.env['SIM_CLUSTER_STATE'] = join(root, 'cluster.json');
    const model = new Model({ seed: SEED, maxRetries: 1000, name: 'lost-secret' });
    try {
      await model.deploy('mysql', { charmDir: packed, units: 3, processes: true });
      await model.settle({ maxHooks: point.index - 1 });
      model.failNextHook(point.unit, { hook: point.hook, killAfterToolCalls: point.leaderSetCall });
      let killed = 0;
      const report = await model.settle({
        onHook: (e) => {
          if (!e.ok && /SIGKILL/.test(e.error ?? '')) killed++;
        },
      });
      expect(killed).toBe(1);
      expect(report.settled).toBe(true);
      const warnings = model.trace.flatMap((e) =>
        e.kind === 'log' && e.message.includes('named in leader settings does not exist')
          ? [e.message]
          : [],
      );
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^the cluster password secret secret:\S+ named in leader/);
      const named = model.leaderSettings('mysql')[PASSWORD_SECRET_KEY];
      expect(model.secrets().map((s) => s.id)).toEqual([named]);
      for (const unit of model.units('mysql')) {
        expect(model.unit(unit).status, unit).toEqual({
          status: 'active',
          message: 'Unit is ready and clustered',
        });
      }
    } finally {
      await model.close();
    }
  }, 300_000);
});
