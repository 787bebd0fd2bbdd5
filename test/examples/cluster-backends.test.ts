// MySQL Shell operations against a fake mysqlsh that records what it was given, and the
// simulated cluster's rules.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MysqlShellOperations } from '../../examples/mysql-innodb-cluster/src/backend/mysqlsh.js';
import { SimulatedInnoDBCluster } from '../../examples/mysql-innodb-cluster/src/backend/simulated.js';

const credentials = { user: 'clusteruser', password: 'S3cr3t"pass\'word' };

describe('MysqlShellOperations', () => {
  let dir: string;
  let shell: MysqlShellOperations;
  const recorded = () =>
    readdirSync(dir)
      .filter((f) => f.startsWith('call-'))
      .sort()
      .map(
        (f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { argv: string[]; stdin: string },
      );

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fake-mysqlsh-'));
    const fake = join(dir, 'mysqlsh');
    writeFileSync(
      fake,
      `#!/usr/bin/env node
const fs = require('node:fs');
const stdin = fs.readFileSync(0, 'utf8');
const n = fs.readdirSync(${JSON.stringify(dir)}).filter((f) => f.startsWith('call-')).length;
fs.writeFileSync(${JSON.stringify(dir)} + '/call-' + n, JSON.stringify({ argv: process.argv.slice(2), stdin }));
if (process.env.FAKE_MYSQLSH_FAIL) { process.stderr.write('Dba.createCluster: boom'); process.exit(1); }
if (stdin.includes('.status()')) process.stdout.write(JSON.stringify({ defaultReplicaSet: { topology: { '10.0.0.1:3306': { memberRole: 'PRIMARY', status: 'ONLINE' }, '10.0.0.2:3306': { memberRole: 'SECONDARY', status: 'ONLINE' } } } }) + '\\n');
`,
    );
    chmodSync(fake, 0o755);
    shell = new MysqlShellOperations({ command: fake });
  });
  afterEach(() => {
    delete process.env.FAKE_MYSQLSH_FAIL;
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes credentials on stdin only, never in argv', async () => {
    await shell.configureInstance('10.0.0.1', credentials);
    await shell.createCluster('main', '10.0.0.1', credentials);
    await shell.addInstance('main', '10.0.0.2', '10.0.0.1', credentials);
    await shell.removeInstance('main', '10.0.0.3', '10.0.0.1', credentials);
    const calls = recorded();
    expect(calls).toHaveLength(4);
    for (const call of calls) {
      expect(call.argv).toEqual(['--no-wizard', '--js']);
      expect(call.stdin).toContain(JSON.stringify(credentials.password));
    }
  });

  it('generates the expected Shell calls with every value as a JSON literal', async () => {
    await shell.createCluster('main', '10.0.0.1', credentials);
    await shell.addInstance('main', '10.0.0.2', '10.0.0.1', credentials);
    const [create, add] = recorded();
    expect(create?.stdin).toMatch(
      /shell\.connect\(\{"host":"10\.0\.0\.1","port":3306,"user":"clusteruser","password":.*\}\);/,
    );
    expect(create?.stdin).toMatch(/dba\.createCluster\("main"\)/);
    expect(add?.stdin).toMatch(/c\.addInstance\(\{"host":"10\.0\.0\.2"/);
    expect(add?.stdin).toMatch(/indexOf\("10\.0\.0\.2:3306"\) < 0/);
  });

  it('parses cluster status', async () => {
    expect(await shell.status('main', '10.0.0.1', credentials)).toEqual({
      name: 'main',
      members: [
        { address: '10.0.0.1', role: 'primary', state: 'ONLINE' },
        { address: '10.0.0.2', role: 'secondary', state: 'ONLINE' },
      ],
    });
  });

  it('refuses hostile addresses before running the shell', async () => {
    await expect(
      shell.addInstance(
        'main',
        '10.0.0.2"); dba.dropMetadataSchema(); ("',
        '10.0.0.1',
        credentials,
      ),
    ).rejects.toThrow(/refusing address/);
    expect(recorded()).toEqual([]);
  });

  it('reports a failure without the password', async () => {
    process.env.FAKE_MYSQLSH_FAIL = '1';
    const error = await shell.createCluster('main', '10.0.0.1', credentials).catch((e: Error) => e);
    expect(String(error)).toMatch(/exited 1: Dba\.createCluster: boom/);
    expect(String(error)).not.toContain(credentials.password);
  });
});

describe('SimulatedInnoDBCluster', () => {
  it('forms a cluster only when every instance holds the accounts its peers connect with', async () => {
    const sim = new SimulatedInnoDBCluster();
    const [a, b] = [sim.backendFor('10.0.0.1'), sim.backendFor('10.0.0.2')];
    for (const [backend, hosts] of [
      [a, ['10.0.0.1', '10.0.0.2']],
      [b, ['10.0.0.2']],
    ] as const) {
      for (const host of hosts)
        await backend.users.createClusterUser({ user: 'clusteruser', host }, credentials.password);
    }
    await a.cluster.configureInstance('10.0.0.1', credentials);
    await a.cluster.createCluster('main', '10.0.0.1', credentials);
    await expect(a.cluster.configureInstance('10.0.0.2', credentials)).rejects.toThrow(
      /Access denied for user 'clusteruser'@'10.0.0.1' on 10.0.0.2/,
    );
    await b.users.createClusterUser(
      { user: 'clusteruser', host: '10.0.0.1' },
      credentials.password,
    );
    await a.cluster.configureInstance('10.0.0.2', credentials);
    await a.cluster.addInstance('main', '10.0.0.2', '10.0.0.1', credentials);
    await a.cluster.addInstance('main', '10.0.0.2', '10.0.0.1', credentials);
    expect(sim.members).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(await b.cluster.status('main', '10.0.0.2', credentials)).toEqual({
      name: 'main',
      members: [
        { address: '10.0.0.1', role: 'primary', state: 'ONLINE' },
        { address: '10.0.0.2', role: 'secondary', state: 'ONLINE' },
      ],
    });
    await a.cluster.removeInstance('main', '10.0.0.2', '10.0.0.1', credentials);
    expect(sim.members).toEqual(['10.0.0.1']);
  });
});
