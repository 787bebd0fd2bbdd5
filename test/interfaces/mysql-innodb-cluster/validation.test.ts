import {
  isClusterAddress,
  MySQLInnoDBClusterPeers,
  parseClusterPeerData,
} from 'juju-reactive/interfaces/mysql-innodb-cluster';
import { describe, expect, it } from 'vitest';
import { joinAll, peerCharm, peerData, peerHarness, peers, peerWorld } from './builders.js';

const MEGABYTE = 'a'.repeat(1024 * 1024);

/** Raw values as a hostile or broken peer could publish them (already JSON where meant to be). */
const HOSTILE: readonly [string, string, string][] = [
  ['cluster-user', 'SQL quotes', JSON.stringify("root'@'%")],
  ['cluster-user', 'an SQL injection', JSON.stringify("x'; DROP USER root; --")],
  ['cluster-user', 'a newline', JSON.stringify('clusteruser\nGRANT ALL')],
  ['cluster-user', 'a space', JSON.stringify('cluster user')],
  ['cluster-user', '33 characters', JSON.stringify('u'.repeat(33))],
  ['cluster-user', '1 MB', JSON.stringify(MEGABYTE)],
  ['cluster-user', 'a number', '42'],
  ['cluster-user', 'an object', '{"name":"root"}'],
  ['cluster-address', 'SQL quotes', JSON.stringify("10.0.0.2' OR '1'='1")],
  ['cluster-address', 'a newline', JSON.stringify('10.0.0.2\n10.0.0.3')],
  ['cluster-address', 'a URL', JSON.stringify('http://10.0.0.2/')],
  ['cluster-address', 'a bad IPv4 address', JSON.stringify('999.1.1.1')],
  ['cluster-address', 'a port', JSON.stringify('10.0.0.2:3306')],
  ['cluster-address', '1 MB', JSON.stringify(MEGABYTE)],
  ['cluster-address', 'a number', '10'],
  ['cluster-address', 'an array', '["10.0.0.2"]'],
  ['cluster-password', 'a newline', JSON.stringify('pass\nword')],
  ['cluster-password', 'a NUL character', JSON.stringify('pass\u0000word')],
  ['cluster-password', '1 MB', JSON.stringify(MEGABYTE)],
  ['cluster-password', 'a number', '12345678'],
  ['cluster-password', 'true', 'true'],
  ['cluster-password', 'an object', '{"password":"x"}'],
  ['cluster-password-secret', 'a non-secret id', JSON.stringify('https://evil.example/')],
  ['cluster-password-secret', 'a number', '7'],
];

describe('hostile peer data', () => {
  it.each(HOSTILE)(
    'rejects %s with %s: not counted, reported once naming unit and field',
    async (key, _what, raw) => {
      const bad = { ...peerData(2), [key]: raw };
      const world = peerWorld({ ...peers({ 1: {} }), 'mysql/2': bad });
      const charm = peerCharm(undefined, (c) =>
        c.hook('cluster-relation-changed').run(function readAgain(rt) {
          rt.endpoint(MySQLInnoDBClusterPeers).readyPeers; // a second read in the same hook
        }),
      );
      const h = peerHarness(charm, world);
      const result = await h.relationHook('changed', 'mysql/2');
      expect(result.ok).toBe(true);
      expect(h.flags()).not.toContain('cluster.available');
      const warnings = h.warnings();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`ignoring invalid data from mysql/2 on cluster:0: ${key} `);
      // The warning names the field; it never repeats the value.
      const decoded: unknown = JSON.parse(raw);
      if (typeof decoded === 'string') expect(warnings[0]).not.toContain(decoded);
      expect(warnings[0]?.length).toBeLessThan(300);
    },
  );

  it('reports the same bad peer again in the next relation hook, once', async () => {
    const world = peerWorld(peers({ 1: {}, 2: { user: 'bad user' } }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    const before = h.warnings().length;
    await h.relationHook('changed', 'mysql/1');
    expect(h.warnings().length).toBe(before + 1);
  });

  it('reports every bad field of a peer in one line', async () => {
    const world = peerWorld(peers({ 1: { user: 'a b', address: 'c d', clustered: 'yes' } }));
    const h = peerHarness(peerCharm(), world);
    await h.relationHook('changed', 'mysql/1');
    expect(h.warnings()).toHaveLength(1);
    expect(h.warnings()[0]).toMatch(
      /cluster-address must be .*; cluster-user must be .*; unit-clustered must be/,
    );
  });

  it('never logs a password, even one it rejects', async () => {
    const invalid = 'hunter2-secret\n';
    const world = peerWorld(peers({ 1: { password: invalid, user: 'bad user' } }));
    const charm = peerCharm(undefined, (c) =>
      c.hook('cluster-relation-changed').run(function careless(rt) {
        rt.log.warning(`debugging: ${invalid}`);
      }),
    );
    const h = peerHarness(charm, world);
    await h.relationHook('changed', 'mysql/1');
    const logged = JSON.stringify(h.tools.logs);
    expect(logged).not.toContain('hunter2-secret');
    expect(logged).toContain('cluster-password must be');
  });

  it('keeps the valid fields of a peer whose other fields are invalid', async () => {
    const world = peerWorld(peers({ 1: {}, 2: { clustered: 'yes' } }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).toContain('cluster.available');
  });

  it('accepts a password with quotes: passwords are opaque, pass them as bound parameters', async () => {
    const world = peerWorld(peers({ 1: {}, 2: { password: `it's "quoted"` } }));
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).toContain('cluster.available');
    expect(h.warnings()).toEqual([]);
  });

  it('accepts values a peer published without JSON encoding, as charms.reactive readers do', async () => {
    const raw = {
      'cluster-address': '10.0.0.12',
      'cluster-user': 'clusteruser',
      'cluster-password': 'plain-pw',
    };
    const world = peerWorld({ ...peers({ 1: {} }), 'mysql/2': raw });
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).toContain('cluster.available');
  });

  it('ignores keys it does not know, whatever their size', async () => {
    const world = peerWorld(peers({ 1: {}, 2: {} }));
    const rel = world.relations['cluster:0'];
    if (rel?.units['mysql/2']) rel.units['mysql/2']['junk'] = MEGABYTE;
    const h = peerHarness(peerCharm(), world);
    await joinAll(h, world);
    expect(h.flags()).toContain('cluster.available');
    expect(h.warnings()).toEqual([]);
  });
});

describe('isClusterAddress', () => {
  it.each([
    '10.0.0.1',
    '255.255.255.255',
    '::1',
    'fd00:1:2::5',
    '2001:0db8:0000:0000:0000:ff00:0042:8329',
    'db-0',
    'db-0.mysql.svc.cluster.local',
    '127.0.0.2',
    'LOCALHOST.example',
  ])('accepts %s', (address) => {
    expect(isClusterAddress(address)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['a bad IPv4 address', '999.1.1.1'],
    ['a short IPv4 address', '10.0.0'],
    ['leading zeros', '010.0.0.1'],
    ['brackets', '[::1]'],
    ['a zone', 'fe80::1%eth0'],
    ['a leading hyphen', '-db'],
    ['an underscore', 'db_0'],
    ['a space', 'a b'],
    ['254 characters', 'x'.repeat(254)],
    ['a 64-character label', `${'a'.repeat(64)}.example`],
    // The one rule shared with the example charm's backend (issue 15, item 12).
    ['a trailing dot, which MySQL would not match as an account host', 'host.example.'],
    ['localhost, which MySQL takes for socket clients', 'localhost'],
    ['localhost in capitals', 'LocalHost'],
    ['a name under .localhost (RFC 6761)', 'db.localhost'],
    ['the unspecified IPv4 address', '0.0.0.0'],
    ['the unspecified IPv6 address', '::'],
    ['the unspecified IPv6 address, spelled out', '0:0:0:0:0:0:0:0'],
    ['a MySQL host wildcard', '10.0.0.%'],
  ])('rejects %s', (_what, address) => {
    expect(isClusterAddress(address)).toBe(false);
  });
});

describe('parseClusterPeerData', () => {
  it('treats null and "" as not published, without a problem', () => {
    expect(parseClusterPeerData({ 'cluster-user': null, 'cluster-address': '' })).toEqual({
      data: {},
      problems: [],
    });
  });

  it('types what it keeps', () => {
    const { data } = parseClusterPeerData({ 'cluster-user': 'u', 'unit-clustered': true });
    const user: string | undefined = data['cluster-user'];
    const clustered: boolean | undefined = data['unit-clustered'];
    expect([user, clustered]).toEqual(['u', true]);
  });
});
