// Tags in the two InnoDB backends: MySQL Shell (cluster.setOption / setInstanceOption /
// options() in a session connected to a member, against a fake mysqlsh that records its stdin)
// and the simulated cluster's metadata (rows added and removed with membership, kept in its
// snapshot). MySQL Shell's Status::feed_metadata_info (modules/adminapi/cluster/status.cc) sets
// hiddenFromRouter only when true.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MysqlShellOperations } from '../../examples/mysql-innodb-cluster/src/backend/mysqlsh.js';
import { SimulatedInnoDBCluster } from '../../examples/mysql-innodb-cluster/src/backend/simulated.js';
import { TagError } from '../../examples/shared/adminapi-tags/index.js';

const credentials = { user: 'clusteruser', password: 'Pa55"word' };

describe('MysqlShellOperations.tags', () => {
  let dir = '';
  let shell: MysqlShellOperations;
  const calls = () =>
    readdirSync(dir)
      .filter((f) => f.startsWith('call-'))
      .sort()
      .map(
        (f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { argv: string[]; stdin: string },
      );

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fake-mysqlsh-tags-'));
    const fake = join(dir, 'mysqlsh');
    const options = {
      clusterName: 'main',
      defaultReplicaSet: {
        tags: { '10.0.0.2:3306': [{ option: '_hidden', value: true }], global: [] },
      },
    };
    const status = {
      defaultReplicaSet: {
        topology: {
          '10.0.0.1:3306': { memberRole: 'PRIMARY', status: 'ONLINE' },
          '10.0.0.2:3306': { memberRole: 'SECONDARY', status: 'ONLINE', hiddenFromRouter: true },
          '10.0.0.3:3306': { memberRole: 'SECONDARY', status: 'ONLINE', hiddenFromRouter: 'yes' },
        },
      },
    };
    writeFileSync(
      fake,
      `#!/usr/bin/env node
const fs = require('node:fs');
const stdin = fs.readFileSync(0, 'utf8');
const n = fs.readdirSync(${JSON.stringify(dir)}).filter((f) => f.startsWith('call-')).length;
fs.writeFileSync(${JSON.stringify(dir)} + '/call-' + String(n).padStart(3, '0'), JSON.stringify({ argv: process.argv.slice(2), stdin }));
if (stdin.includes('c.options()')) process.stdout.write(${JSON.stringify(JSON.stringify(options))} + '\\n');
if (stdin.includes('.status()')) process.stdout.write(${JSON.stringify(JSON.stringify(status))} + '\\n');
`,
    );
    chmodSync(fake, 0o755);
    shell = new MysqlShellOperations({ command: fake });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs setInstanceOption in a session on the member given, credentials on stdin only', async () => {
    await shell.tags.setInstanceOption(
      'main',
      '10.0.0.2',
      'tag:_hidden',
      '1',
      '10.0.0.1',
      credentials,
    );
    const call = calls().at(-1);
    expect(call?.argv).toEqual(['--no-wizard', '--js']);
    const recorded: unknown[][] = [];
    const cluster = {
      setInstanceOption: (...args: unknown[]) => recorded.push(['setInstanceOption', ...args]),
    };
    runInNewContext(call?.stdin ?? '', {
      shell: { connect: (target: unknown) => recorded.push(['connect', target]) },
      dba: {
        getCluster: (name: string) => {
          recorded.push(['getCluster', name]);
          return cluster;
        },
      },
    });
    expect(recorded).toEqual([
      ['connect', { host: '10.0.0.1', port: 3306, ...credentials }],
      ['getCluster', 'main'],
      ['setInstanceOption', '10.0.0.2:3306', 'tag:_hidden', true],
    ]);
  });

  it('refuses a rule violation before mysqlsh runs, with MySQL Shell message', async () => {
    const before = calls().length;
    const refused = shell.tags.setOption('main', 'Tag:x', 1, '10.0.0.1', credentials);
    await expect(refused).rejects.toBeInstanceOf(TagError);
    await expect(refused).rejects.toThrow("Namespace 'Tag' not supported.");
    expect(calls().length).toBe(before);
  });

  it('reads options() and labels instances <address>:<port>', async () => {
    const doc = await shell.tags.options('main', '10.0.0.1', credentials);
    expect(doc.defaultReplicaSet.tags['10.0.0.2:3306']).toEqual([
      { option: '_hidden', value: true },
    ]);
    expect(shell.tags.label('10.0.0.9')).toBe('10.0.0.9:3306');
    expect(shell.tags.label('fd00::1')).toBe('[fd00::1]:3306');
  });

  it('status carries hiddenFromRouter only when it is true', async () => {
    const status = await shell.status('main', '10.0.0.1', credentials);
    expect(status?.members).toEqual([
      { address: '10.0.0.1', role: 'primary', state: 'ONLINE' },
      { address: '10.0.0.2', role: 'secondary', state: 'ONLINE', hiddenFromRouter: true },
      { address: '10.0.0.3', role: 'secondary', state: 'ONLINE' },
    ]);
  });
});

describe('the simulated cluster keeps tags in its metadata', () => {
  async function cluster(): Promise<SimulatedInnoDBCluster> {
    const sim = new SimulatedInnoDBCluster();
    const addresses = ['10.0.0.1', '10.0.0.2', '10.0.0.3'];
    for (const a of addresses) {
      const users = sim.backendFor(a).users;
      for (const peer of addresses) await users.createClusterUser({ user: 'u', host: peer }, 'pw');
      await sim.backendFor(a).cluster.configureInstance(a, { user: 'u', password: 'pw' });
    }
    const ops = sim.backendFor('10.0.0.1').cluster;
    await ops.createCluster('main', '10.0.0.1', { user: 'u', password: 'pw' });
    await ops.addInstance('main', '10.0.0.2', '10.0.0.1', { user: 'u', password: 'pw' });
    return sim;
  }
  const creds = { user: 'u', password: 'pw' };

  it('writes rows of members only; a removed member takes its tags; a new one starts empty', async () => {
    const sim = await cluster();
    const tags = sim.backendFor('10.0.0.1').cluster.tags;
    await tags?.setInstanceOption('main', '10.0.0.2', 'tag:_hidden', true, '10.0.0.1', creds);
    await expect(
      tags?.setInstanceOption('main', '10.0.0.3', 'tag:x', 1, '10.0.0.1', creds),
    ).rejects.toThrow("The instance '10.0.0.3:3306' does not belong to the Cluster.");
    expect(sim.instanceTags('10.0.0.2')?.get('_hidden')).toBe(true);
    const ops = sim.backendFor('10.0.0.1').cluster;
    await ops.removeInstance('main', '10.0.0.2', '10.0.0.1', creds);
    await ops.addInstance('main', '10.0.0.2', '10.0.0.1', creds);
    expect(sim.instanceTags('10.0.0.2')?.size).toBe(0);
    expect(sim.log).toContain('set instance tag _hidden on 10.0.0.2:3306');
  });

  it('keeps tags through snapshot and restore; an older snapshot gets empty rows', async () => {
    const sim = await cluster();
    const tags = sim.backendFor('10.0.0.1').cluster.tags;
    await tags?.setOption('main', 'tag:location', 'EMEA', '10.0.0.1', creds);
    await tags?.setInstanceOption('main', '10.0.0.1', 'tag:rack', { row: 1 }, '10.0.0.1', creds);
    const restored = SimulatedInnoDBCluster.fromSnapshot(
      JSON.parse(JSON.stringify(sim.snapshot())),
    );
    const doc = await restored
      .backendFor('10.0.0.2')
      .cluster.tags?.options('main', '10.0.0.1', creds);
    expect(doc?.defaultReplicaSet.tags).toEqual({
      '10.0.0.1:3306': [{ option: 'rack', value: { row: 1 } }],
      '10.0.0.2:3306': [],
      global: [{ option: 'location', value: 'EMEA' }],
    });
    const { tags: _dropped, ...older } = sim.snapshot().cluster ?? { name: '', members: [] };
    const old = SimulatedInnoDBCluster.fromSnapshot({ ...sim.snapshot(), cluster: older });
    expect(old.snapshot().cluster?.tags).toEqual({
      global: {},
      instances: { '10.0.0.1:3306': {}, '10.0.0.2:3306': {} },
    });
  });

  it('refuses a session with wrong credentials, or through an instance that is not a member', async () => {
    const sim = await cluster();
    const tags = sim.backendFor('10.0.0.1').cluster.tags;
    await expect(
      tags?.options('main', '10.0.0.1', { user: 'u', password: 'nope' }),
    ).rejects.toThrow(/Access denied/);
    await expect(tags?.options('main', '10.0.0.3', creds)).rejects.toThrow(
      'cluster main is not reachable through 10.0.0.3',
    );
  });
});
