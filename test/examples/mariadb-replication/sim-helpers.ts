// Helpers for the simulated scenario catalogue: a topology set up and settled, a backend that
// dies after N operations (a hook killed mid-way), and the invariants every scenario ends with.
import { expect } from 'vitest';
import type { ReplicationBackend } from '../../../examples/mariadb-replication/src/backend/types.js';
import { DEFAULT_FAILOVER_CONFIG } from '../../../examples/mariadb-replication/src/failover/config.js';
import type { FailoverConfig } from '../../../examples/mariadb-replication/src/failover/decide.js';
import {
  type CheckOutcome,
  SimulatedReplication,
} from '../../../examples/mariadb-replication/src/simulate.js';

/** Unit names mysql/0..n-1. */
export function unitNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `mysql/${i}`);
}

/** A topology of `n` units, users created, initial setup done and settled. */
export async function settledTopology(
  n: number,
  config: FailoverConfig = DEFAULT_FAILOVER_CONFIG,
): Promise<SimulatedReplication> {
  const sim = new SimulatedReplication(unitNames(n), config);
  await sim.createUsers();
  expectOk(await sim.settle());
  expectConverged(sim);
  return sim;
}

/** Fail the test with the check's error when it failed. */
export function expectOk(
  outcome: CheckOutcome | undefined,
): asserts outcome is Extract<CheckOutcome, { ok: true }> {
  if (!outcome) throw new Error('no check ran');
  if (!outcome.ok) throw new Error(`check failed: ${outcome.error}`);
}

const MUTATIONS = new Set([
  'configureAsSource',
  'configureAsReplica',
  'fence',
  'restartReplication',
  'rebuildFrom',
  'waitRelayLogApplied',
  'waitCaughtUp',
]);

/** A hook process that dies after `n` changes to the servers, however many backends it uses. */
export interface KillSwitch {
  /** `backend` with its changes counted against this switch. */
  wrap(backend: ReplicationBackend): ReplicationBackend;
  /** Whether a change was refused (the process is dead). */
  dead(): boolean;
}

/**
 * The (n+1)th change to the servers, and every later one, throws before it acts, as after a
 * SIGKILL between two statements.
 */
export function killSwitch(n: number): KillSwitch {
  let left = n;
  let dead = false;
  return {
    dead: () => dead,
    wrap: (backend) =>
      new Proxy(backend, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver);
          if (typeof value !== 'function') return value;
          if (!MUTATIONS.has(String(property))) return value.bind(target);
          return (...args: unknown[]) => {
            if (dead || left-- <= 0) {
              dead = true;
              throw new Error(`hook killed before ${String(property)}`);
            }
            return value.apply(target, args);
          };
        },
      }),
  };
}

/**
 * The backend of a hook that is killed after `n` operations that change servers have run.
 * Pass both to `sim.check(backend, killed)`.
 */
export function killedAfter(
  backend: ReplicationBackend,
  n: number,
): [ReplicationBackend, () => boolean] {
  const kill = killSwitch(n);
  return [kill.wrap(backend), kill.dead];
}

/** Write `count` rows through the source and replicate them; returns the keys. */
export function writeRows(sim: SimulatedReplication, prefix: string, count: number): string[] {
  const source = sim.record.source;
  if (!source) throw new Error('no source');
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const key = `${prefix}-${i}`;
    const w = sim.fleet.write(source, key, `v-${i}`);
    if (!w.ok) throw new Error(`write refused: ${w.reason}`);
    keys.push(key);
  }
  return keys;
}

/** What the invariants look at: the servers, the committed record and the units. */
export type Topology = Pick<SimulatedReplication, 'fleet' | 'record' | 'units'>;

/** Servers that take writes right now, among the reachable. */
export function writable(sim: Topology): string[] {
  return sim.units.filter((u) => sim.fleet.reachable(u) && !sim.fleet.server(u).readOnly);
}

/**
 * After every scenario: exactly one writable server, the recorded source, with no replication
 * configured; every other reachable server read-only, replicating from it with both threads
 * running, holding the same GTID position and the same rows.
 */
export function expectConverged(sim: Topology): void {
  sim.fleet.tick();
  const source = sim.record.source;
  if (!source) throw new Error('no source recorded');
  expect(writable(sim)).toEqual([source]);
  const s = sim.fleet.server(source);
  expect(s.replica).toBeUndefined();
  for (const unit of sim.units) {
    if (unit === source || !sim.fleet.reachable(unit)) continue;
    const r = sim.fleet.server(unit);
    expect(r.readOnly, unit).toBe(true);
    expect(r.replica?.source, unit).toBe(source);
    expect([r.replica?.io, r.replica?.sql, r.replica?.ioError, r.replica?.sqlError], unit).toEqual([
      'running',
      'running',
      undefined,
      undefined,
    ]);
    if (r.lagSeconds === undefined && !r.diskFull) {
      expect(r.slavePos?.seq, `${unit} GTID position`).toBe(lastSeqOf(sim, source));
      expect(new Map(r.data), unit).toEqual(new Map(s.data));
    }
  }
}

function lastSeqOf(sim: Topology, unit: string): number | undefined {
  const s = sim.fleet.server(unit);
  return s.binlog.at(-1)?.seq ?? s.slavePos?.seq;
}

/** Run checks until the recorded source changes, at most `limit`; returns the checks run. */
export async function checksUntilFailover(
  sim: SimulatedReplication,
  limit = 10,
): Promise<CheckOutcome[]> {
  const before = sim.record.source;
  const outcomes: CheckOutcome[] = [];
  for (let i = 0; i < limit && sim.record.source === before; i++) outcomes.push(await sim.check());
  return outcomes;
}
