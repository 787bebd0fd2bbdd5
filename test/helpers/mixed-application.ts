// One application whose units run different charms: the way a unit-by-unit upgrade (or a
// rollback) looks while Juju moves the units of an application to a new charm one at a time.
//
// The simulator upgrades a whole application at once (model.upgradeCharm); it has no per-unit
// upgrade. This models one as the simulator allows: the application is deployed with a charm
// that forwards to the charm of the unit whose hook runs, and hooks are run one unit at a time
// with model.step(unit), so the forwarding always names the right unit. Upgrading a unit is
// switching its charm and firing `upgrade-charm` on it; the simulator queues `config-changed`
// right after it, as Juju does (worker/uniter/operation/runhook.go, src/testing/commit.ts).
// The unit keeps its relation data, leader settings and unit state across the switch, as a
// unit keeps them across `juju refresh`.
import type { Charm } from 'juju-reactive';
import type { Model } from '../../src/testing/index.js';

/** Which charm a unit runs. */
export type Implementation = 'python' | 'typescript';

export class MixedApplication {
  private readonly running = new Map<string, Implementation>();
  private current: Charm;

  /** The charm to deploy: forwards to the charm of the unit whose hook runs now. */
  readonly charm: Charm;

  constructor(
    readonly model: Model,
    readonly app: string,
    private readonly charms: Readonly<Record<Implementation, Charm>>,
    /** What units run until upgraded. */
    private readonly initial: Implementation = 'python',
  ) {
    this.current = charms[initial];
    this.charm = new Proxy(charms[initial], {
      get: (_target, property) => {
        const target = this.current;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** The charm a unit runs now. */
  implementation(unit: string): Implementation {
    return this.running.get(unit) ?? this.initial;
  }

  /** Units that run `which`. */
  unitsRunning(which: Implementation): string[] {
    return this.model.units(this.app).filter((u) => this.implementation(u) === which);
  }

  /**
   * Run hooks, one unit at a time in unit order, until no unit has any pending. Fails (throws)
   * on a failed hook, naming unit, hook and error, or when `maxHooks` is reached.
   */
  async settle(maxHooks = 5_000): Promise<number> {
    let ran = 0;
    for (;;) {
      const busy = this.model
        .units(this.app)
        .filter((u) => this.model.unit(u).pendingHooks.length > 0);
      if (busy.length === 0) return ran;
      let progressed = false;
      for (const unit of busy) {
        this.current = this.charms[this.implementation(unit)];
        const entry = await this.model.step(unit);
        if (entry === undefined) continue;
        progressed = true;
        ran++;
        if (!entry.ok)
          throw new Error(`${unit} (${this.implementation(unit)}) ${entry.hook}: ${entry.error}`);
        if (ran >= maxHooks) throw new Error(`not settled after ${maxHooks} hooks`);
      }
      if (!progressed) return ran; // only timers left: nothing runnable now
    }
  }

  /** Move one unit to `which` (`juju refresh` reaching that unit), and settle. */
  async switchUnit(unit: string, which: Implementation): Promise<void> {
    this.running.set(unit, which);
    this.model.fireHook(unit, 'upgrade-charm');
    await this.settle();
  }
}
