// Endpoint: the base class interface authors subclass. One instance per metadata endpoint
// it is bound to, per hook. It gives relations, units and data views, expands
// `{endpoint_name}` in flags, and carries the handlers the interface attaches.
import type { HookRuntime } from '../charm/runtime.js';
import type { RelationData } from '../juju/hook-tools.js';
import type { EndpointRole } from '../juju/metadata.js';
import { compareRelationIds } from '../juju/ordering.js';
import { Handler, type HandlerSpec, validateHandlerSpec } from '../reactive/handlers.js';
import type { JsonValue } from '../util/json.js';
import { type RelatedUnit, Relation } from './relation.js';
import { decodeValue } from './views.js';

/** What an endpoint instance is bound to. */
export interface EndpointBinding {
  /** The endpoint name from metadata, e.g. `cluster`. */
  readonly name: string;
  /** `peers`, `provides` or `requires`. */
  readonly role: EndpointRole;
  /** The interface name from metadata. */
  readonly interfaceName: string;
  /** The runtime of the current hook. */
  readonly runtime: HookRuntime;
}

/** The constructor side of an Endpoint subclass. */
export interface EndpointClass<E extends Endpoint, O> {
  new (binding: EndpointBinding, options: O): E;
  /** The interface name from metadata.yaml this class handles. */
  readonly interfaceName: string;
  /** The roles it may be bound in (all when omitted). */
  readonly roles?: readonly EndpointRole[];
  /** The class name (used in error messages). */
  readonly name: string;
}

/** A handler attached to an endpoint class; `{endpoint_name}` in its flags is expanded. */
export interface EndpointHandler {
  /** The predicates; `id` is required and made unique as `<endpoint name>:<id>`. */
  readonly spec: HandlerSpec & {
    /** The handler id within the endpoint class. */
    readonly id: string;
  };
  /** The handler's body. */
  readonly run: (runtime: HookRuntime) => void | Promise<void>;
}

/** A unit that left, with the data it last had. Kept until clearDepartedUnits(). */
export interface DepartedUnit {
  /** The unit that left, e.g. `mysql/2`. */
  readonly unitName: string;
  /** The relation it left. */
  readonly relationId: string;
  /** Its last data, JSON-decoded where possible. */
  readonly received: Readonly<Record<string, unknown>>;
  /** Its last data, as strings. */
  readonly receivedRaw: Readonly<RelationData>;
}

interface StoredDeparted {
  unitName: string;
  relationId: string;
  data: RelationData;
}

/**
 * The base class of interface layers. Subclass it, declare the interface (and roles) it
 * handles, and register it with `charm.endpoint(Cls, options)`: at every hook start one
 * instance is bound to each metadata endpoint with that interface, its automatic flags
 * (`endpoint.<name>.joined`, `.changed`, `.changed.<key>`, `.departed`, `.broken`) are
 * managed, `startup()` runs, and its `handlers()` join dispatch ahead of the charm's own.
 * @example
 * export class HttpRequires extends Endpoint {
 *   static override readonly interfaceName = 'http';
 *   static override readonly roles = ['requires'] as const;
 *
 *   protected override handlers() {
 *     return [
 *       this.on({ id: 'available', when: ['endpoint.{endpoint_name}.changed'] }, () => {
 *         this.toggleFlag('{endpoint_name}.available', this.urls().length > 0);
 *       }),
 *     ];
 *   }
 *
 *   urls(): string[] {
 *     return this.allJoinedUnits
 *       .map((u) => u.received['url'])
 *       .filter((url): url is string => typeof url === 'string');
 *   }
 * }
 */
export abstract class Endpoint {
  /** Override: the interface name this class handles. */
  static readonly interfaceName: string = '';
  /** Override to restrict the roles this class binds in (all roles when omitted). */
  static readonly roles?: readonly EndpointRole[];

  /** The endpoint name this instance is bound to, e.g. `cluster`. */
  readonly endpointName: string;
  /** The role it is declared with in metadata. */
  readonly role: EndpointRole;
  /** The interface name from metadata. */
  readonly interfaceName: string;
  /** The runtime of the current hook. */
  readonly runtime: HookRuntime;
  private relationCache: readonly Relation[] | undefined;

  /** Called by the runtime at hook start; subclasses may add an options parameter. */
  constructor(binding: EndpointBinding) {
    this.endpointName = binding.name;
    this.role = binding.role;
    this.interfaceName = binding.interfaceName;
    this.runtime = binding.runtime;
  }

  /**
   * Expand a flag name for this endpoint: `{endpoint_name}` is replaced by the bound name;
   * a name without the placeholder gets the `endpoint.<name>.` prefix.
   * @example peers.expandName('{endpoint_name}.available') // 'cluster.available'
   * @example peers.expandName('changed') // 'endpoint.cluster.changed'
   */
  expandName(flag: string): string {
    if (flag.includes('{endpoint_name}'))
      return flag.replaceAll('{endpoint_name}', this.endpointName);
    return `endpoint.${this.endpointName}.${flag}`;
  }

  /**
   * Relations of this endpoint, in numeric order of relation id. A relation being broken is
   * left out. So is a `provides`/`requires` relation whose last remote unit is departing (in
   * that unit's -departed hook; -broken follows), as charms.reactive does (endpoints.py,
   * Endpoint._manage_departed). A peer relation stays: it lasts as long as the application,
   * and this unit may still publish there with no other peer left.
   */
  get relations(): readonly Relation[] {
    if (this.relationCache === undefined) {
      const ctx = this.runtime.context;
      const ownHook = ctx.relation?.name === this.endpointName ? ctx.relation : undefined;
      const ids = this.relationIdList(ownHook?.id);
      const broken = ownHook && ctx.hookName.endsWith('-relation-broken') ? ownHook.id : undefined;
      const departing =
        ownHook && ctx.hookName.endsWith('-relation-departed') && ctx.remoteUnit
          ? { id: ownHook.id, unit: ctx.remoteUnit }
          : undefined;
      this.relationCache = ids
        .filter((id) => id !== broken)
        .sort(compareRelationIds)
        .map(
          (id) =>
            new Relation(
              this.runtime.juju,
              this.endpointName,
              id,
              departing?.id === id ? new Set([departing.unit]) : undefined,
            ),
        )
        .filter((r) => r.relationId !== departing?.id || this.role === 'peers' || r.hasJoinedUnits);
    }
    return this.relationCache;
  }

  /**
   * This endpoint's relation ids. In a relation hook of a peer endpoint the one relation it
   * has is the hook's own: Juju puts its id in the environment (JUJU_RELATION_ID, set by
   * HookVars in juju/juju worker/uniter/runner/context/context.go), and an application has
   * one peer relation per peer endpoint, so no relation-ids call is needed. A provides or
   * requires endpoint may have other relations: it asks.
   */
  private relationIdList(ownHookId: string | undefined): readonly string[] {
    if (ownHookId !== undefined && this.role === 'peers') return [ownHookId];
    const ids = this.runtime.juju.relationIds(this.endpointName);
    if (ids.isErr()) throw ids.error;
    return ids.value;
  }

  /** The relation with this id, if it belongs to this endpoint. */
  relation(relationId: string): Relation | undefined {
    return this.relations.find((r) => r.relationId === relationId);
  }

  /** Every remote unit of every relation: by relation id, then unit number. */
  get allJoinedUnits(): readonly RelatedUnit[] {
    return this.relations.flatMap((r) => r.joinedUnits);
  }

  /** True when any relation of this endpoint has a remote unit. */
  get isJoined(): boolean {
    return this.relations.some((r) => r.hasJoinedUnits);
  }

  /** Units that departed (persisted across hooks) with the data they last had. */
  get allDepartedUnits(): readonly DepartedUnit[] {
    return this.storedDeparted().map((d) => ({
      unitName: d.unitName,
      relationId: d.relationId,
      receivedRaw: d.data,
      received: Object.fromEntries(Object.entries(d.data).map(([k, v]) => [k, decodeValue(v)])),
    }));
  }

  /** Forget departed units once handled. */
  clearDepartedUnits(): void {
    this.runtime.state.unset(this.stateKey('departed_units'));
  }

  /** Clear `endpoint.<name>.changed` and every `endpoint.<name>.changed.<key>`. */
  clearChangedFlags(): void {
    const base = this.expandName('changed');
    this.runtime.flags.clear(base);
    for (const flag of this.runtime.flags.list(`${base}.`)) this.runtime.flags.clear(flag);
  }

  /** Set a flag by its short name (expanded with expandName). */
  setFlag(flag: string): void {
    this.runtime.flags.set(this.expandName(flag));
  }
  /** Clear a flag by its short name (expanded with expandName). */
  clearFlag(flag: string): void {
    this.runtime.flags.clear(this.expandName(flag));
  }
  /** Set or clear a flag by its short name (expanded with expandName). */
  toggleFlag(flag: string, value: boolean): void {
    this.runtime.flags.toggle(this.expandName(flag), value);
  }
  /** Test a flag by its short name (expanded with expandName). */
  isFlagSet(flag: string): boolean {
    return this.runtime.flags.isSet(this.expandName(flag));
  }

  /** The endpoint bound to `name` in this hook, if any. */
  static fromName(runtime: HookRuntime, name: string): Endpoint | undefined {
    return runtime.endpointByName(name);
  }

  /** The endpoint a flag belongs to: `endpoint.<name>.…` or `<name>.…`. */
  static fromFlag(runtime: HookRuntime, flag: string): Endpoint | undefined {
    const parts = flag.split('.');
    const name = parts[0] === 'endpoint' ? parts[1] : parts[0];
    return name === undefined ? undefined : runtime.endpointByName(name);
  }

  /** Override to attach handlers; flags may use `{endpoint_name}`. */
  protected handlers(): readonly EndpointHandler[] {
    return [];
  }

  /** Override for work at hook start, after the automatic flags were set. */
  protected startup(): void {}

  /** Define an endpoint handler (use inside handlers()). */
  protected on(
    spec: HandlerSpec & { readonly id: string },
    run: (runtime: HookRuntime) => void | Promise<void>,
  ): EndpointHandler {
    return { spec, run };
  }

  /** @internal Run startup(); called by the runtime after automatic flags. */
  runStartup(): void {
    this.startup();
  }

  /** @internal The handlers with `{endpoint_name}` expanded and ids made unique per endpoint. */
  collectHandlers(): Handler<HookRuntime>[] {
    const name = this.endpointName;
    return this.handlers().map(({ spec, run }) => {
      const id = `${this.endpointName}:${spec.id}`;
      const hook =
        spec.hook === undefined
          ? undefined
          : (typeof spec.hook === 'string' ? [spec.hook] : spec.hook).map((p) =>
              p.replaceAll('{endpoint_name}', this.endpointName),
            );
      const expanded: HandlerSpec = {
        ...spec,
        id,
        ...(spec.when ? { when: expandAll(spec.when, name) } : {}),
        ...(spec.whenAny ? { whenAny: expandAll(spec.whenAny, name) } : {}),
        ...(spec.whenNot ? { whenNot: expandAll(spec.whenNot, name) } : {}),
        ...(spec.whenNotAll ? { whenNotAll: expandAll(spec.whenNotAll, name) } : {}),
        ...(hook ? { hook } : {}),
      };
      validateHandlerSpec(expanded, id);
      return new Handler<HookRuntime>(id, expanded, run);
    });
  }

  /** @internal Key under which this endpoint keeps data in the unit state. */
  stateKey(what: string): string {
    return `endpoint.${this.endpointName}.${what}`;
  }

  /** @internal */
  storedDeparted(): StoredDeparted[] {
    return (
      (this.runtime.state.get(this.stateKey('departed_units')) as StoredDeparted[] | undefined) ??
      []
    );
  }

  /** @internal */
  recordDeparted(unit: StoredDeparted): void {
    const rest = this.storedDeparted().filter(
      (d) => !(d.unitName === unit.unitName && d.relationId === unit.relationId),
    );
    this.runtime.state.set(this.stateKey('departed_units'), [
      ...rest,
      unit,
    ] as unknown as JsonValue);
  }
}

/** Flag names with `{endpoint_name}` replaced by `name`. */
function expandAll(list: readonly string[], name: string): readonly string[] {
  return list.map((f) => f.replaceAll('{endpoint_name}', name));
}
