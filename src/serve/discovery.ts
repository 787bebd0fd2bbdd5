// `serve --zk`: each cluster's members mirrored into ZooKeeper as a Mysos ServerSet, and its
// `cluster_url` the discovery group, as Mysos answers (mysos/scheduler/scheduler.py:
// `self._discover_zk_url = posixpath.join(zk_url, "discover")`, and create_cluster/delete_cluster
// return `get_cluster_path(self._discover_zk_url, cluster_name)`, which is
// `posixpath.join(zk_root, cluster_name)` in mysos/common/cluster.py). The writing itself is
// src/discovery's (publishServerSet): this module only decides who the members are and when to
// publish. When a cluster is gone its group is emptied and removed, as Mysos' launcher does on
// shutdown (mysos/scheduler/launcher.py `_shutdown` -> ClusterManager.delete_cluster, which
// deletes the cluster path recursively once it has no members).

import { publishServerSet } from '../discovery/publish.js';
import { MASTER_GROUP, SLAVES_GROUP, serverSetPath } from '../discovery/serverset.js';
import type { ClusterMember } from '../discovery/view.js';
import { connectZooKeeper, ZkError } from '../discovery/zk-session.js';
import { describeZkUrl, parseZkUrl, type ZkUrl, ZkUrlError } from '../discovery/zk-url.js';
import type { CharmMetadata } from '../juju/metadata.js';
import type { Cluster } from './cluster.js';
import type { EventHub } from './events.js';
import { reportedPrimary } from './view.js';

/** The port a member is published with when its unit opened no TCP port: MySQL's default. */
export const DEFAULT_MEMBER_PORT = 3306;
/** Wait this long before trying again after ZooKeeper refused or could not be reached. */
export const RETRY_MS = 1000;
/** Give up connecting to ZooKeeper after this long (each attempt). */
const CONNECT_TIMEOUT_MS = 5000;

/** What the server says about a cluster's ServerSet (part of `GET /clusters/<name>`). */
export interface DiscoveryState {
  /** The members last written to ZooKeeper: unit name, group (`master`/`slaves`), endpoint. */
  readonly published: readonly { unit: string; group: string; host: string; port: number }[];
  /** Why the last write failed (it is retried), or null. */
  readonly error: string | null;
}

/**
 * Who a cluster's ServerSet shows, from what the model exposes:
 * - members: the units that are alive (not departing) and either say they serve (workload
 *   status `active`) or whose instance the leader settings record as added to the cluster
 *   ({@link clusteredKey}). The mysql-innodb-cluster example sets `active` only once its
 *   instance is clustered ("Unit is ready and clustered"), but says `waiting` when fewer peers
 *   than its minimum cluster size remain, while its instances still hold the cluster and serve;
 *   the leader settings keep them published then;
 * - the master: the member that publishes `role: primary` on a relation (the cluster-view
 *   convention, as `GET /clusters/<name>` shows `primary`); when no unit says so, the
 *   application leader, if it is a member (in the example the leader creates the cluster, so its
 *   instance is the simulated cluster's first member and primary);
 * - every other member is a slave. Address: the unit's address; port: its first opened TCP
 *   port, else 3306.
 */
export function clusterMembers(cluster: Cluster, metadata: CharmMetadata): ClusterMember[] {
  if (!cluster.deployed) return [];
  const model = cluster.model;
  const settings = model.leaderSettings(cluster.app);
  const serving = cluster.unitNames().filter((name) => {
    const unit = model.unit(name);
    return (
      unit.life === 'alive' &&
      (unit.status.status === 'active' || settings[clusteredKey(unit.address)] === 'true')
    );
  });
  let primary = reportedPrimary(cluster, metadata);
  if (primary === undefined || !serving.includes(primary))
    primary = serving.find((name) => model.unit(name).isLeader);
  return serving.map((name) => {
    const unit = model.unit(name);
    const tcp = unit.ports.map((p) => /^(\d+)\/tcp$/.exec(p)?.[1]).find((p) => p !== undefined);
    const isPrimary = name === primary;
    return {
      name,
      address: unit.address,
      port: tcp === undefined ? DEFAULT_MEMBER_PORT : Number(tcp),
      role: isPrimary ? 'PRIMARY' : 'SECONDARY',
      mode: isPrimary ? 'read_write' : 'read_only',
      weight: 1,
      hidden: false,
      disconnect: false,
    };
  });
}

/**
 * The leader-settings key by which the mysql-innodb-cluster example records that the leader
 * added an instance to the InnoDB cluster (`cluster-instance-clustered-10-0-0-2`: Juju keys
 * hold no dots or colons; examples/mysql-innodb-cluster/src/addresses.ts, instanceKey).
 */
export function clusteredKey(address: string): string {
  return `cluster-instance-clustered-${address.replace(/[.:]/g, '-')}`;
}

/** How the mirror finds clusters and reports trouble. */
export interface ZkDiscoveryOptions {
  /** The `--zk` URL (`zk://[user:password@]host:port[,…]/path`). */
  readonly url: string;
  /** The cluster called `name`, if the server has it. */
  readonly lookup: (name: string) => Cluster | undefined;
  /** The charm's metadata (its endpoints, for `role: primary`). */
  readonly metadata: CharmMetadata;
  /** Cluster events: every hook and phase change triggers a check, `removed` the withdrawal. */
  readonly hub: EventHub;
  /** One line per failure (never a password). */
  readonly warn: (line: string) => void;
}

interface Track {
  /** JSON of the members ZooKeeper holds (as last written), or undefined before the first. */
  published: string | undefined;
  members: ClusterMember[];
  error: string | undefined;
  running: boolean;
  dirty: boolean;
  removed: boolean;
  retry: NodeJS.Timeout | undefined;
  done: Promise<void>;
}

/** The mirror of every cluster of one server into one ZooKeeper. */
export class ZkDiscovery {
  private readonly zk: ZkUrl;
  private readonly tracks = new Map<string, Track>();
  private readonly unsubscribe: () => void;
  private closed = false;

  /** @throws ZkUrlError for a URL that is not a usable `zk://` URL. */
  constructor(private readonly options: ZkDiscoveryOptions) {
    this.zk = parseZkUrl(options.url);
    this.unsubscribe = options.hub.subscribe((event) => {
      if (event.type === 'hook' || event.type === 'phase') this.sync(event.cluster);
      else if (event.type === 'removed') this.sync(event.cluster, true);
    });
  }

  /** The URL without its password, for logs. */
  get description(): string {
    return describeZkUrl(this.zk);
  }

  /** Why `name` cannot be a ServerSet group (a znode name ZooKeeper or Mysos refuses), if so. */
  nameProblem(name: string): string | undefined {
    try {
      serverSetPath(this.zk.path, name);
      return undefined;
    } catch (error) {
      if (error instanceof ZkUrlError)
        return `Invalid cluster name for ZooKeeper: ${error.message}`;
      throw error;
    }
  }

  /**
   * The cluster's `cluster_url`: `zk://<servers><path>/discover/<name>`, Mysos' form. Unlike
   * Mysos the credentials of `--zk` are left out: the URL is shown in every cluster view.
   */
  clusterUrl(name: string): string {
    return `zk://${this.zk.servers.join(',')}${serverSetPath(this.zk.path, name)}`;
  }

  /** What was published for a cluster, and the last error. */
  state(name: string): DiscoveryState {
    const track = this.tracks.get(name);
    return {
      published: (track?.published === undefined ? [] : track.members).map((m) => ({
        unit: m.name,
        group: m.role === 'PRIMARY' ? MASTER_GROUP : SLAVES_GROUP,
        host: m.address,
        port: m.port,
      })),
      error: track?.error ?? null,
    };
  }

  /** Settles when nothing is being written (tests, shutdown). */
  async idle(): Promise<void> {
    for (const track of [...this.tracks.values()]) await track.done;
  }

  /**
   * Stop: withdraw every cluster still published (its simulated model goes with this process)
   * and stop listening.
   */
  async close(): Promise<void> {
    this.unsubscribe();
    for (const name of [...this.tracks.keys()]) this.sync(name, true);
    await this.idle();
    this.closed = true;
    for (const track of this.tracks.values()) clearTimeout(track.retry);
  }

  /** Bring a cluster's group in line with the model, now or after the write in flight. */
  private sync(name: string, removed = false): void {
    if (this.closed) return;
    let track = this.tracks.get(name);
    if (track === undefined) {
      track = {
        published: undefined,
        members: [],
        error: undefined,
        running: false,
        dirty: false,
        removed: false,
        retry: undefined,
        done: Promise.resolve(),
      };
      this.tracks.set(name, track);
    }
    // A cluster created again under the name of a removed one starts a new track's life.
    if (!removed && track.removed) track.removed = false;
    else if (removed) track.removed = true;
    track.dirty = true;
    if (track.running) return;
    track.running = true;
    track.done = this.run(name, track);
  }

  // Every exit clears `running` in the same tick as the last `dirty` check, so a sync that
  // arrives while this finishes is never lost.
  private async run(name: string, track: Track): Promise<void> {
    while (track.dirty && !this.closed) {
      track.dirty = false;
      clearTimeout(track.retry);
      const removed = track.removed;
      try {
        const cluster = removed ? undefined : this.options.lookup(name);
        const members = cluster === undefined ? [] : clusterMembers(cluster, this.options.metadata);
        const key = JSON.stringify(members);
        if (!removed && key === track.published) continue;
        // Nothing was ever written and nothing is to be: no connection at all.
        if (removed && track.published === undefined) {
          this.tracks.delete(name);
          break;
        }
        await publishServerSet({
          url: this.options.url,
          cluster: name,
          members,
          timeoutMs: CONNECT_TIMEOUT_MS,
        });
        if (removed) await this.removeGroup(name);
        track.published = key;
        track.members = members;
        track.error = undefined;
        if (removed && track.removed && !track.dirty) {
          this.tracks.delete(name);
          break;
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // One line per new trouble, not one a second while ZooKeeper stays away.
        if (message !== track.error)
          this.options.warn(
            `zookeeper ${this.description}: cannot publish cluster '${name}': ${message}; retrying every ${RETRY_MS} ms`,
          );
        track.error = message;
        track.retry = setTimeout(() => this.sync(name, track.removed), RETRY_MS);
        track.retry.unref();
        break;
      }
    }
    track.running = false;
  }

  // Mysos deletes the cluster path once it is empty (ClusterManager.delete_cluster). Another
  // writer may have added a node meanwhile: then the group stays, which is theirs to clean.
  private async removeGroup(name: string): Promise<void> {
    const path = serverSetPath(this.zk.path, name);
    const zk = await connectZooKeeper(this.zk, { timeoutMs: CONNECT_TIMEOUT_MS });
    try {
      await zk.multi([
        { op: 'remove', path: `${path}/${MASTER_GROUP}` },
        { op: 'remove', path: `${path}/${SLAVES_GROUP}` },
        { op: 'remove', path },
      ]);
    } catch (error) {
      if (!(error instanceof ZkError) || (error.kind !== 'not-empty' && error.kind !== 'no-node'))
        throw error;
    } finally {
      await zk.close();
    }
  }
}
