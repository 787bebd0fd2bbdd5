// The simulated cluster counts its changes (`changes`): the packed entry that shares it
// through a file (src/main-simulated.ts) writes the file only after a backend call that moved
// the count. A call that only reads (a listing, a status) must not move it, since writing means
// encoding the whole cluster, which grows with the square of the units; every call that
// changes what a later hook reads must move it, or a hook killed after it would lose it.
import { describe, expect, it } from 'vitest';
import {
  SimulatedInnoDBCluster,
  SNAPSHOT_LOG_ENTRIES,
} from '../../examples/mysql-innodb-cluster/src/backend/simulated.js';

const A = '10.0.0.1';
const B = '10.0.0.2';
const CREDS = { user: 'clusteruser', password: 'pw-Zq8-cluster' };

/** Whether `act` moved the count, and the snapshot text before and after. */
async function moves(cluster: SimulatedInnoDBCluster, act: () => Promise<unknown>) {
  const before = { changes: cluster.changes, text: JSON.stringify(cluster.snapshot()) };
  await act();
  return {
    moved: cluster.changes !== before.changes,
    changed: JSON.stringify(cluster.snapshot()) !== before.text,
  };
}

describe('SimulatedInnoDBCluster.changes (what main-simulated saves on)', () => {
  it('moves with every call that changes the cluster, and not with one that only reads', async () => {
    const cluster = new SimulatedInnoDBCluster();
    const a = cluster.backendFor(A);
    const b = cluster.backendFor(B);
    const steps: [string, () => Promise<unknown>][] = [
      [
        'create A’s account on A',
        () => a.users.createClusterUser({ user: 'clusteruser', host: A }, CREDS.password),
      ],
      [
        'create B’s account on A',
        () => a.users.createClusterUser({ user: 'clusteruser', host: B }, CREDS.password),
      ],
      [
        'create A’s account on B',
        () => b.users.createClusterUser({ user: 'clusteruser', host: A }, CREDS.password),
      ],
      [
        'create B’s account on B',
        () => b.users.createClusterUser({ user: 'clusteruser', host: B }, CREDS.password),
      ],
      [
        'the same account again',
        () => a.users.createClusterUser({ user: 'clusteruser', host: B }, CREDS.password),
      ],
      ['list the accounts', () => a.users.listClusterUsers('clusteruser')],
      ['configure A', () => a.cluster.configureInstance(A, CREDS)],
      ['create the cluster on A', () => a.cluster.createCluster('c', A, CREDS)],
      ['status', () => a.cluster.status('c', A, CREDS)],
      ['configure B', () => a.cluster.configureInstance(B, CREDS)],
      ['add B', () => a.cluster.addInstance('c', B, A, CREDS)],
      ['add B again', () => a.cluster.addInstance('c', B, A, CREDS)],
      ['status again', () => b.cluster.status('c', B, CREDS)],
      ['drop B’s account on A', () => a.users.dropClusterUser({ user: 'clusteruser', host: B })],
      ['drop it again', () => a.users.dropClusterUser({ user: 'clusteruser', host: B })],
      [
        'list on an instance not seen before',
        () => cluster.backendFor('10.0.0.3').users.listClusterUsers('clusteruser'),
      ],
    ];
    let reads = 0;
    for (const [what, act] of steps) {
      const { moved, changed } = await moves(cluster, act);
      // Never a change the count misses (the file would not be written).
      if (changed) expect(moved, what).toBe(true);
      if (!moved) reads++;
    }
    // The reads and the repeated calls leave it where it was.
    expect(reads).toBeGreaterThanOrEqual(6);
  });

  it('a snapshot keeps only the latest operations of the log, and restores the same accounts and members', async () => {
    const cluster = new SimulatedInnoDBCluster();
    const a = cluster.backendFor(A);
    const hosts = Array.from(
      { length: SNAPSHOT_LOG_ENTRIES + 50 },
      (_, i) => `10.1.${i >> 8}.${i & 255}`,
    );
    for (const host of hosts)
      await a.users.createClusterUser({ user: 'clusteruser', host }, CREDS.password);
    const snapshot = cluster.snapshot();
    expect(cluster.log.length).toBeGreaterThan(SNAPSHOT_LOG_ENTRIES);
    expect(snapshot.log).toEqual(cluster.log.slice(-SNAPSHOT_LOG_ENTRIES));
    const restored = SimulatedInnoDBCluster.fromSnapshot(snapshot);
    expect(restored.usersOn(A)).toEqual(cluster.usersOn(A));
    expect(await restored.backendFor(A).users.listClusterUsers('clusteruser')).toEqual(
      await a.users.listClusterUsers('clusteruser'),
    );
    expect(JSON.stringify(restored.snapshot())).toBe(JSON.stringify(snapshot));
  });

  it('a restored cluster gives back the same snapshot, whether an instance was used since or not', async () => {
    const cluster = new SimulatedInnoDBCluster();
    for (const [on, hosts] of [
      [A, [A, B]],
      [B, [A, B, '10.0.0.3']],
    ] as const)
      for (const host of hosts)
        await cluster
          .backendFor(on)
          .users.createClusterUser({ user: 'clusteruser', host }, CREDS.password);
    const text = JSON.stringify(cluster.snapshot());
    const restored = SimulatedInnoDBCluster.fromSnapshot(JSON.parse(text));
    expect(JSON.stringify(restored.snapshot())).toBe(text);
    // Use one instance only: the other is still given back as it was recorded.
    expect(await restored.backendFor(B).users.listClusterUsers('clusteruser')).toEqual([
      A,
      B,
      '10.0.0.3',
    ]);
    expect(JSON.stringify(restored.snapshot())).toBe(text);
    expect(restored.changes).toBe(SimulatedInnoDBCluster.fromSnapshot(JSON.parse(text)).changes);
    expect(restored.passwordsSeen()).toEqual([CREDS.password]);
  });
});
