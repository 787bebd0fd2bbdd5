// The database side of the failover-under-load test, without a charm: the mariadb-replication
// failover engine run as a leader's check loop (observe, decide, execute, as its reconcile()
// does, keeping the observation), and each decided topology published through the shared
// cluster-view publisher into ZooKeeper. When the replication charm exists, a model running
// that charm replaces this class; the application side (app-load.ts) stays as it is.
import type { ReplicationBackend } from '../../../examples/mariadb-replication/src/backend/types.js';
import { clusterStatus } from '../../../examples/mariadb-replication/src/failover/cluster-status.js';
import {
  type Decision,
  decide,
  type FailoverConfig,
} from '../../../examples/mariadb-replication/src/failover/decide.js';
import {
  type ExecuteOptions,
  executeSteps,
} from '../../../examples/mariadb-replication/src/failover/execute.js';
import { observe } from '../../../examples/mariadb-replication/src/failover/observation.js';
import {
  EMPTY_RECORD,
  type TopologyRecord,
} from '../../../examples/mariadb-replication/src/failover/record.js';
import type { TagMap } from '../../../examples/shared/adminapi-tags/index.js';
import {
  buildMembers,
  DEFAULT_WEIGHTS,
  type Endpoints,
  mirrorView,
  replicationMembers,
} from '../../../examples/shared/cluster-view-publish/index.js';
import { encodeMembers } from '../../../interfaces/cluster-view/schema.js';
import type { ClusterMember } from '../../../src/discovery/view.js';

export interface EngineLeaderOptions {
  readonly backend: ReplicationBackend;
  readonly config: FailoverConfig;
  readonly execute: ExecuteOptions;
  readonly endpoints: Endpoints;
  /** `discovery-zookeeper` and the cluster name. */
  readonly zookeeperUrl: string;
  readonly cluster: string;
  /** Instance tags per unit (AdminAPI `_hidden` and friends). */
  readonly tags?: ReadonlyMap<string, TagMap>;
}

/** One check's outcome, with when it finished (performance.now()). */
export interface CheckLog {
  readonly at: number;
  readonly decision: Decision;
  readonly published: readonly ClusterMember[] | undefined;
}

export class EngineLeader {
  record: TopologyRecord = EMPTY_RECORD;
  readonly checks: CheckLog[] = [];
  private lastPublished = '';
  private loop: Promise<void> | undefined;
  private stopping = false;

  constructor(private readonly options: EngineLeaderOptions) {}

  /** One leader check: the record is kept only when every critical step succeeded. */
  async check(): Promise<CheckLog> {
    const { backend, config, execute } = this.options;
    const observation = await observe(backend, this.record);
    const decision = decide(this.record, observation, config);
    await executeSteps(backend, decision.steps, execute);
    this.record = decision.record;
    const status = clusterStatus(decision.record, observation);
    const { members } = buildMembers(
      replicationMembers(status, this.options.endpoints),
      DEFAULT_WEIGHTS,
      this.options.tags,
    );
    const encoded = encodeMembers(members);
    let published: ClusterMember[] | undefined;
    if (decision.record.source !== undefined && encoded !== this.lastPublished) {
      await mirrorView({
        url: this.options.zookeeperUrl,
        cluster: this.options.cluster,
        members,
      });
      this.lastPublished = encoded;
      published = members;
    }
    const log = { at: performance.now(), decision, published };
    this.checks.push(log);
    return log;
  }

  /** Check every `intervalMs` until stop(); a failed check is logged and the loop goes on. */
  start(intervalMs: number, onError: (error: unknown) => void): void {
    this.stopping = false;
    this.loop = (async () => {
      while (!this.stopping) {
        await this.check().catch(onError);
        await new Promise((r) => setTimeout(r, intervalMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }
}
