import { MySQLInnoDBClusterPeers } from 'juju-reactive/interfaces/mysql-innodb-cluster';
import { describe, expect, it } from 'vitest';
import type { HookRuntime } from '../../../src/charm/runtime.js';
import {
  joinAll,
  peerCharm,
  peerHarness,
  peerPassword,
  peers,
  peerWorld,
  REL,
} from './builders.js';

const OWN_PASSWORD = 'own-cluster-pw-7Yx';

/** A charm that publishes in secret mode on install with the password `password()` gives. */
function secretPublisher(password: () => string = () => OWN_PASSWORD) {
  return peerCharm(undefined, (c) =>
    c.hook('install').run(function publish(rt) {
      rt.endpoint(MySQLInnoDBClusterPeers).setClusterConnectionInfo(
        '10.0.0.10',
        'clusteruser',
        password(),
        { passwordSecret: true },
      );
    }),
  );
}

describe('publishing the password as a Juju secret', () => {
  it('publishes a secret id instead of the password, and grants the secret to the relation', async () => {
    const h = peerHarness(secretPublisher());
    const result = await h.run({ hookName: 'install' });
    expect(result.ok).toBe(true);
    expect(h.tools.callsOf('secret-add')).toHaveLength(1);
    const [id] = Object.keys(h.tools.world.secrets);
    expect(id).toBeDefined();
    expect(h.tools.world.secrets[id as string]).toEqual({ password: OWN_PASSWORD });
    expect(h.tools.callsOf('secret-grant')).toEqual([{ tool: 'secret-grant', args: [id, REL] }]);
    expect(h.tools.callsOf('relation-set')).toEqual([
      {
        tool: 'relation-set',
        args: [
          REL,
          {
            'cluster-address': '"10.0.0.10"',
            'cluster-password-secret': JSON.stringify(id),
            'cluster-user': '"clusteruser"',
            'ingress-address': '10.0.0.10',
            'private-address': '10.0.0.10',
          },
          'unit',
        ],
      },
    ]);
  });

  it('keeps the password out of every hook-tool call, log line and the unit state', async () => {
    const h = peerHarness(secretPublisher());
    await h.run({ hookName: 'install' });
    expect(JSON.stringify(h.tools.calls)).not.toContain(OWN_PASSWORD);
    expect(JSON.stringify(h.tools.world.relations)).not.toContain(OWN_PASSWORD);
    expect(JSON.stringify(h.store.load())).not.toContain(OWN_PASSWORD);
  });

  it('reuses its secret when publishing again, and updates it when the password changes', async () => {
    let password = OWN_PASSWORD;
    const h = peerHarness(secretPublisher(() => password));
    await h.run({ hookName: 'install' });
    await h.run({ hookName: 'install' });
    expect(h.tools.callsOf('secret-add')).toHaveLength(1);
    expect(h.tools.callsOf('secret-set')).toHaveLength(0);
    expect(h.tools.callsOf('secret-grant')).toHaveLength(1);
    expect(h.tools.callsOf('relation-set')).toHaveLength(1);

    password = 'rotated-cluster-pw';
    await h.run({ hookName: 'install' });
    expect(h.tools.callsOf('secret-add')).toHaveLength(1);
    expect(h.tools.callsOf('secret-set')).toHaveLength(1);
    expect(Object.values(h.tools.world.secrets)).toEqual([{ password: 'rotated-cluster-pw' }]);
    expect(h.tools.callsOf('relation-set')).toHaveLength(1); // the id did not change
  });

  it('deletes a plaintext cluster-password published before switching to secret mode', async () => {
    const world = peerWorld();
    const rel = world.relations[REL];
    if (rel) rel.local = { 'cluster-password': JSON.stringify(OWN_PASSWORD) };
    const h = peerHarness(secretPublisher(), world);
    await h.run({ hookName: 'install' });
    expect(h.tools.callsOf('relation-set')[0]?.args[1]).toMatchObject({ 'cluster-password': '' });
    expect(rel?.local?.['cluster-password']).toBeUndefined();
  });

  it('deletes the secret reference when switching back to a plaintext password', async () => {
    const world = peerWorld();
    const rel = world.relations[REL];
    if (rel) rel.local = { 'cluster-password-secret': '"secret:old1"' };
    const charm = peerCharm(undefined, (c) =>
      c.hook('install').run(function publish(rt) {
        rt.endpoint(MySQLInnoDBClusterPeers).setClusterConnectionInfo(undefined, 'u', OWN_PASSWORD);
      }),
    );
    const h = peerHarness(charm, world);
    await h.run({ hookName: 'install' });
    expect(rel?.local).toMatchObject({ 'cluster-password': JSON.stringify(OWN_PASSWORD) });
    expect(rel?.local?.['cluster-password-secret']).toBeUndefined();
  });
});

describe('reading a peer password published as a Juju secret', () => {
  const secretWorld = () =>
    peerWorld(
      peers({
        1: { password: undefined, passwordSecret: 'secret:peer1' },
        2: { password: undefined, passwordSecret: 'secret:peer2' },
      }),
      {
        secrets: {
          'secret:peer1': { password: peerPassword(1) },
          'secret:peer2': { password: peerPassword(2) },
        },
      },
    );

  it('resolves it with secret-get and counts the peer as ready', async () => {
    const seen: unknown[] = [];
    const charm = peerCharm(undefined, (c) =>
      c.when('cluster.available').run(function inspect(rt) {
        const cluster = rt.endpoint(MySQLInnoDBClusterPeers);
        seen.push(
          cluster.readyPeers.map((p) => [p.connectionInfo.password, p.clusterData.passwordFrom]),
        );
      }),
    );
    const world = secretWorld();
    const h = peerHarness(charm, world);
    await joinAll(h, world);
    expect(h.flags()).toContain('cluster.available');
    expect(seen.at(-1)).toEqual([
      [peerPassword(1), 'secret'],
      [peerPassword(2), 'secret'],
    ]);
  });

  it('reads each secret once per hook', async () => {
    const world = secretWorld();
    const charm = peerCharm(undefined, (c) =>
      c.when('cluster.available').run(function readAgain(rt) {
        rt.endpoint(MySQLInnoDBClusterPeers).readyPeers.map((p) => p.connectionInfo);
      }),
    );
    const h = peerHarness(charm, world);
    const before = h.tools.calls.length;
    await h.relationHook('changed', 'mysql/2');
    const gets = h.tools.calls.slice(before).filter((c) => c.tool === 'secret-get');
    expect(gets.map((c) => c.args[0])).toEqual(['secret:peer1', 'secret:peer2']);
  });

  it('accepts either form: one peer with a plaintext password, one with a secret', async () => {
    const world = peerWorld(
      peers({ 1: {}, 2: { password: undefined, passwordSecret: 'secret:peer2' } }),
      {
        secrets: { 'secret:peer2': { password: peerPassword(2) } },
      },
    );
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).toContain('cluster.available');
  });

  it('prefers the secret over a plaintext password published next to it', async () => {
    const seen: unknown[] = [];
    const world = peerWorld(
      peers({ 1: { password: 'stale-plaintext', passwordSecret: 'secret:peer1' } }),
      {
        secrets: { 'secret:peer1': { password: peerPassword(1) } },
      },
    );
    const charm = peerCharm({ minimumClusterSize: 2 }, (c) =>
      c.when('cluster.available').run(function inspect(rt) {
        seen.push(rt.endpoint(MySQLInnoDBClusterPeers).readyPeers[0]?.connectionInfo.password);
      }),
    );
    const h = peerHarness(charm, world);
    await h.relationHook('changed', 'mysql/1');
    expect(seen).toEqual([peerPassword(1)]);
  });

  it.each([
    ['a secret it cannot read', {}],
    ['a secret without a password', { 'secret:peer2': { other: 'value' } }],
    ['a secret with an invalid password', { 'secret:peer2': { password: 'x\ny-invalid' } }],
  ])('does not count a peer whose password is %s, and says why', async (_what, secrets) => {
    const world = peerWorld(
      peers({ 1: {}, 2: { password: undefined, passwordSecret: 'secret:peer2' } }),
      {
        secrets,
      },
    );
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).not.toContain('cluster.available');
    expect(h.warnings().at(-1)).toContain(
      'ignoring invalid data from mysql/2 on cluster:0: cluster-password-secret ',
    );
    expect(JSON.stringify(h.tools.logs)).not.toContain('x\\ny-invalid');
  });

  it('recomputes the flags when a peer password secret changes, and only for such a secret', async () => {
    const world = secretWorld();
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).toContain('cluster.available');

    let before = h.tools.calls.length;
    await h.run({ hookName: 'secret-changed', secretId: 'secret:unrelated' });
    // Only the core's re-check of `joined`, made on every hook (members from the unit's
    // record: worker/uniter/relation/state.go UpdateStateForHook).
    expect(h.tools.toolNames().slice(before)).toEqual(['relation-ids']);

    world.secrets['secret:peer2'] = { password: '' };
    before = h.tools.calls.length;
    await h.run({ hookName: 'secret-changed', secretId: 'secret:peer2' });
    expect(h.tools.toolNames().slice(before)).toContain('secret-get');
    expect(h.flags()).not.toContain('cluster.available');
  });
});

describe('redaction', () => {
  it('registers every password it publishes, receives or resolves', async () => {
    const world = peerWorld(
      peers({ 1: {}, 2: { password: undefined, passwordSecret: 'secret:peer2' } }),
      {
        secrets: { 'secret:peer2': { password: peerPassword(2) } },
      },
    );
    const careless = (rt: HookRuntime): void => {
      const cluster = rt.endpoint(MySQLInnoDBClusterPeers);
      cluster.setClusterConnectionInfo(undefined, 'clusteruser', OWN_PASSWORD);
      const passwords = cluster.readyPeers.map((p) => p.connectionInfo.password);
      rt.log.warning(`oops: ${OWN_PASSWORD} ${passwords.join(' ')}`);
    };
    const charm = peerCharm(undefined, (c) =>
      c.hook('cluster-relation-changed').run(function leak(rt) {
        careless(rt);
      }),
    );
    const h = peerHarness(charm, world);
    await h.relationHook('changed', 'mysql/2');
    const line = h.tools.logs.find((l) => l.message.startsWith('oops'))?.message;
    expect(line).toBe('oops: *** *** ***');
  });

  it('keeps passwords out of the error of a failed hook', async () => {
    const world = peerWorld(peers({ 1: {} }));
    const charm = peerCharm(undefined, (c) =>
      c.hook('cluster-relation-changed').run(function fail(rt) {
        const [peer] = rt.endpoint(MySQLInnoDBClusterPeers).readyPeers;
        throw new Error(`cannot connect with ${peer?.connectionInfo.password}`);
      }),
    );
    const h = peerHarness(charm, world);
    const result = await h.relationHook('changed', 'mysql/1');
    expect(result.ok).toBe(false);
    expect(result.error).toContain('cannot connect with ***');
    expect(JSON.stringify(h.tools.logs)).not.toContain(peerPassword(1));
  });
});

describe('publishing a reference to an existing secret', () => {
  const referencing = (secretId: string) =>
    peerCharm(undefined, (c) =>
      c.hook('install').run(function publish(rt) {
        rt.endpoint(MySQLInnoDBClusterPeers).setClusterConnectionInfo(
          '10.0.0.10',
          'clusteruser',
          OWN_PASSWORD,
          {
            passwordSecretId: secretId,
            passwordSecret: true,
          },
        );
      }),
    );

  it('publishes the given secret id, creates and grants no secret, and never the password', async () => {
    const h = peerHarness(referencing('secret:0123456789abcdefghij'));
    const result = await h.run({ hookName: 'install' });
    expect(result.ok).toBe(true);
    expect(h.tools.callsOf('secret-add')).toEqual([]);
    expect(h.tools.callsOf('secret-grant')).toEqual([]);
    const [set] = h.tools.callsOf('relation-set');
    expect(set?.args[1]).toMatchObject({
      'cluster-password-secret': '"secret:0123456789abcdefghij"',
    });
    expect(JSON.stringify(h.tools.calls)).not.toContain(OWN_PASSWORD);
  });

  it('refuses an id that is not a Juju secret id', async () => {
    const h = peerHarness(referencing('not-a-secret'));
    const result = await h.run({ hookName: 'install' });
    expect(result.exitCode).toBe(1);
    expect(result.error).toMatch(/passwordSecretId "not-a-secret"/);
    expect(h.tools.callsOf('relation-set')).toEqual([]);
  });
});
