// `juju-reactive pack`: a charm dir in, a deployable charm dir out; and the packed example,
// run as real hook processes on a simulated model, converges exactly like the unbundled charm.
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedClusterSnapshot } from '../../examples/mysql-innodb-cluster/src/backend/simulated.js';
import { CHARM_DIR, deploySimulated } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import { packCharm } from '../../src/cli/pack.js';
import { dispatchScript, HOOK_NODE_OPTIONS } from '../../src/pack/dispatch.js';
import { CODE_CACHE_HEADER } from '../../src/pack/start-file.js';
import { Model } from '../../src/testing/index.js';
import { runCliCaptured } from '../helpers/hook.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
let root: string;
const models: Model[] = [];

/** The example, packed once (its real entry: MySQL through mysql2 and MySQL Shell). */
let example: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'jr-pack-test-'));
  example = join(root, 'example');
  await packCharm({ charmDir: CHARM_DIR, outDir: example });
});
afterEach(async () => {
  for (const model of models.splice(0)) await model.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cli = runCliCaptured;

/** Run a packed charm's dispatch as Juju would start it, outside any hook context. */
function runDispatch(dir: string, env: Record<string, string>) {
  return spawnSync(join(dir, 'dispatch'), [], {
    env: { JUJU_CHARM_DIR: dir, ...env },
    encoding: 'utf8',
  });
}

/** Everything a user could assert on, per unit. */
function observable(model: Model) {
  return model.units().map((name) => {
    const unit = model.unit(name);
    return { name, flags: unit.flags, status: unit.status, published: unit.published('cluster') };
  });
}

const toolCalls = (model: Model) =>
  model.trace.flatMap((e) =>
    e.kind === 'tool' ? [`${e.unit} ${e.tool} ${e.args.join(' ')} ${e.ok}`] : [],
  );

describe('juju-reactive pack', () => {
  it('with --dir writes dist/, dispatch, the charm YAML files and a charmcraft.yaml using the dump plugin', async () => {
    const out = join(root, 'example-cli');
    const { code, stdout } = await cli('pack', CHARM_DIR, '--dir', '--out', out);

    expect(code).toBe(0);
    expect(stdout).toContain('packed mysql-innodb-cluster into');
    expect(readdirSync(out).sort()).toEqual([
      'actions.yaml',
      'charmcraft.yaml',
      'config.yaml',
      'dispatch',
      'dist',
      'metadata.yaml',
    ]);
    expect(readFileSync(join(out, 'metadata.yaml'), 'utf8')).toBe(
      readFileSync(join(CHARM_DIR, 'metadata.yaml'), 'utf8'),
    );
    // The example has no dispatch of its own: pack writes one (the machine's Node with --dir).
    expect(readFileSync(join(out, 'dispatch'), 'utf8')).toBe(
      dispatchScript('mysql-innodb-cluster', { vendored: false }),
    );
    accessSync(join(out, 'dispatch'), constants.X_OK);
    const charmcraft = readFileSync(join(out, 'charmcraft.yaml'), 'utf8');
    expect(charmcraft).toContain('type: charm');
    expect(charmcraft).toMatch(/platforms:\n {2}ubuntu@22\.04:amd64:\n {2}ubuntu@24\.04:amd64:\n/);
    expect(charmcraft).toMatch(
      /plugin: dump\n {4}source: \.\n {4}prime:\n {6}- dist\n {6}- dispatch\n {6}- metadata\.yaml\n {6}- config\.yaml\n {6}- actions\.yaml\n$/,
    );
    // The MySQL driver is imported when a handler first talks to MySQL, and yaml only when
    // something reads a YAML file (the metadata is embedded): each in a file of its own.
    expect(readdirSync(join(out, 'dist')).sort()).toEqual([
      'charm.cjs',
      'charm.mjs',
      'chunks',
      'main.cjs',
      'main.cjs.v8',
    ]);
    // The ZooKeeper client too (discovery-zookeeper: src/discovery/zk-session.ts imports it).
    expect(readdirSync(join(out, 'dist', 'chunks')).sort()).toEqual([
      'mysql2-promise.cjs',
      'node-zookeeper-client.cjs',
      'yaml.cjs',
      'zod.cjs',
    ]);
    const main = readFileSync(join(out, 'dist', 'main.cjs'), 'utf8');
    expect(main).not.toContain('mysql2/promise');
    expect(main).not.toContain('YAMLParseError');
  });

  it('makes a self-contained bundle: outside Juju it fails with one clear line, no stack', async () => {
    // The temp dir has no node_modules anywhere above it: every import must be inside dist/.
    const run = runDispatch(example, { PATH: process.env.PATH ?? '' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^juju-reactive: .*JUJU_UNIT_NAME is not set/),
    ]);
  });

  it('refuses a Node.js older than 20 with one line that names the charm and the version', () => {
    const pretend18 =
      "data:text/javascript,Object.defineProperty(process.versions,'node',{value:'18.19.1'});Object.defineProperty(process,'version',{value:'v18.19.1'})";
    for (const start of ['charm.cjs', 'charm.mjs']) {
      const run = spawnSync(
        process.execPath,
        ['--import', pretend18, join(example, 'dist', start)],
        {
          env: { PATH: process.env.PATH ?? '' },
          encoding: 'utf8',
        },
      );
      expect(run.status).toBe(1);
      expect(run.stderr.trim()).toMatch(
        /^mysql-innodb-cluster: needs Node\.js 20 or later, found v18\.19\.1 \(.+\)$/,
      );
    }
  });

  it("ships V8's code cache of its bundle, which a unit's first hook of a kind runs from; the second learns the unit's own (test/pack/code-cache.test.ts)", () => {
    // A unit's charm dir: the packed charm, as Juju unpacks it.
    const unit = join(root, 'cache-unit');
    cpSync(example, unit, { recursive: true });
    const cacheDir = join(unit, '.juju-reactive-cache');
    const hook = (path: string) =>
      runDispatch(unit, { PATH: process.env.PATH ?? '', JUJU_DISPATCH_PATH: path });
    expect(readFileSync(join(example, 'dist', 'main.cjs.v8'), 'latin1').split('\n')[0]).toMatch(
      new RegExp(`^${CODE_CACHE_HEADER}[0-9a-f]{16}:\\*$`),
    );
    // Outside a hook main() stops at once, but the bundle has loaded.
    expect(hook('hooks/install').stderr).toMatch(/JUJU_UNIT_NAME is not set/);
    // Accepted by V8 (a rejection is noted as "!"), so nothing learned yet.
    expect(readdirSync(cacheDir)).toEqual(['main.cjs.v8.seen']);
    expect(readFileSync(join(cacheDir, 'main.cjs.v8.seen'), 'latin1')).toMatch(
      /:hooks\/install\n$/,
    );
    hook('hooks/install');
    expect(readdirSync(cacheDir).sort()).toEqual(['main.cjs.v8', 'main.cjs.v8.seen']);
    expect(readFileSync(join(cacheDir, 'main.cjs.v8'), 'latin1').split('\n')[0]).toMatch(
      /:hooks\/install$/,
    );
  });

  it('starts hooks with a young generation their start-up fits in: loading the bundle runs no scavenge (V8 --trace-gc)', () => {
    // Outside a hook main() stops at once, after the whole bundle has loaded.
    const start = join(example, 'dist', 'charm.cjs');
    const gcRuns = (options: string[]) =>
      spawnSync(process.execPath, [...options, '--trace-gc', start], {
        env: { PATH: process.env.PATH ?? '' },
        encoding: 'utf8',
      }).stdout.match(/Scavenge/g)?.length ?? 0;
    expect(readFileSync(join(example, 'dispatch'), 'utf8')).toContain(
      `exec node ${HOOK_NODE_OPTIONS} "$JUJU_CHARM_DIR/dist/charm.cjs"`,
    );
    expect(gcRuns(HOOK_NODE_OPTIONS.split(' '))).toBe(0);
    // V8's default young generation (1 MiB) is full before the bundle has loaded.
    expect(gcRuns([])).toBeGreaterThan(0);
  });

  it('writes a dispatch when the charm has none, which names the charm when node is missing', async () => {
    const charm = join(root, 'no-dispatch');
    mkdirSync(charm);
    cpSync(here('../fixtures/tiny-charm'), charm, { recursive: true });
    const report = await packCharm({
      charmDir: charm,
      entry: 'main.ts',
      outDir: join(charm, 'out'),
    });

    expect(report.dispatchGenerated).toBe(true);
    expect(report.files.map((f) => f.path)).toEqual([
      'charmcraft.yaml',
      'dispatch',
      'dist/charm.cjs',
      'dist/charm.mjs',
      'dist/chunks/yaml.cjs',
      // zod is imported only when an action runs: esbuild splits it into its own chunk.
      'dist/chunks/zod.cjs',
      'dist/main.cjs',
      'dist/main.cjs.v8',
      'metadata.yaml',
    ]);
    const emptyPath = join(root, 'empty-path');
    mkdirSync(emptyPath, { recursive: true });
    const run = runDispatch(report.outDir, { PATH: emptyPath });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'tiny: node is not installed on this machine; this charm needs Node.js 20 or later\n',
    );
  });

  it('replaces what it wrote before and leaves other files in the output dir alone', async () => {
    const out = join(root, 'repack');
    await packCharm({ charmDir: CHARM_DIR, outDir: out });
    writeFileSync(join(out, 'actions.yaml'), 'stale: {}\n');
    writeFileSync(join(out, 'dist', 'stale.mjs'), '');
    writeFileSync(join(out, 'NOTES'), 'mine\n');
    await packCharm({ charmDir: CHARM_DIR, outDir: out });

    // The example declares actions: the stale copy is replaced by its actions.yaml.
    expect(readFileSync(join(out, 'actions.yaml'), 'utf8')).toBe(
      readFileSync(join(CHARM_DIR, 'actions.yaml'), 'utf8'),
    );
    expect(existsSync(join(out, 'dist', 'stale.mjs'))).toBe(false);
    expect(readFileSync(join(out, 'NOTES'), 'utf8')).toBe('mine\n');
  });

  it('says what is wrong with its arguments', async () => {
    expect(await cli('pack')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('pack needs a charm dir'),
    });
    expect(await cli('pack', CHARM_DIR, '--out', CHARM_DIR)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('cannot be the charm dir itself'),
    });
    expect(
      await cli('pack', CHARM_DIR, '--entry', 'src/nope.ts', '--out', join(root, 'x')),
    ).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/the entry .*src\/nope\.ts does not exist/),
    });
    expect(await cli('pack', root)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('metadata.yaml'),
    });
  });
});

describe('the packed example, run as hook processes', () => {
  it('loads its MySQL driver from its own file when a handler first needs it', async () => {
    process.env['MYSQL_SOCKET'] = join(root, 'no-mysqld.sock');
    try {
      const model = new Model({ maxRetries: 0 });
      models.push(model);
      await model.deploy('mysql', { charmDir: example, units: 1, processes: true });
      await model.settle();
      // Nothing listens there: the driver loaded, connected, and failed the way it should.
      expect(model.unit('mysql/0').error).toMatchObject({
        message: expect.stringMatching(/createLocalClusterUser: connect ENOENT .*no-mysqld\.sock/),
      });
    } finally {
      delete process.env['MYSQL_SOCKET'];
    }
  });

  it('converges like the unbundled charm in process: same hooks, flags, statuses, data and tool calls', async () => {
    const seed = 11;
    const packed = join(root, 'simulated');
    await packCharm({ charmDir: CHARM_DIR, entry: 'src/main-simulated.ts', outDir: packed });
    // Every unit's process shares the simulated cluster through this file.
    const clusterFile = join(root, 'cluster.json');
    process.env['SIM_CLUSTER_STATE'] = clusterFile;
    try {
      const asProcesses = new Model({ seed });
      models.push(asProcesses);
      await asProcesses.deploy('mysql', { charmDir: packed, units: 3, processes: true });
      // The bundle carries its metadata: the units never read metadata.yaml.
      rmSync(join(packed, 'metadata.yaml'));
      const inProcess = await deploySimulated({ units: 3, seed });
      models.push(inProcess.model);

      const [a, b] = [await inProcess.model.settle(), await asProcesses.settle()];

      expect(b).toEqual(a);
      expect(b.settled).toBe(true);
      expect(observable(asProcesses)).toEqual(observable(inProcess.model));
      expect(toolCalls(asProcesses)).toEqual(toolCalls(inProcess.model));
      expect(asProcesses.unit('mysql/2').status).toEqual({
        status: 'active',
        message: 'Unit is ready and clustered',
      });
      const shared = JSON.parse(readFileSync(clusterFile, 'utf8')) as SimulatedClusterSnapshot;
      expect(shared.cluster?.members).toEqual(inProcess.cluster.members);
      expect(shared.cluster?.members).toHaveLength(3);
    } finally {
      delete process.env['SIM_CLUSTER_STATE'];
    }
  }, 120_000);
});
