// The database side of the failover-under-load test: the mariadb-replication CHARM on a
// simulated Juju model, its hooks driving real MariaDB (test/examples/mariadb-replication's
// harness) and its leader publishing the cluster view into a real ZooKeeper
// (`discovery-zookeeper`). Model time advances a minute at a time, as fast as the hooks run;
// update-status fires every `update-status-hook-interval` of model time (default 5m, as Juju's
// DefaultUpdateStatusHookInterval in environs/config/config.go).
import {
  committedTopology,
  deploySimulated,
  type ReplicationDeployment,
} from '../../../examples/mariadb-replication/src/deploy.js';
import type { TopologyRecord } from '../../../examples/mariadb-replication/src/failover/record.js';
import type { ReplicationFleet } from '../mariadb-replication/harness.js';
import { realBackendFor } from '../mariadb-replication/real-backend.js';

export interface CharmLeaderOptions {
  readonly fleet: ReplicationFleet;
  /** `discovery-zookeeper`. */
  readonly zookeeperUrl: string;
  /** The application name: the ServerSet's cluster name and the units' prefix. */
  readonly app: string;
  readonly config?: Readonly<Record<string, string | number>>;
}

/** A committed change of source: when (wall, performance.now()) and at which model time. */
export interface SourceChange {
  readonly at: number;
  readonly modelNow: number;
  readonly source: string | undefined;
}

export class CharmLeader {
  readonly changes: SourceChange[] = [];
  private loop: Promise<void> | undefined;
  private stopping = false;

  private constructor(readonly deployment: ReplicationDeployment) {}

  /** Deploy three units with real MariaDB under them (not settled). */
  static async deploy(options: CharmLeaderOptions): Promise<CharmLeader> {
    const { fleet } = options;
    const deployment = await deploySimulated({
      units: fleet.servers.length,
      seed: 1,
      app: options.app,
      backendFor: realBackendFor(fleet, 1_000),
      config: { 'discovery-zookeeper': options.zookeeperUrl, ...options.config },
      charm: {
        applyTimeoutMs: 10_000,
        // The servers listen on their own loopback address and port, not the model's.
        clientEndpoint: (unit) => {
          const s = fleet.server(unit);
          return { address: s.address, port: s.port };
        },
      },
    });
    return new CharmLeader(deployment);
  }

  get model() {
    return this.deployment.model;
  }

  record(): TopologyRecord {
    return committedTopology(this.deployment.model, this.deployment.app);
  }

  /** Units in error now (a failed hook). */
  unitsInError(): string[] {
    return this.model.units(this.deployment.app).filter((u) => this.model.unit(u).inError);
  }

  /** Advance model time a minute at a time until stop(), recording each change of source. */
  start(onError: (error: unknown) => void): void {
    this.stopping = false;
    let source = this.record().source;
    this.loop = (async () => {
      while (!this.stopping) {
        await this.model.advance({ minutes: 1 }).catch(onError);
        const now = this.record().source;
        if (now !== source) {
          this.changes.push({ at: performance.now(), modelNow: this.model.now, source: now });
          source = now;
        }
        await new Promise((r) => setTimeout(r, 10)); // let the application's I/O run
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  async close(): Promise<void> {
    await this.stop();
    await this.model.close();
  }
}
