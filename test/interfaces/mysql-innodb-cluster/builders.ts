// Builders for the mysql-innodb-cluster interface tests: peer bags encoded as the Python
// interface encodes them, a one-unit world with a peer relation, and a harness around it.
import {
  MySQLInnoDBClusterPeers,
  type MySQLInnoDBClusterPeersOptions,
} from 'juju-reactive/interfaces/mysql-innodb-cluster';
import type { RelationData } from '../../../src/juju/hook-tools.js';
import { Charm, type HookHarness, hookHarness, peerMetadata } from '../../helpers/hook.js';
import { StubHookTools, type StubWorld, stubWorld } from '../../helpers/stub-tools.js';

export const ENDPOINT = 'cluster';
export const REL = 'cluster:0';
export const LOCAL_ADDRESS = '10.0.0.10';

export interface PeerFields {
  address?: unknown;
  user?: unknown;
  password?: unknown;
  passwordSecret?: unknown;
  configureReady?: unknown;
  clustered?: unknown;
}

/** A peer's address by unit number: mysql/1 → 10.0.0.11. */
export const peerAddress = (n: number): string => `10.0.0.${10 + n}`;
/** A peer's password by unit number (long enough for the redactor to register). */
export const peerPassword = (n: number): string => `pw-of-mysql-${n}-Zq8`;

/**
 * A peer bag as a Python (or this) interface publishes it: JSON-encoded values. Fields
 * default to a valid connection for unit `n`; pass `undefined` explicitly to leave one out.
 */
export function peerData(n: number, fields: PeerFields = {}): RelationData {
  const all: PeerFields = {
    address: peerAddress(n),
    user: 'clusteruser',
    password: peerPassword(n),
    ...fields,
  };
  const bag: RelationData = {};
  const put = (key: string, value: unknown): void => {
    if (value !== undefined) bag[key] = JSON.stringify(value);
  };
  put('cluster-address', all.address);
  put('cluster-user', all.user);
  put('cluster-password', all.password);
  put('cluster-password-secret', all.passwordSecret);
  put('unit-configure-ready', all.configureReady);
  put('unit-clustered', all.clustered);
  bag['private-address'] = peerAddress(n);
  bag['ingress-address'] = peerAddress(n);
  return bag;
}

/** Joined peers by unit number: `peers({1: {}, 2: {clustered: true}})`. */
export function peers(spec: Record<number, PeerFields>): Record<string, RelationData> {
  const out: Record<string, RelationData> = {};
  for (const [n, fields] of Object.entries(spec)) out[`mysql/${n}`] = peerData(Number(n), fields);
  return out;
}

/** mysql/0's world with one peer relation `cluster:0` holding these units. */
export function peerWorld(
  units: Record<string, RelationData> = {},
  partial: Partial<StubWorld> = {},
): StubWorld {
  return stubWorld({
    unit: 'mysql/0',
    relations: { [REL]: { endpoint: ENDPOINT, app: 'mysql', units, local: {} } },
    network: { [ENDPOINT]: { ingress: LOCAL_ADDRESS } },
    privateAddress: '172.16.0.10',
    ...partial,
  });
}

/** A charm with the peer endpoint registered (and whatever handlers `setup` adds). */
export function peerCharm(
  options?: MySQLInnoDBClusterPeersOptions,
  setup?: (charm: Charm) => void,
): Charm {
  const charm = new Charm().endpoint(MySQLInnoDBClusterPeers, options);
  setup?.(charm);
  return charm;
}

export interface PeerHarness extends HookHarness {
  /** Flags committed after the last successful hook. */
  flags(): string[];
  /** Run a relation hook of `cluster:0`. */
  relationHook(event: string, remoteUnit?: string): ReturnType<HookHarness['run']>;
  /** Move a joined unit to departed (data still readable) and run its -departed hook. */
  depart(unit: string): ReturnType<HookHarness['run']>;
  /** Replace a peer's bag and run its -changed hook. */
  change(unit: string, bag: RelationData): ReturnType<HookHarness['run']>;
  /** WARNING lines written with juju-log. */
  warnings(): string[];
}

export function peerHarness(charm: Charm, world: StubWorld = peerWorld()): PeerHarness {
  const tools = new StubHookTools(world);
  const h = hookHarness(charm, { tools, metadata: peerMetadata() });
  const rel = (): NonNullable<StubWorld['relations'][string]> => {
    const r = world.relations[REL];
    if (!r) throw new Error(`test world has no relation ${REL}`);
    return r;
  };
  const relationHook = (event: string, remoteUnit?: string) =>
    h.run({
      hookName: `${ENDPOINT}-relation-${event}`,
      relation: { name: ENDPOINT, id: REL },
      ...(remoteUnit ? { remoteUnit, remoteApp: 'mysql' } : {}),
    });
  return {
    ...h,
    flags: () => [...h.store.load().flags],
    relationHook,
    depart: (unit) => {
      const r = rel();
      r.departed = { ...r.departed, [unit]: r.units[unit] ?? {} };
      delete r.units[unit];
      return relationHook('departed', unit);
    },
    change: (unit, bag) => {
      rel().units[unit] = bag;
      return relationHook('changed', unit);
    },
    warnings: () => tools.logs.filter((l) => l.level === 'WARNING').map((l) => l.message),
  };
}

/** Join every unit of the world in order (joined then changed), as Juju delivers them. */
export async function joinAll(h: PeerHarness, world: StubWorld): Promise<void> {
  const r = world.relations[REL];
  for (const unit of Object.keys(r?.units ?? {})) {
    const joined = await h.relationHook('joined', unit);
    if (!joined.ok) throw new Error(joined.error);
    const changed = await h.relationHook('changed', unit);
    if (!changed.ok) throw new Error(changed.error);
  }
}
