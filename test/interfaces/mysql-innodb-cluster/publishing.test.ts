import {
  type ClusterConnectionInfoOptions,
  MySQLInnoDBClusterPeers,
} from 'juju-reactive/interfaces/mysql-innodb-cluster';
import { describe, expect, it } from 'vitest';
import type { HookRuntime } from '../../../src/charm/runtime.js';
import { HookToolError } from '../../../src/juju/hook-tool-error.js';
import { LOCAL_ADDRESS, peerCharm, peerHarness, peers, peerWorld, REL } from './builders.js';

/** A charm that runs `publish` in the install hook and records what it returned. */
function publishing(publish: (cluster: MySQLInnoDBClusterPeers, rt: HookRuntime) => unknown) {
  const returned: unknown[] = [];
  const charm = peerCharm(undefined, (c) =>
    c.hook('install').run(function publishOnInstall(rt) {
      returned.push(publish(rt.endpoint(MySQLInnoDBClusterPeers), rt));
    }),
  );
  return { charm, returned };
}

const connectionInfo =
  (address: string | undefined, options?: ClusterConnectionInfoOptions) =>
  (cluster: MySQLInnoDBClusterPeers) =>
    cluster.setClusterConnectionInfo(address, 'clusteruser', 's3cret-pass', options);

describe('setClusterConnectionInfo', () => {
  it('publishes the keys and encodings of the Python interface, byte for byte', async () => {
    const { charm, returned } = publishing((cluster) =>
      cluster.setClusterConnectionInfo('10.0.0.10', 'clusteruser', 'pa"ss\\word'),
    );
    const h = peerHarness(charm);
    const result = await h.run({ hookName: 'install' });
    expect(result.ok).toBe(true);
    expect(returned).toEqual(['10.0.0.10']);
    expect(h.tools.callsOf('relation-set')).toEqual([
      {
        tool: 'relation-set',
        args: [
          REL,
          {
            'cluster-address': '"10.0.0.10"',
            'cluster-password': '"pa\\"ss\\\\word"',
            'cluster-user': '"clusteruser"',
            'ingress-address': '10.0.0.10',
            'private-address': '10.0.0.10',
          },
          'unit',
        ],
      },
    ]);
  });

  it('writes nothing when the same values are published again', async () => {
    const { charm } = publishing(connectionInfo(undefined));
    const h = peerHarness(charm);
    await h.run({ hookName: 'install' });
    await h.run({ hookName: 'install' });
    expect(h.tools.callsOf('relation-set')).toHaveLength(1);
  });

  it('presents the ingress address of the endpoint binding for this relation by default', async () => {
    const { charm, returned } = publishing(connectionInfo(undefined));
    const h = peerHarness(
      charm,
      peerWorld({}, { network: { cluster: { ingress: '192.168.7.4' } } }),
    );
    await h.run({ hookName: 'install' });
    expect(h.tools.callsOf('network-get --ingress-address')).toEqual([
      { tool: 'network-get --ingress-address', args: ['cluster', REL] },
    ]);
    expect(h.tools.callsOf('unit-get')).toEqual([]);
    expect(returned).toEqual(['192.168.7.4']);
    expect(h.tools.callsOf('relation-set')[0]?.args[1]).toMatchObject({
      'cluster-address': '"192.168.7.4"',
      'ingress-address': '192.168.7.4',
      'private-address': '192.168.7.4',
    });
  });

  it('publishes a given address as cluster-address, and the binding address as ingress-address', async () => {
    const { charm } = publishing(connectionInfo('db-0.example.internal'));
    const h = peerHarness(charm);
    await h.run({ hookName: 'install' });
    expect(h.tools.callsOf('relation-set')[0]?.args[1]).toMatchObject({
      'cluster-address': '"db-0.example.internal"',
      'ingress-address': LOCAL_ADDRESS,
    });
  });

  it('lets clusterHost override the detected binding address, without asking Juju', async () => {
    const { charm, returned } = publishing(connectionInfo(undefined, { clusterHost: '10.20.0.5' }));
    const h = peerHarness(charm);
    await h.run({ hookName: 'install' });
    expect(h.tools.toolNames()).not.toContain('network-get --ingress-address');
    expect(h.tools.toolNames()).not.toContain('unit-get');
    expect(returned).toEqual(['10.20.0.5']);
    expect(h.tools.callsOf('relation-set')[0]?.args[1]).toMatchObject({
      'cluster-address': '"10.20.0.5"',
      'ingress-address': '10.20.0.5',
      'private-address': '10.20.0.5',
    });
  });

  it('falls back to unit-get private-address when the binding has no network info', async () => {
    const { charm, returned } = publishing(connectionInfo(undefined));
    const h = peerHarness(charm, peerWorld({}, { network: {}, privateAddress: '172.16.0.10' }));
    const result = await h.run({ hookName: 'install' });
    expect(result.ok).toBe(true);
    expect(h.tools.callsOf('unit-get')).toEqual([{ tool: 'unit-get', args: ['private-address'] }]);
    expect(returned).toEqual(['172.16.0.10']);
  });

  it('falls back to unit-get private-address where network-get is missing', async () => {
    const { charm, returned } = publishing(connectionInfo(undefined));
    const missing = new HookToolError('tool-missing', 'network-get', 'not found on PATH');
    const h = peerHarness(
      charm,
      peerWorld({}, { failures: { 'network-get --ingress-address': missing } }),
    );
    await h.run({ hookName: 'install' });
    expect(returned).toEqual(['172.16.0.10']);
  });

  it('fails the hook, naming both attempts, when no address can be found', async () => {
    const { charm } = publishing(connectionInfo(undefined));
    const broken = new HookToolError('failed', 'unit-get', 'no address');
    const h = peerHarness(charm, peerWorld({}, { network: {}, failures: { 'unit-get': broken } }));
    const result = await h.run({ hookName: 'install' });
    expect(result.ok).toBe(false);
    expect(result.error).toContain('network-get cluster failed');
    expect(result.error).toContain('unit-get private-address failed');
    expect(h.tools.callsOf('relation-set')).toEqual([]);
  });

  describe('IPv6', () => {
    it('publishes an IPv6 binding address without brackets', async () => {
      const { charm } = publishing(connectionInfo(undefined));
      const h = peerHarness(
        charm,
        peerWorld({}, { network: { cluster: { ingress: 'fd00:1::5' } } }),
      );
      await h.run({ hookName: 'install' });
      expect(h.tools.callsOf('relation-set')[0]?.args[1]).toMatchObject({
        'cluster-address': '"fd00:1::5"',
        'ingress-address': 'fd00:1::5',
      });
    });

    it.each([
      ['a bracketed address', '[2001:db8::7]', undefined],
      ['a bracketed clusterHost', undefined, { clusterHost: '[2001:db8::7]' }],
    ])('strips the brackets of %s', async (_what, address, options) => {
      const { charm, returned } = publishing(connectionInfo(address, options));
      const h = peerHarness(charm);
      await h.run({ hookName: 'install' });
      expect(returned).toEqual(['2001:db8::7']);
    });

    it('accepts peers that publish IPv6 addresses', async () => {
      const world = peerWorld(
        peers({ 1: { address: 'fd00::11' }, 2: { address: '2001:db8::12' } }),
      );
      const h = peerHarness(peerCharm(), world);
      await h.relationHook('changed', 'mysql/2');
      expect(h.flags()).toContain('cluster.available');
    });

    it('accepts peers that publish IPv6 addresses with an IPv4 tail', async () => {
      const world = peerWorld(
        peers({ 1: { address: '::ffff:10.0.0.11' }, 2: { address: '64:ff9b::10.0.0.12' } }),
      );
      const h = peerHarness(peerCharm(), world);
      await h.relationHook('changed', 'mysql/2');
      expect(h.flags()).toContain('cluster.available');
      expect(h.warnings()).toEqual([]);
    });

    it('rejects a peer that publishes a bracketed or zoned IPv6 address', async () => {
      const world = peerWorld(
        peers({ 1: { address: '[fd00::11]' }, 2: { address: 'fe80::1%eth0' } }),
      );
      const h = peerHarness(peerCharm(), world);
      await h.relationHook('changed', 'mysql/2');
      expect(h.flags()).not.toContain('cluster.available');
      expect(h.warnings()).toHaveLength(2);
    });
  });

  it.each([
    ['user', () => ['10.0.0.10', "root'@'%", 'good-password'], 'user "root\'@\'%" must be'],
    ['address', () => ['10.0.0.10; DROP', 'clusteruser', 'good-password'], 'address'],
    [
      'clusterHost',
      () => [undefined, 'clusteruser', 'good-password', { clusterHost: 'a b' }],
      'clusterHost',
    ],
    ['password', () => [undefined, 'clusteruser', 'bad\npassword'], 'password must be'],
  ] as const)(
    'refuses an invalid %s: the hook fails before anything is written',
    async (_what, args, message) => {
      const { charm } = publishing((cluster) =>
        cluster.setClusterConnectionInfo(
          ...(args() as Parameters<typeof cluster.setClusterConnectionInfo>),
        ),
      );
      const h = peerHarness(charm);
      const result = await h.run({ hookName: 'install' });
      expect(result.ok).toBe(false);
      expect(result.error).toContain(message);
      expect(result.error).not.toContain('good-password');
      expect(result.error).not.toContain('bad\npassword');
      expect(h.tools.callsOf('relation-set')).toEqual([]);
    },
  );
});

describe('setUnitConfigureReady and setUnitClustered', () => {
  it('publish unit-configure-ready and unit-clustered as JSON true', async () => {
    const { charm, returned } = publishing((cluster) => [
      cluster.setUnitConfigureReady(),
      cluster.setUnitClustered(),
    ]);
    const h = peerHarness(charm);
    await h.run({ hookName: 'install' });
    expect(returned).toEqual([[true, true]]);
    expect(h.tools.callsOf('relation-set')).toEqual([
      {
        tool: 'relation-set',
        args: [REL, { 'unit-clustered': 'true', 'unit-configure-ready': 'true' }, 'unit'],
      },
    ]);
  });
});

describe('publishing without a peer relation (for example while departing)', () => {
  it('logs a warning per call, writes nothing and does not throw', async () => {
    const { charm, returned } = publishing((cluster) => [
      cluster.setClusterConnectionInfo(undefined, 'clusteruser', 'some-password'),
      cluster.setUnitConfigureReady(),
      cluster.setUnitClustered(),
    ]);
    const h = peerHarness(charm, peerWorld({}, { relations: {} }));
    const result = await h.run({ hookName: 'install' });
    expect(result.ok).toBe(true);
    expect(returned).toEqual([[undefined, false, false]]);
    expect(h.tools.callsOf('relation-set')).toEqual([]);
    expect(h.tools.toolNames()).not.toContain('network-get --ingress-address');
    expect(h.warnings()).toEqual([
      'setClusterConnectionInfo(): no mysql-innodb-cluster peer relation on endpoint cluster (possibly departing); nothing published',
      'setUnitConfigureReady(): no mysql-innodb-cluster peer relation on endpoint cluster (possibly departing); nothing published',
      'setUnitClustered(): no mysql-innodb-cluster peer relation on endpoint cluster (possibly departing); nothing published',
    ]);
  });
});

describe('reading', () => {
  it('gives the relation ids, the peer relation and typed data for every joined peer', async () => {
    const seen: unknown[] = [];
    const world = peerWorld(
      peers({ 1: { configureReady: true, clustered: true }, 2: { password: undefined } }),
    );
    const charm = peerCharm(undefined, (c) =>
      c.hook('cluster-relation-changed').run(function inspect(rt) {
        const cluster = rt.endpoint(MySQLInnoDBClusterPeers);
        seen.push({
          relationIds: cluster.relationIds,
          peerRelation: cluster.peerRelation?.relationId,
          units: cluster.allJoinedUnits.map((u) => ({ unit: u.unitName, ...u.clusterData })),
          ready: cluster.readyPeers.map((u) => [u.unitName, u.connectionInfo]),
          clustered: cluster.clusteredPeers.map((u) => u.unitName),
        });
      }),
    );
    const h = peerHarness(charm, world);
    await h.relationHook('changed', 'mysql/2');
    expect(seen).toEqual([
      {
        relationIds: [REL],
        peerRelation: REL,
        units: [
          {
            unit: 'mysql/1',
            address: '10.0.0.11',
            user: 'clusteruser',
            password: 'pw-of-mysql-1-Zq8',
            passwordFrom: 'relation',
            configureReady: true,
            clustered: true,
            problems: [],
          },
          {
            unit: 'mysql/2',
            address: '10.0.0.12',
            user: 'clusteruser',
            configureReady: false,
            clustered: false,
            problems: [],
          },
        ],
        ready: [
          ['mysql/1', { address: '10.0.0.11', user: 'clusteruser', password: 'pw-of-mysql-1-Zq8' }],
        ],
        clustered: ['mysql/1'],
      },
    ]);
  });

  it('orders peers numerically', async () => {
    const seen: string[][] = [];
    const world = peerWorld(peers({ 10: {}, 2: {}, 1: {} }));
    const charm = peerCharm(undefined, (c) =>
      c.hook('cluster-relation-changed').run(function order(rt) {
        seen.push(rt.endpoint(MySQLInnoDBClusterPeers).readyPeers.map((u) => u.unitName));
      }),
    );
    const h = peerHarness(charm, world);
    await h.relationHook('changed', 'mysql/10');
    expect(seen).toEqual([['mysql/1', 'mysql/2', 'mysql/10']]);
  });
});
