// Running the model on its virtual clock: which unit's agent acts next, what a failed hook
// means (Juju's retry backoff), periodic update-status, and what `settle()` and `advance()` do.
// Which hook a unit runs is the resolver's business (resolver.ts); running it is the runner's.
import { type ActionResult, ActionRun } from './action-run.js';
import type { VirtualClock } from './clock.js';
import { enqueue } from './hook-queue.js';
import type { HookRunner } from './hook-runner.js';
import type { SettleOptions, SettleReport } from './model-options.js';
import { type Random, randomIndex } from './random.js';
import type { Resolver } from './resolver.js';
import type { TimelineEntry, TraceRecorder } from './trace.js';
import type { QueuedAction, QueuedHook, UnitRecord, World } from './world.js';

/**
 * Juju's hook retry backoff: 5 s, doubled after each failure, at most 5 min, forever while
 * automatically-retry-hooks is on (apiserver/facades/agent/retrystrategy/retrystrategy.go:
 * MinRetryTime 5 s, MaxRetryTime 5 min, RetryTimeFactor 2). Juju adds jitter; the model does
 * not, so runs replay exactly. `failures` counts the failed attempts so far (1 after the first).
 */
export function retryDelayMs(failures: number): number {
  const exponent = Math.max(0, Math.min(failures - 1, 10));
  return Math.min(5_000 * 2 ** exponent, 300_000);
}

/** What the scheduler needs from the model. */
export interface SchedulerOptions {
  readonly world: World;
  readonly clock: VirtualClock;
  readonly resolver: Resolver;
  readonly runner: HookRunner;
  readonly recorder: TraceRecorder;
  /** Units in the order they were added (round-robin order). */
  readonly unitOrder: readonly UnitRecord[];
  /** The `random` order's generator; undefined for round-robin. */
  readonly random: Random | undefined;
  /** How many automatic retries of one failed hook `settle()` waits for. */
  readonly maxRetries: number;
  /** update-status-hook-interval in ms. */
  readonly updateStatusMs: number;
  /** Where the outcome of each action run is left for `model.runAction`. */
  readonly actionResults: WeakMap<QueuedAction, ActionResult>;
}

/** Runs hooks on the virtual clock. One per Model. */
export class Scheduler {
  private lastPicked = -1;
  private actionCount = 0;

  constructor(private readonly o: SchedulerOptions) {
    this.scheduleUpdateStatus();
  }

  /**
   * update-status: every unit that has started runs it once per interval, after everything
   * else it owes (worker/uniter/resolver.go nextOp: "UpdateStatus hook runs if nothing else
   * needs to"; the interval is model config update-status-hook-interval, default 5m).
   */
  private scheduleUpdateStatus(): void {
    this.o.clock.after(
      this.o.updateStatusMs,
      'update-status',
      () => {
        for (const unit of this.o.unitOrder) {
          if (unit.life === 'alive' && unit.started) enqueue(unit, { hook: 'update-status' });
        }
        this.scheduleUpdateStatus();
      },
      true,
    );
  }

  /** Run one hook: of `unit` if given (a failed hook is retried now), else of the one picked. */
  async step(unit?: UnitRecord): Promise<TimelineEntry | undefined> {
    if (unit !== undefined) {
      if (unit.life === 'removed') return undefined;
      if (unit.failed !== undefined && !unit.retryDue) this.retryNow(unit);
      const item = this.o.resolver.next(unit);
      if (this.o.resolver.nextAction(unit, item) !== undefined) return this.runAction(unit);
      return item === undefined ? undefined : this.run(unit, item);
    }
    const picked = this.pick();
    if (picked === undefined) return undefined;
    if (picked.item === undefined) return this.runAction(picked.unit);
    return this.run(picked.unit, picked.item);
  }

  /**
   * The actions slot: run the unit's first queued action. It never puts the unit in error, and
   * a failed hook stays failed (its retry timer runs on): worker/uniter/actions/resolver.go
   * "We can still run actions if the unit is in a hook error state".
   */
  private async runAction(unit: UnitRecord): Promise<TimelineEntry> {
    const action = unit.actions.shift();
    if (action === undefined) throw new Error(`${unit.name} has no action queued`);
    const run = new ActionRun(action, `${++this.actionCount}`);
    const { entry, result } = await this.o.runner.runAction(unit, run);

    this.o.actionResults.set(action, result);
    return entry;
  }

  /**
   * Run `action` (queued on `unit`) and whatever the resolver puts before it (relation-created,
   * leadership hooks); other units wait. A hook in error is not retried for it: the action
   * runs past it. Returns the action's outcome.
   */
  async runQueuedAction(
    unit: UnitRecord,
    action: QueuedAction,
    onHook?: (entry: TimelineEntry) => void,
  ): Promise<ActionResult> {
    for (;;) {
      const done = this.o.actionResults.get(action);
      if (done !== undefined) return done;
      if (unit.life === 'removed')
        throw new Error(`${unit.name} was removed before running ${action.name}`);
      const item = this.o.resolver.next(unit);
      let entry: TimelineEntry;
      if (this.o.resolver.nextAction(unit, item) !== undefined) {
        entry = await this.runAction(unit);
      } else if (item === undefined) {
        throw new Error(`${unit.name} cannot run ${action.name} now`);
      } else {
        entry = await this.run(unit, item);
      }
      onHook?.(entry);
    }
  }

  /** Make a failed hook runnable now (`juju resolve`, or a test stepping the unit). */
  retryNow(unit: UnitRecord): void {
    this.o.clock.cancel(unit.retryTimer);
    unit.retryTimer = undefined;
    unit.retryDue = true;
  }

  /** Skip the failed hook, committing what Juju commits for a skipped hook. */
  skipFailed(unit: UnitRecord, commit: (item: QueuedHook) => void): void {
    const item = unit.failed;
    if (item === undefined) return;
    this.o.clock.cancel(unit.retryTimer);
    unit.retryTimer = undefined;
    unit.failed = undefined;
    unit.error = undefined;
    unit.retryDue = false;
    removeItem(unit, item);
    commit(item);
  }

  private async run(unit: UnitRecord, item: QueuedHook): Promise<TimelineEntry> {
    const entry = await this.o.runner.run(unit, item);
    if (entry.ok) {
      if (unit.failed === item) {
        unit.failed = undefined;
        unit.error = undefined;
        unit.retryDue = false;
      }
      removeItem(unit, item);
      return entry;
    }
    // worker/uniter/resolver.go nextOpHookError: the unit waits in error for a retry (timer)
    // or `juju resolved`; no other hook runs meanwhile.
    item.failures++;
    unit.failed = item;
    unit.retryDue = false;
    unit.error = {
      hook: item.hook,
      message: entry.error ?? 'hook failed',
      attempts: item.failures,
    };
    unit.retryTimer = this.o.clock.after(retryDelayMs(item.failures), `retry ${unit.name}`, () => {
      unit.retryTimer = undefined;
      if (unit.failed === item) unit.retryDue = true;
    });
    return entry;
  }

  /** The next unit to act and its hook (seeded random or round-robin), or undefined. */
  private pick(): { unit: UnitRecord; item: QueuedHook | undefined } | undefined {
    const { unitOrder: order, resolver, random } = this.o;
    if (random !== undefined) {
      const candidates = order.filter((u) => resolver.hasWork(u));
      while (candidates.length > 0) {
        const i = randomIndex(random, candidates.length);
        const unit = candidates[i] as UnitRecord;
        const item = resolver.next(unit);
        if (item !== undefined || resolver.nextAction(unit, item)) return { unit, item };
        candidates.splice(i, 1);
      }
      return undefined;
    }
    const n = order.length;
    for (let k = 1; k <= n; k++) {
      const i = (this.lastPicked + k) % n;
      const unit = order[i];
      if (unit === undefined || !resolver.hasWork(unit)) continue;
      const item = resolver.next(unit);
      if (item !== undefined || resolver.nextAction(unit, item)) {
        this.lastPicked = i;
        return { unit, item };
      }
    }
    return undefined;
  }

  /**
   * Run hooks until nothing is due now; then move the clock to the next one-shot timer that
   * settles something (a leader lease running out, the retry of a failed hook that has not used
   * up `maxRetries`) and go on. Never moves the clock just for periodic timers (update-status):
   * those fire only when time passes, by `advance()` or on the way to a one-shot timer.
   */
  async settle(options: SettleOptions = {}): Promise<SettleReport> {
    const maxHooks = options.maxHooks ?? 100_000;
    let hooksRun = 0;
    let hooksFailed = 0;
    while (hooksRun < maxHooks) {
      const entry = await this.step();
      if (entry !== undefined) {
        hooksRun++;
        if (!entry.ok) hooksFailed++;
        options.onHook?.(entry);
        continue;
      }
      const target = this.nextSettlingTimer();
      if (target === undefined) break;
      while (this.o.clock.fireNext(target)) {
        // fire every timer due up to the target, periodic ones included
      }
    }
    return this.report(hooksRun, hooksFailed);
  }

  /** Move the clock by `ms`, running every hook that becomes due on the way. */
  async advance(ms: number, options: SettleOptions = {}): Promise<SettleReport> {
    const until = this.o.clock.now + ms;
    const maxHooks = options.maxHooks ?? 100_000;
    let hooksRun = 0;
    let hooksFailed = 0;
    for (;;) {
      while (hooksRun < maxHooks) {
        const entry = await this.step();
        if (entry === undefined) break;
        hooksRun++;
        if (!entry.ok) hooksFailed++;
        options.onHook?.(entry);
      }
      if (hooksRun >= maxHooks || !this.o.clock.fireNext(until)) break;
    }
    if (hooksRun < maxHooks) this.o.clock.now = until;
    return this.report(hooksRun, hooksFailed);
  }

  /** The time of the first one-shot timer settle() waits for, or undefined. */
  private nextSettlingTimer(): number | undefined {
    const { world, maxRetries } = this.o;
    const waitFor = (label: string): boolean => {
      if (label.startsWith('lease ')) return true;
      if (!label.startsWith('retry ')) return false;
      const unit = world.units.get(label.slice(6));
      return unit?.failed !== undefined && unit.failed.failures <= maxRetries;
    };
    const timer = this.o.clock.find((t) => !t.periodic && waitFor(t.label));
    return timer?.at;
  }

  private report(hooksRun: number, hooksFailed: number): SettleReport {
    const errorUnits: string[] = [];
    const busyUnits: string[] = [];
    for (const unit of this.o.unitOrder) {
      if (unit.life === 'removed') continue;
      if (unit.error !== undefined) errorUnits.push(unit.name);
      else if (this.o.resolver.next(unit) !== undefined) busyUnits.push(unit.name);
    }
    return {
      settled: errorUnits.length === 0 && busyUnits.length === 0,
      hooksRun,
      hooksFailed,
      busyUnits,
      errorUnits,
    };
  }
}

function removeItem(unit: UnitRecord, item: QueuedHook): void {
  unit.queue.remove(item);
}
