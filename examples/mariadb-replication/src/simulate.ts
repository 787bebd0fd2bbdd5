// A simulated replication topology driven the way the charm's leader will drive it: one check
// per hook (observe, decide, act), the record committed only when the check succeeded, and
// replication moving between hooks. Used by the scenario catalogue and, later, the demo.
import { SimulatedReplicationBackend } from './backend/simulated.js';
import { SimulatedFleet } from './backend/simulated-fleet.js';
import type { ReplicationBackend, ReplicationCredentials } from './backend/types.js';
import { DEFAULT_FAILOVER_CONFIG } from './failover/config.js';
import type { FailoverConfig } from './failover/decide.js';
import { executeSteps } from './failover/execute.js';
import { messageOf, observe } from './failover/observation.js';
import { type ReconcileResult, reconcile } from './failover/reconcile.js';
import { EMPTY_RECORD, type TopologyRecord } from './failover/record.js';
import { planSwitchover } from './failover/switchover.js';

/** The outcome of one leader check: the decision taken, or the error that failed the hook. */
export type CheckOutcome =
  | { readonly ok: true; readonly result: ReconcileResult }
  | { readonly ok: false; readonly error: string };

/** A fleet of `units` simulated servers and the leader's committed record. */
export class SimulatedReplication {
  readonly fleet: SimulatedFleet;
  readonly backend: SimulatedReplicationBackend;
  /** The record as last committed by a successful check. */
  record: TopologyRecord = EMPTY_RECORD;

  constructor(
    readonly units: readonly string[],
    readonly config: FailoverConfig = DEFAULT_FAILOVER_CONFIG,
    readonly credentials: ReplicationCredentials = { user: 'repl', password: 'simulated-pw' },
  ) {
    this.fleet = new SimulatedFleet(units);
    this.backend = new SimulatedReplicationBackend(this.fleet);
  }

  /** Every unit creates the replication user for every peer's address (the peer relation's job). */
  async createUsers(): Promise<void> {
    for (const unit of this.units) {
      if (!this.fleet.reachable(unit)) continue;
      for (const peer of this.units) {
        if (peer === unit) continue;
        await this.backend.createReplicationUser(
          unit,
          this.fleet.server(peer).host,
          this.credentials,
        );
      }
    }
  }

  /**
   * One leader hook: reconcile through `backend` (a test may pass one that dies mid-way, and
   * `killed` to say it did); commit the record only on success; then let replication move.
   */
  async check(
    backend: ReplicationBackend = this.backend,
    killed: () => boolean = () => false,
  ): Promise<CheckOutcome> {
    let outcome: CheckOutcome;
    try {
      const result = await reconcile(backend, this.record, this.config, {
        credentials: this.credentials,
        applyTimeoutMs: 1_000,
      });
      // A process killed mid-hook never reaches the commit, whatever its handlers caught.
      if (killed()) throw new Error('hook killed');
      this.record = result.decision.record;
      outcome = { ok: true, result };
    } catch (error) {
      outcome = { ok: false, error: messageOf(error) };
    }
    this.fleet.tick();
    return outcome;
  }

  /**
   * The future `switchover` action on the leader: plan, run, commit on success. A refused plan
   * is an error outcome with the reason (what `action-fail` will say).
   */
  async switchover(
    target?: string,
    backend: ReplicationBackend = this.backend,
    killed: () => boolean = () => false,
  ): Promise<CheckOutcome> {
    let outcome: CheckOutcome;
    try {
      const observation = await observe(backend, this.record);
      const plan = planSwitchover(this.record, observation, this.config, target);
      if (!plan.ok) throw new Error(plan.reason);
      const failures = await executeSteps(backend, plan.decision.steps, {
        credentials: this.credentials,
        applyTimeoutMs: 1_000,
      });
      if (killed()) throw new Error('hook killed');
      this.record = plan.decision.record;
      outcome = { ok: true, result: { decision: plan.decision, failures, observation } };
    } catch (error) {
      outcome = { ok: false, error: messageOf(error) };
    }
    this.fleet.tick();
    return outcome;
  }

  /** Check until a check changes nothing (no steps) or `limit` checks ran; returns the last. */
  async settle(limit = 20): Promise<CheckOutcome> {
    let last: CheckOutcome = { ok: false, error: 'no check ran' };
    for (let i = 0; i < limit; i++) {
      last = await this.check();
      if (last.ok && last.result.decision.steps.length === 0) return last;
    }
    return last;
  }
}
