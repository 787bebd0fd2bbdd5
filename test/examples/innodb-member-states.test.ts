// Each instance's state in MySQL Shell's cluster.status() reaches the cluster view: only ONLINE
// members are PRIMARY or SECONDARY, a RECOVERING one is a SPARE, and OFFLINE, ERROR,
// UNREACHABLE and (MISSING) ones are FAULTY, so a client is never sent to a dead instance.
// States: MySQL Shell manual, "Monitoring InnoDB Cluster"
// (https://dev.mysql.com/doc/mysql-shell/en/monitoring-innodb-cluster.html), and the Shell's
// own status test output (mysql/mysql-shell unittest/scripts/auto/js_adminapi/validation/cluster_status.js).
import type { ClusterMember } from 'juju-reactive/interfaces/cluster-view';
import type { Model } from 'juju-reactive/testing';
import { describe, expect, it } from 'vitest';
import { parseStatus } from '../../examples/mysql-innodb-cluster/src/backend/mysqlsh.js';
import { SimulatedInnoDBCluster } from '../../examples/mysql-innodb-cluster/src/backend/simulated.js';
import {
  isMemberState,
  type MemberState,
} from '../../examples/mysql-innodb-cluster/src/backend/types.js';
import { deploySimulated } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import { fabricRole } from '../../examples/mysql-innodb-cluster/src/view.js';
import { candidates } from '../../src/client/balancer.js';
import { clientCharm, clientMetadata } from '../interfaces/cluster-view/fixtures/charms.js';
import { publishedMembers } from './view-bag.js';

/** One `cluster.status()` topology entry as MySQL Shell prints it. */
function entry(host: string, memberRole: string, mode: string, status: string) {
  return { address: `${host}:3306`, memberRole, mode, readReplicas: {}, role: 'HA', status };
}

function statusLine(entries: ReturnType<typeof entry>[]): string {
  return JSON.stringify({
    clusterName: 'main',
    defaultReplicaSet: {
      name: 'default',
      status: 'OK_NO_TOLERANCE_PARTIAL',
      topology: Object.fromEntries(entries.map((e) => [e.address, e])),
    },
  });
}

describe('parseStatus reads each instance state of cluster.status() (MySQL Shell monitoring-innodb-cluster)', () => {
  it.each([
    ['ONLINE', 'ONLINE'],
    ['RECOVERING', 'RECOVERING'],
    ['OFFLINE', 'OFFLINE'],
    ['ERROR', 'ERROR'],
    ['UNREACHABLE', 'UNREACHABLE'],
    ['(MISSING)', 'MISSING'],
    ['SOMETHING_NEW', 'UNKNOWN'],
  ] as const)('a secondary whose status is %s has state %s', (shell, state) => {
    const parsed = parseStatus(
      statusLine([
        entry('10.0.0.1', 'PRIMARY', 'R/W', 'ONLINE'),
        entry('10.0.0.2', 'SECONDARY', shell === 'ONLINE' ? 'R/O' : 'n/a', shell),
      ]),
    );
    expect(parsed?.members).toEqual([
      { address: '10.0.0.1', role: 'primary', state: 'ONLINE' },
      { address: '10.0.0.2', role: 'secondary', state },
    ]);
  });

  it('an entry whose status is (MISSING) while its memberState is OFFLINE is MISSING (cluster_status.js "memberState=OFFLINE")', () => {
    const missing = {
      ...entry('10.0.0.2', 'SECONDARY', 'R/O', '(MISSING)'),
      memberState: 'OFFLINE',
    };
    const line = JSON.stringify({
      defaultReplicaSet: { topology: { '10.0.0.2:3306': missing } },
    });
    expect(parseStatus(line)?.members).toEqual([
      { address: '10.0.0.2', role: 'secondary', state: 'MISSING' },
    ]);
  });

  it('an entry without a status or that is not an object is UNKNOWN, never ONLINE', () => {
    const line = JSON.stringify({
      defaultReplicaSet: {
        topology: { '10.0.0.1:3306': { memberRole: 'PRIMARY' }, '10.0.0.2:3306': null },
      },
    });
    expect(parseStatus(line)?.members.map((m) => m.state)).toEqual(['UNKNOWN', 'UNKNOWN']);
  });

  it('a line that is not JSON is a clear error; null is no cluster', () => {
    expect(() => parseStatus('Dba.getCluster: boom')).toThrow(/not JSON/);
    expect(parseStatus('null')).toBeUndefined();
  });
});

describe('fabricRole: only ONLINE members serve (Fabric roles PRIMARY, SECONDARY, SPARE, FAULTY)', () => {
  it.each([
    ['primary', 'ONLINE', 'PRIMARY'],
    ['secondary', 'ONLINE', 'SECONDARY'],
    ['secondary', 'RECOVERING', 'SPARE'],
    ['primary', 'OFFLINE', 'FAULTY'],
    ['secondary', 'OFFLINE', 'FAULTY'],
    ['secondary', 'ERROR', 'FAULTY'],
    ['primary', 'UNREACHABLE', 'FAULTY'],
    ['secondary', 'MISSING', 'FAULTY'],
    ['secondary', 'UNKNOWN', 'FAULTY'],
  ] as const)('a %s in state %s is %s', (role, state, expected) => {
    expect(fabricRole({ role, state })).toBe(expected);
  });

  it('isMemberState accepts the states and nothing else', () => {
    const all: MemberState[] = [
      'ONLINE',
      'RECOVERING',
      'OFFLINE',
      'ERROR',
      'UNREACHABLE',
      'MISSING',
      'UNKNOWN',
    ];
    for (const s of all) expect(isMemberState(s)).toBe(true);
    expect(isMemberState('(MISSING)')).toBe(false);
    expect(isMemberState(3)).toBe(false);
  });
});

/** Three clustered units and one client unit related to `view`, settled. */
async function deployed() {
  const deployment = await deploySimulated({ units: 3, seed: 11 });
  const { model } = deployment;
  await model.deploy('app', { charm: clientCharm, metadata: clientMetadata, units: 1 });
  model.relate('app:db', 'mysql:view');
  expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
  return deployment;
}

async function republish(model: Model): Promise<void> {
  model.fireHook(model.leader('mysql') ?? '', 'update-status');
  expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
}

function roleOf(members: readonly ClusterMember[], address: string): string | undefined {
  return members.find((m) => m.address === address)?.role;
}

describe('on the simulator, a client of the innodb example never picks a member that is not ONLINE', () => {
  it('a stopped secondary is published FAULTY and no read or write goes to it', async () => {
    const { model, cluster } = await deployed();
    const [primary, stopped, other] = cluster.members;
    if (primary === undefined || stopped === undefined || other === undefined)
      throw new Error('expected three members');
    cluster.setInstanceState(stopped, 'OFFLINE');
    await republish(model);
    const members = publishedMembers(model);
    expect(roleOf(members, stopped)).toBe('FAULTY');
    expect(roleOf(members, primary)).toBe('PRIMARY');
    expect(roleOf(members, other)).toBe('SECONDARY');
    expect(candidates(members, 'read_only').map((m) => m.address)).toEqual([other]);
    expect(candidates(members, 'read_write').map((m) => m.address)).toEqual([primary]);
  });

  it('a stopped primary is FAULTY, the client follows the newly elected primary, and a rejoin makes it a SECONDARY', async () => {
    const { model, cluster } = await deployed();
    const [primary] = cluster.members;
    if (primary === undefined) throw new Error('expected a primary');
    cluster.setInstanceState(primary, 'UNREACHABLE');
    await republish(model);
    const members = publishedMembers(model);
    expect(roleOf(members, primary)).toBe('FAULTY');
    const elected = members.filter((m) => m.role === 'PRIMARY');
    expect(elected).toHaveLength(1);
    expect(elected[0]?.address).not.toBe(primary);
    expect(candidates(members, 'read_write').map((m) => m.address)).toEqual([elected[0]?.address]);
    expect(candidates(members, 'read_only').map((m) => m.address)).not.toContain(primary);
    const seen = model.unit('app/0').data['primaries'] as string[];
    expect(seen.at(-1)).toBe(`${elected[0]?.name}@${elected[0]?.address}`);

    const leader = model.leader('mysql') ?? '';
    const result = await model.runAction(leader, 'rejoin-instance', { address: primary });
    expect(result.status).toBe('completed');
    await republish(model);
    const after = publishedMembers(model);
    expect(roleOf(after, primary)).toBe('SECONDARY');
    expect(after.filter((m) => m.role === 'PRIMARY').map((m) => m.address)).toEqual([
      elected[0]?.address,
    ]);
  });

  it('a RECOVERING member is a SPARE (not routed) and an ERROR one FAULTY; cluster-status shows each state', async () => {
    const { model, cluster } = await deployed();
    const [primary, recovering, failed] = cluster.members;
    if (primary === undefined || recovering === undefined || failed === undefined)
      throw new Error('expected three members');
    cluster.setInstanceState(recovering, 'RECOVERING');
    cluster.setInstanceState(failed, 'ERROR');
    await republish(model);
    const members = publishedMembers(model);
    expect(roleOf(members, recovering)).toBe('SPARE');
    expect(roleOf(members, failed)).toBe('FAULTY');
    // No ONLINE secondary: reads go to the primary, never to the SPARE or the FAULTY member.
    expect(candidates(members, 'read_only').map((m) => m.address)).toEqual([primary]);

    const result = await model.runAction(model.leader('mysql') ?? '', 'cluster-status', {});
    expect(result.status).toBe('completed');
    const status = JSON.parse(result.results['cluster-status'] ?? '{}') as {
      members: { address: string; state: string }[];
    };
    expect(Object.fromEntries(status.members.map((m) => [m.address, m.state]))).toEqual({
      [primary]: 'ONLINE',
      [recovering]: 'RECOVERING',
      [failed]: 'ERROR',
    });
    expect(result.results['primary']).toBe(primary);
  });

  it('a member whose unit is gone is MISSING in the status until it is removed', async () => {
    const { cluster } = await deployed();
    const [primary, gone] = cluster.members;
    if (primary === undefined || gone === undefined) throw new Error('expected two members');
    const saved = cluster.instanceGone;
    cluster.instanceGone = (address) => address === gone || saved(address);
    const name = cluster.getCluster()?.name ?? '';
    const status = await cluster
      .backendFor(primary)
      .cluster.status(name, primary, { user: 'clusteruser', password: 'unused' });
    expect(status?.members.find((m) => m.address === gone)?.state).toBe('MISSING');
  });
});

describe('the simulated cluster keeps instance states in its snapshot', () => {
  it('a state set before a snapshot is there after fromSnapshot; a bad saved state is ignored', async () => {
    const { cluster } = await deployed();
    const [primary, stopped] = cluster.members;
    if (primary === undefined || stopped === undefined) throw new Error('expected two members');
    cluster.setInstanceState(stopped, 'OFFLINE');
    const snapshot = cluster.snapshot();
    expect(snapshot.states).toEqual({ [stopped]: 'OFFLINE' });
    const restored = SimulatedInnoDBCluster.fromSnapshot(snapshot);
    expect(restored.stateOf(stopped)).toBe('OFFLINE');
    expect(restored.stateOf(primary)).toBe('ONLINE');
    const bad = SimulatedInnoDBCluster.fromSnapshot({
      ...snapshot,
      states: { [stopped]: 'ASLEEP' },
    });
    expect(bad.stateOf(stopped)).toBe('ONLINE');
    expect(bad.log).toContain(`instance state: ignored "${stopped}": not a state`);
    expect(restored.snapshot()).toEqual(snapshot);
  });
});
