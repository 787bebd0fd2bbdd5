// The clusters this control plane runs, by name. Reserving a name is synchronous (no await
// between the existence check and the insert), so of two concurrent creates of one name
// exactly one wins and the other gets 409, as Mysos' scheduler lock gives
// (mysos/scheduler/scheduler.py: create_cluster runs under self._lock).
import { readConfigOptions, readMetadata } from '../juju/metadata.js';
import { Cluster } from './cluster.js';
import { EventHub } from './events.js';
import type { CreateRequest } from './forms.js';
import { generatePassword, PasswordHash } from './password.js';

/** How the registry deploys clusters. */
export interface RegistryOptions {
  /** The charm dir every cluster deploys. */
  readonly charmDir: string;
  /** Pause between hooks, in ms. */
  readonly paceMs: number;
  /** The cluster URL for a name (an HTTP URL of its JSON view, or a ZooKeeper group). */
  readonly urlFor: (name: string) => string;
  /** The most clusters at once (each is a model in this process). */
  readonly maxClusters: number;
  /** Why a valid cluster name still cannot be used here (e.g. as a ZooKeeper node), if so. */
  readonly nameProblem?: (name: string) => string | undefined;
}

/** The outcome of a create: the new cluster and its plain-text password, once. */
export interface Created {
  /** The new cluster. */
  readonly cluster: Cluster;
  /** The password, to return to the caller and nowhere else. */
  readonly password: string;
}

/** Config options that take Mysos' `cluster_user`, in order of preference. */
const USER_OPTIONS = ['cluster-user', 'cluster_user', 'user'];

/** The clusters, and the event hub they publish to. */
export class Registry {
  /** Every cluster's events. */
  readonly hub = new EventHub();
  /** The charm's name: the application name in every cluster's model. */
  readonly charmName: string;
  /** The config option that receives `cluster_user`, if the charm has one. */
  readonly userOption: string | undefined;
  private readonly clusters = new Map<string, Cluster>();

  constructor(private readonly options: RegistryOptions) {
    this.charmName = readMetadata(options.charmDir).name;
    const configOptions = readConfigOptions(options.charmDir);
    this.userOption = USER_OPTIONS.find((o) => configOptions[o]?.type === 'string');
  }

  /** The cluster called `name`, if any. */
  get(name: string): Cluster | undefined {
    return this.clusters.get(name);
  }

  /** Every cluster, by name. */
  list(): Cluster[] {
    return [...this.clusters.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  }

  /** Why `name` cannot name a cluster on this server beyond the form's rules, if so. */
  nameProblem(name: string): string | undefined {
    return this.options.nameProblem?.(name);
  }

  /** True when no more clusters fit. */
  get full(): boolean {
    return this.clusters.size >= this.options.maxClusters;
  }

  /** The most clusters at once. */
  get maxClusters(): number {
    return this.options.maxClusters;
  }

  /**
   * Create a cluster, or return undefined when the name is taken (including by a cluster
   * still being deleted, as in Mysos, where the name stays until the cluster terminated) or no
   * more clusters fit.
   */
  create(name: string, request: CreateRequest): Created | undefined {
    if (this.clusters.has(name) || this.full) return undefined;
    const password = request.password ?? generatePassword();
    const hash = PasswordHash.of(password);
    // Awaited by every delete; this keeps a (never expected) scrypt failure from being unhandled.
    hash.catch(() => undefined);
    const cluster = new Cluster({
      name,
      app: this.charmName,
      charmDir: this.options.charmDir,
      request,
      password: hash,
      userOption: this.userOption,
      hub: this.hub,
      paceMs: this.options.paceMs,
      url: this.options.urlFor(name),
    });
    this.clusters.set(name, cluster);
    void cluster.removed.then(() => {
      if (this.clusters.get(name) === cluster) this.clusters.delete(name);
    });
    cluster.start();
    return { cluster, password };
  }

  /** Stop every cluster's driver and close its model (server shutdown). */
  async close(): Promise<void> {
    const all = this.list();
    this.clusters.clear();
    await Promise.all(all.map((c) => c.stop()));
  }
}
