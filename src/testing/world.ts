// The simulated model's committed state: applications, units, relations with their data bags,
// leader settings, secrets. Plain records in maps; only the Model changes them, and only when
// a hook succeeded (or a test asked). Never copied wholesale: a hook reads what it needs.
import { Err, Ok, type Result } from 'ts-results-es';
import type { Charm } from '../charm/charm.js';
import { HookToolError } from '../juju/hook-tool-error.js';
import type { RelationData, WorkloadStatus } from '../juju/hook-tools.js';
import type { CharmMetadata, ConfigOption, EndpointMetadata } from '../juju/metadata.js';
import { compareUnitNames } from '../juju/ordering.js';
import { JUJU_STATE_COUNT_KEY, JujuStateStore, type JujuStateTools } from '../state/juju-store.js';
import type { StateSnapshot, StateStore } from '../state/store.js';
import { OwedHooks } from './owed-hooks.js';

/** One hook waiting in a unit's queue, with the context Juju would give it. */
export interface QueuedHook {
  readonly hook: string;
  readonly relationId?: string;
  /** The unit's own endpoint name for relation hooks. */
  readonly endpoint?: string;
  readonly remoteUnit?: string;
  readonly remoteApp?: string;
  readonly departingUnit?: string;
  /** Secret hooks: the secret (JUJU_SECRET_ID) and the label this unit knows it by. */
  readonly secretId?: string;
  readonly secretLabel?: string;
  /** secret-remove and secret-expired: the revision (JUJU_SECRET_REVISION). */
  readonly secretRevision?: number;
  /** Storage hooks: the storage instance (JUJU_STORAGE_ID), e.g. `data/0`. */
  readonly storageId?: string;
  /** Failed attempts so far (since the last `resolve`). */
  failures: number;
  /**
   * Replayed by `model.replayHooks`: runs after everything Juju would schedule, in queue order.
   */
  readonly replay?: boolean;
  /**
   * Juju's "queued" operation step (worker/uniter/operation/runhook.go Commit): config-changed
   * right after upgrade-charm. Runs before anything but leadership, actions and storage.
   */
  queued?: boolean;
  /** The resolver slot, cached (resolver.ts slotOf); cleared when `queued` changes. */
  slot?: number;
}

/**
 * An action waiting for a unit (the resolver's actions slot). `model.runAction` queues one;
 * the resolver runs it even while the unit is in error (worker/uniter/resolver.go consults Actions before the hook-error wait).
 */
export interface QueuedAction {
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** What a unit knows of one relation: whether it ran -relation-created, whom it has joined. */
export interface UnitRelationView {
  created: boolean;
  /** Remote units whose -relation-joined succeeded here and whose -departed has not. */
  readonly members: Set<string>;
  /**
   * The remote unit whose -relation-changed must follow its -relation-joined before any other
   * hook of this relation (Juju's ChangedPending, worker/uniter/relation/resolver.go).
   */
  changedPending?: string;
  /** `members` sorted as relation-list lists them; dropped when `members` changes. */
  sorted?: readonly string[];
}

/** A relation view's members in relation-list's order (cached until they change). */
export function sortedMembers(view: UnitRelationView): readonly string[] {
  view.sorted ??= [...view.members].sort(compareUnitNames);
  return view.sorted;
}

/** `sorted` (in relation-list's order) with `unit` added in its place: a new list. */
export function withMember(sorted: readonly string[], unit: string): string[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareUnitNames(sorted[mid] as string, unit) < 0) lo = mid + 1;
    else hi = mid;
  }
  const out = sorted.slice(0, lo);
  out.push(unit);
  for (let i = lo; i < sorted.length; i++) out.push(sorted[i] as string);
  return out;
}

/** Add a member to a relation view (its -joined committed). */
export function addMember(view: UnitRelationView, unit: string): void {
  if (view.members.has(unit)) return;
  view.members.add(unit);
  if (view.sorted !== undefined) view.sorted = withMember(view.sorted, unit);
}

/** Remove a member from a relation view (its -departed committed). */
export function removeMember(view: UnitRelationView, unit: string): void {
  if (!view.members.delete(unit)) return;
  if (view.sorted !== undefined) view.sorted = view.sorted.filter((u) => u !== unit);
}

/** A one-shot (or n-shot) failure armed by `model.failNextHook`. */
export interface Fault {
  readonly hook?: RegExp;
  readonly hookPattern?: string;
  /** An action fault (model.failNextHook with `action`): matches action names, never hooks. */
  readonly action?: RegExp;
  readonly handler?: string;
  readonly message: string;
  /** Process units: SIGKILL the hook process after this many tool calls (1-based). */
  readonly killAfterToolCalls?: number;
  remaining: number;
}

/**
 * Where a unit is in its life: `alive`, `dying` (removal under way) or `removed` (its
 * `remove` hook ran).
 */
export type UnitLife = 'alive' | 'dying' | 'removed';

/** The unit's state store, remembering the flags of the last committed hook. */
export class UnitStore implements StateStore {
  flags: readonly string[] = [];
  /** Set by an armed hook fault: the next save throws, so the hook fails and commits nothing. */
  failNextSave: string | undefined;
  /** Juju's server-side unit state (state-get/state-set), committed with each successful hook. */
  readonly jujuState = new Map<string, string>();
  /** The committed Juju unit state, read as a JujuStateStore would read it. */
  private readonly committedJuju: JujuStateStore;

  constructor(
    readonly inner: StateStore,
    /** The charm keeps its state in Juju (`new Charm({ stateStore: 'juju' })`, in-process units). */
    readonly jujuBacked = false,
  ) {
    const state = this.jujuState;
    const readOnly = (): Result<void, HookToolError> =>
      Err(new HookToolError('failed', 'state-set', 'the committed view is read-only'));
    this.committedJuju = new JujuStateStore({
      stateGet: () => Ok(Object.fromEntries(state)),
      stateSet: readOnly,
      stateDelete: readOnly,
    });
  }

  /**
   * True when the unit's state lives in Juju's unit state: an in-process charm built with
   * `stateStore: 'juju'`, or a process whose `main()` stored a snapshot there.
   */
  get inJuju(): boolean {
    return this.jujuBacked || this.jujuState.has(JUJU_STATE_COUNT_KEY);
  }

  get location(): string {
    return this.inJuju ? this.committedJuju.location : this.inner.location;
  }

  load(): StateSnapshot {
    return this.inJuju ? this.committedJuju.load() : this.inner.load();
  }

  save(snapshot: StateSnapshot): void {
    this.takeFault();
    this.inner.save(snapshot);
    this.flags = snapshot.flags;
  }

  /**
   * The store one in-process hook uses. A Juju-backed unit gets a JujuStateStore on this hook's
   * tools, so its state is staged in the hook's transaction with the relation data, and
   * committed (or dropped) with them.
   */
  forHook(tools: JujuStateTools): StateStore {
    if (!this.jujuBacked) return this;
    const juju = new JujuStateStore(tools);
    return {
      location: juju.location,
      load: () => juju.load(),
      save: (snapshot) => {
        this.takeFault();
        juju.save(snapshot);
      },
    };
  }

  /** Re-read flags from where the state lives (a process wrote its file, or a commit its Juju state). */
  refresh(): void {
    this.flags = this.load().flags;
  }

  private takeFault(): void {
    const fault = this.failNextSave;
    if (fault !== undefined) {
      this.failNextSave = undefined;
      throw new Error(fault);
    }
  }
}

export class UnitRecord {
  /** Hooks Juju owes this unit; the resolver (resolver.ts) picks which runs next. */
  readonly queue = new OwedHooks();
  /** Actions waiting (the resolver's actions slot; see QueuedAction). */
  readonly actions: QueuedAction[] = [];
  life: UnitLife = 'alive';
  status: WorkloadStatus = { status: 'unknown', message: '' };
  /** The failing hook, while the unit is in error (it blocks every other hook). */
  failed: QueuedHook | undefined;
  /** The failing hook's error, while the unit is in error. */
  error: { hook: string; message: string; attempts: number } | undefined;
  /** The retry timer ran out (or `resolve` asked): the failed hook may run again. */
  retryDue = false;
  /** The pending retry timer's id. */
  retryTimer: number | undefined;
  /** Juju's local state: install, the first config-changed, start have committed. */
  installed = false;
  configured = false;
  started = false;
  readonly relations = new Map<string, UnitRelationView>();
  readonly bindings = new Map<string, string>();
  readonly ports = new Set<string>();
  readonly faults: Fault[] = [];
  /** Labels this unit gave to secrets it consumes. */
  readonly secretLabels = new Map<string, string>();

  constructor(
    readonly name: string,
    readonly number: number,
    readonly app: AppRecord,
    readonly store: UnitStore,
    readonly charmDir: string,
    public address: string,
  ) {}

  /** Juju's server-side unit state (state-get/state-set). */
  get jujuState(): Map<string, string> {
    return this.store.jujuState;
  }
}

export class AppRecord {
  readonly units: UnitRecord[] = [];
  nextUnit = 0;
  leader: string | undefined;
  /** The removed leader's lease: a timer that elects a new leader when it runs out. */
  leaseTimer: number | undefined;
  leaderSettings: RelationData = {};
  status: WorkloadStatus = { status: 'unknown', message: '' };
  version = '';

  constructor(
    readonly name: string,
    readonly index: number,
    /** Replaced by `model.upgradeCharm`. */
    public charm: Charm | undefined,
    public metadata: CharmMetadata,
    public configOptions: Readonly<Record<string, ConfigOption>>,
    public config: Record<string, unknown>,
    readonly mode: 'in-process' | 'process',
    /** The charm dir a hook sees (in-process), or the source of each unit's copy (process). */
    public charmDir: string | undefined,
  ) {}

  endpoint(name: string): EndpointMetadata | undefined {
    return this.metadata.endpoints.find((e) => e.name === name);
  }

  /** Units that are neither dying nor removed, in unit-number order. */
  get aliveUnits(): UnitRecord[] {
    return this.units.filter((u) => u.life === 'alive');
  }
}

export interface RelationSide {
  readonly app: string;
  readonly endpoint: string;
}

/**
 * One relation. Juju names a relation by the *local* endpoint and a model-wide number, so the
 * two sides of `db:3` may know it as `db:3` and `database:3`: see idFor().
 */
export class RelationRecord {
  readonly unitBags = new Map<string, RelationData>();
  readonly appBags = new Map<string, RelationData>();
  /**
   * idFor's answers, one string each: every hook owed about this relation holds its id, and a
   * peer relation of 1,000 units owes about two million of them at once.
   */
  private readonly idsByApp = new Map<string, string>();
  /** Set by removeRelation: units are leaving it; nobody new joins. */
  removed = false;

  constructor(
    readonly num: number,
    /** One side for a peer relation, two otherwise. */
    readonly sides: readonly RelationSide[],
  ) {}

  /** The relation id as units of `app` see it: `<their endpoint>:<number>`. */
  idFor(app: string): string {
    let id = this.idsByApp.get(app);
    if (id === undefined) {
      const side = this.sideOf(app) ?? this.sides[0];
      id = `${side?.endpoint ?? 'relation'}:${this.num}`;
      this.idsByApp.set(app, id);
    }
    return id;
  }

  /** Every id string this relation is known by. */
  get ids(): string[] {
    return [...new Set(this.sides.map((s) => `${s.endpoint}:${this.num}`))];
  }

  get peer(): boolean {
    return this.sides.length === 1;
  }

  sideOf(app: string): RelationSide | undefined {
    return this.sides.find((s) => s.app === app);
  }

  /** The application on the other side from `app` (for a peer relation, `app` itself). */
  remoteAppOf(app: string): string | undefined {
    if (this.peer) return this.sides[0]?.app === app ? app : undefined;
    const other = this.sides.find((s) => s.app !== app);
    return this.sideOf(app) ? other?.app : undefined;
  }
}

export interface SecretRecord {
  readonly id: string;
  /** The owning application (application secrets) or unit (unit secrets). */
  readonly ownerApp: string;
  readonly ownerUnit?: string;
  label?: string;
  description?: string;
  expire?: string;
  rotate?: string;
  revision: number;
  content: Record<string, string>;
  /** relation id → grantee unit names, or '*' for the whole remote application. */
  readonly grants: Map<string, Set<string>>;
}

/** The whole committed model. */
export class World {
  readonly apps = new Map<string, AppRecord>();
  readonly units = new Map<string, UnitRecord>();
  /** By every id string a side knows the relation by. */
  readonly relations = new Map<string, RelationRecord>();
  readonly relationList: RelationRecord[] = [];
  readonly secrets = new Map<string, SecretRecord>();
  nextRelation = 0;
  nextSecret = 1;

  app(name: string): AppRecord {
    const app = this.apps.get(name);
    if (app === undefined) {
      const known = [...this.apps.keys()].join(', ') || 'none';
      throw new Error(`no application "${name}" in the model (deployed: ${known})`);
    }
    return app;
  }

  unit(name: string): UnitRecord {
    const unit = this.units.get(name);
    if (unit === undefined) {
      const known = [...this.units.keys()].sort(compareUnitNames).join(', ') || 'none';
      throw new Error(`no unit "${name}" in the model (units: ${known})`);
    }
    return unit;
  }

  relation(id: string): RelationRecord | undefined {
    return this.relations.get(id);
  }

  addRelation(sides: readonly RelationSide[]): RelationRecord {
    const relation = new RelationRecord(this.nextRelation++, sides);
    this.relationList.push(relation);
    for (const id of relation.ids) this.relations.set(id, relation);
    return relation;
  }

  /** Every unit in the relation's scope on the side of `app` (alive units only). */
  unitsInScope(relation: RelationRecord, app: string): UnitRecord[] {
    return this.apps.get(app)?.aliveUnits.filter((u) => u.relations.has(relation.idFor(app))) ?? [];
  }

  /** Relations an application takes part in, in creation order. */
  relationsOf(app: string): RelationRecord[] {
    return this.relationList.filter((r) => !r.removed && r.sideOf(app) !== undefined);
  }

  allocateSecretId(): string {
    const n = this.nextSecret++;
    return `secret:${n.toString(32).padStart(20, '0')}`;
  }
}
