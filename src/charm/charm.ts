// Charm: the definition of a charm: its handlers, triggers, endpoint classes and layers.
// A definition is built once when the charm module loads and never changes during a hook;
// all per-hook state lives in the HookRuntime (no module-level mutable state anywhere).
import type { Endpoint, EndpointClass } from '../endpoints/endpoint.js';
import type { ActionParams, WorkloadStatusName } from '../juju/hook-tools.js';
import type { CharmMetadata } from '../juju/metadata.js';
import {
  deriveHandlerId,
  Handler,
  type HandlerFn,
  type HandlerSpec,
  validateHandlerSpec,
} from '../reactive/handlers.js';
import { type TriggerSpec, validateTrigger } from '../reactive/triggers.js';
import { UnfinishedDefinitions } from '../reactive/unfinished.js';
import { type ActionFn, type ActionRegistration, validateActionName } from './actions.js';
import type { HookRuntime } from './runtime.js';

/**
 * A layer: code that runs at every hook start, before dispatch (e.g. leadership flags).
 * @example
 * const configLayer: Layer = {
 *   name: 'config',
 *   setup(rt) {
 *     rt.flags.toggle('config.changed', rt.state.dataChanged('config', rt.config()));
 *   },
 * };
 * charm.use(configLayer);
 */
export interface Layer {
  /** A unique name: `charm.use()` adds a layer with a name it already has only once. */
  readonly name: string;
  /** Set this layer's flags from what Juju reports. Runs in registration order. */
  setup(runtime: HookRuntime): void;
  /**
   * Called after every handler ran, before the hook commits (not in actions or restricted
   * hooks, where `setup` does not run either). Layer-basic's per-hook flags are cleared here.
   */
  finish?(runtime: HookRuntime): void;
}

/** A workload status: the name and its message. */
export interface StatusAssessment {
  /** `maintenance`, `blocked`, `waiting` or `active`. */
  readonly status: WorkloadStatusName;
  /** The message shown by `juju status` ('' for none). */
  readonly message?: string;
}

/**
 * How the status is assessed once, after every handler of a hook (or the action) succeeded.
 * Return undefined to leave the status as it is.
 */
export type StatusAssessor = (runtime: HookRuntime) => StatusAssessment | undefined;

/** An endpoint class registered with the options its instances get. */
export interface EndpointRegistration {
  /** The Endpoint subclass. */
  readonly cls: EndpointClass<Endpoint, unknown>;
  /** The options given to `charm.endpoint()`, passed to each instance's constructor. */
  readonly options: unknown;
}

/** Options of `new Charm(options)`. */
export interface CharmOptions {
  /** Metadata known at build time (saves reading metadata.yaml on every hook). */
  readonly metadata?: CharmMetadata;
  /** Bound on dispatch iterations before the hook fails as not settling (default 100). */
  readonly maxIterations?: number;
  /**
   * Where main() keeps unit state: 'file' (default; a JSON file in the charm dir) or 'juju'
   * (state-get/state-set, committed by Juju with the hook's relation data).
   */
  readonly stateStore?: 'file' | 'juju';
}

/**
 * A charm definition: its handlers, triggers, endpoint classes and layers. Build it once when
 * the module loads; `main()` (or the simulator) runs it for each hook.
 * @example
 * export const charm = new Charm().use(leadership);
 * charm.hook('install').run(function install(rt) {
 *   rt.flags.set('workload.installed');
 * });
 */
export class Charm {
  private readonly handlerList: Handler<HookRuntime>[] = [];
  private readonly triggerList: TriggerSpec[] = [];
  private readonly endpointList: EndpointRegistration[] = [];
  private readonly layerList: Layer[] = [];
  private readonly actionList: ActionRegistration[] = [];
  private unitStatusAssessor: StatusAssessor | undefined;
  private applicationStatusAssessor: StatusAssessor | undefined;
  private readonly ids = new Set<string>();
  /** Builders started (`charm.when(...)`) and not yet given `.run(fn)`. */
  readonly unfinished = new UnfinishedDefinitions();

  constructor(
    /** The options given to the constructor. */
    readonly options: CharmOptions = {},
  ) {}

  /** Register a handler with its predicates. Handlers run in registration order. */
  handler(spec: HandlerSpec, fn: HandlerFn<HookRuntime>): this {
    validateHandlerSpec(spec, fn.name);
    let id = deriveHandlerId(spec, fn.name);
    if (this.ids.has(id)) {
      if (spec.id !== undefined)
        throw new TypeError(
          `handler id ${JSON.stringify(id)} is registered twice; ids must be unique`,
        );
      let n = 2;
      while (this.ids.has(`${id}#${n}`)) n++;
      id = `${id}#${n}`;
    }
    this.ids.add(id);
    this.handlerList.push(new Handler(id, spec, fn));
    return this;
  }

  /** Start a handler definition gated on every flag given. */
  when(...flags: string[]): HandlerBuilder {
    return new HandlerBuilder(this).when(...flags);
  }
  /** Start a handler definition gated on at least one of the flags being set. */
  whenAny(...flags: string[]): HandlerBuilder {
    return new HandlerBuilder(this).whenAny(...flags);
  }
  /** Start a handler definition gated on none of the flags being set. */
  whenNot(...flags: string[]): HandlerBuilder {
    return new HandlerBuilder(this).whenNot(...flags);
  }
  /** Start a handler definition gated on at least one of the flags being clear. */
  whenNotAll(...flags: string[]): HandlerBuilder {
    return new HandlerBuilder(this).whenNotAll(...flags);
  }
  /**
   * Start a handler definition that runs in the hooks phase of matching hooks only.
   * @example charm.hook('{install,upgrade-charm}').run(function installPackages(rt) {});
   */
  hook(...patterns: string[]): HandlerBuilder {
    return new HandlerBuilder(this).hook(...patterns);
  }
  /**
   * Start a handler definition that runs when any of the files changed since it last
   * succeeded. Relative paths are relative to the charm dir.
   */
  whenFileChanged(...paths: string[]): HandlerBuilder {
    return new HandlerBuilder(this).whenFileChanged(...paths);
  }

  /**
   * On a real set (or clear) of one flag, set/clear others or call back, synchronously.
   * @example charm.trigger({ whenSet: 'config.changed.port', clear: ['workload.configured'] });
   */
  trigger(spec: TriggerSpec): this {
    validateTrigger(spec);
    this.triggerList.push(spec);
    return this;
  }

  /** Bind an Endpoint class to every metadata endpoint whose interface (and role) it declares. */
  endpoint<E extends Endpoint, O>(
    cls: EndpointClass<E, O>,
    ...options: undefined extends O ? [O?] : [O]
  ): this {
    this.endpointList.push({
      cls: cls as unknown as EndpointClass<Endpoint, unknown>,
      options: options[0],
    });
    return this;
  }

  /** Add a layer (for example `leadership`). Layers set their flags at hook start. */
  use(layer: Layer): this {
    if (this.layerList.some((l) => l.name === layer.name)) return this;
    this.layerList.push(layer);
    return this;
  }

  /**
   * Start the definition of an action's handler. When Juju runs the action, only this handler
   * runs (see docs/actions.md); its params are checked against actions.yaml first.
   * @example
   * charm.action<{ target: string }>('backup').run(async (rt, action) => {
   *   action.set({ path: await backupTo(action.params.target) });
   * });
   */
  action<P extends ActionParams = ActionParams>(name: string): ActionBuilder<P> {
    validateActionName(name);
    if (this.actionList.some((a) => a.name === name)) {
      throw new TypeError(
        `action ${JSON.stringify(name)} is registered twice; give each action one handler`,
      );
    }
    const builder: ActionBuilder<P> = new ActionBuilder<P>(name, (fn) => {
      this.unfinished.finish(builder);
      this.actionList.push({ name, fn: fn as ActionFn });
      return this;
    });
    // `charm.action('x')` without `.run(fn)` registers nothing: name it like an unfinished when().
    this.unfinished.start(builder, () => `charm.action(${JSON.stringify(name)})`);
    return builder;
  }

  /**
   * Declare how the unit's workload status is assessed: once, after every handler of a hook
   * succeeded, from the state they left. Set with status-set only after the hook committed,
   * and only when it differs from the last one set. Replaces any earlier assessor.
   * @example
   * charm.status((rt) => rt.flags.isSet('db.ready') ? { status: 'active' } : { status: 'waiting', message: 'Waiting for the database' });
   */
  status(assess: StatusAssessor): this {
    this.unitStatusAssessor = assess;
    return this;
  }

  /** Like {@link Charm.status}, for the application's status: assessed on the leader only. */
  applicationStatus(assess: StatusAssessor): this {
    this.applicationStatusAssessor = assess;
    return this;
  }

  /**
   * The registered action handlers, in registration order. Throws
   * {@link UnfinishedHandlerError} while a `charm.action(name)` or `charm.when(...)` chain lacks
   * its `.run(fn)`.
   */
  get actions(): readonly ActionRegistration[] {
    this.unfinished.check();
    return this.actionList;
  }
  /** The unit and application status assessors, when declared. */
  get statusAssessors(): {
    /** The unit status assessor (`charm.status()`). */
    readonly unit?: StatusAssessor;
    /** The application status assessor (`charm.applicationStatus()`). */
    readonly application?: StatusAssessor;
  } {
    return {
      ...(this.unitStatusAssessor ? { unit: this.unitStatusAssessor } : {}),
      ...(this.applicationStatusAssessor ? { application: this.applicationStatusAssessor } : {}),
    };
  }

  /**
   * The registered handlers, in registration order (endpoint handlers are not included).
   * Throws {@link UnfinishedHandlerError} while a `charm.when(...)` chain lacks its `.run(fn)`:
   * so the first hook (and the simulator's deploy) names it instead of running without it.
   */
  get handlers(): readonly Handler<HookRuntime>[] {
    this.unfinished.check();
    return this.handlerList;
  }
  /** The registered triggers. */
  get triggers(): readonly TriggerSpec[] {
    return this.triggerList;
  }
  /** The registered endpoint classes, with their options. */
  get endpoints(): readonly EndpointRegistration[] {
    return this.endpointList;
  }
  /** The registered layers, in the order they run at hook start. */
  get layers(): readonly Layer[] {
    return this.layerList;
  }
}

/** Fluent handler definition: `charm.when('a').whenNot('b').run(fn)`. */
export class HandlerBuilder {
  private spec: { -readonly [K in keyof HandlerSpec]: HandlerSpec[K] } = {};

  /** A builder that registers on `charm`; usually made by `charm.when(...)` and friends. */
  constructor(private readonly charm: Charm) {
    charm.unfinished.start(this, () => this.expression());
  }

  /** The chain as written so far: `charm.when('a').whenNot('b')`. */
  private expression(): string {
    const parts = Object.entries(this.spec).map(([key, value]) =>
      key === 'onlyOnce'
        ? '.onlyOnce()'
        : `.${key}(${toList(value as string | readonly string[])
            .map((v) => `'${v}'`)
            .join(', ')})`,
    );
    return `charm${parts.join('')}`;
  }

  /** Also require every flag to be set. */
  when(...flags: string[]): this {
    this.spec.when = [...(this.spec.when ?? []), ...flags];
    return this;
  }
  /** Also require at least one of the flags to be set (repeated calls add to one list). */
  whenAny(...flags: string[]): this {
    this.spec.whenAny = [...(this.spec.whenAny ?? []), ...flags];
    return this;
  }
  /** Also require none of the flags to be set. */
  whenNot(...flags: string[]): this {
    this.spec.whenNot = [...(this.spec.whenNot ?? []), ...flags];
    return this;
  }
  /** Also require at least one of the flags to be clear (repeated calls add to one list). */
  whenNotAll(...flags: string[]): this {
    this.spec.whenNotAll = [...(this.spec.whenNotAll ?? []), ...flags];
    return this;
  }
  /** Run in the hooks phase of hooks matching any pattern (`{a,b}` alternatives, `*`). */
  hook(...patterns: string[]): this {
    this.spec.hook = [...toList(this.spec.hook), ...patterns];
    return this;
  }
  /** Also require one of the files to have changed since this handler last succeeded. */
  whenFileChanged(...paths: string[]): this {
    this.spec.whenFileChanged = [...(this.spec.whenFileChanged ?? []), ...paths];
    return this;
  }
  /** Run at most once in the unit's life (recorded when the handler succeeds). */
  onlyOnce(): this {
    this.spec.onlyOnce = true;
    return this;
  }
  /** Give the handler a stable id (recommended for onlyOnce handlers). */
  id(id: string): this {
    this.spec.id = id;
    return this;
  }
  /** Register the handler on the charm. Returns the charm for chaining. */
  run(fn: HandlerFn<HookRuntime>): Charm {
    this.charm.unfinished.finish(this);
    return this.charm.handler(this.spec, fn);
  }
}

function toList(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

/** Fluent action definition: `charm.action('backup').run(fn)`. */
export class ActionBuilder<P extends ActionParams = ActionParams> {
  /** Made by `charm.action(name)`. */
  constructor(
    /** The action name. */
    readonly name: string,
    private readonly register: (fn: ActionFn<P>) => Charm,
  ) {}

  /** Register the handler. Returns the charm for chaining. */
  run(fn: ActionFn<P>): Charm {
    return this.register(fn);
  }
}
