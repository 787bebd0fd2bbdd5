// Leadership: who holds an application's lease, and the hooks a change of leader causes.
//
// Juju grants the lease to one unit; a leader that goes away stops renewing it, and only when
// the lease runs out (its 1-minute duration: up to 60 s later) does another unit claim it; which
// one is a race Juju does not order, so the model's seeded generator picks. The new leader runs
// leader-elected; every other unit runs leader-settings-changed (worker/uniter/leadership/
// resolver.go: a non-leader runs it when the leader-settings version it has seen is stale; a
// change of leader bumps it). The model's generator makes the lease timing and the choice
// replay exactly for a given seed.
import type { VirtualClock } from './clock.js';
import { enqueue } from './hook-queue.js';
import { type Random, randomIndex } from './random.js';
import type { TraceRecorder } from './trace.js';
import type { AppRecord, UnitRecord } from './world.js';

/** The longest a removed leader's lease can still run: Juju's lease duration. */
export const LEASE_MS = 60_000;

/** Grants and moves leases. One per Model. */
export class Leadership {
  constructor(
    private readonly clock: VirtualClock,
    private readonly recorder: TraceRecorder,
    private readonly random: Random,
  ) {}

  /** A new unit: the first unit of an application (no lease held, none running out) claims it. */
  claimIfFree(unit: UnitRecord): boolean {
    const app = unit.app;
    if (app.leader !== undefined || app.leaseTimer !== undefined) return false;
    app.leader = unit.name;
    return true;
  }

  /**
   * The leader is going away: it resigns (is-leader is false for it from now on), and its lease
   * runs out up to {@link LEASE_MS} later; then a surviving unit, chosen by the seeded
   * generator, is elected.
   */
  resign(unit: UnitRecord): void {
    const app = unit.app;
    if (app.leader !== unit.name) return;
    app.leader = undefined;
    // The lease was renewed at some point in its last half-minute: it runs out 30-60 s from now.
    const remaining = LEASE_MS / 2 + Math.floor(this.random() * (LEASE_MS / 2 / 1000 + 1)) * 1000;
    app.leaseTimer = this.clock.after(remaining, `lease ${app.name}`, () => {
      app.leaseTimer = undefined;
      const alive = app.aliveUnits;
      if (alive.length === 0 || app.leader !== undefined) return;
      const next = alive[randomIndex(this.random, alive.length)] as UnitRecord;
      this.elect(app, next, `elected after ${unit.name}'s lease expired`);
    });
  }

  /** Make `unit` the leader now: leader-elected for it, leader-settings-changed for the rest. */
  elect(app: AppRecord, unit: UnitRecord, why: string): void {
    this.clock.cancel(app.leaseTimer);
    app.leaseTimer = undefined;
    app.leader = unit.name;
    this.recorder.model('leader', `${unit.name} ${why}`, unit.name);
    enqueue(unit, { hook: 'leader-elected' });
    for (const other of app.aliveUnits) {
      if (other !== unit) enqueue(other, { hook: 'leader-settings-changed' });
    }
  }
}
