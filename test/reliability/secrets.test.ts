// Secrets: scan everything a run makes visible (every log line, the trace, the rendered
// timelines, error messages, statuses, relation data of every unit, leader settings, unit
// state, the secret listing) for every password the run used: zero hits. Runs: the example
// charm through deploy, scale-out, failures (some whose messages hold the password), removal
// and a leader change, plus random schedules with full traces; the interface in secret mode
// (unit-owned secrets) on the simulator; and the interface in plaintext mode through runHook,
// where HookResult.error, the log and the unit state are checked directly.
import type { HookRuntime } from 'juju-reactive';
import { MySQLInnoDBClusterPeers } from 'juju-reactive/interfaces/mysql-innodb-cluster';
import { describe, expect, it } from 'vitest';
import { localClusterAddress } from '../../examples/mysql-innodb-cluster/src/addresses.js';
import type { ClusterBackend } from '../../examples/mysql-innodb-cluster/src/backend/types.js';
import { deploySimulated } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import {
  type MySQLWorkload,
  mysqlInnoDBClusterCharm,
} from '../../interfaces/mysql-innodb-cluster/example.js';
import { Charm } from '../../src/charm/charm.js';
import { Model } from '../../src/testing/index.js';
import { hookHarness, peerMetadata } from '../helpers/hook.js';
import { StubHookTools, stubWorld } from '../helpers/stub-tools.js';
import { runSchedule } from './schedules.js';

/** Everything a model makes visible, as one text. */
function visible(model: Model, app: string, extra: readonly unknown[] = []): string {
  const relationIds = model.relationIds(app, 'cluster');
  const units = new Set<string>();
  for (const event of model.trace) if ('unit' in event && event.unit) units.add(event.unit);
  const perUnit = [...units].map((name) => {
    const unit = model.unit(name);
    return {
      name,
      status: unit.status,
      error: unit.error,
      data: unit.data,
      flags: unit.flags,
      timeline: model.timeline(name),
      bags: relationIds.map((id) => model.relationData(id, name)),
    };
  });
  return JSON.stringify([
    model.renderTimeline({ detail: true }),
    model.trace,
    perUnit,
    relationIds.map((id) => model.relationData(id, app)),
    model.leaderSettings(app),
    model.secrets(),
    ...extra,
  ]);
}

/** Where each password shows up in `text`. */
function hits(text: string, passwords: Iterable<string>): string[] {
  const out: string[] = [];
  for (const password of passwords) {
    let at = text.indexOf(password);
    while (at >= 0) {
      out.push(`…${text.slice(Math.max(0, at - 60), at)}<PASSWORD>…`);
      at = text.indexOf(password, at + 1);
    }
  }
  return out;
}

/** A backend that remembers every password the charm hands it, and can fail once loudly. */
function spyingBackend(inner: ClusterBackend, seen: Set<string>, failOnce: { armed: boolean }) {
  const backend: ClusterBackend = {
    users: {
      createClusterUser: async (account, password) => {
        seen.add(password);
        if (failOnce.armed) {
          failOnce.armed = false;
          // What a careless driver does: echo the statement, password included.
          throw new Error(
            `CREATE USER '${account.user}'@'${account.host}' IDENTIFIED BY '${password}' failed`,
          );
        }
        await inner.users.createClusterUser(account, password);
      },
      dropClusterUser: (account) => inner.users.dropClusterUser(account),
      listClusterUsers: (user) => inner.users.listClusterUsers(user),
    },
    cluster: {
      configureInstance: async (address, credentials) => {
        seen.add(credentials.password);
        await inner.cluster.configureInstance(address, credentials);
      },
      createCluster: (name, seed, credentials) =>
        inner.cluster.createCluster(name, seed, credentials),
      addInstance: (name, address, via, credentials) =>
        inner.cluster.addInstance(name, address, via, credentials),
      removeInstance: (name, address, via, credentials) =>
        inner.cluster.removeInstance(name, address, via, credentials),
      status: (name, via, credentials) => inner.cluster.status(name, via, credentials),
    },
  };
  return backend;
}

describe('no secret in anything a run makes visible', () => {
  let totalHits = 0;
  let scanned = 0;
  const count = (text: string, passwords: Iterable<string>): string[] => {
    scanned += text.length;
    const found = hits(text, passwords);
    totalHits += found.length;
    return found;
  };

  it('the example charm: deploy, scale out, failures, removal, leader change', async () => {
    const charmPasswords = new Set<string>();
    const failOnce = { armed: false };
    const { model, cluster, app } = await deploySimulated({
      units: 3,
      seed: 9,
      backendFor: (rt, c) =>
        spyingBackend(c.backendFor(localClusterAddress(rt)), charmPasswords, failOnce),
    });
    expect((await model.settle()).settled).toBe(true);
    const [password] = cluster.passwordsSeen();
    if (password === undefined) throw new Error('no password was generated');

    // Failures whose messages hold the password: injected ones, and one from the backend.
    const units = model.units(app);
    model.failNextHook(units[1] ?? '', { hook: '*', message: `cannot log in with ${password}` });
    model.failNextHook(model.leader(app) ?? '', {
      handler: 'addConfigureReadyPeers',
      message: `password ${password} rejected`,
    });
    failOnce.armed = true;
    model.addUnit(app);
    model.addUnit(app);
    expect((await model.settle()).settled).toBe(true);
    expect(failOnce.armed).toBe(false);
    model.removeUnit(units[1] ?? '');
    model.setLeader(units[2] ?? '');
    model.removeUnit(units[0] ?? '');
    const report = await model.settle();
    expect(report.settled).toBe(true);
    expect(report.hooksFailed).toBe(0);

    const passwords = new Set([...cluster.passwordsSeen(), ...charmPasswords]);
    expect(passwords).toEqual(new Set([password]));
    const failed = units.flatMap((u) => model.timeline(u)).filter((e) => !e.ok);
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(failed.every((e) => e.error?.includes('***'))).toBe(true);
    // Secret mode (the example's default): the password travels in no relation bag.
    for (const id of model.relationIds(app, 'cluster'))
      for (const name of [...units, ...model.units(app)])
        expect(model.relationData(id, name)['cluster-password']).toBeUndefined();
    expect(count(visible(model, app, [cluster.log]), passwords)).toEqual([]);
  });

  it('the example charm under random schedules, traced in full', async () => {
    for (const [size, seed] of [
      [3, 7],
      [5, 11],
      [5, 23],
    ] as const) {
      const { deployment } = await runSchedule(size, seed, 'full');
      const { model, cluster, app } = deployment;
      const passwords = cluster.passwordsSeen();
      expect(passwords.length).toBe(1);
      expect(count(visible(model, app, [cluster.log]), passwords), `${size}:${seed}`).toEqual([]);
    }
  });

  it('the interface in secret mode: unit-owned password secrets, a failure that names one', async () => {
    const passwords = [0, 1, 2, 3].map((n) => `pw-${n}-Zx8!q${'ä'.repeat(n)}-secret`);
    const members = new Set<string>();
    const workload = (rt: HookRuntime): MySQLWorkload => {
      const n = Number(rt.unitName.split('/')[1]);
      const address = `10.1.0.${n + 1}`;
      return {
        clusterPassword: () => passwords[n] ?? 'pw-none-000',
        createClusterUser: () => {},
        createCluster: () => {
          members.add(address);
        },
        addInstance: (peer) => {
          members.add(peer);
        },
        isClustered: () => members.has(address),
      };
    };
    const model = new Model({ seed: 5 });
    const units = await model.deploy('mysql', {
      charm: mysqlInnoDBClusterCharm(workload),
      metadata: peerMetadata(),
      units: 3,
    });
    units.forEach((unit, n) => {
      model.setBinding(unit, 'cluster', `10.1.0.${n + 1}`);
    });
    expect((await model.settle()).settled).toBe(true);
    model.failNextHook('mysql/1', { hook: '*', message: `secret ${passwords[1]} did not open` });
    model.addUnit('mysql');
    model.setBinding('mysql/3', 'cluster', '10.1.0.4');
    expect((await model.settle()).settled).toBe(true);
    for (const name of model.units('mysql')) {
      const bag = model.unit(name).publishedRaw('cluster');
      expect(bag['cluster-password']).toBeUndefined();
      expect(bag['cluster-password-secret']).toMatch(/^"secret:/);
    }
    expect(count(visible(model, 'mysql'), passwords)).toEqual([]);
  });

  it('the interface in plaintext mode: HookResult.error, the log and the unit state', async () => {
    const password = 'pw-plain-Q7#xx-9';
    const bag = {
      'cluster-address': '"10.0.0.11"',
      'cluster-user': '"clusteruser"',
      'cluster-password': JSON.stringify(password),
    };
    const charm = new Charm().endpoint(MySQLInnoDBClusterPeers, { minimumClusterSize: 2 });
    charm.when('cluster.available').run(function connect(rt) {
      const peer = rt.endpoint(MySQLInnoDBClusterPeers).readyPeers[0];
      if (rt.hookName === 'cluster-relation-changed' && peer)
        throw new Error(
          `mysql: access denied for ${peer.connectionInfo.user}:${peer.connectionInfo.password}`,
        );
    });
    const world = stubWorld({
      relations: {
        'cluster:0': { endpoint: 'cluster', app: 'mysql', units: { 'mysql/1': bag }, local: {} },
      },
      network: { cluster: { ingress: '10.0.0.10' } },
    });
    const tools = new StubHookTools(world);
    const h = hookHarness(charm, { tools, metadata: peerMetadata() });
    const logged: string[] = [];
    h.events.on('log', ({ message }) => logged.push(message));
    const ends: string[] = [];
    h.events.on('hook.end', (e) => ends.push(JSON.stringify(e)));
    const relation = (event: string) => ({
      hookName: `cluster-relation-${event}`,
      relation: { name: 'cluster', id: 'cluster:0' },
      remoteUnit: 'mysql/1',
      remoteApp: 'mysql',
    });
    expect((await h.run(relation('joined'))).ok).toBe(true);
    const failed = await h.run(relation('changed'));
    expect(failed.ok).toBe(false);
    expect(failed.error).toContain('access denied for clusteruser:***');
    // The peer leaves: its last data is kept for the charm, but not its password.
    const r = world.relations['cluster:0'];
    if (r) {
      r.departed = { 'mysql/1': bag };
      r.units = {};
    }
    expect((await h.run(relation('departed'))).ok).toBe(true);
    expect(h.store.load().data['endpoint.cluster.departed_units']).toEqual([
      {
        unitName: 'mysql/1',
        relationId: 'cluster:0',
        data: { 'cluster-address': '"10.0.0.11"', 'cluster-user': '"clusteruser"' },
      },
    ]);
    const text = JSON.stringify([failed, logged, ends, tools.logs, tools.statuses, h.store.load()]);
    expect(count(text, [password])).toEqual([]);
    console.log(
      `secrets: ${scanned} characters scanned for the generated passwords, ${totalHits} secret hits`,
    );
  });
});
