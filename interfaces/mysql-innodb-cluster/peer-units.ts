// The views of one peer a handler gets: ClusterPeerUnit (its current data, read from the
// relation when first asked for in a hook) and ClusterPeerSummary (what this unit last read of
// it, kept between hooks: no hook-tool call).
import { RelatedUnit } from 'juju-reactive';
import type { PeerDataProblem } from './schema.js';

/** How to reach one peer's cluster user: all three fields present and valid. */
export interface ClusterConnectionInfo {
  /** `cluster-address`: where the peer's instance listens. */
  readonly address: string;
  /** `cluster-user`: the MySQL account to connect as. */
  readonly user: string;
  /** The account's password (from relation data or the peer's password secret). */
  readonly password: string;
}

/** What one peer published, validated. A field that is missing or invalid is undefined. */
export interface PeerClusterData {
  /** `cluster-address`: an IPv4/IPv6 address (no brackets) or a DNS hostname. */
  readonly address?: string;
  /** `cluster-user`: a MySQL account name. */
  readonly user?: string;
  /** From `cluster-password`, or resolved from the secret in `cluster-password-secret`. */
  readonly password?: string;
  /** Where the password came from. */
  readonly passwordFrom?: 'relation' | 'secret';
  /** `unit-configure-ready` is `true`. */
  readonly configureReady: boolean;
  /** `unit-clustered` is `true`. */
  readonly clustered: boolean;
  /** Keys that were published but rejected, with why (never the value). */
  readonly problems: readonly PeerDataProblem[];
}

/**
 * A peer of this unit with its current cluster data, typed and validated: read from the
 * relation (and its password secret) the first time it is asked for in a hook.
 */
export class ClusterPeerUnit extends RelatedUnit {
  constructor(
    unit: RelatedUnit,
    private readonly read: (unit: RelatedUnit) => PeerClusterData,
  ) {
    super(unit.relation, unit.unitName);
  }

  /** Everything the peer published for the cluster, as it is now (read once per hook). */
  get clusterData(): PeerClusterData {
    return this.read(this);
  }

  /** Address, user and password, when the peer published all three and they are valid. */
  get connectionInfo(): ClusterConnectionInfo | undefined {
    const { address, user, password } = this.clusterData;
    return address !== undefined && user !== undefined && password !== undefined
      ? { address, user, password }
      : undefined;
  }

  /** The peer said it is ready to be configured into the cluster. */
  get configureReady(): boolean {
    return this.clusterData.configureReady;
  }

  /** The peer said it is a member of the cluster. */
  get clustered(): boolean {
    return this.clusterData.clustered;
  }

  /** True when the peer published a valid address, user and password. */
  isReady(): this is ReadyClusterPeerUnit {
    return this.connectionInfo !== undefined;
  }
}

/** A peer whose connection info is complete and valid. */
export type ReadyClusterPeerUnit = ClusterPeerUnit & {
  /** Always present on a ready peer. */
  readonly connectionInfo: ClusterConnectionInfo;
};

/**
 * A joined peer as this unit last read it: kept in the unit state between hooks, refreshed by
 * the peer's own -joined/-changed hooks (and whenever its current data is read). Never the
 * password. It may be older than the peer's settings: a -changed hook for the peer is then
 * queued on this unit, and will refresh it. Good for flags, status and deciding whether there
 * is work; read the peer (`ClusterPeerUnit`) before acting on it.
 */
export interface ClusterPeerSummary {
  /** The peer, e.g. `mysql/1`. */
  readonly unitName: string;
  /** Its relation, e.g. `cluster:0`. */
  readonly relationId: string;
  /** `cluster-address`, when valid. */
  readonly address?: string;
  /** `cluster-user`, when valid. */
  readonly user?: string;
  /** It published a valid address, user and password. */
  readonly ready: boolean;
  /** Where its password comes from, when it has a valid one. */
  readonly passwordFrom?: 'relation' | 'secret';
  /** It published `unit-configure-ready: true`. */
  readonly configureReady: boolean;
  /** It published `unit-clustered: true`. */
  readonly clustered: boolean;
  /** Keys it published that were rejected, with why (never the value). */
  readonly problems: readonly PeerDataProblem[];
  /** Read from the relation in this hook (as current as `ClusterPeerUnit`), not only kept. */
  readonly readThisHook: boolean;
}

/**
 * Counts over the joined peers' summaries (see {@link ClusterPeerSummary} for how fresh they
 * are), kept between hooks: reading them decodes no summary and calls no hook tool.
 */
export interface ClusterPeerCounts {
  /** Joined peers (each has a summary). */
  readonly peers: number;
  /** Of them, ready: a valid address, user and password. */
  readonly ready: number;
  /** Of them, `unit-clustered: true`. */
  readonly clustered: number;
  /** Of them, with a valid password published in relation data rather than in a secret. */
  readonly plaintextPasswords: number;
  /**
   * Changes whenever any summary changes (a digest of all of them, with the peers' names):
   * equal digests mean the same summaries, for a handler that skips work it did for them.
   */
  readonly digest: string;
  /**
   * Changes whenever the peers' valid addresses change (a digest of them, each counted as
   * often as it is published): for a handler that works per peer's address.
   */
  readonly addresses: string;
  /**
   * Changes whenever the addresses of the ready peers change (a digest of them, each counted
   * as often as it is published): for a handler that works per ready peer's address.
   */
  readonly readyAddresses: string;
  /** The same over the ready peers that published `unit-configure-ready: true`. */
  readonly configureReadyAddresses: string;
}

/**
 * How the summaries moved in this hook so far. The summaries now are those the hook started
 * with, less the departed ones, with `refreshed` in place of theirs: a handler that recorded
 * `peerCounts.digest` when it last looked at every summary, and finds that digest equal to
 * `digestAtStart`, has only `refreshed` left to look at.
 */
export interface ClusterPeerChanges {
  /**
   * `peerCounts.digest` as this hook found it, before any summary moved; undefined when no
   * counts were kept (or they were counted again from scratch before being read).
   */
  readonly digestAtStart: string | undefined;
  /** The summaries read from the relation in this hook so far, in the order read. */
  readonly refreshed: readonly ClusterPeerSummary[];
}
