// The packed example charm run as real hook processes with the default file store, SIGKILLed
// right after it saved its unit state: the companion of killed-after-save.test.ts (which
// emulates the kill in process, many times) with the simulator's own kill
// (failNextHook(unit, { killAfterToolCalls })), as test/reliability/juju-store-kills.test.ts
// uses it. The only hook-tool call after the state save is the workload status-set made
// once the hook succeeded, so a kill after a hook's last call, when that call is that
// status-set, lands after the save. Hook order and tool calls are the same as in process
// (test/cli/pack.test.ts), so an in-process run with the same seed finds those hooks.
// Also: the cluster password secret lost with a killed hook (examples/shared/password-secret
// replaceLostPasswordSecret): Juju applies leader-set at once but commits secret-add only with
// a successful hook (juju docs, hook commands: leader-set; secrets are committed with the
// hook), so a leader SIGKILLed right after its leader-set leaves a setting naming a secret
// nobody can read.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_SECRET_KEY } from '../../examples/mysql-innodb-cluster/src/charm.js';
import { CHARM_DIR, deploySimulated } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import { packCharm } from '../../src/cli/pack.js';
import { Model } from '../../src/testing/index.js';

const TRIALS = Number(process.env.JR_EXAMPLE_KILL_RUNS ?? 4);
let root = '';
let packed = '';

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'jr-example-kills-'));
  packed = join(root, 'packed');
  await packCharm({ charmDir: CHARM_DIR, entry: 'src/main-simulated.ts', outDir: packed });
}, 120_000);
afterAll(() => {
  delete process.env['SIM_CLUSTER_STATE'];
  rmSync(root, { recursive: true, force: true });
});

/** Hooks of an in-process run whose last tool call is the post-commit status-set. */
async function killPoints(seed: number) {
  const { model } = await deploySimulated({ units: 3, seed, trace: 'full' });
  const points: { index: number; unit: string; hook: string; calls: number }[] = [];
  let index = 0;
  await model.settle({
    onHook: (entry) => {
      index++;
      const tools = model.trace.filter((e) => e.kind === 'tool' && e.hookSeq === entry.seq);
      const last = tools.at(-1);
      if (entry.ok && last?.kind === 'tool' && last.tool === 'status-set')
        points.push({ index, unit: entry.unit, hook: entry.hook, calls: tools.length });
    },
  });
  await model.close();
  return points;
}

/** The seed of the lost-secret run (its in-process twin finds the hook to kill). */
const LOST_SECRET_SEED = 13;

/** The hook of an in-process run that added the secret: its index, unit, name, leader-set call. */
async function generatingHook() {
  const { model } = await deploySimulated({ units: 3, seed: LOST_SECRET_SEED, trace: 'full' });
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

describe('the packed example, SIGKILLed right after saving its unit state', () => {
  it(`converges: every unit active and clustered (${TRIALS} trials)`, async () => {
    const seed = 11;
    const points = await killPoints(seed);
    expect(points.length).toBeGreaterThan(TRIALS);
    const wedged: string[] = [];
    let killed = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const point = points[Math.floor((trial * points.length) / TRIALS)];
      if (point === undefined) continue;
      process.env['SIM_CLUSTER_STATE'] = join(root, `cluster-${trial}.json`);
      const model = new Model({ seed, maxRetries: 1000, name: `kill-${trial}` });
      try {
        await model.deploy('mysql', { charmDir: packed, units: 3, processes: true });
        await model.settle({ maxHooks: point.index - 1 });
        model.failNextHook(point.unit, { hook: point.hook, killAfterToolCalls: point.calls });
        const report = await model.settle({
          onHook: (e) => {
            if (!e.ok && /SIGKILL/.test(e.error ?? '')) killed++;
          },
        });
        const bad = model
          .units('mysql')
          .filter((u) => model.unit(u).status.status !== 'active')
          .map((u) => `${u}: ${model.unit(u).status.message}`);
        if (!report.settled || bad.length > 0)
          wedged.push(`${point.unit} ${point.hook} after ${point.calls} calls: ${bad.join('; ')}`);
      } finally {
        await model.close();
      }
    }
    console.log(
      `packed example killed after the state save: ${TRIALS} trials, ${killed} hooks killed, ${wedged.length} wedged`,
    );
    expect(killed).toBe(TRIALS);
    expect(wedged).toEqual([]);
  }, 300_000);
});

describe('the packed example, its leader killed right after naming a new password secret', () => {
  it('replaces the secret that was rolled back: one secret, named in leader settings, every unit active', async () => {
    const point = await generatingHook();
    process.env['SIM_CLUSTER_STATE'] = join(root, 'cluster-lost-secret.json');
    const model = new Model({ seed: LOST_SECRET_SEED, maxRetries: 1000, name: 'lost-secret' });
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
