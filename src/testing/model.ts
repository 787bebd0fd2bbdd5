// Model: the public facade of a simulated Juju model of many units running real charm code,
// hook by hook, with Juju's ordering and commit rules, on a virtual clock. Each unit has its own
// state store, owed hooks and view of its relations; whatever a hook writes becomes visible to
// others only if the hook succeeded. How hooks are ordered: resolver.ts; time, retries and
// settle: scheduler.ts, clock.ts; leases: leadership.ts; running one hook: hook-runner.ts;
// committing it: commit.ts. The model never uses Math.random or wall-clock time.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RelationData } from '../juju/hook-tools.js';
import { configDefaults } from '../juju/metadata.js';
import { compareUnitNames } from '../juju/ordering.js';
import { Redactor } from '../juju/redact.js';
import { FileStateStore } from '../state/file-store.js';
import { MemoryStateStore } from '../state/memory-store.js';
import { type ActionResult, copyParams } from './action-run.js';
import { loadCharm } from './charm-source.js';
import { type Duration, durationMs, VirtualClock } from './clock.js';
import { Committer } from './commit.js';
import {
  APP_NAME_RE,
  checkConfig,
  checkUnitCount,
  defaultAddress,
  FIREABLE_HOOKS,
  pickEndpoints,
  updateStatusInterval,
} from './deploy-rules.js';
import { armFault } from './faults.js';
import { dropPending, enqueue, enqueueJoin, relationHook } from './hook-queue.js';
import { HookRunner } from './hook-runner.js';
import { Leadership } from './leadership.js';
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
import { optional, sortedEntries } from './optional.js';
import type { ProcessHost } from './process/host.js';
import { mulberry32, type Random } from './random.js';
import { Resolver } from './resolver.js';
import { Scheduler } from './scheduler.js';
import { enterScope } from './scope.js';
import { SecretLifecycle } from './secrets.js';
import {
  type RenderOptions,
  renderTimelines,
  type TimelineEntry,
  type TraceEvent,
  TraceRecorder,
} from './trace.js';
import { resolveRelation, UnitView } from './unit-view.js';
import { AppRecord, type QueuedAction, UnitRecord, UnitStore, World } from './world.js';

export { MAX_MODEL_UNITS } from './deploy-rules.js';
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
  private readonly world = new World();
  private readonly random: Random | undefined;
  private readonly maxRetries: number;
  private readonly redactor = new Redactor();
  private readonly recorder: TraceRecorder;
  private readonly committer: Committer;
  private readonly runner: HookRunner;
  private readonly unitOrder: UnitRecord[] = [];
  private readonly clock = new VirtualClock();
  private readonly resolver: Resolver;
  private readonly scheduler: Scheduler;
  private readonly leadership: Leadership;
  private readonly actionResults = new WeakMap<QueuedAction, ActionResult>();
  private busy = false;
  private host: ProcessHost | undefined;
  private readonly toolClient: 'auto' | 'c' | 'node';
  private readonly placeholderDir: string;
  private readonly secretLifecycle: SecretLifecycle;

  constructor(options: ModelOptions = {}) {
    this.name = options.name ?? 'test';
    this.seed = options.seed;
    this.order = options.order ?? (options.seed === undefined ? 'round-robin' : 'random');
    this.random = this.order === 'random' ? mulberry32(options.seed ?? 0) : undefined;
    this.maxRetries = options.maxRetries ?? 3;
    this.recorder = new TraceRecorder(this.redactor, options.trace ?? 'full');
    this.committer = new Committer(this.world, this.recorder, this.redactor);
    this.runner = new HookRunner({
      world: this.world,
      recorder: this.recorder,
      redactor: this.redactor,
      committer: this.committer,
      modelName: this.name,
      jujuVersion: options.jujuVersion ?? '3.6.0',
      hookTimeoutMs: options.hookTimeoutMs ?? 120_000,
      host: () => this.requireHost(),
    });
    this.toolClient = options.toolClient ?? 'auto';
    this.resolver = new Resolver(this.world, this.random);
    this.leadership = new Leadership(
      this.clock,
      this.recorder,
      this.random ?? mulberry32((options.seed ?? 0) ^ 0x1ead),
    );
    this.scheduler = new Scheduler({
      world: this.world,
      clock: this.clock,
      resolver: this.resolver,
      runner: this.runner,
      recorder: this.recorder,
      unitOrder: this.unitOrder,
      random: this.random,
      maxRetries: this.maxRetries,
      updateStatusMs: updateStatusInterval(options.modelConfig),
      actionResults: this.actionResults,
    });
    this.placeholderDir = join(tmpdir(), 'juju-reactive-model', this.name);
    this.secretLifecycle = SecretLifecycle.attach(this.world, this.clock, this.recorder);
  }

  // ---------------------------------------------------------------- changing the model

  /**
   * Deploy an application with `units` units. Hooks are queued, not run: call settle().
   * Returns the new unit names.
   */
  async deploy(name: string, options: DeployOptions): Promise<string[]> {
    this.assertIdle('deploy');
    if (!APP_NAME_RE.test(name)) {
      throw new Error(
        `cannot deploy "${name}": application names are lowercase letters, digits and hyphens, starting with a letter`,
      );
    }
    if (this.world.apps.has(name)) throw new Error(`application "${name}" is already deployed`);
    const processes = options.processes === true;
    const count = checkUnitCount(name, options.units ?? 1, this.world.units.size);
    const { charm, charmDir, metadata, configOptions } = await loadCharm(
      `deploying ${name}`,
      options,
      processes,
    );
    const config = { ...configDefaults(configOptions), ...(options.config ?? {}) };
    checkConfig(name, configOptions, options.config ?? {});
    if (processes && charmDir !== undefined) {
      const host = await this.processHost();
      await host.prepareApp(name, charmDir);
    }
    const app = new AppRecord(
      name,
      this.world.apps.size,
      charm,
      metadata,
      configOptions,
      config,
      processes ? 'process' : 'in-process',
      charmDir,
    );
    this.world.apps.set(name, app);
    for (const endpoint of metadata.endpoints) {
      if (endpoint.role === 'peers')
        this.world.addRelation([{ app: name, endpoint: endpoint.name }]);
    }
    this.recorder.model(
      'deploy',
      `${name} (${metadata.name}) with ${count} unit${count === 1 ? '' : 's'}${processes ? ' as processes' : ''}`,
    );
    const units: string[] = [];
    for (let i = 0; i < count; i++) units.push(this.addUnitTo(app));
    return units;
  }

  /** Add a unit: it runs install … start, then joins its peers (and they it). */
  addUnit(app: string): string {
    this.assertIdle('addUnit');
    checkUnitCount(app, 1, this.world.units.size);
    const name = this.addUnitTo(this.world.app(app));
    this.recorder.model('add-unit', name, name);
    return name;
  }

  private addUnitTo(app: AppRecord): string {
    const number = app.nextUnit++;
    const name = `${app.name}/${number}`;
    let charmDir: string;
    let store: UnitStore;
    if (app.mode === 'process') {
      charmDir = this.requireHost().createUnitDir(app.name, name);
      store = new UnitStore(FileStateStore.forCharmDir(charmDir));
    } else {
      charmDir = app.charmDir ?? join(this.placeholderDir, app.name);
      store = new UnitStore(
        new MemoryStateStore(undefined, `memory:${name}`),
        app.charm?.options.stateStore === 'juju',
      );
    }
    const unit = new UnitRecord(
      name,
      number,
      app,
      store,
      charmDir,
      defaultAddress(app.index, number),
    );
    app.units.push(unit);
    this.world.units.set(name, unit);
    this.unitOrder.push(unit);

    const relations = this.world.relationsOf(app.name);
    enqueue(unit, { hook: 'install' });
    for (const relation of relations) {
      enterScope(unit, relation, this.recorder);
      enqueue(unit, relationHook(unit, relation, 'created'));
    }
    if (this.leadership.claimIfFree(unit)) enqueue(unit, { hook: 'leader-elected' });
    else enqueue(unit, { hook: 'leader-settings-changed' });
    enqueue(unit, { hook: 'config-changed' });
    enqueue(unit, { hook: 'start' });
    for (const relation of relations) {
      const remoteApp = relation.remoteAppOf(app.name);
      if (remoteApp === undefined) continue;
      for (const other of this.world.unitsInScope(relation, remoteApp)) {
        if (other === unit) continue;
        enqueueJoin(unit, relation, other);
        enqueueJoin(other, relation, unit);
      }
    }
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
    const unit = this.world.unit(name);
    if (unit.life !== 'alive') throw new Error(`${name} is already ${unit.life}`);
    unit.life = 'dying';
    const app = unit.app;
    // A dying unit runs no install, config, upgrade or update-status any more
    // (worker/uniter/resolver.go nextOp, case Dying): relations are broken, then stop.
    const dropped =
      /^(install|start|config-changed|upgrade-charm|update-status|leader-elected|.*-relation-created)$/;
    for (let i = unit.queue.length - 1; i >= 0; i--) {
      const q = unit.queue[i];
      if (q !== undefined && q !== unit.failed && q.replay !== true && dropped.test(q.hook)) {
        unit.queue.splice(i, 1);
      }
    }
    for (const [id, view] of unit.relations) {
      const relation = this.world.relation(id);
      if (relation === undefined) continue;
      const remoteApp = relation.remoteAppOf(app.name);
      if (remoteApp !== undefined) {
        for (const other of this.world.unitsInScope(relation, remoteApp)) {
          if (other === unit) continue;
          dropPending(other, relation.idFor(other.app.name), name);
          if (other.relations.get(relation.idFor(other.app.name))?.members.has(name)) {
            enqueue(other, relationHook(other, relation, 'departed', name, name));
          }
        }
      }
      dropPending(unit, id, undefined);
      for (const member of [...view.members].sort(compareUnitNames)) {
        enqueue(unit, relationHook(unit, relation, 'departed', member, name));
      }
      if (!relation.peer) enqueue(unit, relationHook(unit, relation, 'broken'));
    }
    // nextOp, case Dying: "if localState.Started { stop }"; a unit that never started skips it.
    if (unit.started) {
      enqueue(unit, { hook: 'stop' });
    }
    enqueue(unit, { hook: 'remove' });
    this.recorder.model('remove-unit', name, name);
    this.leadership.resign(unit);
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
    this.leadership.elect(unit.app, unit, `elected${old ? ` (was ${old})` : ''}`);
  }

  /**
   * Change config (`null` resets an option to its default). Every unit gets `config-changed`
   * if any value really changed.
   */
  setConfig(appName: string, values: Readonly<Record<string, unknown>>): void {
    this.assertIdle('setConfig');
    const app = this.world.app(appName);
    checkConfig(appName, app.configOptions, values);
    const defaults = configDefaults(app.configOptions);
    const next = { ...app.config };
    for (const [key, value] of Object.entries(values)) {
      if (value === null || value === undefined) {
        if (key in defaults) next[key] = defaults[key];
        else delete next[key];
      } else {
        next[key] = value;
      }
    }
    if (JSON.stringify(sortedEntries(next)) === JSON.stringify(sortedEntries(app.config))) return;
    app.config = next;
    this.recorder.model('config', `${appName}: ${Object.keys(values).sort().join(', ')}`);
    for (const unit of app.aliveUnits) enqueue(unit, { hook: 'config-changed' });
  }

  /**
   * Owe a unit a hook that Juju schedules by itself (update-status, collect-metrics,
   * upgrade-charm, …), as if its moment had come; the resolver runs it in its slot. Relation,
   * secret and storage hooks need their context: use relate(), setRelationData() and the like.
   * @example model.fireHook('app/0', 'update-status'); await model.settle();
   */
  fireHook(unitName: string, hook: string): void {
    this.assertIdle('fireHook');
    const unit = this.alive(unitName);
    if (!FIREABLE_HOOKS.has(hook)) {
      throw new Error(
        `fireHook: cannot fire "${hook}" on ${unitName}; fireable hooks: ${[...FIREABLE_HOOKS].join(', ')}`,
      );
    }
    if (hook === 'leader-elected' && unit.app.leader !== unit.name) {
      throw new Error(
        `fireHook: ${unitName} is not the leader; use setLeader() to move leadership`,
      );
    }
    enqueue(unit, { hook });
    this.recorder.model('fire-hook', `${unitName} ${hook}`, unitName);
  }

  /**
   * Upgrade an application's charm (`juju refresh`): every unit runs `upgrade-charm`, then
   * `config-changed` right after it (worker/uniter/operation/runhook.go Commit queues it).
   * Config values of options the new charm still has are kept; `config` sets values on top.
   * The new charm must declare the same endpoints (changing them is not modelled); units run
   * as processes cannot be upgraded yet.
   */
  async upgradeCharm(appName: string, options: UpgradeCharmOptions): Promise<void> {
    this.assertIdle('upgradeCharm');
    const app = this.world.app(appName);
    if (app.mode === 'process') {
      throw new Error(`upgradeCharm(${appName}): not implemented for units run as processes`);
    }
    const next = await loadCharm(`upgrading ${appName}`, options, false);
    const endpoints = (m: typeof next.metadata) =>
      m.endpoints
        .map((e) => `${e.name}:${e.role}:${e.interface}`)
        .sort()
        .join(',');
    if (endpoints(next.metadata) !== endpoints(app.metadata)) {
      throw new Error(
        `upgradeCharm(${appName}): the new charm's endpoints differ from the deployed one's; ` +
          'adding or removing endpoints on upgrade is not modelled',
      );
    }
    checkConfig(appName, next.configOptions, options.config ?? {});
    const config: Record<string, unknown> = { ...configDefaults(next.configOptions) };
    for (const [key, value] of Object.entries(app.config)) {
      if (key in next.configOptions) config[key] = value;
    }
    Object.assign(config, options.config ?? {});
    app.charm = next.charm;
    app.metadata = next.metadata;
    app.configOptions = next.configOptions;
    app.config = config;
    if (next.charmDir !== undefined) app.charmDir = next.charmDir;
    this.recorder.model('upgrade-charm', `${appName} to ${next.metadata.name}`);
    for (const unit of app.aliveUnits) enqueue(unit, { hook: 'upgrade-charm' });
  }

  /**
   * Set the address `network-get <endpoint>` reports for a unit; the unit gets `config-changed`,
   * whose commit rewrites the addresses Juju keeps in the unit's relation bags (scope.ts).
   */
  setBinding(unitName: string, endpoint: string, address: string): void {
    this.assertIdle('setBinding');
    const unit = this.alive(unitName);
    if (endpoint !== 'juju-info' && unit.app.endpoint(endpoint) === undefined) {
      throw new Error(`${unit.app.name} has no endpoint "${endpoint}" to bind`);
    }
    if (unit.bindings.get(endpoint) === address) return;
    unit.bindings.set(endpoint, address);
    this.recorder.model('binding', `${unitName} ${endpoint}=${address}`, unitName);
    enqueue(unit, { hook: 'config-changed' });
  }

  /**
   * Relate two applications' endpoints (`app:endpoint`, or `app` when one endpoint fits).
   * Every unit on both sides gets `-relation-created`, then a joined+changed pair per remote unit.
   * Returns the relation id as the first application sees it.
   */
  relate(a: string, b: string): string {
    this.assertIdle('relate');
    const [left, right] = pickEndpoints(this.world, a, b);
    const relation = this.world.addRelation([left, right]);
    this.recorder.model('relate', `${left.app}:${left.endpoint} ${right.app}:${right.endpoint}`);
    const leftUnits = this.world.app(left.app).aliveUnits;
    const rightUnits = this.world.app(right.app).aliveUnits;
    for (const unit of [...leftUnits, ...rightUnits]) {
      enterScope(unit, relation, this.recorder);
      enqueue(unit, relationHook(unit, relation, 'created'));
    }
    for (const unit of leftUnits)
      for (const other of rightUnits) enqueueJoin(unit, relation, other);
    for (const unit of rightUnits)
      for (const other of leftUnits) enqueueJoin(unit, relation, other);
    return relation.idFor(left.app);
  }

  /** Remove a non-peer relation: `-departed` for every joined unit, then `-broken` on each unit. */
  removeRelation(relationId: string): void {
    this.assertIdle('removeRelation');
    const relation = this.world.relation(relationId);
    if (relation === undefined || relation.removed) throw new Error(`no relation ${relationId}`);
    if (relation.peer)
      throw new Error(`${relationId} is a peer relation; Juju never removes those`);
    relation.removed = true;
    this.recorder.model('remove-relation', relationId);
    for (const side of relation.sides) {
      for (const unit of this.world.unitsInScope(relation, side.app)) {
        const id = relation.idFor(unit.app.name);
        dropPending(unit, id, undefined);
        const view = unit.relations.get(id);
        for (const member of [...(view?.members ?? [])].sort(compareUnitNames)) {
          enqueue(unit, relationHook(unit, relation, 'departed', member, member));
        }
        enqueue(unit, relationHook(unit, relation, 'broken'));
      }
    }
  }

  /**
   * Arm a failure on a unit's next matching hook: the hook fails, commits nothing, the unit is
   * in error and the hook is retried (up to `maxRetries`).
   * @example model.failNextHook('app/1', { hook: 'cluster-relation-changed', handler: 'listMembers' });
   */
  failNextHook(unitName: string, match: FailureMatch = {}): void {
    const unit = this.world.unit(unitName);
    const what = armFault(unit, match);
    this.recorder.model('fail-next-hook', `${unitName}${what ? ` ${what}` : ''}`, unitName);
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
    const unit = this.world.unit(unitName);
    const failed = unit.failed;
    if (failed === undefined) throw new Error(`${unitName} is not in error`);
    if (options.retry === false) {
      this.scheduler.skipFailed(unit, (item) => {
        this.committer.commitHookState(unit, item);
        if (item.secretId !== undefined) this.secretLifecycle.hookCommitted(unit, item);
        if (item.hook === 'remove') this.committer.commitRemoved(unit);
      });
    } else {
      failed.failures = 0;
      this.scheduler.retryNow(unit);
    }
    this.recorder.model(
      'resolve',
      `${unitName}${options.retry === false ? ' --no-retry' : ''}`,
      unitName,
    );
  }

  /**
   * Queue again, in order and with the same context, every hook `unitName` has run
   * successfully so far (for idempotency tests: a charm whose handlers are idempotent
   * changes nothing when its hooks are replayed). Returns how many hooks were queued.
   */
  replayHooks(unitName: string): number {
    this.assertIdle('replayHooks');
    const unit = this.alive(unitName);
    const done = this.timeline(unitName).filter(
      (e) => e.ok && e.hook !== 'stop' && e.hook !== 'remove',
    );
    for (const entry of done) {
      const relation = /^(.+)-relation-[a-z]+$/.exec(entry.hook);
      enqueue(unit, {
        replay: true,
        hook: entry.hook,
        ...(entry.relationId === undefined ? {} : { relationId: entry.relationId }),
        ...(relation?.[1] === undefined ? {} : { endpoint: relation[1] }),
        ...(entry.remoteUnit === undefined ? {} : { remoteUnit: entry.remoteUnit }),
        ...(entry.remoteApp === undefined ? {} : { remoteApp: entry.remoteApp }),
        ...(entry.departingUnit === undefined ? {} : { departingUnit: entry.departingUnit }),
      });
    }
    this.recorder.model('replay-hooks', `${unitName}: ${done.length} hooks`, unitName);
    return done.length;
  }

  /** Store a secret as if its owner had created it. Returns its id (`secret:…`). */
  seedSecret(seed: SecretSeed): string {
    const ownerUnit = seed.owner.includes('/') ? this.world.unit(seed.owner) : undefined;
    const ownerApp = ownerUnit?.app.name ?? this.world.app(seed.owner).name;
    for (const value of Object.values(seed.content)) this.redactor.add(value);
    const id = this.world.allocateSecretId();
    const grants = new Map<string, Set<string>>();
    for (const relationId of seed.grantedOn ?? []) grants.set(relationId, new Set(['*']));
    this.world.secrets.set(id, {
      id,
      ownerApp,
      ...(ownerUnit ? { ownerUnit: ownerUnit.name } : {}),
      ...(seed.label === undefined ? {} : { label: seed.label }),
      ...(seed.description === undefined ? {} : { description: seed.description }),
      revision: 1,
      content: { ...seed.content },
      grants,
    });
    this.recorder.model('seed-secret', `${id} owned by ${seed.owner}`);
    return id;
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
    return this.secretLifecycle.trackedRevision(this.world.unit(unit).name, id);
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
    const isApp = !unitOrApp.includes('/');
    const unit = isApp ? undefined : this.world.unit(unitOrApp);
    const appName = unit?.app.name ?? this.world.app(unitOrApp).name;
    const { relation } = resolveRelation(this.world, appName, endpointOrRelationId);
    const values = new Map<string, string | null>();
    for (const [k, v] of Object.entries(bag)) values.set(k, v === '' ? null : v);
    const app = this.world.app(appName);
    const leader = app.leader === undefined ? undefined : this.world.units.get(app.leader);
    const writer = unit ?? leader ?? app.aliveUnits[0];
    if (writer === undefined) throw new Error(`${appName} has no unit to write for`);
    this.committer.applyBag(writer, relation, isApp, values, undefined);
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
    this.assertIdle('settle');
    this.busy = true;
    try {
      return await this.scheduler.settle(options);
    } finally {
      this.busy = false;
    }
  }

  /**
   * Move the virtual clock forward, running every hook that becomes due on the way: failed
   * hooks retried on Juju's backoff (5 s doubling to 5 min, for ever), update-status every
   * update-status-hook-interval, leader leases running out.
   * @example await model.advance({ minutes: 5 }); // every started unit ran update-status
   */
  async advance(duration: Duration, options: SettleOptions = {}): Promise<SettleReport> {
    this.assertIdle('advance');
    const ms = durationMs(duration);
    this.busy = true;
    try {
      return await this.scheduler.advance(ms, options);
    } finally {
      this.busy = false;
    }
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
    this.assertIdle('runAction');
    const unit = this.world.unit(unitName);
    if (unit.life === 'removed') throw new Error(`runAction: ${unitName} is removed`);
    const copied = copyParams(params);
    if (!copied.ok) throw new TypeError(`runAction ${action} on ${unitName}: ${copied.message}`);
    this.recorder.model('run-action', `${unitName} ${action}`, unitName);
    if (unit.app.metadata.actions?.[action] === undefined) {
      // state/unit.go PrepareActionPayload refuses it when it is queued: nothing runs.
      return {
        status: 'failed',
        results: {},
        message: `action "${action}" not defined on unit "${unitName}"`,
        log: [],
      };
    }
    const queued: QueuedAction = { name: action, params: copied.value };
    unit.actions.push(queued);
    this.busy = true;
    try {
      return await this.scheduler.runQueuedAction(unit, queued, options.onHook);
    } finally {
      this.busy = false;
      const left = unit.actions.indexOf(queued);
      if (left >= 0) unit.actions.splice(left, 1);
    }
  }

  /** Virtual time since the model was created, in milliseconds. */
  get now(): number {
    return this.clock.now;
  }

  /**
   * Run one hook: of `unitName` if given (a unit in error retries its failed hook at once),
   * else of the unit the order picks. Returns its timeline entry, or undefined when nothing is
   * runnable now.
   */
  async step(unitName?: string): Promise<TimelineEntry | undefined> {
    this.assertIdle('step');
    const unit = unitName === undefined ? undefined : this.world.unit(unitName);
    this.busy = true;
    try {
      return await this.scheduler.step(unit);
    } finally {
      this.busy = false;
    }
  }

  // ---------------------------------------------------------------- queries

  /** A live view of one unit, for assertions. */
  unit(name: string): UnitView {
    return new UnitView(this.world, this.world.unit(name));
  }

  /** Unit names (of one application, or all), in unit-number order; removed units excluded. */
  units(app?: string): string[] {
    const records = app === undefined ? this.unitOrder : this.world.app(app).units;
    return records
      .filter((u) => u.life !== 'removed')
      .map((u) => u.name)
      .sort(compareUnitNames);
  }

  /** Application names, in deploy order. */
  applications(): string[] {
    return [...this.world.apps.keys()];
  }

  /** The name of an application's leader unit, or undefined while it has none. */
  leader(app: string): string | undefined {
    return this.world.app(app).leader;
  }

  /** An application's committed leader settings (what `leader-get` returns). */
  leaderSettings(app: string): RelationData {
    return { ...this.world.app(app).leaderSettings };
  }

  /** An application's current config: the defaults with the values set on top. */
  config(app: string): Record<string, unknown> {
    return { ...this.world.app(app).config };
  }

  /** The relation ids an application has on an endpoint, as its units see them. */
  relationIds(app: string, endpoint: string): string[] {
    return this.world
      .relationsOf(app)
      .filter((r) => r.sideOf(app)?.endpoint === endpoint)
      .map((r) => r.idFor(app));
  }

  /** A committed bag: a unit's, or (for an application name) the application's. */
  relationData(relationId: string, unitOrApp: string): RelationData {
    const relation = this.world.relation(relationId);
    if (relation === undefined) throw new Error(`no relation ${relationId} in the model`);
    const bags = unitOrApp.includes('/') ? relation.unitBags : relation.appBags;
    return { ...(bags.get(unitOrApp) ?? {}) };
  }

  /** The secrets in the model (ids, owners, labels, revisions; never content). */
  secrets(): SecretInfo[] {
    return [...this.world.secrets.values()]
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
    return this.recorder.events;
  }

  /** The hooks a unit ran (every attempt), in order. */
  timeline(unit: string): readonly TimelineEntry[] {
    return this.recorder.timeline(unit);
  }

  /** Per-unit timelines as text (the CLI's output). */
  renderTimeline(options: RenderOptions = {}): string {
    const timelines = new Map<string, readonly TimelineEntry[]>();
    const names = this.unitOrder.map((u) => u.name);
    for (const name of names) timelines.set(name, this.recorder.timeline(name));
    return renderTimelines(this.recorder.events, timelines, {
      header: (name) => {
        const unit = this.world.units.get(name);
        const notes = [
          unit?.app.leader === name ? 'leader' : undefined,
          unit && unit.life !== 'alive' ? unit.life : undefined,
          unit?.error ? 'in error' : undefined,
        ].filter(Boolean);
        return notes.length > 0 ? `${name} (${notes.join(', ')})` : name;
      },
      ...options,
    });
  }

  /** Stop the process-mode agent socket and remove the model's temp dirs. */
  async close(): Promise<void> {
    const host = this.host;
    this.host = undefined;
    await host?.close();
  }

  // ---------------------------------------------------------------- helpers

  private async processHost(): Promise<ProcessHost> {
    if (this.host === undefined) {
      const { ProcessHost } = await import('./process/host.js');
      this.host = await ProcessHost.start({ toolClient: this.toolClient });
    }
    return this.host;
  }

  private requireHost(): ProcessHost {
    if (this.host === undefined) throw new Error('process host not started');
    return this.host;
  }

  private alive(name: string): UnitRecord {
    const unit = this.world.unit(name);
    if (unit.life !== 'alive') throw new Error(`${name} is ${unit.life}`);
    return unit;
  }

  private assertIdle(what: string): void {
    if (this.busy) {
      throw new Error(
        `model.${what}() called while a hook is running: await settle() or step() first`,
      );
    }
  }
}
