// Helpers for the charm's scenarios on a simulated model: a deployment whose servers are the
// simulated fleet, a kill switch that stops a hook's database work after n changes (a hook
// process killed between two statements), the committed record, and the invariants.
import type { HookRuntime } from 'juju-reactive';
import { expect } from 'vitest';
import { SimulatedReplicationBackend } from '../../../examples/mariadb-replication/src/backend/simulated.js';
import { SimulatedFleet } from '../../../examples/mariadb-replication/src/backend/simulated-fleet.js';
import { simulatedUnitBackends } from '../../../examples/mariadb-replication/src/backend/simulated-units.js';
import type { ReplicationBackend } from '../../../examples/mariadb-replication/src/backend/types.js';
import {
  committedTopology,
  type DeployOptions,
  deploySimulated,
  type ReplicationDeployment,
} from '../../../examples/mariadb-replication/src/deploy.js';
import type { TopologyRecord } from '../../../examples/mariadb-replication/src/failover/record.js';
import { expectConverged, type KillSwitch, killSwitch } from './sim-helpers.js';

/** A deployment plus a kill switch for the next hook of one unit. */
export interface CharmScene extends ReplicationDeployment {
  /**
   * The next hook of `unit` that touches the databases (with at least `minServers` servers in
   * view) dies after `n` changes to them.
   */
  armKill(unit: string, n: number, minServers?: number): void;
  /** The record the leader committed. */
  record(): TopologyRecord;
  /** Whether the last armed kill struck (a change was refused). */
  killStruck(): boolean;
}

/** Deploy `units` units of the charm on the simulated fleet (not settled). */
export async function deployScene(
  options: Omit<DeployOptions, 'backendFor'> & { units: number },
): Promise<CharmScene> {
  const fleet = new SimulatedFleet([]);
  const backend = new SimulatedReplicationBackend(fleet);
  const plain = simulatedUnitBackends(fleet, backend);
  let armed: { unit: string; n: number; minServers: number } | undefined;
  let last: KillSwitch | undefined;
  // Every backend one hook builds shares that hook's switch.
  const switches = new WeakMap<HookRuntime, KillSwitch>();
  const backendFor = (
    rt: HookRuntime,
    servers: Parameters<typeof plain>[1],
  ): ReplicationBackend => {
    const base = plain(rt, servers);
    if (armed?.unit === rt.unitName && servers.length >= armed.minServers && !switches.has(rt)) {
      switches.set(rt, killSwitch(armed.n));
      armed = undefined;
    }
    const kill = switches.get(rt);
    if (kill === undefined) return base;
    last = kill;
    return kill.wrap(base);
  };
  const deployment = await deploySimulated({ ...options, backendFor });
  return {
    ...deployment,
    fleet,
    backend,
    armKill: (unit, n, minServers = 0) => {
      armed = { unit, n, minServers };
    },
    record: () => committedTopology(deployment.model, deployment.app),
    killStruck: () => last?.dead() === true,
  };
}

/** The invariants after a scenario, on the charm's committed record. */
export function expectCharmConverged(scene: CharmScene): void {
  expectConverged({
    fleet: scene.fleet,
    record: scene.record(),
    units: scene.model.units(scene.app),
  });
  const leader = scene.model.leader(scene.app) ?? '';
  for (const unit of scene.model.units(scene.app)) {
    expect(scene.model.unit(unit).inError, `${unit} in error`).toBe(false);
    if (unit !== leader) expect(scene.model.unit(unit).status.status, unit).toBe('active');
  }
}

/** Write `count` rows through the recorded source and let them replicate; returns the keys. */
export function writeThroughSource(scene: CharmScene, prefix: string, count: number): string[] {
  const source = scene.record().source ?? '';
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const key = `${prefix}-${i}`;
    const written = scene.fleet.write(source, key, `v-${i}`);
    if (!written.ok) throw new Error(`write refused: ${written.reason}`);
    keys.push(key);
  }
  scene.fleet.tick();
  return keys;
}

/** Advance the model a minute at a time until the committed source changes; model ms taken. */
export async function advanceUntilNewSource(
  scene: CharmScene,
  limitMinutes = 120,
): Promise<number> {
  const before = scene.record().source;
  const start = scene.model.now;
  for (let i = 0; i < limitMinutes && scene.record().source === before; i++) {
    await scene.model.advance({ minutes: 1 });
  }
  expect(scene.record().source, 'a new source within the limit').not.toBe(before);
  return scene.model.now - start;
}

/** Every server (reachable) holds each key of `keys`. */
export function expectRowsEverywhere(scene: CharmScene, keys: readonly string[]): void {
  for (const unit of scene.model.units(scene.app)) {
    if (!scene.fleet.reachable(unit)) continue;
    const data = scene.fleet.server(unit).data;
    expect(
      keys.filter((k) => !data.has(k)),
      `${unit} lost acknowledged writes`,
    ).toEqual([]);
  }
}

/** Servers promoted (configureAsSource) in the backend's log from entry `from` on. */
export function promotedSince(scene: CharmScene, from: number): string[] {
  return [
    ...new Set(
      scene.backend.log
        .slice(from)
        .filter((l) => l.startsWith('promote '))
        .map((l) => l.slice('promote '.length)),
    ),
  ];
}
