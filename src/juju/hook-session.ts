// HookSession: the hook tools as one hook sees them. Reads are cached for the hook; relation
// data, leader settings and secret changes are buffered and written only by commit(), which
// the runtime calls after every handler succeeded. A hook that fails never calls commit().
import { Err, Ok, type Result } from 'ts-results-es';
import { HookToolError } from './hook-tool-error.js';
import type {
  ActionParams,
  GoalState,
  HookTools,
  LogLevel,
  NetworkInfo,
  PortProtocol,
  PortRange,
  RelationData,
  SecretAddOptions,
  SecretContent,
  SecretGetOptions,
  SecretGrantOptions,
  SecretInfo,
  StorageInfo,
  WorkloadStatusName,
} from './hook-tools.js';
import { compareRelationIds } from './ordering.js';
import type { Redactor } from './redact.js';

/** A value to publish: a string writes, null or undefined deletes. */
export type PendingValue = string | null | undefined;

type SecretOp =
  | {
      readonly op: 'set';
      readonly id: string;
      readonly content: SecretContent;
      readonly options?: Omit<SecretAddOptions, 'owner'>;
    }
  | {
      readonly op: 'grant' | 'revoke';
      readonly id: string;
      readonly relationId: string;
      readonly options?: SecretGrantOptions;
    }
  | { readonly op: 'remove'; readonly id: string; readonly revision?: number };

/** What commit() wrote, for traces and tests. */
export interface CommitReport {
  /** One entry per `relation-set` call, in relation id order. */
  readonly relationWrites: readonly {
    /** The relation id. */
    readonly relationId: string;
    /** True for the application bag. */
    readonly app: boolean;
    /** The keys written (deletions included), sorted. */
    readonly keys: readonly string[];
  }[];
  /** The leader-setting keys written (deletions included), sorted. */
  readonly leaderKeys: readonly string[];
  /** How many secret operations (set, grant, revoke, remove) were applied. */
  readonly secretOps: number;
}

/** Who the session acts for, and where secret values it sees are registered. */
export interface HookSessionOptions {
  /** This unit, e.g. `mysql/0`. */
  readonly unitName: string;
  /** This unit's application, e.g. `mysql`. */
  readonly applicationName: string;
  /** Learns secret content read or written through the session. */
  readonly redactor: Redactor;
}

const bagKey = (relationId: string, entity: string, app: boolean): string =>
  `${relationId}\u0000${entity}\u0000${app ? 'app' : 'unit'}`;

/** What {@link KnownBag.get} answers for a key it cannot vouch for. */
export const UNKNOWN_VALUE: unique symbol = Symbol('unknown value');

/**
 * This unit's own bag in one relation as Juju holds it now, for the keys the record vouches
 * for (see `RelationMemory` in src/endpoints/relation-memory.ts).
 */
export interface KnownBag {
  /**
   * The committed value (undefined when the bag lacks the key), or UNKNOWN_VALUE when the
   * record does not keep it (a key Juju itself writes, or a value kept only as a hash).
   */
  get(key: string): string | undefined | typeof UNKNOWN_VALUE;
  /** Whether the bag holds `key`; undefined when the record cannot tell. */
  has(key: string): boolean | undefined;
  /** Whether the committed value of `key` is `value`; undefined when the record cannot tell. */
  holds(key: string, value: string): boolean | undefined;
}

/**
 * What the unit knows of its relations without asking Juju, exactly as Juju would answer in
 * this hook; `undefined` means "ask". The session asks it before calling relation-ids,
 * relation-list, or relation-get on this unit's own bag.
 */
export interface KnownRelations {
  /** `relation-ids <endpoint>` as Juju would answer it now, or undefined. */
  relationIds(endpoint: string): readonly string[] | undefined;
  /** `relation-list -r <id>` as Juju would answer it now, or undefined. */
  relationList(relationId: string): readonly string[] | undefined;
  /** This unit's own bag in the relation, or undefined. */
  ownBag(relationId: string): KnownBag | undefined;
}

/** The relation answers this hook got from Juju itself (not from {@link KnownRelations}). */
export interface ObservedRelations {
  /** `relation-ids` answers, by endpoint. */
  readonly ids: ReadonlyMap<string, readonly string[]>;
  /** `relation-list` answers, by relation id. */
  readonly lists: ReadonlyMap<string, readonly string[]>;
  /** This unit's own bags as read with relation-get, by relation id. */
  readonly ownBags: ReadonlyMap<string, RelationData>;
}

/**
 * The hook tools as one hook sees them: reads cached for the hook, writes (relation data,
 * leader settings, secret changes) buffered until {@link HookSession.commit}. Handlers reach
 * it as `rt.juju`; its methods return `Result` values, never throw for a tool failure.
 * @example
 * const address = rt.juju.ingressAddress('cluster').expect('network-get failed');
 * rt.juju.relationSet('cluster:0', { address }); // written at commit, if the hook succeeds
 */
export class HookSession {
  /** This unit, e.g. `mysql/0`. */
  readonly unitName: string;
  /** This unit's application. */
  readonly applicationName: string;
  private readonly cache = new Map<string, Result<unknown, HookToolError>>();
  private readonly pendingBags = new Map<
    string,
    { relationId: string; app: boolean; values: Map<string, string | null> }
  >();
  private pendingLeader = new Map<string, string | null>();
  private readonly secretOps: SecretOp[] = [];
  private committed = false;
  private known: KnownRelations | undefined;
  private readonly observedIds = new Map<string, readonly string[]>();
  private readonly observedLists = new Map<string, readonly string[]>();
  private readonly observedOwnBags = new Map<string, RelationData>();

  constructor(
    /** The underlying hook tools (writes made here directly bypass the buffering). */
    readonly tools: HookTools,
    private readonly options: HookSessionOptions,
  ) {
    this.unitName = options.unitName;
    this.applicationName = options.applicationName;
  }

  /** A cached answer, if any (checked before making a reader: most reads are hits). */
  private hit<T>(key: string): Result<T, HookToolError> | undefined {
    return this.cache.get(key) as Result<T, HookToolError> | undefined;
  }

  private cached<T>(key: string, read: () => Result<T, HookToolError>): Result<T, HookToolError> {
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit as Result<T, HookToolError>;
    const value = read();
    this.cache.set(key, value);
    return value;
  }

  // ---- reads, cached for the hook ----

  /**
   * Answer relation-ids, relation-list and this unit's own bag from what the unit knows
   * (committed with its earlier hooks) where that is exact; everything else still asks Juju.
   */
  useKnownRelations(known: KnownRelations): void {
    this.known = known;
  }

  /** What this hook learnt from Juju itself about its relations (for the unit's records). */
  observedRelations(): ObservedRelations {
    return { ids: this.observedIds, lists: this.observedLists, ownBags: this.observedOwnBags };
  }

  /** Relation ids of an endpoint (`relation-ids`, once per endpoint per hook). */
  relationIds(endpoint: string): Result<string[], HookToolError> {
    return this.knownOrAsked(
      `ids\u0000${endpoint}`,
      this.observedIds,
      endpoint,
      (e) => this.known?.relationIds(e),
      () => this.tools.relationIds(endpoint),
    );
  }

  /** Remote units in a relation (`relation-list`, once per relation per hook). */
  relationList(relationId: string): Result<string[], HookToolError> {
    return this.knownOrAsked(
      `list\u0000${relationId}`,
      this.observedLists,
      relationId,
      (r) => this.known?.relationList(r),
      () => this.tools.relationList(relationId),
    );
  }

  /** A list the unit knows, or Juju's answer (noted in `observed`); cached for the hook. */
  private knownOrAsked(
    cacheKey: string,
    observed: Map<string, readonly string[]>,
    key: string,
    known: (key: string) => readonly string[] | undefined,
    ask: () => Result<string[], HookToolError>,
  ): Result<string[], HookToolError> {
    const hit = this.hit<string[]>(cacheKey);
    if (hit !== undefined) return hit;
    return this.cached(cacheKey, () => {
      const answer = known(key);
      if (answer !== undefined) return Ok([...answer]);
      const asked = ask();
      if (asked.isOk()) observed.set(key, [...asked.value]);
      return asked;
    });
  }

  /** The remote application of a relation ('' if unknown), cached. */
  relationListApp(relationId: string): Result<string, HookToolError> {
    return this.cached(`listapp\u0000${relationId}`, () => this.tools.relationListApp(relationId));
  }

  /** A bag as committed before this hook, ignoring this hook's pending writes. */
  relationGetCommitted(
    relationId: string,
    entity: string,
    app = false,
  ): Result<RelationData, HookToolError> {
    const key = `get\u0000${bagKey(relationId, entity, app)}`;
    const hit = this.hit<RelationData>(key);
    if (hit !== undefined) return hit;
    return this.cached(key, () => {
      const bag = this.tools.relationGet(relationId, entity, app ? { app: true } : undefined);
      if (bag.isOk() && !app && entity === this.unitName)
        this.observedOwnBags.set(relationId, dataRecord(bag.value));
      return bag;
    });
  }

  /**
   * One key of this unit's (or application's) bag, with this hook's pending writes applied.
   * This unit's own bag is answered from what the unit knows when it can vouch for the key
   * (see {@link KnownRelations}); otherwise the whole bag is read once.
   */
  publishedValue(
    relationId: string,
    entity: string,
    app: boolean,
    key: string,
  ): Result<string | undefined, HookToolError> {
    const pending = this.pendingBags.get(bagKey(relationId, entity, app))?.values;
    if (pending?.has(key)) return Ok(pending.get(key) ?? undefined);
    const record = this.knownOwnBag(relationId, entity, app);
    const known = record === undefined ? UNKNOWN_VALUE : record.get(key);
    if (known !== UNKNOWN_VALUE) return Ok(known);
    const bag = this.relationGetCommitted(relationId, entity, app);
    if (bag.isErr()) return bag;
    return Ok(Object.hasOwn(bag.value, key) ? bag.value[key] : undefined);
  }

  /** Whether this unit's (or application's) bag holds `key`, pending writes applied. */
  publishedHas(
    relationId: string,
    entity: string,
    app: boolean,
    key: string,
  ): Result<boolean, HookToolError> {
    const pending = this.pendingBags.get(bagKey(relationId, entity, app))?.values;
    if (pending?.has(key)) return Ok(pending.get(key) !== null);
    const known = this.knownOwnBag(relationId, entity, app)?.has(key);
    if (known !== undefined) return Ok(known);
    const bag = this.relationGetCommitted(relationId, entity, app);
    if (bag.isErr()) return bag;
    return Ok(Object.hasOwn(bag.value, key));
  }

  /** The record of this unit's own bag, unless the bag was read this hook (the read wins). */
  private knownOwnBag(relationId: string, entity: string, app: boolean): KnownBag | undefined {
    if (app || entity !== this.unitName || this.known === undefined) return undefined;
    if (this.cache.has(`get\u0000${bagKey(relationId, entity, app)}`)) return undefined;
    return this.known.ownBag(relationId);
  }

  /** A bag; for this unit's (or application's) own bag, with this hook's pending writes applied. */
  relationGet(
    relationId: string,
    entity: string,
    app = false,
  ): Result<RelationData, HookToolError> {
    const committed = this.relationGetCommitted(relationId, entity, app);
    const pending = this.pendingBags.get(bagKey(relationId, entity, app));
    if (committed.isErr() || pending === undefined) return committed;
    const merged: RelationData = dataRecord(committed.value);
    for (const [k, v] of pending.values) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    return Ok(merged);
  }

  /** `network-get` for a binding (optionally for one relation), cached. */
  networkGet(binding: string, relationId?: string): Result<NetworkInfo, HookToolError> {
    return this.cached(`net\u0000${binding}\u0000${relationId ?? ''}`, () =>
      this.tools.networkGet(binding, relationId === undefined ? undefined : { relationId }),
    );
  }

  /** The binding's ingress address (`network-get --ingress-address`), cached. */
  ingressAddress(binding: string, relationId?: string): Result<string, HookToolError> {
    const key = `ingress\u0000${binding}\u0000${relationId ?? ''}`;
    return (
      this.hit<string>(key) ??
      this.cached(key, () =>
        this.tools.networkGetIngressAddress(
          binding,
          relationId === undefined ? undefined : { relationId },
        ),
      )
    );
  }

  /** `unit-get private-address` or `public-address`, cached. */
  unitGet(key: 'private-address' | 'public-address'): Result<string, HookToolError> {
    return this.cached(`unit\u0000${key}`, () => this.tools.unitGet(key));
  }

  /** The application's config (`config-get --all`), cached. */
  config(): Result<Record<string, unknown>, HookToolError> {
    return this.hit('config') ?? this.cached('config', () => this.tools.configGet());
  }

  /** Whether this unit is the leader (`is-leader`, once per hook). */
  isLeader(): Result<boolean, HookToolError> {
    return this.hit('is-leader') ?? this.cached('is-leader', () => this.tools.isLeader());
  }

  /** `goal-state`, cached. */
  goalState(): Result<GoalState, HookToolError> {
    return this.cached('goal-state', () => this.tools.goalState());
  }

  /** Leader settings as committed before this hook. */
  leaderGetCommitted(): Result<Record<string, string>, HookToolError> {
    return this.hit('leader-get') ?? this.cached('leader-get', () => this.tools.leaderGet());
  }

  /** Leader settings with this hook's pending leaderSet() applied. */
  leaderGet(): Result<Record<string, string>, HookToolError> {
    const committed = this.leaderGetCommitted();
    if (committed.isErr() || this.pendingLeader.size === 0) return committed;
    const merged = dataRecord(committed.value);
    for (const [k, v] of this.pendingLeader) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    return Ok(merged);
  }

  /**
   * Secret content. A plain read (no peek/refresh) is cached for the hook; so is the result
   * of a `refresh` read, which leaves the unit tracking the revision it returned.
   */
  secretGet(idOrLabel: string, options?: SecretGetOptions): Result<SecretContent, HookToolError> {
    const plainKey = `secret\u0000${idOrLabel}`;
    const plain =
      options === undefined || (!options.peek && !options.refresh && options.label === undefined);
    let result: Result<SecretContent, HookToolError>;
    if (plain) {
      result = this.cached(plainKey, () => this.tools.secretGet(idOrLabel));
    } else {
      result = this.tools.secretGet(idOrLabel, options);
      if (options?.refresh && !options.peek && options.label === undefined && result.isOk())
        this.cache.set(plainKey, result);
    }
    if (result.isOk()) for (const v of Object.values(result.value)) this.options.redactor.add(v);
    return result;
  }

  // ---- buffered writes: applied by commit() ----

  /**
   * Stage writes to this unit's bag (or, with `app`, the application's bag; leader only).
   * null/undefined/'' delete a key. Nothing reaches Juju before commit().
   */
  relationSet(
    relationId: string,
    data: Readonly<Record<string, PendingValue>>,
    app = false,
  ): Result<void, HookToolError> {
    this.assertOpen('relationSet');
    if (app) {
      const leader = this.isLeader();
      if (leader.isErr()) return leader;
      if (!leader.value) {
        return Err(
          new HookToolError(
            'not-leader',
            'relation-set',
            `${this.unitName} is not the leader: only the leader may write application data`,
          ),
        );
      }
    }
    const entity = app ? this.applicationName : this.unitName;
    const key = bagKey(relationId, entity, app);
    let bag = this.pendingBags.get(key);
    if (bag === undefined) {
      bag = { relationId, app, values: new Map() };
      this.pendingBags.set(key, bag);
    }
    for (const [k, v] of Object.entries(data))
      bag.values.set(k, v === undefined || v === null || v === '' ? null : v);
    return Ok(undefined);
  }

  /** Stage leader settings (leader only). '' or null deletes a key. */
  leaderSet(data: Readonly<Record<string, PendingValue>>): Result<void, HookToolError> {
    this.assertOpen('leaderSet');
    const leader = this.isLeader();
    if (leader.isErr()) return leader;
    if (!leader.value) {
      return Err(
        new HookToolError(
          'not-leader',
          'leader-set',
          `cannot write leadership settings: ${this.unitName} is not the leader`,
        ),
      );
    }
    for (const [k, v] of Object.entries(data))
      this.pendingLeader.set(k, v === undefined || v === null || v === '' ? null : v);
    return Ok(undefined);
  }

  /** Creates the secret now (Juju itself discards it if the hook fails) and returns its id. */
  secretAdd(content: SecretContent, options?: SecretAddOptions): Result<string, HookToolError> {
    for (const v of Object.values(content)) this.options.redactor.add(v);
    return this.tools.secretAdd(content, options);
  }

  /** Stage new content (and metadata) for a secret this unit owns; applied at commit. */
  secretSet(id: string, content: SecretContent, options?: Omit<SecretAddOptions, 'owner'>): void {
    this.assertOpen('secretSet');
    for (const v of Object.values(content)) this.options.redactor.add(v);
    this.secretOps.push({ op: 'set', id, content, ...(options ? { options } : {}) });
  }

  /** Stage a grant of a secret to a relation (or one remote unit); applied at commit. */
  secretGrant(id: string, relationId: string, options?: SecretGrantOptions): void {
    this.assertOpen('secretGrant');
    this.secretOps.push({ op: 'grant', id, relationId, ...(options ? { options } : {}) });
  }

  /** Stage a revocation of a grant; applied at commit. */
  secretRevoke(id: string, relationId: string, options?: SecretGrantOptions): void {
    this.assertOpen('secretRevoke');
    this.secretOps.push({ op: 'revoke', id, relationId, ...(options ? { options } : {}) });
  }

  /** Stage removing a secret (or one revision); applied at commit. */
  secretRemove(id: string, revision?: number): void {
    this.assertOpen('secretRemove');
    this.secretOps.push({ op: 'remove', id, ...(revision === undefined ? {} : { revision }) });
  }

  // ---- immediate: Juju applies these at once, as it does in a real hook ----

  /** `juju-log`, redacted, at once. Handlers usually call `rt.log` instead. */
  log(message: string, level: LogLevel): Result<void, HookToolError> {
    return this.tools.jujuLog(this.options.redactor.redact(message), level);
  }

  /** `status-set`, redacted, at once; `application` sets the application status (leader only). */
  statusSet(
    status: WorkloadStatusName,
    message: string,
    application = false,
  ): Result<void, HookToolError> {
    return this.tools.statusSet(
      status,
      this.options.redactor.redact(message),
      application ? { application: true } : undefined,
    );
  }

  /** `application-version-set`, at once. */
  applicationVersionSet(version: string): Result<void, HookToolError> {
    return this.tools.applicationVersionSet(version);
  }

  /** `open-port`, at once. */
  openPort(port: number, protocol?: PortProtocol): Result<void, HookToolError> {
    return this.tools.openPort(port, protocol);
  }

  /** `close-port`, at once. */
  closePort(port: number, protocol?: PortProtocol): Result<void, HookToolError> {
    return this.tools.closePort(port, protocol);
  }

  // ---- actions: Juju records these at once (worker/uniter/runner/jujuc/action-*.go) ----

  /** The running action's params (`action-get`), cached. */
  actionGet(): Result<ActionParams, HookToolError> {
    return this.cached('action-get', () => this.tools.actionGet());
  }

  /** `action-set` with flattened keys, at once. Values are not redacted: they are the results. */
  actionSet(results: Readonly<Record<string, string>>): Result<void, HookToolError> {
    return this.tools.actionSet(results);
  }

  /** `action-fail`, the message redacted, at once. */
  actionFail(message: string): Result<void, HookToolError> {
    return this.tools.actionFail(this.options.redactor.redact(message));
  }

  /** `action-log`, redacted, at once. */
  actionLog(message: string): Result<void, HookToolError> {
    return this.tools.actionLog(this.options.redactor.redact(message));
  }

  // ---- secrets' metadata, storage, resources: cached reads ----

  /** `secret-info-get` for a secret this unit (or its application) owns, cached. */
  secretInfoGet(idOrLabel: string): Result<SecretInfo, HookToolError> {
    return this.cached(`secret-info\u0000${idOrLabel}`, () => this.tools.secretInfoGet(idOrLabel));
  }

  /** `secret-ids`, cached. */
  secretIds(): Result<string[], HookToolError> {
    return this.cached('secret-ids', () => this.tools.secretIds());
  }

  /** `storage-get [-s <id>]`, cached. */
  storageGet(storageId?: string): Result<StorageInfo, HookToolError> {
    return this.cached(`storage-get\u0000${storageId ?? ''}`, () =>
      this.tools.storageGet(storageId),
    );
  }

  /** `storage-list [<name>]`, cached. */
  storageList(storageName?: string): Result<string[], HookToolError> {
    return this.cached(`storage-list\u0000${storageName ?? ''}`, () =>
      this.tools.storageList(storageName),
    );
  }

  /** `storage-add`, at once: Juju itself adds the storage only if the hook succeeds. */
  storageAdd(counts: Readonly<Record<string, number>>): Result<void, HookToolError> {
    return this.tools.storageAdd(counts);
  }

  /** `resource-get <name>`, cached (it downloads the resource the first time). */
  resourceGet(name: string): Result<string, HookToolError> {
    return this.cached(`resource\u0000${name}`, () => this.tools.resourceGet(name));
  }

  /** `open-port <range>`, at once (Juju applies port changes when the hook succeeds). */
  openPortRange(
    range: PortRange,
    options?: { readonly endpoints?: readonly string[] },
  ): Result<void, HookToolError> {
    return this.tools.openPortRange(range, options);
  }

  /** `close-port <range>`, at once. */
  closePortRange(
    range: PortRange,
    options?: { readonly endpoints?: readonly string[] },
  ): Result<void, HookToolError> {
    return this.tools.closePortRange(range, options);
  }

  /** `opened-ports` (not cached: it reflects this hook's own open/close calls). */
  openedPorts(): Result<PortRange[], HookToolError> {
    return this.tools.openedPorts();
  }

  /** `add-metric`, at once (collect-metrics hooks only). */
  addMetric(metrics: Readonly<Record<string, string>>): Result<void, HookToolError> {
    return this.tools.addMetric(metrics);
  }

  // ---- commit ----

  /** True when commit() would write something. */
  get hasPendingWrites(): boolean {
    return this.pendingBags.size > 0 || this.pendingLeader.size > 0 || this.secretOps.length > 0;
  }

  /**
   * Write what the hook staged, in order: relation data (one relation-set per bag, only keys
   * whose value differs from the committed one), secret operations, then leader settings
   * (one leader-set). Stops at the first failure and returns it; the hook then fails.
   *
   * Leader settings are buffered on purpose: Juju applies leader-set the moment it is called,
   * so a hook that failed later would leave them behind. Buffering makes them commit with
   * the rest of the hook's writes, and writing them last (after the writes Juju itself holds
   * until the hook ends) leaves only the unit-state save after them.
   */
  commit(): Result<CommitReport, HookToolError> {
    this.assertOpen('commit');
    this.committed = true;
    const relationWrites: { relationId: string; app: boolean; keys: string[] }[] = [];
    const bags = [...this.pendingBags.values()].sort(
      (a, b) => compareRelationIds(a.relationId, b.relationId) || Number(a.app) - Number(b.app),
    );
    for (const bag of bags) {
      const entity = bag.app ? this.applicationName : this.unitName;
      let delta = knownDiff(this.knownOwnBag(bag.relationId, entity, bag.app), bag.values);
      if (delta === undefined) {
        const before = this.relationGetCommitted(bag.relationId, entity, bag.app);
        if (before.isErr()) return before;
        delta = diff(before.value, bag.values);
      }
      if (Object.keys(delta).length === 0) continue;
      const written = this.tools.relationSet(
        bag.relationId,
        delta,
        bag.app ? { app: true } : undefined,
      );
      if (written.isErr()) return written;
      relationWrites.push({
        relationId: bag.relationId,
        app: bag.app,
        keys: Object.keys(delta).sort(),
      });
    }
    for (const op of this.secretOps) {
      const done = this.applySecretOp(op);
      if (done.isErr()) return done;
    }
    let leaderKeys: string[] = [];
    if (this.pendingLeader.size > 0) {
      const before = this.leaderGetCommitted();
      if (before.isErr()) return before;
      const delta = diff(before.value, this.pendingLeader);
      leaderKeys = Object.keys(delta).sort();
      if (leaderKeys.length > 0) {
        const written = this.tools.leaderSet(delta);
        if (written.isErr()) return written;
      }
    }
    return Ok({ relationWrites, leaderKeys, secretOps: this.secretOps.length });
  }

  private applySecretOp(op: SecretOp): Result<void, HookToolError> {
    switch (op.op) {
      case 'set':
        return this.tools.secretSet(op.id, op.content, op.options);
      case 'grant':
        return this.tools.secretGrant(op.id, op.relationId, op.options);
      case 'revoke':
        return this.tools.secretRevoke(op.id, op.relationId, op.options);
      case 'remove':
        return this.tools.secretRemove(
          op.id,
          op.revision === undefined ? undefined : { revision: op.revision },
        );
    }
  }

  private assertOpen(what: string): void {
    if (this.committed) {
      throw new Error(
        `${what}() called after the hook's writes were committed; make writes from handlers, not after dispatch`,
      );
    }
  }
}

/**
 * diff() against a record of the bag instead of the bag itself, or undefined when the record
 * cannot vouch for every pending key (the bag is then read).
 */
function knownDiff(
  known: KnownBag | undefined,
  pending: ReadonlyMap<string, string | null>,
): Record<string, string> | undefined {
  if (known === undefined) return undefined;
  const out = dataRecord<string>();
  for (const [k, v] of [...pending].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (v === null) {
      const present = known.has(k);
      if (present === undefined) return undefined;
      if (present) out[k] = '';
    } else {
      const same = known.holds(k, v);
      if (same === undefined) return undefined;
      if (!same) out[k] = v;
    }
  }
  return out;
}

/** Keys whose pending value differs from the committed bag; deletions become ''. */
function diff(
  before: Readonly<Record<string, string>>,
  pending: ReadonlyMap<string, string | null>,
): Record<string, string> {
  const out = dataRecord<string>();
  for (const [k, v] of [...pending].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (v === null) {
      if (Object.hasOwn(before, k)) out[k] = '';
    } else if (!Object.hasOwn(before, k) || before[k] !== v) {
      out[k] = v;
    }
  }
  return out;
}

/**
 * A copy of `from` whose keys are plain data: no prototype, so a key named `__proto__` is
 * stored and published like any other (Juju stores any key).
 */
function dataRecord<T>(from: Readonly<Record<string, T>> = {}): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, from);
}
