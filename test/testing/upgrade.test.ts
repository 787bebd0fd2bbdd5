// model.upgradeCharm: upgrade-charm then config-changed on every unit
// (worker/uniter/operation/runhook.go Commit), for units in process and run as processes, and
// layer-basic's config flags across config-changed and an upgrade (layer-basic
// lib/charms/layer/basic.py init_config_states, as src/layers/config.ts implements them).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { configFlags } from '../../src/index.js';
import type { CharmMetadata, ConfigOption } from '../../src/juju/metadata.js';
import { bundleCharm } from '../../src/testing/charm-dir.js';
import { Model } from '../../src/testing/index.js';
import { fixtureCharm, hooksRun } from './helpers.js';

const v1Options: Record<string, ConfigOption> = {
  port: { type: 'int', default: 80 },
  name: { type: 'string', default: '' },
};
const v2Options: Record<string, ConfigOption> = {
  ...v1Options,
  mode: { type: 'string', default: 'fast' },
};
const meta = (config: Record<string, ConfigOption>): CharmMetadata => ({
  name: 'web',
  endpoints: [],
  config,
});

/** A charm that records the config flags each hook sees. */
function flagRecorder(config: Record<string, ConfigOption>, seen: string[]) {
  const charm = new Charm({ metadata: meta(config) }).use(configFlags);
  charm.hook('{install,config-changed,upgrade-charm}').run((rt) => {
    seen.push(`${rt.context.hookName}: ${rt.flags.list('config.').sort().join(' ')}`);
  });
  return charm;
}

describe('layer-basic config flags across config-changed and upgrade-charm, on the model', () => {
  it('config.changed.<key> holds for keys that changed since the last hook, new options included; config.set/default follow the values', async () => {
    const seen: string[] = [];
    const model = new Model();
    await model.deploy('web', {
      charm: flagRecorder(v1Options, seen),
      metadata: meta(v1Options),
      configOptions: v1Options,
    });
    await model.settle();
    // The first hook has no previous copy: every option is "changed" (charmhelpers Config.changed).
    expect(seen[0]).toBe(
      'install: config.changed config.changed.name config.changed.port config.default.name config.default.port config.set.port',
    );
    expect(seen[1]).toBe('config-changed: config.default.name config.default.port config.set.port');

    seen.length = 0;
    model.setConfig('web', { port: 8080 });
    await model.settle();
    expect(seen).toEqual([
      'config-changed: config.changed config.changed.port config.default.name config.set.port',
    ]);

    seen.length = 0;
    await model.upgradeCharm('web', {
      charm: flagRecorder(v2Options, seen),
      metadata: meta(v2Options),
      configOptions: v2Options,
      config: { name: 'shop' },
    });
    await model.settle();
    expect(hooksRun(model, 'web/0').slice(-2)).toEqual(['upgrade-charm', 'config-changed']);
    expect(seen).toEqual([
      // upgrade-charm sees the new option and the value set with the upgrade as changed...
      'upgrade-charm: config.changed config.changed.mode config.changed.name config.default.mode config.set.mode config.set.name config.set.port',
      // ...and the config-changed Juju queues after it sees nothing new.
      'config-changed: config.default.mode config.set.mode config.set.name config.set.port',
    ]);
  });
});

describe('upgradeCharm for units run as processes', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A charm dir with the probe's metadata and dispatch (which runs node without the options
   * pack's dispatch passes: V8 rejects the cache pack made, and each unit learns one of its own
   * in its charm dir, kind by kind), and `source` as its src/charm.ts.
   */
  function probeLike(name: string, source: readonly string[], configYaml?: string): string {
    const dir = mkdtempSync(join(tmpdir(), `${name}-`));
    dirs.push(dir);
    const probe = fixtureCharm('probe');
    copyFileSync(join(probe, 'metadata.yaml'), join(dir, 'metadata.yaml'));
    copyFileSync(join(probe, 'dispatch'), join(dir, 'dispatch'));
    if (configYaml !== undefined) writeFileSync(join(dir, 'config.yaml'), configYaml);
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'charm.ts'), source.join('\n'));
    return dir;
  }

  /** A v2 of the probe charm: same endpoints, a new option, new handlers. */
  function probeV2(): string {
    return probeLike(
      'probe-v2',
      [
        "import { Charm } from 'juju-reactive';",
        'export function createCharm(): Charm {',
        '  const charm = new Charm();',
        "  charm.hook('upgrade-charm').run((rt) => {",
        "    rt.flags.set('v2.upgraded');",
        "    rt.state.set('mode', String(rt.config()['mode']));",
        '  });',
        "  charm.hook('config-changed').run((rt) => {",
        "    rt.status('active', 'v2 mode ' + String(rt.config()['mode']));",
        '  });',
        '  return charm;',
        '}',
        '',
      ],
      'options:\n  payload:\n    type: string\n    default: ""\n  mode:\n    type: string\n    default: fast\n',
    );
  }

  /** A charm whose every hook reports `build <version>`; its install writes a file of its own. */
  function stampCharm(version: string): string {
    return probeLike(`stamp-${version}`, [
      "import { existsSync, readFileSync, writeFileSync } from 'node:fs';",
      "import { join } from 'node:path';",
      "import { Charm } from 'juju-reactive';",
      'export function createCharm(): Charm {',
      '  const charm = new Charm();',
      "  const notes = join(process.env['JUJU_CHARM_DIR'] ?? '.', 'notes.txt');",
      "  charm.hook('install').run(() => writeFileSync(notes, 'mine'));",
      "  charm.hook('upgrade-charm').run((rt) => {",
      "    rt.state.set('notes', existsSync(notes) ? readFileSync(notes, 'utf8') : 'gone');",
      '  });',
      "  charm.hook('{install,start,config-changed,upgrade-charm,update-status}').run((rt) => {",
      `    rt.status('active', 'build ${version}');`,
      '  });',
      '  return charm;',
      '}',
      '',
    ]);
  }

  it('runs the new bundle after a refresh to one of the same length, the unit keeping its code cache and files (worker/uniter/charm/manifest_deployer.go)', async () => {
    const v1 = stampCharm('1.0.1');
    const v2 = stampCharm('1.0.2');
    // V8 checks only a source's length before it uses a cache: these two bundles match in it.
    const lengths = await Promise.all(
      [v1, v2].map(async (dir) => {
        const out = join(dir, 'bundled');
        await bundleCharm(dir, out);
        return readFileSync(join(out, 'main.cjs'), 'utf8').length;
      }),
    );
    expect(lengths[0]).toBe(lengths[1]);
    const model = new Model();
    try {
      await model.deploy('stamp', { charmDir: v1, processes: true });
      expect(await model.settle()).toMatchObject({ settled: true });
      await model.advance({ minutes: 5 }); // a second update-status: the unit's cache holds it
      expect(model.unit('stamp/0').status).toEqual({ status: 'active', message: 'build 1.0.1' });

      await model.upgradeCharm('stamp', { charmDir: v2 });
      expect(await model.settle()).toMatchObject({ settled: true });
      expect(model.unit('stamp/0').status).toEqual({ status: 'active', message: 'build 1.0.2' });
      expect(model.unit('stamp/0').data['notes']).toBe('mine');
      await model.advance({ minutes: 5 });
      expect(hooksRun(model, 'stamp/0').at(-1)).toBe('update-status');
      expect(model.unit('stamp/0').status).toEqual({ status: 'active', message: 'build 1.0.2' });
    } finally {
      await model.close();
    }
  }, 60_000);

  it('runs the new charm’s dispatch for upgrade-charm then config-changed, keeping each unit’s state', async () => {
    const model = new Model();
    try {
      await model.deploy('probe', { charmDir: fixtureCharm('probe'), units: 2, processes: true });
      expect(await model.settle()).toMatchObject({ settled: true });
      const before = new Map(model.units().map((name) => [name, model.unit(name).data]));
      expect(Object.keys(before.get('probe/1') ?? {})).toContain('tool-kinds');

      await model.upgradeCharm('probe', { charmDir: probeV2(), config: { payload: 'kept' } });
      expect(await model.settle()).toMatchObject({ settled: true });

      for (const name of ['probe/0', 'probe/1']) {
        const unit = model.unit(name);
        expect(hooksRun(model, name).slice(-2)).toEqual(['upgrade-charm', 'config-changed']);
        expect(unit.flags).toContain('v2.upgraded');
        expect(unit.data['mode']).toBe('fast');
        expect(unit.data['tool-kinds']).toEqual(before.get(name)?.['tool-kinds']);
        expect(unit.status).toEqual({ status: 'active', message: 'v2 mode fast' });
      }
      expect(model.config('probe')).toEqual({ payload: 'kept', mode: 'fast' });
    } finally {
      await model.close();
    }
  }, 60_000);
});
