import { readFileSync } from 'node:fs';
import type { HookRuntime } from 'juju-reactive';
import { Model } from 'juju-reactive/testing';
import { describe, expect, it } from 'vitest';
import {
  CLUSTER_USER,
  type MySQLWorkload,
  mysqlInnoDBClusterCharm,
} from '../../../interfaces/mysql-innodb-cluster/example.js';

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

/** Three units of the example charm on the model simulator, each with its own MySQL. */
async function threeUnits() {
  const model = new Model({ seed: 4 });
  const cluster: FakeCluster = { created: false, members: new Set() };
  const mysql = new Map(
    [0, 1, 2].map((n) => [
      `mysql/${n}`,
      new FakeMySQL(`10.1.0.${n + 1}`, `cluster-pw-${n}-k3Jd9`, cluster),
    ]),
  );
  const workloadFor = (rt: HookRuntime): FakeMySQL => {
    const workload = mysql.get(rt.unitName);
    if (!workload) throw new Error(`no MySQL for ${rt.unitName}`);
    return workload;
  };
  const units = await model.deploy('mysql', {
    charm: mysqlInnoDBClusterCharm(workloadFor),
    metadata: {
      name: 'mysql',
      endpoints: [{ name: 'cluster', role: 'peers', interface: 'mysql-innodb-cluster' }],
    },
    units: 3,
  });
  for (const unit of units) model.setBinding(unit, 'cluster', mysql.get(unit)?.address ?? '');
  return { model, cluster, mysql, units };
}

describe('the README example', () => {
  it('is the code of example.ts, verbatim', () => {
    const readme = readFileSync(README, 'utf8');
    const example = readFileSync(EXAMPLE, 'utf8');
    expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
  });

  it('clusters three units: every unit ends available and clustered', async () => {
    const { model, cluster, mysql, units } = await threeUnits();
    expect((await model.settle()).settled).toBe(true);
    expect(cluster.members).toEqual(new Set(['10.1.0.1', '10.1.0.2', '10.1.0.3']));
    for (const unit of units) {
      const view = model.unit(unit);
      const address = mysql.get(unit)?.address;
      expect(view.flags).toEqual(
        expect.arrayContaining(['cluster.connected', 'cluster.available', 'cluster.clustered']),
      );
      expect(view.status).toEqual({ status: 'active', message: 'Unit is ready and clustered' });
      expect(view.publishedRaw('cluster')).toMatchObject({
        'cluster-address': JSON.stringify(address),
        'cluster-user': JSON.stringify(CLUSTER_USER),
        'unit-configure-ready': 'true',
        'unit-clustered': 'true',
        'ingress-address': address,
      });
    }
  });

  it('creates on each unit the account every peer connects as, with that peer password', async () => {
    const { model, mysql } = await threeUnits();
    await model.settle();
    const all = [...mysql.values()];
    for (const workload of all) {
      const others = all.filter((o) => o !== workload);
      expect(workload.users).toEqual(
        others.map((o) => ({ address: o.address, user: CLUSTER_USER, password: o.password })),
      );
    }
  });

  it('keeps every password out of relation data, hook-tool arguments and logs', async () => {
    const { model, mysql, units } = await threeUnits();
    await model.settle();
    for (const unit of units) {
      const bag = model.unit(unit).publishedRaw('cluster');
      expect(bag['cluster-password']).toBeUndefined();
      expect(bag['cluster-password-secret']).toMatch(/^"secret:/);
    }
    // Tool arguments, log lines, statuses and published data are all in the trace.
    const visible = JSON.stringify([model.trace, model.renderTimeline({ detail: true })]);
    for (const workload of mysql.values()) expect(visible).not.toContain(workload.password);
  });

  it('settles: replaying every hook afterwards changes nothing and fails nothing', async () => {
    const { model, cluster, units } = await threeUnits();
    await model.settle();
    const published = units.map((u) => model.unit(u).publishedRaw('cluster'));
    for (const unit of units) model.replayHooks(unit);
    const report = await model.settle();
    expect(report).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(units.map((u) => model.unit(u).publishedRaw('cluster'))).toEqual(published);
    expect(cluster.members.size).toBe(3);
  });
});
