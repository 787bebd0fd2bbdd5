import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { clusterStatus } from '../../../examples/mariadb-replication/src/failover/cluster-status.js';
import { parseFailoverConfig } from '../../../examples/mariadb-replication/src/failover/config.js';
import { observe } from '../../../examples/mariadb-replication/src/failover/observation.js';
import { parseTopologyRecord } from '../../../examples/mariadb-replication/src/failover/record.js';
import { checksUntilFailover, settledTopology, writeRows } from './sim-helpers.js';

describe('failover config', () => {
  it('takes the defaults of config.yaml when options are absent, and valid values as given', () => {
    expect(parseFailoverConfig({})).toEqual({
      ok: true,
      config: { failureThreshold: 3, maxLagSeconds: 30 },
    });
    expect(parseFailoverConfig({ 'failure-threshold': 1, 'max-lag-seconds': 0 })).toEqual({
      ok: true,
      config: { failureThreshold: 1, maxLagSeconds: 0 },
    });
  });

  it('has the defaults config.yaml declares', () => {
    const declared = parse(readFileSync('examples/mariadb-replication/config.yaml', 'utf8')) as {
      options: Record<string, { default: unknown }>;
    };
    const defaults = Object.fromEntries(
      ['failure-threshold', 'max-lag-seconds'].map((k) => [k, declared.options[k]?.default]),
    );
    expect(parseFailoverConfig({})).toEqual(parseFailoverConfig(defaults));
    expect(defaults).toEqual({ 'failure-threshold': 3, 'max-lag-seconds': 30 });
  });

  it('names every bad option and its range', () => {
    expect(parseFailoverConfig({ 'failure-threshold': 0, 'max-lag-seconds': 'soon' })).toEqual({
      ok: false,
      errors: [
        'failure-threshold must be a whole number from 1 to 100 (got 0)',
        'max-lag-seconds must be a whole number from 0 to 86400 (got a string)',
      ],
    });
    expect(parseFailoverConfig({ 'failure-threshold': 2.5 }).ok).toBe(false);
  });
});

describe("the leader's topology record", () => {
  it('reads back what was committed, and an absent record as the empty one', () => {
    const record = {
      source: 'mysql/1',
      replicas: ['mysql/0'],
      failures: 2,
      lastLag: { 'mysql/0': 4 },
      generation: 3,
    };
    expect(parseTopologyRecord(JSON.parse(JSON.stringify(record)))).toEqual(record);
    expect(parseTopologyRecord(undefined)).toMatchObject({ source: undefined, generation: 0 });
  });

  it('refuses a malformed record, naming where, without echoing values', () => {
    expect(() =>
      parseTopologyRecord({
        source: 'x; DROP',
        replicas: [],
        failures: -1,
        lastLag: {},
        generation: 0,
      }),
    ).toThrow("the leader's topology record is malformed at: source, failures");
  });
});

describe('cluster status', () => {
  it('shows role, read_only, GTID positions, threads and lag per unit, and why a unit is unreachable', async () => {
    const sim = await settledTopology(3);
    writeRows(sim, 's', 2);
    sim.fleet.tick();
    sim.fleet.kill('mysql/0');
    await checksUntilFailover(sim);
    const status = clusterStatus(sim.record, await observe(sim.backend, sim.record));
    expect(status).toMatchObject({ source: 'mysql/1', generation: 2, 'failed-checks': 0 });
    expect(status.units['mysql/0']).toEqual({
      role: 'replica',
      reachable: false,
      reason: "Can't connect to '10.0.0.1:3306'",
    });
    expect(status.units['mysql/1']).toMatchObject({
      role: 'source',
      reachable: true,
      'read-only': false,
    });
    expect(status.units['mysql/1']?.['replicating-from']).toBeUndefined();
    expect(status.units['mysql/2']).toMatchObject({
      role: 'replica',
      'read-only': true,
      'replicating-from': 'mysql/1',
      'io-thread': 'running',
      'sql-thread': 'running',
      'lag-seconds': 0,
    });
    expect(status.units['mysql/2']?.['gtid-current-pos']).toBe(
      status.units['mysql/1']?.['gtid-current-pos'],
    );
    expect(JSON.stringify(status)).not.toContain(sim.credentials.password);
  });
});
