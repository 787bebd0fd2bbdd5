// Charm: the definition of a charm: its handlers, triggers, endpoint classes and layers.
// A definition is built once when the charm module loads and never changes during a hook;
// all per-hook state lives in the HookRuntime (no module-level mutable state anywhere).
import type { Endpoint, EndpointClass } from '../endpoints/endpoint.js';
import type { CharmMetadata } from '../juju/metadata.js';
import {
  deriveHandlerId,
  Handler,
  type HandlerFn,
  type HandlerSpec,
  validateHandlerSpec,
} from '../reactive/handlers.js';
import { type TriggerSpec, validateTrigger } from '../reactive/triggers.js';
import type { HookRuntime } from './runtime.js';

/** A layer: code that runs at every hook start, before dispatch (e.g. leadership flags). */
export interface Layer {
  readonly name: string;
  /** Set this layer's flags from what Juju reports. Runs in registration order. */
  setup(runtime: HookRuntime): void;
}

/** An endpoint class registered with the options its instances get. */
export interface EndpointRegistration {
  readonly cls: EndpointClass<Endpoint, unknown>;
  readonly options: unknown;
}

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
 * A charm definition.
 * @example
 * const charm = new Charm();
 * charm.when('config.changed').whenNot('workload.installed').run(function install(rt) {
 *   rt.flags.set('workload.installed');
 * });
 * export default charm;
 */
export class Charm {
  private readonly handlerList: Handler<HookRuntime>[] = [];
  private readonly triggerList: TriggerSpec[] = [];
  private readonly endpointList: EndpointRegistration[] = [];
  private readonly layerList: Layer[] = [];
  private readonly ids = new Set<string>();

  constructor(readonly options: CharmOptions = {}) {}

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
  whenAny(...flags: string[]): HandlerBuilder {
    return new HandlerBuilder(this).whenAny(...flags);
  }
  whenNot(...flags: string[]): HandlerBuilder {
    return new HandlerBuilder(this).whenNot(...flags);
  }
  whenNotAll(...flags: string[]): HandlerBuilder {
    return new HandlerBuilder(this).whenNotAll(...flags);
  }
  hook(...patterns: string[]): HandlerBuilder {
    return new HandlerBuilder(this).hook(...patterns);
  }
  whenFileChanged(...paths: string[]): HandlerBuilder {
    return new HandlerBuilder(this).whenFileChanged(...paths);
  }

  /** On a real set (or clear) of one flag, set/clear others or call back, synchronously. */
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

  get handlers(): readonly Handler<HookRuntime>[] {
    return this.handlerList;
  }
  get triggers(): readonly TriggerSpec[] {
    return this.triggerList;
  }
  get endpoints(): readonly EndpointRegistration[] {
    return this.endpointList;
  }
  get layers(): readonly Layer[] {
    return this.layerList;
  }
}

/** Fluent handler definition: `charm.when('a').whenNot('b').run(fn)`. */
export class HandlerBuilder {
  private spec: { -readonly [K in keyof HandlerSpec]: HandlerSpec[K] } = {};

  constructor(private readonly charm: Charm) {}

  when(...flags: string[]): this {
    this.spec.when = [...(this.spec.when ?? []), ...flags];
    return this;
  }
  whenAny(...flags: string[]): this {
    this.spec.whenAny = [...(this.spec.whenAny ?? []), ...flags];
    return this;
  }
  whenNot(...flags: string[]): this {
    this.spec.whenNot = [...(this.spec.whenNot ?? []), ...flags];
    return this;
  }
  whenNotAll(...flags: string[]): this {
    this.spec.whenNotAll = [...(this.spec.whenNotAll ?? []), ...flags];
    return this;
  }
  hook(...patterns: string[]): this {
    this.spec.hook = [...toList(this.spec.hook), ...patterns];
    return this;
  }
  whenFileChanged(...paths: string[]): this {
    this.spec.whenFileChanged = [...(this.spec.whenFileChanged ?? []), ...paths];
    return this;
  }
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
    return this.charm.handler(this.spec, fn);
  }
}

function toList(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}
