// One cluster of the control plane: a simulated model with one application, and the driver
// that runs its hooks in the background, one at a time, between which HTTP requests change it
// (add or remove a unit, delete). Never holds a password in plain text.
import { type ActionResult, Model, type TimelineEntry, type TraceEvent } from '../testing/index.js';
import { Conflict, NotFound } from './errors.js';
import type { ClusterPhase, EventHub } from './events.js';
import type { CreateRequest } from './forms.js';
import type { PasswordHash } from './password.js';
import { redactBag } from './redact.js';

/** What a cluster is built from. */
export interface ClusterOptions {
  /** The cluster name (also the model's name). */
  readonly name: string;
  /** The application name inside the model (the charm's name). */
  readonly app: string;
  /** The charm dir to deploy. */
  readonly charmDir: string;
  /** The validated create request. */
  readonly request: CreateRequest;
  /** The hashed password (a promise: hashing runs after the name is reserved). */
  readonly password: Promise<PasswordHash>;
  /** The config option that takes `cluster_user`, when the charm has one. */
  readonly userOption: string | undefined;
  /** Where events go. */
  readonly hub: EventHub;
  /** Wait this long between hooks, so a person can watch (0: as fast as possible). */
  readonly paceMs: number;
  /** The cluster's `cluster_url`. */
  readonly url: string;
}

// Trace events worth streaming; tool calls are left out (dozens per hook, in the trace API).
const STREAMED = new Set<TraceEvent['kind']>([
  'model',
  'status',
  'flag',
  'log',
  'published',
  'leader-settings',
]);

/** How many minutes of model time a stalled deletion may move the clock on (see idle()). */
const MAX_DELETE_CLOCK_MOVES = 20;

/** A cluster and its background driver. */
export class Cluster {
  private deleteClockMoves = 0;
  private kickAgain = false;
  private finished = false;
  /** The cluster name. */
  readonly name: string;
  /** The application inside the model. */
  readonly app: string;
  /** The model the cluster runs on. */
  readonly model: Model;
  /** What was asked for. */
  readonly request: CreateRequest;
  /** The cluster's `cluster_url`. */
  readonly url: string;
  /** When it was created (ISO time). */
  readonly createdAt = new Date().toISOString();
  private phaseNow: ClusterPhase = 'deploying';
  private errorNow: string | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private looping = false;
  private deployedNow = false;
  private stopped = false;
  private traceSent = 0;
  private hooksRun = 0;
  private removedResolve: () => void = () => {};
  /** Settles when the cluster is gone (its last unit removed and the model closed). */
  readonly removed: Promise<void>;

  constructor(private readonly options: ClusterOptions) {
    this.name = options.name;
    this.app = options.app;
    this.request = options.request;
    this.url = options.url;
    this.model = new Model({ name: options.name });
    this.removed = new Promise((resolve) => {
      this.removedResolve = resolve;
    });
  }

  /** Where the cluster is in its life. */
  get phase(): ClusterPhase {
    return this.phaseNow;
  }

  /** Why the cluster is in the `error` phase (a deploy failure or a unit left in error). */
  get error(): string | undefined {
    return this.errorNow;
  }

  /** True once the application is in the model (false while deploying, or if deploy failed). */
  get deployed(): boolean {
    return this.deployedNow;
  }

  /** The application's unit names (none before it is deployed). */
  unitNames(): string[] {
    return this.deployedNow ? this.model.units(this.app) : [];
  }

  /** How many hooks ran so far. */
  get hookCount(): number {
    return this.hooksRun;
  }

  /** True when `password` is this cluster's. */
  async checkPassword(password: string): Promise<boolean> {
    return (await this.options.password).matches(password);
  }

  /** Deploy the application and start converging. Returns at once. */
  start(): void {
    const { request, userOption } = this.options;
    void this.exclusive(async () => {
      await this.model.deploy(this.app, {
        charmDir: this.options.charmDir,
        units: request.numNodes,
        config: userOption === undefined ? {} : { [userOption]: request.user },
      });
      this.deployedNow = true;
    }).then(
      () => {
        if (this.phaseNow === 'deploying') this.setPhase('converging');
        this.kick();
      },
      (error: unknown) => {
        if (this.phaseNow === 'deleting') void this.finish();
        else this.fail(`deploy failed: ${firstLine(error)}`);
      },
    );
  }

  /** Add a unit; returns its name. Checked when its turn comes, not when asked. */
  addUnit(): Promise<string> {
    return this.change(() => {
      this.assertAlive('add a unit to');
      return this.model.addUnit(this.app);
    });
  }

  /** Remove a unit (it departs its peers, then stops). */
  removeUnit(unit: string): Promise<void> {
    return this.change(() => {
      this.assertAlive('remove a unit from');
      this.assertLiveUnit(unit);
      this.model.removeUnit(unit);
    });
  }

  private assertLiveUnit(unit: string): void {
    if (!this.unitNames().includes(unit)) {
      throw new NotFound(`cluster '${this.name}' has no unit ${unit}`);
    }
    if (this.model.unit(unit).life !== 'alive') {
      throw new Conflict(`${unit} is already leaving cluster '${this.name}'`);
    }
  }

  /**
   * Run an action on a unit between hooks and wait for its outcome, as `juju run` does; what
   * the action wrote commits with it, and the hooks it causes run after it.
   */
  async runAction(
    unit: string,
    action: string,
    params: Readonly<Record<string, unknown>>,
  ): Promise<ActionResult> {
    return await this.change(() => {
      this.assertAlive('run an action in');
      this.assertLiveUnit(unit);
      return this.model.runAction(unit, action, params);
    });
  }

  /** The simulator's models always have a virtual clock: the dashboard shows its control. */
  get canAdvanceClock(): boolean {
    return true;
  }

  /**
   * Advance the model's virtual clock by `seconds`: what falls due runs (update-status on its
   * interval, retries of failed hooks, a leader lease expiring), between the driver's hooks.
   */
  async advanceClock(seconds: number): Promise<void> {
    await this.change(() => this.model.advance({ seconds }));
  }

  /**
   * Delete: every unit departs and is removed, then the cluster is gone. A unit stuck in a
   * failed hook is marked resolved without re-running it, as an operator would unblock a
   * removal with `juju resolved --no-retry` ("Do not re-execute failed hooks on the unit",
   * Juju CLI reference: juju resolved).
   */
  delete(): void {
    if (this.phaseNow === 'deleting') return;
    const deployFailed = this.phaseNow === 'error' && !this.deployedNow;
    this.setPhase('deleting');
    if (deployFailed) {
      void this.exclusive(() => this.finish());
      return;
    }
    void this.exclusive(() => {
      for (const unit of this.unitNames()) {
        if (this.model.unit(unit).life === 'alive') this.model.removeUnit(unit);
      }
    }).then(
      () => this.kick(),
      () => this.kick(),
    );
  }

  /** Stop driving the model and close it (server shutdown); the cluster is left as it is. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.chain;
    await this.model.close();
  }

  /** Run `fn` when no hook is running (hooks and changes never overlap). */
  private exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async change<T>(fn: () => T): Promise<T> {
    const result = await this.exclusive(fn);
    // Only a change that happened reaches here (a refused one threw above).
    this.flush();
    if (this.phaseNow !== 'deleting') this.setPhase('converging');
    this.kick();
    return result;
  }

  /** Start the driver loop unless it runs. */
  private kick(): void {
    if (this.stopped || !this.deployedNow) return;
    if (this.looping) {
      // The loop may be on its way out (it found nothing to run before this change): have it
      // start again once it has stopped, so no change is left undriven.
      this.kickAgain = true;
      return;
    }
    this.looping = true;
    this.kickAgain = false;
    void this.loop()
      .catch((error: unknown) => this.fail(`the driver stopped: ${firstLine(error)}`))
      .finally(() => {
        this.looping = false;
        if (this.kickAgain) this.kick();
      });
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let entry: TimelineEntry | undefined;
      try {
        entry = await this.exclusive(() => this.model.step());
      } catch (error) {
        this.fail(`the model stopped: ${firstLine(error)}`);
        return;
      }
      if (entry !== undefined) this.hooksRun++;
      this.flush(entry);
      if (entry === undefined) {
        if (await this.idle()) return;
        continue;
      }
      await pause(this.options.paceMs);
    }
  }

  // Nothing runnable: decide what that means. Returns true when the loop should stop.
  private async idle(): Promise<boolean> {
    const units = this.unitNames();
    const inError = units.filter((u) => this.model.unit(u).inError);
    if (this.phaseNow === 'deleting') {
      if (inError.length > 0) {
        await this.exclusive(() => {
          for (const unit of inError) this.model.resolve(unit, { retry: false });
        });
        return false;
      }
      if (units.length === 0) {
        await this.finish();
        return true;
      }
      // Units left, none runnable, none in error: what they wait for is on the model's virtual
      // clock (a departed leader's lease running out, a retry timer). Move the clock on, a
      // bounded number of times, rather than leave the deletion hanging.
      if (this.deleteClockMoves < MAX_DELETE_CLOCK_MOVES) {
        this.deleteClockMoves++;
        await this.exclusive(() => this.model.advance({ seconds: 60 }));
        return false;
      }
      this.fail(`deletion stalled: ${units.join(', ')} still present with nothing to run`);
      return true;
    }
    if (inError.length > 0) {
      const first = this.model.unit(inError[0] as string).error;
      this.fail(
        `${inError.join(', ')} in error${first ? ` (${first.hook}: ${first.message})` : ''}`,
      );
    } else {
      this.errorNow = undefined;
      this.setPhase('converged');
    }
    return true;
  }

  private async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.stopped = true;
    await this.model.close();
    this.options.hub.publish({ type: 'removed', cluster: this.name });
    this.removedResolve();
  }

  private flush(entry?: TimelineEntry): void {
    const trace = this.model.trace;
    const hub = this.options.hub;
    for (; this.traceSent < trace.length; this.traceSent++) {
      const event = trace[this.traceSent];
      if (event === undefined || !STREAMED.has(event.kind)) continue;
      hub.publish({ type: 'trace', cluster: this.name, event: redactEvent(event) });
    }
    if (entry !== undefined) hub.publish({ type: 'hook', cluster: this.name, entry });
  }

  private fail(message: string): void {
    this.errorNow = message;
    this.setPhase(this.phaseNow === 'deleting' ? 'deleting' : 'error', true);
  }

  private setPhase(phase: ClusterPhase, force = false): void {
    if (phase === this.phaseNow && !force) return;
    this.phaseNow = phase;
    this.options.hub.publish({
      type: 'phase',
      cluster: this.name,
      phase,
      ...(this.errorNow === undefined ? {} : { error: this.errorNow }),
    });
  }

  private assertAlive(what: string): void {
    if (this.phaseNow === 'deleting') {
      throw new Conflict(`cannot ${what} cluster '${this.name}': it is being deleted`);
    }
    if (this.phaseNow === 'deploying') {
      throw new Conflict(`cannot ${what} cluster '${this.name}': it is still being deployed`);
    }
    if (!this.deployedNow) {
      throw new Conflict(
        `cannot ${what} cluster '${this.name}': its deploy failed (${this.errorNow})`,
      );
    }
  }
}

function redactEvent(event: TraceEvent): TraceEvent {
  if (event.kind === 'published' || event.kind === 'leader-settings') {
    return { ...event, changes: redactBag(event.changes) };
  }
  return event;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? '';
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
}
