// Withdrawing the ServerSet from where the leader mirrored it before, when the operator empties
// `discovery-zookeeper` or points it elsewhere: otherwise clients watching the old place keep
// routing to the last members written there (possibly a demoted primary) forever. Where the
// leader mirrored is kept in leader settings, so a new leader withdraws what an old one wrote;
// no password is kept there (the URL is stored without its credentials, see withdrawalUrl).
import { type HookRuntime, leaderGet, leaderSet } from 'juju-reactive';
import {
  MASTER_GROUP,
  readServerSet,
  SLAVES_GROUP,
  serverSetPath,
} from '../../../src/discovery/serverset.js';
import { type ClusterMember, isServing } from '../../../src/discovery/view.js';
import { ZkError, type ZkOp, type ZkSession } from '../../../src/discovery/zk-session.js';
import {
  describeZkUrl,
  parseZkUrl,
  type ZkUrl,
  ZkUrlError,
} from '../../../src/discovery/zk-url.js';
import { type SessionBounds, withZkSession } from './zookeeper.js';

/** Leader setting: where the leader last mirrored the ServerSet (a {@link MirrorLocation}, JSON). */
export const MIRRORED_AT_KEY = 'cluster-view.zookeeper-at';
/** Leader setting: locations still to withdraw from (a JSON array of {@link MirrorLocation}). */
export const WITHDRAW_KEY = 'cluster-view.zookeeper-withdraw';
/** At most this many old locations are remembered; an older one is dropped with an error. */
export const MAX_PENDING_WITHDRAWALS = 8;

/** Where a ServerSet was mirrored, and which members: never a password. */
export interface MirrorLocation {
  /** The ensemble, `host:port` entries. */
  readonly servers: readonly string[];
  /** The cluster's group path, `<path>/discover/<cluster>`. */
  readonly path: string;
  /** The digest user of the URL, when it had credentials (the password is not kept). */
  readonly user?: string;
  /** The members written there, `host:port` (only those nodes are withdrawn). */
  readonly endpoints: readonly string[];
}

const sameLocation = (a: MirrorLocation, b: Omit<MirrorLocation, 'endpoints'>): boolean =>
  a.path === b.path && a.servers.join(',') === b.servers.join(',');

/** A location as operators read it in logs: `zk://host:port/path` (no credentials). */
export const describeLocation = (l: MirrorLocation): string =>
  describeZkUrl({ servers: l.servers, path: l.path });

function parseLocation(value: unknown): MirrorLocation | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { servers, path, user, endpoints } = value as Record<string, unknown>;
  const strings = (x: unknown): x is string[] =>
    Array.isArray(x) && x.length <= 256 && x.every((s) => typeof s === 'string');
  if (!strings(servers) || !strings(endpoints) || typeof path !== 'string') return undefined;
  if (user !== undefined && typeof user !== 'string') return undefined;
  return { servers, path, endpoints, ...(user === undefined ? {} : { user }) };
}

/** JSON text from a leader setting; unreadable or oversized values are treated as absent. */
function parseJson(text: string | undefined): unknown {
  if (text === undefined || text === '' || text.length > 65_536) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A leader setting holding JSON; unreadable values are treated as absent. */
function readJson(rt: HookRuntime, key: string): unknown {
  return parseJson(leaderGet(rt, key));
}

/**
 * Every location the leader recorded, from the texts of {@link MIRRORED_AT_KEY} and
 * {@link WITHDRAW_KEY}: where it mirrors now, then those still pending withdrawal.
 */
export function parseLocations(
  mirroredAt: string | undefined,
  pending: string | undefined,
): MirrorLocation[] {
  const at = parseLocation(parseJson(mirroredAt));
  const stored = parseJson(pending);
  const rest = (Array.isArray(stored) ? stored : []).flatMap((l) => parseLocation(l) ?? []);
  return [...(at === undefined ? [] : [at]), ...rest.slice(0, MAX_PENDING_WITHDRAWALS)];
}

/** The location a `discovery-zookeeper` URL and cluster name mirror to, without credentials. */
function locationOf(
  url: ZkUrl,
  cluster: string,
  members: readonly ClusterMember[],
): MirrorLocation {
  return {
    servers: url.servers,
    path: serverSetPath(url.path, cluster),
    ...(url.credentials === undefined ? {} : { user: url.credentials.user }),
    endpoints: members.filter(isServing).map((m) => `${m.address}:${m.port}`),
  };
}

/**
 * Remember (leader settings) that the leader mirrored `members` to `url`: publish.ts calls it
 * after a successful mirror. Written only when it changed (each write wakes the other units).
 */
export function recordMirror(
  rt: HookRuntime,
  url: ZkUrl,
  cluster: string,
  members: readonly ClusterMember[],
): void {
  const text = JSON.stringify(locationOf(url, cluster, members));
  if (leaderGet(rt, MIRRORED_AT_KEY) !== text) leaderSet(rt, { [MIRRORED_AT_KEY]: text });
}

/**
 * Remove from the group at `location` the member nodes this mirror wrote: canonical
 * ServiceInstance data (what mirrorServerSet writes) for one of the recorded endpoints. Nodes
 * someone else wrote stay. Idempotent; a race with another writer is retried up to 3 times.
 */
export async function withdrawFrom(
  session: ZkSession,
  location: MirrorLocation,
): Promise<string[]> {
  const ours = new Set(location.endpoints);
  for (let attempt = 1; ; attempt++) {
    const nodes = await readServerSet(session, location.path);
    const mine = nodes.filter(
      (n) =>
        (n.group === MASTER_GROUP || n.group === SLAVES_GROUP) &&
        n.canonical &&
        n.endpoint !== undefined &&
        ours.has(`${n.endpoint.host}:${n.endpoint.port}`),
    );
    const ops: ZkOp[] = mine.map((n) => ({
      op: 'remove',
      path: `${location.path}/${n.group}/${n.id}`,
    }));
    try {
      if (ops.length > 0) await session.multi(ops);
      return mine.map((n) => `${n.group}/${n.id}`);
    } catch (error) {
      const race = error instanceof ZkError && error.kind === 'no-node';
      if (!race || attempt >= 3) throw error;
    }
  }
}

/**
 * The URL to withdraw from `location` with. The password is never stored, so credentials come
 * from the current `discovery-zookeeper` URL when it names the same user; otherwise the
 * session is unauthenticated, and an old ensemble whose ACLs demand that user refuses the
 * removal (logged on every leader hook until the operator restores the URL or removes the
 * nodes by hand).
 */
export function withdrawalUrl(location: MirrorLocation, current: ZkUrl | undefined): ZkUrl {
  const credentials =
    current?.credentials !== undefined && current.credentials.user === location.user
      ? current.credentials
      : undefined;
  return {
    servers: location.servers,
    path: location.path,
    ...(credentials === undefined ? {} : { credentials }),
  };
}

/** Options of {@link withdrawStaleMirrors}. */
export interface WithdrawOptions extends SessionBounds {
  /** The `discovery-zookeeper` config now ('' or undefined: off). */
  readonly zookeeperUrl: string | undefined;
  /** The ServerSet's cluster name, as given to publishClusterView. */
  readonly cluster: string;
}

/**
 * Leader only: when the configured URL (or the cluster name) no longer names where the leader
 * mirrored, withdraw the members it wrote there. Runs before the mirror to the new place, in
 * every hook that publishes. A ZooKeeper that cannot be reached is logged as an error and kept
 * for a later leader hook (each attempt bounded by the mirror's timeouts, and no further
 * attempt in a hook after one fails, so a hook waits at most one deadline here); never a
 * failed hook.
 * An invalid URL withdraws nothing (a typo does not take the members away; publish.ts logs it).
 */
export async function withdrawStaleMirrors(
  rt: HookRuntime,
  options: WithdrawOptions,
): Promise<void> {
  if (!rt.isLeader()) return;
  let current: ZkUrl | undefined;
  let target: MirrorLocation | undefined;
  if ((options.zookeeperUrl ?? '') !== '') {
    try {
      current = parseZkUrl(options.zookeeperUrl ?? '');
      target = locationOf(current, options.cluster, []);
    } catch (error) {
      if (error instanceof ZkUrlError) return;
      throw error;
    }
  }
  const stored = readJson(rt, WITHDRAW_KEY);
  const pending = (Array.isArray(stored) ? stored : []).flatMap((l) => parseLocation(l) ?? []);
  const before = JSON.stringify(pending);
  const at = parseLocation(readJson(rt, MIRRORED_AT_KEY));
  if (at !== undefined && (target === undefined || !sameLocation(at, target))) {
    // Already pending there (moved away, back, and away again): one entry, both endpoint sets.
    const i = pending.findIndex((l) => sameLocation(l, at));
    const earlier = i < 0 ? [] : (pending.splice(i, 1)[0]?.endpoints ?? []);
    pending.push({ ...at, endpoints: [...new Set([...earlier, ...at.endpoints])] });
    leaderSet(rt, { [MIRRORED_AT_KEY]: '' });
  }
  const left: MirrorLocation[] = [];
  const unreachable: MirrorLocation[] = [];
  let failed = false;
  for (const location of pending) {
    // Pointed back at a place still pending: the mirror there rewrites it, nothing to withdraw.
    if (target !== undefined && sameLocation(location, target)) continue;
    // One unreachable ZooKeeper per hook is enough waiting: the rest wait for a later hook.
    if (failed) {
      left.push(location);
      continue;
    }
    try {
      const removed = await withZkSession(withdrawalUrl(location, current), options, (session) =>
        withdrawFrom(session, location),
      );
      rt.log.info(
        `discovery-zookeeper: withdrew the cluster view from ${describeLocation(location)}` +
          (removed.length > 0 ? `: removed ${removed.join(', ')}` : ' (nothing left there)'),
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      rt.log.error(
        `discovery-zookeeper: cannot withdraw the cluster view from ${describeLocation(location)}: ` +
          `${reason}; clients reading it still see the old members until a later hook succeeds`,
      );
      unreachable.push(location);
      failed = true;
    }
  }
  // The one that failed goes last: an ensemble that stays down does not starve the others.
  left.push(...unreachable);
  while (left.length > MAX_PENDING_WITHDRAWALS) {
    const dropped = left.shift();
    if (dropped !== undefined)
      rt.log.error(
        `discovery-zookeeper: giving up withdrawing from ${describeLocation(dropped)} (more than ${MAX_PENDING_WITHDRAWALS} old locations); remove its member nodes by hand`,
      );
  }
  const after = JSON.stringify(left);
  if (after !== before) leaderSet(rt, { [WITHDRAW_KEY]: left.length === 0 ? '' : after });
}
