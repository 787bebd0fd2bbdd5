import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CLUSTER_USER,
  type MySQLWorkload,
  mysqlInnoDBClusterCharm,
} from '../../../interfaces/mysql-innodb-cluster/example.js';
import { PeerModel } from './peer-model.js';

const here = (path: string): string => new URL(path, import.meta.url).pathname;
const README = here('../../../interfaces/mysql-innodb-cluster/README.md');
const EXAMPLE = here('../../../interfaces/mysql-innodb-cluster/example.ts');

/** The cluster as MySQL would see it: which instances are members. */
interface FakeCluster {
  created: boolean;
  members: Set<string>;
}

/** A stand-in for MySQL on one unit, recording what the charm asked of it. */
class FakeMySQL implements MySQLWorkload {
  readonly users: { address: string; user: string; password: string }[] = [];
  constructor(
    readonly address: string,
    readonly password: string,
    private readonly cluster: FakeCluster,
  ) {}
  clusterPassword(): string {
    return this.password;
  }
  createClusterUser(address: string, user: string, password: string): void {
    if (!this.users.some((u) => u.address === address && u.user === user))
      this.users.push({ address, user, password });
  }
  createCluster(): void {
    this.cluster.created = true;
    this.cluster.members.add(this.address);
  }
  addInstance(address: string): void {
    if (!this.cluster.created) throw new Error('addInstance before createCluster');
    this.cluster.members.add(address);
  }
  isClustered(): boolean {
    return this.cluster.members.has(this.address);
  }
}

function threeUnits() {
  const model = new PeerModel();
  const cluster: FakeCluster = { created: false, members: new Set() };
  const mysql = [0, 1, 2].map(
    (n) => new FakeMySQL(`10.1.0.${n + 1}`, `cluster-pw-${n}-k3Jd9`, cluster),
  );
  const units = mysql.map((workload, n) =>
    model.addUnit(`mysql/${n}`, mysqlInnoDBClusterCharm(workload), {
      leader: n === 0,
      address: workload.address,
    }),
  );
  return { model, cluster, mysql, units };
}

describe('the README example', () => {
  it('is the code of example.ts, verbatim', () => {
    const readme = readFileSync(README, 'utf8');
    const example = readFileSync(EXAMPLE, 'utf8');
    expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
  });

  it('clusters three units: every unit ends available and clustered', async () => {
    const { model, cluster, units } = threeUnits();
    await model.settle();
    expect(cluster.members).toEqual(new Set(['10.1.0.1', '10.1.0.2', '10.1.0.3']));
    for (const unit of units) {
      expect(model.flags(unit)).toEqual(
        expect.arrayContaining(['cluster.connected', 'cluster.available', 'cluster.clustered']),
      );
      expect(unit.tools.statuses.at(-1)).toMatchObject({
        status: 'active',
        message: 'Unit is ready and clustered',
      });
      expect(model.published(unit)).toMatchObject({
        'cluster-address': JSON.stringify(unit.address),
        'cluster-user': JSON.stringify(CLUSTER_USER),
        'unit-configure-ready': 'true',
        'unit-clustered': 'true',
        'ingress-address': unit.address,
      });
    }
  });

  it('creates on each unit the account every peer connects as, with that peer password', async () => {
    const { model, mysql } = threeUnits();
    await model.settle();
    for (const [n, workload] of mysql.entries()) {
      const others = mysql.filter((_, m) => m !== n);
      expect(workload.users).toEqual(
        others.map((o) => ({ address: o.address, user: CLUSTER_USER, password: o.password })),
      );
    }
  });

  it('keeps every password out of relation data, hook-tool arguments and logs', async () => {
    const { model, mysql, units } = threeUnits();
    await model.settle();
    for (const unit of units) {
      const bag = model.published(unit);
      expect(bag['cluster-password']).toBeUndefined();
      expect(bag['cluster-password-secret']).toMatch(/^"secret:/);
      const visible = JSON.stringify([
        unit.tools.calls,
        unit.tools.logs,
        unit.tools.world.relations,
      ]);
      for (const workload of mysql) expect(visible).not.toContain(workload.password);
    }
  });

  it('settles: a hook that changes nothing afterwards makes no further hook', async () => {
    const { model, units } = threeUnits();
    await model.settle();
    const ran = model.hooksRun.length;
    const [leader] = units;
    if (!leader) throw new Error('no leader');
    const before = leader.tools.calls.length;
    await leader.harness.run({ hookName: 'update-status' });
    await model.settle();
    expect(model.hooksRun.length).toBe(ran);
    // Only the leadership layer and the status handler talk to Juju in update-status.
    expect(new Set(leader.tools.toolNames().slice(before))).toEqual(
      new Set(['is-leader', 'leader-get', 'status-set']),
    );
  });
});
