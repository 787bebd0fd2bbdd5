// Storage and resources in the simulated model: the storage instances each unit has (from
// metadata `storage:`), the `<name>-storage-attached` / `-detaching` hooks they cause, storage
// added by `storage-add`, and the resource files a test gave the model for `resource-get`.
//
// Juju, as checked (worker/uniter/storage/resolver.go): a new unit's initial storage is attached
// and its `-storage-attached` hooks run BEFORE `install` (the resolver answers ErrWaiting while
// attachments are pending and the unit is not installed); a dying unit runs `-storage-detaching`
// for each attached instance (never for one whose attached hook did not run), before `stop`
// (the storage resolver comes before the lifecycle in worker/uniter/resolver.go). storage-get
// without `-s` answers for the hook's own storage (jujuc/storage-get.go: "no storage instance
// specified" otherwise). Instance ids are `<name>/<n>`, numbered model-wide.
import type { HookContext } from '../juju/hook-context.js';
import type { StorageMetadata } from '../juju/metadata.js';
import { owe } from './secrets.js';
import type { TraceRecorder } from './trace.js';
import type { HookTransaction } from './transaction.js';
import type { QueuedHook, UnitRecord, World } from './world.js';

/** One storage instance attached (or being attached) to a unit. */
export interface StorageInstance {
  /** `data/0`. */
  readonly id: string;
  readonly name: string;
  readonly kind: 'filesystem' | 'block';
  readonly location: string;
  /** Its `-storage-attached` hook committed. */
  attached: boolean;
}

const models = new WeakMap<World, StorageModel>();
/** storage-add calls staged by a hook, applied if it commits. */
const staged = new WeakMap<HookTransaction, Map<string, number>>();

/** The storage and resources of one model. */
export class StorageModel {
  private readonly byUnit = new Map<UnitRecord, StorageInstance[]>();
  private readonly counters = new Map<string, number>();
  private blockDevices = 0;
  /** Application → resource name → file path. */
  private readonly resources = new Map<string, ReadonlyMap<string, string>>();
  private readonly initial = new Map<string, ReadonlyMap<string, number>>();

  private constructor(private readonly recorder: TraceRecorder) {}

  /** Give a model's world its storage model (the Model does this once). */
  static attach(world: World, recorder: TraceRecorder): StorageModel {
    const model = new StorageModel(recorder);
    models.set(world, model);
    return model;
  }

  /** The storage model of a world, if it has one. */
  static of(world: World): StorageModel | undefined {
    return models.get(world);
  }

  /** The initial count of each store (`multiple.range` minimum; 1 without `multiple`). */
  static initialCounts(
    storage: readonly StorageMetadata[],
    requested: Readonly<Record<string, number>> = {},
  ): Map<string, number> {
    const out = new Map<string, number>();
    for (const name of Object.keys(requested)) {
      if (!storage.some((s) => s.name === name)) {
        const known = storage.map((s) => s.name).join(', ') || 'none';
        throw new Error(`storage "${name}" is not declared by the charm (declared: ${known})`);
      }
    }
    for (const store of storage) {
      const { min, max } = rangeOf(store.multiple);
      const count = requested[store.name] ?? min;
      if (!Number.isInteger(count) || count < min || count > max) {
        throw new Error(
          `storage "${store.name}": ${count} instances requested; the charm allows ${store.multiple ?? '1'}`,
        );
      }
      out.set(store.name, count);
    }
    return out;
  }

  /** The storage each new unit of `app` gets (`deploy({ storage })`, else the charm's minimum). */
  setInitialCounts(app: string, counts: ReadonlyMap<string, number>): void {
    this.initial.set(app, counts);
  }

  /** A new unit: attach its application's initial storage (before install). */
  attachInitial(unit: UnitRecord): void {
    for (const [name, count] of this.initial.get(unit.app.name) ?? []) {
      this.attachNew(unit, name, count);
    }
  }

  /** Files given for an application's resources (`deploy({ resources })`). */
  setResources(app: string, files: Readonly<Record<string, string>>): void {
    this.resources.set(app, new Map(Object.entries(files)));
  }

  /** The file of a resource, or undefined when the test gave none. */
  resource(app: string, name: string): string | undefined {
    return this.resources.get(app)?.get(name);
  }

  /** The unit's storage instances (attached or pending). */
  instances(unit: UnitRecord): readonly StorageInstance[] {
    return this.byUnit.get(unit) ?? [];
  }

  /** Create `count` instances of a store for `unit` and owe it their attached hooks. */
  attachNew(unit: UnitRecord, name: string, count: number): void {
    const store = unit.app.metadata.storage?.find((s) => s.name === name);
    if (store === undefined || count <= 0) return;
    const list = this.byUnit.get(unit) ?? [];
    this.byUnit.set(unit, list);
    for (let i = 0; i < count; i++) {
      const n = this.counters.get(name) ?? 0;
      this.counters.set(name, n + 1);
      const id = `${name}/${n}`;
      const location =
        store.type === 'block'
          ? `/dev/loop${this.blockDevices++}`
          : store.location === undefined
            ? `/var/lib/juju/storage/${name}/${n}`
            : store.multiple === undefined
              ? store.location
              : `${store.location}/${n}`;
      list.push({ id, name, kind: store.type, location, attached: false });
      owe(unit, { hook: `${name}-storage-attached`, storageId: id });
    }
    this.recorder.model('storage-attach', `${unit.name} ${name} x${count}`, unit.name);
  }

  /** A dying unit: `-storage-detaching` for each attached instance; pending attaches dropped. */
  detachAll(unit: UnitRecord): void {
    const list = this.byUnit.get(unit) ?? [];
    for (const instance of list) {
      if (instance.attached) {
        owe(unit, { hook: `${instance.name}-storage-detaching`, storageId: instance.id });
      }
    }
    unit.queue.retain(
      (q) => q === unit.failed || !(q.storageId !== undefined && q.hook.endsWith('-attached')),
    );
    this.byUnit.set(
      unit,
      list.filter((i) => i.attached),
    );
  }

  /** True while `unit` waits for initial storage (install waits for it). */
  pendingAttach(unit: UnitRecord): boolean {
    return unit.queue.some(
      (q) => q.storageId !== undefined && q.hook.endsWith('-storage-attached'),
    );
  }

  /** Stage a storage-add of this hook. */
  stageAdd(tx: HookTransaction, name: string, count: number): void {
    let adds = staged.get(tx);
    if (adds === undefined) {
      adds = new Map();
      staged.set(tx, adds);
    }
    adds.set(name, (adds.get(name) ?? 0) + count);
  }

  /** How many instances of `name` this hook already asked for. */
  stagedCount(tx: HookTransaction, name: string): number {
    return staged.get(tx)?.get(name) ?? 0;
  }

  /** A hook committed: apply its storage-add calls (new instances, attached hooks owed). */
  committed(unit: UnitRecord, tx: HookTransaction): void {
    for (const [name, count] of staged.get(tx) ?? []) this.attachNew(unit, name, count);
  }

  /** A storage hook committed (or was skipped): the instance is attached, or gone. */
  hookCommitted(unit: UnitRecord, item: QueuedHook): void {
    const id = item.storageId;
    if (id === undefined) return;
    const list = this.byUnit.get(unit) ?? [];
    const instance = list.find((i) => i.id === id);
    if (instance === undefined) return;
    if (item.hook.endsWith('-storage-attached')) instance.attached = true;
    else if (item.hook.endsWith('-storage-detaching')) {
      this.byUnit.set(
        unit,
        list.filter((i) => i !== instance),
      );
    }
  }

  /** The instance a storage hook is about (for its context). */
  instanceOf(unit: UnitRecord, id: string | undefined): StorageInstance | undefined {
    if (id === undefined) return undefined;
    return this.byUnit.get(unit)?.find((i) => i.id === id);
  }
}

/** `multiple.range` as bounds: `2` → 2..2, `1-3`, `2+` → 2..∞; none → 1..1. */
export function rangeOf(multiple: string | undefined): { min: number; max: number } {
  if (multiple === undefined) return { min: 1, max: 1 };
  if (multiple.endsWith('+')) return { min: Number(multiple.slice(0, -1)), max: Infinity };
  const [a = '1', b = a] = multiple.split('-');
  return { min: Number(a), max: Number(b) };
}

/** The storage context of a storage hook (JUJU_STORAGE_ID, JUJU_STORAGE_LOCATION). */
export function storageHookContext(
  world: World,
  unit: UnitRecord,
  item: QueuedHook,
): Pick<HookContext, 'storage'> {
  if (item.storageId === undefined) return {};
  const instance = StorageModel.of(world)?.instanceOf(unit, item.storageId);
  return { storage: { id: item.storageId, location: instance?.location ?? '' } };
}

/** The same, as a process hook's environment. */
export function storageHookEnv(
  world: World,
  unit: UnitRecord,
  item: QueuedHook,
): Record<string, string> {
  const storage = storageHookContext(world, unit, item).storage;
  if (storage === undefined) return {};
  return { JUJU_STORAGE_ID: storage.id, JUJU_STORAGE_LOCATION: storage.location };
}
