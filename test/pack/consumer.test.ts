// The library as a charm author gets it: `npm pack` this repository, scaffold a project with
// `juju-reactive init`, install the tarball, run the project's strict tsc and simulator test,
// pack it into a .charm with the CLI the tarball installed, unzip it into a clean dir and run its
// dispatch for `install` and a peer `relation-changed` hook under `env -i`, with a PATH on which
// `command -v node` finds nothing (only tiny fake hook tools: test/pack/fake-tools/hook-tool).
// Slow (npm install, a Node download on a cold cache): one file, run once.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packedProject, REPO, run } from './packed-project.js';
import { unzipCharm, type ZipEntry } from './unzip.js';

const FAKE_TOOL = fileURLToPath(new URL('./fake-tools/hook-tool', import.meta.url));
const TOOLS = [
  'is-leader',
  'config-get',
  'leader-get',
  'leader-set',
  'relation-ids',
  'relation-list',
  'relation-get',
  'relation-set',
  'status-set',
  'juju-log',
  'network-get',
];
const PLATFORM = 'ubuntu@24.04:amd64';

let root: string;
let packedFiles: string[];
let project: string;
let unit: string;
let entries: ZipEntry[];

beforeAll(async () => {
  const packed = await packedProject('jr-consumer-');
  ({ root, project } = packed);
  packedFiles = [...packed.packedFiles];
}, 900_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the npm package', () => {
  it('contains the built library, its types, the CLI, the init templates, LICENSE and README', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'README.md',
        'package.json',
        'dist/src/index.js',
        'dist/src/index.d.ts',
        'dist/src/testing/index.d.ts',
        'dist/src/cli/main.js',
        'dist/interfaces/mysql-innodb-cluster/index.d.ts',
        'templates/init/charmcraft.yaml.tmpl',
      ]),
    );
    expect(readFileSync(join(REPO, 'LICENSE'), 'utf8')).toContain('Apache License');
  });

  it('installs a working `juju-reactive` command that prints its version', () => {
    const version = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version;
    expect(run('npx', ['juju-reactive', '--version'], project).trim()).toBe(version);
  }, 120_000);

  it('has public types a strict project checks without @types/node (skipLibCheck off, types [])', () => {
    const dir = join(project, 'strict-consumer');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'index.ts'),
      [
        "import { Charm, main } from 'juju-reactive';",
        "import { z } from 'juju-reactive/zod';",
        "import { Model } from 'juju-reactive/testing';",
        "import { MySQLInnoDBClusterPeers } from 'juju-reactive/interfaces/mysql-innodb-cluster';",
        'export const shape = z.object({ address: z.string() });',
        'export type Shape = z.infer<typeof shape>;',
        'export const charm = new Charm();',
        'export const run: typeof main = main;',
        'export const parts = [Model, MySQLInnoDBClusterPeers] as const;',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: false,
          types: [],
          noEmit: true,
        },
        files: ['index.ts'],
      }),
    );
    run('npx', ['tsc', '-p', dir], project);
    const declarations = run(
      'find',
      [join(project, 'node_modules/juju-reactive/dist'), '-name', '*.d.ts'],
      project,
    )
      .trim()
      .split('\n');
    expect(declarations.length).toBeGreaterThan(20);
    const nodeNamespace = declarations.filter((file) =>
      readFileSync(file, 'utf8').includes('NodeJS.'),
    );
    expect(nodeNamespace).toEqual([]);
  }, 300_000);
});

describe('a project made by `juju-reactive init`', () => {
  it('passes its own strict tsc and simulator test', () => {
    const out = run('npm', ['test'], project);
    expect(out).toContain('2 passed');
  }, 300_000);

  it('packs into a .charm holding manifest.yaml, the derived YAML files, dispatch, the bundle and Node', async () => {
    run('npx', ['juju-reactive', 'pack', '.', '--platform', PLATFORM], project);
    const charm = join(project, 'build', 'hello_ubuntu@24.04-amd64.charm');
    unit = join(root, 'unit');
    mkdirSync(unit);
    entries = await unzipCharm(charm, unit);

    expect(entries.map((e) => e.path).sort()).toEqual([
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
      'node/LICENSE',
      'node/bin/node',
    ]);
    const mode = (path: string) => entries.find((e) => e.path === path)?.mode;
    expect(mode('dispatch')).toBe(0o755);
    expect(mode('node/bin/node')).toBe(0o755);
    expect(mode('metadata.yaml')).toBe(0o644);
    const yamlOf = (file: string) => parse(readFileSync(join(unit, file), 'utf8'));
    expect(yamlOf('metadata.yaml')).toMatchObject({
      name: 'hello',
      'display-name': 'hello',
      peers: { cluster: { interface: 'hello-peers' } },
    });
    expect(yamlOf('config.yaml')).toEqual({
      options: {
        greeting: {
          type: 'string',
          default: 'hello',
          description: 'What each unit says in its workload status.',
        },
      },
    });
    expect(yamlOf('manifest.yaml')).toMatchObject({
      bases: [{ name: 'ubuntu', channel: '24.04', architectures: ['amd64'] }],
    });
  }, 600_000);

  describe('its dispatch, under env -i on a PATH with no node', () => {
    let bin: string;
    let log: string;
    const dispatch = (hookEnv: Record<string, string>) =>
      spawnSync(
        'env',
        [
          '-i',
          `PATH=${bin}`,
          `JUJU_CHARM_DIR=${unit}`,
          'JUJU_UNIT_NAME=hello/0',
          'JUJU_MODEL_NAME=test',
          'JUJU_VERSION=3.6.0',
          `FAKE_TOOLS_LOG=${log}`,
          ...Object.entries(hookEnv).map(([k, v]) => `${k}=${v}`),
          join(unit, 'dispatch'),
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );

    beforeAll(() => {
      bin = join(root, 'bin');
      mkdirSync(bin);
      for (const tool of TOOLS) symlinkSync(FAKE_TOOL, join(bin, tool));
      log = join(root, 'tools.log');
      writeFileSync(log, '');
    });

    it('finds no node on that PATH', () => {
      const probe = spawnSync('env', ['-i', `PATH=${bin}`, '/bin/sh', '-c', 'command -v node']);
      expect(probe.status).not.toBe(0);
      expect(readdirSync(bin).sort()).toEqual([...TOOLS].sort());
    });

    it('runs the install hook with the Node the charm carries: exit 0, the leader greets', () => {
      const result = dispatch({ JUJU_DISPATCH_PATH: 'hooks/install' });

      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const calls = readFileSync(log, 'utf8').trim().split('\n');
      expect(calls).toContain('status-set -- maintenance installing');
      expect(calls).toContain('leader-set team=team-hello-0');
      expect(calls).toContain('status-set -- active hello from team-hello-0');
      // It ran from the code cache pack made with that Node: V8 accepted it (a rejection would
      // be noted as "!"), so the unit has learned nothing of its own yet.
      const cacheDir = join(unit, '.juju-reactive-cache');
      expect(readdirSync(cacheDir)).toEqual(['main.cjs.v8.seen']);
      expect(readFileSync(join(cacheDir, 'main.cjs.v8.seen'), 'latin1')).toMatch(
        /^juju-reactive code cache 2:[0-9a-f]{16}:hooks\/install\n$/,
      );
    });

    it('runs a peer relation-changed hook: exit 0', () => {
      writeFileSync(log, '');
      const result = dispatch({
        JUJU_DISPATCH_PATH: 'hooks/cluster-relation-changed',
        JUJU_RELATION: 'cluster',
        JUJU_RELATION_ID: 'cluster:1',
        JUJU_REMOTE_UNIT: 'hello/1',
        JUJU_REMOTE_APP: 'hello',
      });

      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      // Installed and named in the first hook: nothing changed, so no status-set this time.
      const calls = readFileSync(log, 'utf8').trim().split('\n');
      expect(calls).toContain('leader-get --format=json');
      expect(calls.filter((c) => c.startsWith('status-set'))).toEqual([]);
    });
  });
});
