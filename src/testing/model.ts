// Model: the public facade of a simulated Juju model of many units running real charm code,
// hook by hook, with Juju's ordering and commit rules, on a virtual clock. Each unit has its own
// state store, owed hooks and view of its relations; whatever a hook writes becomes visible to
// others only if the hook succeeded. The facade only checks it is idle and delegates:
// wiring: model-parts.ts; deploying, scaling, config, upgrades: deploy.ts; removing units and
// relations: removal.ts; relating and relation data: relation-ops.ts; fired, resolved and
// replayed hooks: hook-ops.ts; actions: action-queue.ts; seeded secrets: secret-seed.ts. How hooks are ordered: resolver.ts;
// time, retries and settle: scheduler.ts, clock.ts; leases: leadership.ts; running one hook:
// hook-runner.ts; committing it: commit.ts. The model never uses Math.random or wall-clock time.
import type { RelationData } from '../juju/hook-tools.js';
import { compareUnitNames } from '../juju/ordering.js';
import { queueAction } from './action-queue.js';
import type { ActionResult } from './action-run.js';
import { type Duration, durationMs } from './clock.js';
import { addUnitTo, changeConfig, deployApp, upgradeApp } from './deploy.js';
import { checkUnitCount } from './deploy-rules.js';
import { armFault } from './faults.js';
import { fireHook, replayHooks, resolveUnit } from './hook-ops.js';
import type {
  DeployOptions,
  FailureMatch,
  HookOrder,
  ModelOptions,
  SecretInfo,
  SecretSeed,
  SettleOptions,
  SettleReport,
  UpgradeCharmOptions,
} from './model-options.js';
import { assembleModel, bindParts, type ModelParts } from './model-parts.js';
import { renderModelTimeline } from './model-render.js';
import { optional } from './optional.js';
import { bindEndpoint, relate, writeRelationData } from './relation-ops.js';
import { removeRelation, removeUnit } from './removal.js';
import { seedSecret } from './secret-seed.js';
import { SecretLifecycle } from './secrets.js';
import { StorageModel } from './storage.js';
import type { RenderOptions, TimelineEntry, TraceEvent } from './trace.js';
import { UnitView } from './unit-view.js';
import type { UnitRecord } from './world.js';

export { MAX_BOUNDED_MODEL_UNITS, MAX_MODEL_UNITS } from './deploy-rules.js';

export type { HookOrder } from './model-options.js';

/**
 * A simulated Juju model.
 *
 * @example
 * const model = new Model({ seed: 7 });
 * await model.deploy('echo', { charmDir: 'charms/peer-echo', units: 3 });
 * const report = await model.settle();
 * expect(report.settled).toBe(true);
 * expect(model.unit('echo/2').flags).toContain('echo.member');
 */
export class Model {
  /** The model name the hooks see (JUJU_MODEL_NAME). */
  readonly name: string;
  /** How the model picks the next unit to run a hook. */
  readonly order: HookOrder;
  /** The seed of the `random` order, as given; undefined when none was given. */
  readonly seed: number | undefined;
  private readonly parts: ModelParts;
  private readonly secretLifecycle: SecretLifecycle;
  private busy = false;

  constructor(options: ModelOptions = {}) {
    this.parts = assembleModel(options);
    bindParts(this, this.parts);
    this.name = this.parts.name;
    this.order = this.parts.order;
    this.seed = options.seed;
    const { world, clock, recorder } = this.parts;
    this.secretLifecycle = SecretLifecycle.attach(world, clock, recorder);
    StorageModel.attach(world, recorder);
  }

  // ---------------------------------------------------------------- changing the model

  /**
   * Deploy an application with `units` units. Hooks are queued, not run: call settle().
   * Returns the new unit names.
   */
  async deploy(name: string, options: DeployOptions): Promise<string[]> {
    this.assertIdle('deploy');
    return deployApp(this.parts, name, options);
  }

  /** Add a unit: it runs install … start, then joins its peers (and they it). */
  addUnit(app: string): string {
    this.assertIdle('addUnit');
    checkUnitCount(app, 1, this.parts.world.units.size, this.parts.recorder.limit !== undefined);
    const name = addUnitTo(this.parts, this.parts.world.app(app));
    this.parts.recorder.model('add-unit', name, name);
    return name;
  }

  /**
   * Remove a unit: every unit that joined it runs `-relation-departed` for it; the unit runs
   * `-relation-departed` for each unit it joined (and `-broken` for non-peer relations), then
   * `stop` (if it started) and `remove`; hooks it still owed for install, config, upgrade and
   * update-status are dropped. A leader that leaves resigns; its lease runs out 30-60 s later
   * on the virtual clock (`settle()` waits for it), a seeded choice of the units left is elected
   * and every other unit gets `leader-settings-changed` (see leadership.ts).
   */
  removeUnit(name: string): void {
    this.assertIdle('removeUnit');
    removeUnit(this.parts, this.parts.world.unit(name));
  }

  /**
   * Make `unit` the leader at once: it gets `leader-elected`, every other unit of the
   * application `leader-settings-changed` (worker/uniter/leadership/resolver.go).
   */
  setLeader(name: string): void {
    this.assertIdle('setLeader');
    const unit = this.alive(name);
    const old = unit.app.leader;
    if (old === name) return;
    this.parts.leadership.elect(unit.app, unit, `elected${old ? ` (was ${old})` : ''}`);
  }

  /**
   * Change config (`null` resets an option to its default). Every unit gets `config-changed`
   * if any value really changed.
   */
  setConfig(appName: string, values: Readonly<Record<string, unknown>>): void {
    this.assertIdle('setConfig');
    changeConfig(this.parts, appName, values);
  }

  /**
   * Owe a unit a hook that Juju schedules by itself (update-status, collect-metrics,
   * upgrade-charm, …), as if its moment had come; the resolver runs it in its slot. Relation,
   * secret and storage hooks need their context: use relate(), setRelationData() and the like.
   * @example model.fireHook('app/0', 'update-status'); await model.settle();
   */
  fireHook(unitName: string, hook: string): void {
    this.assertIdle('fireHook');
    fireHook(this.parts, this.alive(unitName), hook);
  }

  /**
   * Upgrade an application's charm (`juju refresh`): every unit runs `upgrade-charm`, then
   * `config-changed` right after it (worker/uniter/operation/runhook.go Commit queues it).
   * Config values of options the new charm still has are kept; `config` sets values on top.
   * The new charm must declare the same endpoints (changing them is not modelled). Units run as
   * processes get the new charm bundled and their charm dirs relinked; their state stays.
   */
  async upgradeCharm(appName: string, options: UpgradeCharmOptions): Promise<void> {
    this.assertIdle('upgradeCharm');
    await upgradeApp(this.parts, appName, options);
  }

  /**
   * Set the address `network-get <endpoint>` reports for a unit; the unit gets `config-changed`,
   * whose commit rewrites the addresses Juju keeps in the unit's relation bags (scope.ts).
   */
  setBinding(unitName: string, endpoint: string, address: string): void {
    this.assertIdle('setBinding');
    bindEndpoint(this.parts, this.alive(unitName), endpoint, address);
  }

  /**
   * Relate two applications' endpoints (`app:endpoint`, or `app` when one endpoint fits).
   * Every unit on both sides gets `-relation-created`, then a joined+changed pair per remote unit.
   * Returns the relation id as the first application sees it.
   */
  relate(a: string, b: string): string {
    this.assertIdle('relate');
    return relate(this.parts, a, b);
  }

  /** Remove a non-peer relation: `-departed` for every joined unit, then `-broken` on each unit. */
  removeRelation(relationId: string): void {
    this.assertIdle('removeRelation');
    removeRelation(this.parts, this.parts.world.relation(relationId), relationId);
  }

  /**
   * Arm a failure on a unit's next matching hook: the hook fails, commits nothing, the unit is
   * in error and the hook is retried (up to `maxRetries`). With `action`, the next run of that
   * action crashes instead: it fails (`exit status 1`), commits nothing, the unit stays out of error.
   * @example model.failNextHook('app/1', { hook: 'cluster-relation-changed', handler: 'listMembers' });
   */
  failNextHook(unitName: string, match: FailureMatch = {}): void {
    const what = armFault(this.parts.world.unit(unitName), match);
    this.parts.recorder.model('fail-next-hook', `${unitName}${what ? ` ${what}` : ''}`, unitName);
  }

  /**
   * Like `juju resolved`: run the failing hook again now (and give `settle()` a fresh
   * `maxRetries` budget), or with `retry: false` skip it. A skipped hook is committed as Juju
   * commits it (worker/uniter/operation/skip.go): relation membership for a skipped joined or
   * departed, installed/started for install/start, the config-changed that follows a skipped
   * upgrade-charm; nothing the hook would have written.
   */
  resolve(unitName: string, options: { readonly retry?: boolean } = {}): void {
    this.assertIdle('resolve');
    resolveUnit(this.parts, this.parts.world.unit(unitName), options.retry !== false);
  }

  /**
   * Queue again, in order and with the same context, every hook `unitName` has run
   * successfully so far (for idempotency tests: a charm whose handlers are idempotent
   * changes nothing when its hooks are replayed). Returns how many hooks were queued.
   */
  replayHooks(unitName: string): number {
    this.assertIdle('replayHooks');
    return replayHooks(this.parts, this.alive(unitName));
  }

  /** Store a secret as if its owner had created it. Returns its id (`secret:…`). */
  seedSecret(seed: SecretSeed): string {
    return seedSecret(this.parts, seed);
  }

  /**
   * Fire `secret-rotate` on a secret's owner now, as if its rotation time had come (the leader
   * for an application secret). Rotation policies (`secret-add --rotate hourly`) also fire it on
   * the virtual clock (`advance`). See docs/testing.md, Secrets.
   */
  rotateSecret(id: string): void {
    this.assertIdle('rotateSecret');
    this.secretLifecycle.rotateNow(id);
  }

  /**
   * Fire `secret-expired` on a secret's owner now for `revision` (default: the latest), as if
   * its `--expire` time had come.
   */
  expireSecret(id: string, revision?: number): void {
    this.assertIdle('expireSecret');
    this.secretLifecycle.expireNow(id, revision);
  }

  /** The revision of a secret `unit` observes (what `secret-get` returns it), or undefined. */
  trackedSecretRevision(unit: string, id: string): number | undefined {
    return this.secretLifecycle.trackedRevision(this.parts.world.unit(unit).name, id);
  }

  /**
   * Commit relation data as if `unitOrApp` had written it (an application name writes the
   * application bag): other units get `-relation-changed`. '' or null deletes a key. For
   * hostile-input tests: the values are not checked.
   */
  setRelationData(
    unitOrApp: string,
    endpointOrRelationId: string,
    bag: Readonly<Record<string, string | null>>,
  ): void {
    this.assertIdle('setRelationData');
    writeRelationData(this.parts, unitOrApp, endpointOrRelationId, bag);
  }

  // ---------------------------------------------------------------- running hooks

  /**
   * Run hooks until nothing is due before the next timer. On the way it waits (moving the
   * virtual clock) for one-shot timers that settle the model: a removed leader's lease running
   * out, and the automatic retries of a failed hook, up to `maxRetries` of them. It never waits
   * for periodic hooks (update-status): those run only when time passes, by `advance()` or while
   * waiting for a one-shot timer. Units left in error are reported.
   */
  async settle(options: SettleOptions = {}): Promise<SettleReport> {
    return this.whileBusy('settle', () => this.parts.scheduler.settle(options));
  }

  /**
   * Move the virtual clock forward, running every hook that becomes due on the way: failed
   * hooks retried on Juju's backoff (5 s doubling to 5 min, for ever), update-status every
   * update-status-hook-interval, leader leases running out.
   * @example await model.advance({ minutes: 5 }); // every started unit ran update-status
   */
  async advance(duration: Duration, options: SettleOptions = {}): Promise<SettleReport> {
    const ms = durationMs(duration);
    return this.whileBusy('advance', () => this.parts.scheduler.advance(ms, options));
  }

  /**
   * Run an action on a unit (`juju run app/0 backup target=x`) and wait for its outcome. It is
   * queued as Juju queues it: the unit runs it between hooks, before anything but
   * relation-created and leadership hooks, and even while a hook of the unit is in error
   * (worker/uniter/resolver.go NextOp consults the actions resolver before the hook-error wait;
   * worker/uniter/actions/resolver.go). Only this unit acts meanwhile. The charm runs it through
   * its dispatch under `actions/<name>` with these params; what it wrote commits if it exits 0.
   * An action the charm does not declare fails as Juju refuses it (`action "x" not defined on
   * unit "app/0"`), without running anything.
   * @example
   * const result = await model.runAction('db/0', 'backup', { target: '/srv' });
   * expect(result).toMatchObject({ status: 'completed', results: { path: '/srv/backup.tgz' } });
   */
  async runAction(
    unitName: string,
    action: string,
    params: Readonly<Record<string, unknown>> = {},
    options: Pick<SettleOptions, 'onHook'> = {},
  ): Promise<ActionResult> {
    const unit = this.parts.world.unit(unitName);
    return this.whileBusy('runAction', () =>
      queueAction(this.parts, unit, action, params, options.onHook),
    );
  }

  /** Virtual time since the model was created, in milliseconds. */
  get now(): number {
    return this.parts.clock.now;
  }

  /**
   * Run one hook: of `unitName` if given (a unit in error retries its failed hook at once),
   * else of the unit the order picks. Returns its timeline entry, or undefined when nothing is
   * runnable now.
   */
  async step(unitName?: string): Promise<TimelineEntry | undefined> {
    const unit = unitName === undefined ? undefined : this.parts.world.unit(unitName);
    return this.whileBusy('step', () => this.parts.scheduler.step(unit));
  }

  // ---------------------------------------------------------------- queries

  /** A live view of one unit, for assertions. */
  unit(name: string): UnitView {
    return new UnitView(this.parts.world, this.parts.world.unit(name));
  }

  /** Unit names (of one application, or all), in unit-number order; removed units excluded. */
  units(app?: string): string[] {
    const records = app === undefined ? this.parts.unitOrder : this.parts.world.app(app).units;
    return records
      .filter((u) => u.life !== 'removed')
      .map((u) => u.name)
      .sort(compareUnitNames);
  }

  /** Application names, in deploy order. */
  applications(): string[] {
    return [...this.parts.world.apps.keys()];
  }

  /** The name of an application's leader unit, or undefined while it has none. */
  leader(app: string): string | undefined {
    return this.parts.world.app(app).leader;
  }

  /** An application's committed leader settings (what `leader-get` returns). */
  leaderSettings(app: string): RelationData {
    return { ...this.parts.world.app(app).leaderSettings };
  }

  /** An application's current config: the defaults with the values set on top. */
  config(app: string): Record<string, unknown> {
    return { ...this.parts.world.app(app).config };
  }

  /** The relation ids an application has on an endpoint, as its units see them. */
  relationIds(app: string, endpoint: string): string[] {
    return this.parts.world
      .relationsOf(app)
      .filter((r) => r.sideOf(app)?.endpoint === endpoint)
      .map((r) => r.idFor(app));
  }

  /** A committed bag: a unit's, or (for an application name) the application's. */
  relationData(relationId: string, unitOrApp: string): RelationData {
    const relation = this.parts.world.relation(relationId);
    if (relation === undefined) throw new Error(`no relation ${relationId} in the model`);
    const bags = unitOrApp.includes('/') ? relation.unitBags : relation.appBags;
    return { ...(bags.get(unitOrApp) ?? {}) };
  }

  /** The secrets in the model (ids, owners, labels, revisions; never content). */
  secrets(): SecretInfo[] {
    return [...this.parts.world.secrets.values()]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((s) => ({
        id: s.id,
        owner: s.ownerUnit ?? s.ownerApp,
        ...optional('label', s.label),
        revision: s.revision,
      }));
  }

  /** Every event so far, in order. Redacted; safe to print or snapshot. */
  get trace(): readonly TraceEvent[] {
    return this.parts.recorder.events;
  }

  /** The hooks a unit ran (every attempt), in order. */
  timeline(unit: string): readonly TimelineEntry[] {
    return this.parts.recorder.timeline(unit);
  }

  /** Per-unit timelines as text (the CLI's output). */
  renderTimeline(options: RenderOptions = {}): string {
    return renderModelTimeline(this.parts, options);
  }

  /** Stop the process-mode agent socket and remove the model's temp dirs. */
  async close(): Promise<void> {
    await this.parts.hosts.close();
  }

  // ---------------------------------------------------------------- helpers

  private alive(name: string): UnitRecord {
    const unit = this.parts.world.unit(name);
    if (unit.life !== 'alive') throw new Error(`${name} is ${unit.life}`);
    return unit;
  }

  private async whileBusy<T>(what: string, run: () => Promise<T>): Promise<T> {
    this.assertIdle(what);
    this.busy = true;
    try {
      return await run();
    } finally {
      this.busy = false;
    }
  }

  private assertIdle(what: string): void {
    if (this.busy) {
      throw new Error(
        `model.${what}() called while a hook is running: await settle() or step() first`,
      );
    }
  }
}
