// The interface next to units of the Python interface (charm-interface-mysql-innodb-cluster
// peers.py), with the exact bags of test/fixtures/python-mysql-innodb-cluster-wire.json:
// what each password transport publishes, what a rolled-back unit's bag means, and which
// address is presented. README "Interoperating with the Python interface" states the result.
import {
  MySQLInnoDBClusterPeers,
  type PasswordTransport,
} from 'juju-reactive/interfaces/mysql-innodb-cluster';
import { describe, expect, it } from 'vitest';
import type { RelationData } from '../../../src/juju/hook-tools.js';
import { PYTHON_WIRE } from '../../helpers/python-vectors.js';
import { LOCAL_ADDRESS, peerCharm, peerHarness, peerWorld } from './builders.js';

const VECTORS = PYTHON_WIRE;
const PYTHON_BAG = VECTORS.python_unit_bag_after_set_cluster_connection_info as RelationData;
const PYTHON_CLUSTERED = VECTORS.python_unit_bag_clustered as RelationData;
const PASSWORD = 'c1usterPassw0rd4nchor'; // the vectors' password

/** A charm that publishes this unit's connection info in install with these options. */
function publisher(transport: PasswordTransport, extra: { passwordSecretId?: string } = {}) {
  return peerCharm(undefined, (c) =>
    c.hook('install').run(function publish(rt) {
      rt.endpoint(MySQLInnoDBClusterPeers).setClusterConnectionInfo(
        '10.0.0.1',
        'clusteruser',
        PASSWORD,
        { passwordTransport: transport, ...extra },
      );
    }),
  );
}

describe('what each password-transport publishes, against the Python bag', () => {
  it('plaintext: the keys and bytes the Python interface writes (the vectors bag)', async () => {
    const h = peerHarness(
      publisher('plaintext'),
      peerWorld({}, { network: { cluster: { ingress: '10.0.0.1' } } }),
    );
    expect((await h.run({ hookName: 'install' })).ok).toBe(true);
    const { 'egress-subnets': _juju, ...written } = PYTHON_BAG; // Juju's own key
    expect(h.tools.callsOf('relation-set')[0]?.args[1]).toEqual(written);
  });

  it('both: the Python bag plus cluster-password-secret', async () => {
    const id = 'secret:d1p0n0kb3qa1ogn0ob7g';
    const h = peerHarness(
      publisher('both', { passwordSecretId: id }),
      peerWorld({}, { network: { cluster: { ingress: '10.0.0.1' } } }),
    );
    expect((await h.run({ hookName: 'install' })).ok).toBe(true);
    const { 'egress-subnets': _juju, ...written } = PYTHON_BAG;
    expect(h.tools.callsOf('relation-set')[0]?.args[1]).toEqual({
      ...written,
      'cluster-password-secret': JSON.stringify(id),
    });
  });

  it("both without a secret id: this unit's own secret, and the plaintext password", async () => {
    const h = peerHarness(
      publisher('both'),
      peerWorld({}, { network: { cluster: { ingress: '10.0.0.1' } } }),
    );
    expect((await h.run({ hookName: 'install' })).ok).toBe(true);
    const bag = h.tools.callsOf('relation-set')[0]?.args[1] as RelationData;
    expect(bag['cluster-password']).toBe(JSON.stringify(PASSWORD));
    expect(bag['cluster-password-secret']).toMatch(/^"secret:/);
    expect(h.tools.callsOf('secret-grant')).toHaveLength(1);
  });

  it('secret: no cluster-password, which the Python interface needs (its peers stay unavailable)', async () => {
    const h = peerHarness(
      publisher('secret'),
      peerWorld({}, { network: { cluster: { ingress: '10.0.0.1' } } }),
    );
    expect((await h.run({ hookName: 'install' })).ok).toBe(true);
    const bag = h.tools.callsOf('relation-set')[0]?.args[1] as RelationData;
    expect(bag['cluster-password']).toBeUndefined();
    expect(JSON.stringify(bag)).not.toContain(PASSWORD);
  });
});

describe('reading Python peers', () => {
  it('counts units that publish exactly the vectors bags as ready and clustered', async () => {
    const world = peerWorld({
      'mysql/1': { ...PYTHON_BAG, 'unit-configure-ready': 'true', 'unit-clustered': 'true' },
      'mysql/2': PYTHON_CLUSTERED,
    });
    const h = peerHarness(peerCharm(), world);
    await h.relationHook('joined', 'mysql/1');
    await h.relationHook('joined', 'mysql/2');
    expect(h.flags()).toEqual(
      expect.arrayContaining(['cluster.connected', 'cluster.available', 'cluster.clustered']),
    );
    expect(h.warnings()).toEqual([]);
  });

  it('rollback: a stale, unreadable cluster-password-secret next to a valid cluster-password uses the password, with a WARNING that never holds it', async () => {
    const stale = {
      ...PYTHON_CLUSTERED,
      'cluster-password-secret': '"secret:d1p0n0kb3qa1ogn0ob7g"',
    };
    const seen: string[] = [];
    const charm = peerCharm({ minimumClusterSize: 2 }, (c) =>
      c.when('cluster.available').run(function inspect(rt) {
        const peer = rt.endpoint(MySQLInnoDBClusterPeers).readyPeers[0];
        seen.push(
          `${peer?.clusterData.passwordFrom}:${peer?.connectionInfo.password === PASSWORD}`,
        );
      }),
    );
    const h = peerHarness(charm, peerWorld({ 'mysql/2': stale }));
    const result = await h.relationHook('changed', 'mysql/2');
    expect(result.ok).toBe(true);
    expect(h.flags()).toContain('cluster.available');
    expect(seen).toEqual(['relation:true']);
    const warnings = h.warnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      'ignoring invalid data from mysql/2 on cluster:0: cluster-password-secret cannot be read (not-found); using its cluster-password instead',
    );
    expect(warnings[0]).not.toContain(PASSWORD);
    expect(JSON.stringify(h.tools.logs)).not.toContain(PASSWORD);
  });

  it('a readable secret still wins over a plaintext password next to it', async () => {
    const id = 'secret:d1p0n0kb3qa1ogn0ob7g';
    const bag = { ...PYTHON_CLUSTERED, 'cluster-password-secret': JSON.stringify(id) };
    const seen: unknown[] = [];
    const charm = peerCharm({ minimumClusterSize: 2 }, (c) =>
      c.when('cluster.available').run(function inspect(rt) {
        seen.push(rt.endpoint(MySQLInnoDBClusterPeers).readyPeers[0]?.clusterData.passwordFrom);
      }),
    );
    const h = peerHarness(
      charm,
      peerWorld({ 'mysql/2': bag }, { secrets: { [id]: { password: 'the-secret-one-Zq8' } } }),
    );
    await h.relationHook('changed', 'mysql/2');
    expect(seen).toEqual(['secret']);
    expect(h.warnings()).toEqual([]);
  });
});

describe('cluster-address: bind or ingress', () => {
  const world = () =>
    peerWorld({}, { network: { cluster: { ingress: '192.0.2.10', bind: LOCAL_ADDRESS } } });
  const charm = (addressFrom?: 'bind' | 'ingress') =>
    peerCharm(undefined, (c) =>
      c.hook('install').run(function publish(rt) {
        rt.endpoint(MySQLInnoDBClusterPeers).setClusterConnectionInfo(
          undefined,
          'clusteruser',
          PASSWORD,
          addressFrom === undefined ? {} : { addressFrom },
        );
      }),
    );

  it("addressFrom 'bind' presents the bind address, as Python (network-get --primary-address: Info[0].Addresses[0], juju worker/uniter/runner/jujuc/network-get.go)", async () => {
    const h = peerHarness(charm('bind'), world());
    await h.run({ hookName: 'install' });
    expect(h.tools.callsOf('relation-set')[0]?.args[1]).toMatchObject({
      'cluster-address': JSON.stringify(LOCAL_ADDRESS),
      'ingress-address': '192.0.2.10',
    });
  });

  it('the default stays the ingress address', async () => {
    const h = peerHarness(charm(), world());
    await h.run({ hookName: 'install' });
    expect(h.tools.callsOf('relation-set')[0]?.args[1]).toMatchObject({
      'cluster-address': JSON.stringify('192.0.2.10'),
    });
  });
});
