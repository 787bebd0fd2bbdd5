// `juju-reactive pack` writing .charm files: the files charmcraft would put there (derived from a
// unified charmcraft.yaml as charmcraft/services/package.py write_metadata does), named as
// charmcraft names them (get_charm_name), with the run bit kept in the zip; and safe: it never
// writes into or deletes from the charm dir, and a failed build leaves the previous one whole.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readCharmProject } from '../../src/pack/charm-project.js';
import { packCharm, packCharmArchives } from '../../src/pack/pack.js';
import { runCliCaptured as cli } from '../helpers/hook.js';
import { unzipCharm } from './unzip.js';

const TINY = fileURLToPath(new URL('../fixtures/tiny-charm', import.meta.url));

const UNIFIED = `name: tiny
type: charm
title: Tiny
summary: A tiny charm.
description: Publishes a greeting to its peers.
platforms:
  ubuntu@22.04:amd64:
  noble-arm:
    build-on: [ubuntu@24.04:arm64]
    build-for: [ubuntu@24.04:arm64]
config:
  options:
    greeting:
      type: string
      default: hello
actions:
  greet:
    description: Say it now.
peers:
  cluster:
    interface: tiny-peers
provides:
  website:
    interface: http
requires:
  db:
    interface: mysql
    limit: 1
`;

let root: string;
/** A unified charm dir: charmcraft.yaml, no metadata.yaml. */
let charmDir: string;
let before: Record<string, string>;

/** Every file of a dir, with its content, to show a dir was not touched. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      out[path.slice(dir.length)] = readFileSync(path, 'utf8');
    }
  }
  return out;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'jr-pack-'));
  charmDir = join(root, 'tiny');
  mkdirSync(join(charmDir, 'src'), { recursive: true });
  cpSync(join(TINY, 'charm.ts'), join(charmDir, 'src', 'charm.ts'));
  writeFileSync(
    join(charmDir, 'src', 'main.ts'),
    "import { main } from 'juju-reactive';\nimport { charm } from './charm.js';\nawait main(charm);\n",
  );
  writeFileSync(join(charmDir, 'charmcraft.yaml'), UNIFIED);
  before = snapshot(charmDir);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('pack to .charm files', () => {
  it('writes one <name>_<platform>.charm per platform, ":" as "-" (charmcraft get_charm_name)', async () => {
    const out = join(root, 'out');
    const report = await packCharmArchives({ charmDir, outDir: out, systemNode: true });

    expect(report.charms.map((c) => c.platform)).toEqual(['ubuntu@22.04:amd64', 'noble-arm']);
    expect(readdirSync(out).sort()).toEqual([
      'tiny_noble-arm.charm',
      'tiny_ubuntu@22.04-amd64.charm',
    ]);
    expect(snapshot(charmDir)).toEqual(before);
  });

  it('derives metadata.yaml, config.yaml, actions.yaml and manifest.yaml from a unified charmcraft.yaml', async () => {
    const unit = join(root, 'unzipped-arm');
    const entries = await unzipCharm(join(root, 'out', 'tiny_noble-arm.charm'), unit);
    const yamlOf = (file: string) => parse(readFileSync(join(unit, file), 'utf8'));

    expect(entries.map((e) => e.path).sort()).toEqual([
      'actions.yaml',
      'config.yaml',
      'dispatch',
      'dist/charm.cjs',
      'dist/charm.mjs',
      'dist/chunks/yaml.cjs',
      // zod, loaded only when an action runs (its params are checked against actions.yaml).
      'dist/chunks/zod.cjs',
      'dist/main.cjs',
      'dist/main.cjs.v8',
      'manifest.yaml',
      'metadata.yaml',
    ]);
    expect(yamlOf('metadata.yaml')).toEqual({
      name: 'tiny',
      'display-name': 'Tiny',
      summary: 'A tiny charm.',
      description: 'Publishes a greeting to its peers.',
      peers: { cluster: { interface: 'tiny-peers' } },
      provides: { website: { interface: 'http' } },
      requires: { db: { interface: 'mysql', limit: 1 } },
    });
    expect(yamlOf('config.yaml')).toEqual({
      options: { greeting: { type: 'string', default: 'hello' } },
    });
    expect(yamlOf('actions.yaml')).toEqual({ greet: { description: 'Say it now.' } });
    // charmcraft/models/manifest.py Manifest: bases carry the build-for base and architecture.
    expect(yamlOf('manifest.yaml')).toMatchObject({
      'charmcraft-started-at': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/),
      bases: [{ name: 'ubuntu', channel: '24.04', architectures: ['arm64'] }],
    });
  });

  it('keeps the run bit of dispatch in the zip; with --system-node dispatch runs the machine node', async () => {
    const unit = join(root, 'unzipped-amd');
    const entries = await unzipCharm(join(root, 'out', 'tiny_ubuntu@22.04-amd64.charm'), unit);

    expect(entries.find((e) => e.path === 'dispatch')?.mode).toBe(0o755);
    expect(entries.find((e) => e.path === 'dist/main.cjs')?.mode).toBe(0o644);
    const run = spawnSync(join(unit, 'dispatch'), [], {
      env: { PATH: process.env.PATH ?? '', JUJU_CHARM_DIR: unit },
      encoding: 'utf8',
    });
    expect(run.stderr).toMatch(/^juju-reactive: .*JUJU_UNIT_NAME is not set/);
  });

  it('packs only the platforms asked for, and names the declared ones for an unknown one', async () => {
    const out = join(root, 'one');
    const report = await packCharmArchives({
      charmDir,
      outDir: out,
      systemNode: true,
      platforms: ['noble-arm'],
    });
    expect(report.charms.map((c) => c.platform)).toEqual(['noble-arm']);

    const bad = await cli('pack', charmDir, '--out', out, '--platform', 'ubuntu@20.04:s390x');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /declares no platform "ubuntu@20\.04:s390x" \(it declares: ubuntu@22\.04:amd64, noble-arm\)/,
    );
  });
});

describe('pack on bad input', () => {
  it('refuses an --out that is a symlink to the charm dir, and leaves the charm dir as it was', async () => {
    const link = join(root, 'link-to-charm');
    symlinkSync(charmDir, link);
    for (const dir of [false, true]) {
      const run = await cli('pack', charmDir, '--out', link, ...(dir ? ['--dir'] : []));
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/the output dir cannot be the charm dir itself/);
    }
    const parent = await cli('pack', charmDir, '--out', root, '--system-node');
    expect(parent.stderr).toMatch(/holds the charm dir/);
    expect(snapshot(charmDir)).toEqual(before);
  });

  it('keeps the previous .charm when a build fails, and leaves no staging dir behind', async () => {
    const out = join(root, 'keep');
    await packCharmArchives({ charmDir, outDir: out, systemNode: true, platforms: ['noble-arm'] });
    const charm = join(out, 'tiny_noble-arm.charm');
    const good = readFileSync(charm);
    const broken = join(root, 'broken');
    cpSync(charmDir, broken, { recursive: true });
    writeFileSync(join(broken, 'src', 'charm.ts'), 'export const charm = ;\n');

    const run = await cli('pack', broken, '--out', out, '--system-node', '--platform', 'noble-arm');

    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/Unexpected ";"/);
    expect(readFileSync(charm).equals(good)).toBe(true);
    expect(readdirSync(out)).toEqual(['tiny_noble-arm.charm']);
  });

  it('keeps the previous directory build when a build fails', async () => {
    const out = join(root, 'keep-dir');
    const legacy = join(root, 'legacy');
    mkdirSync(legacy);
    cpSync(TINY, legacy, { recursive: true });
    await packCharm({ charmDir: legacy, outDir: out, entry: 'main.ts' });
    const bundle = readFileSync(join(out, 'dist', 'main.cjs'));
    writeFileSync(join(legacy, 'main.ts'), "import './nowhere.js';\n");

    await expect(packCharm({ charmDir: legacy, outDir: out, entry: 'main.ts' })).rejects.toThrow(
      /nowhere/,
    );
    expect(readFileSync(join(out, 'dist', 'main.cjs')).equals(bundle)).toBe(true);
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(statSync(join(out, 'dispatch')).mode & 0o111).not.toBe(0);
  });

  it('refuses a charm name charmcraft would refuse, and a platform it cannot parse', () => {
    const dir = join(root, 'names');
    mkdirSync(dir);
    writeFileSync(join(dir, 'charmcraft.yaml'), 'name: Not_A_Name\ntype: charm\n');
    expect(() => readCharmProject(dir)).toThrow(/charm name must be lowercase/);
    writeFileSync(join(dir, 'charmcraft.yaml'), 'name: ok\nplatforms:\n  sideways:\n');
    expect(() => readCharmProject(dir)).toThrow(/platform "sideways" is not of the form/);
    expect(existsSync(join(dir, 'metadata.yaml'))).toBe(false);
  });

  it('reads `base:` with architecture-only platforms, and charmcraft 2 `bases:`', () => {
    const dir = join(root, 'bases');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'charmcraft.yaml'),
      'name: b\nbase: ubuntu@24.04\nplatforms:\n  amd64:\n  arm64:\n',
    );
    expect(readCharmProject(dir).platforms).toEqual([
      { label: 'amd64', base: 'ubuntu', channel: '24.04', architecture: 'amd64' },
      { label: 'arm64', base: 'ubuntu', channel: '24.04', architecture: 'arm64' },
    ]);
    writeFileSync(
      join(dir, 'charmcraft.yaml'),
      "name: b\nbases:\n  - name: ubuntu\n    channel: '22.04'\n",
    );
    expect(readCharmProject(dir).platforms.map((p) => p.label)).toEqual(['ubuntu-22.04-amd64']);
  });
});
