// Committing a successful hook: relation membership, the hook's staged writes (relation data,
// leader settings, secrets, Juju unit state), the trace of what changed, and the hooks those
// changes cause on other units. Only ever called for a hook that succeeded.
import type { Redactor } from '../juju/redact.js';
import type { StringTable } from '../util/string-table.js';
import { enqueue, relationEvent, relationHook } from './hook-queue.js';
import { optional, ownValue, setOwn } from './optional.js';
import { networkSettings } from './scope.js';
import { SecretLifecycle } from './secrets.js';
import { StorageModel } from './storage.js';
import { notePublished, type TraceRecorder } from './trace.js';
import { applyValues, type HookTransaction } from './transaction.js';
import {
  addMember,
  type QueuedHook,
  type RelationRecord,
  removeMember,
  type UnitRecord,
  type World,
} from './world.js';

/** Applies successful hooks to the model. One per Model. */
export class Committer {
  constructor(
    private readonly world: World,
    private readonly recorder: TraceRecorder,
    private readonly redactor: Redactor,
    /** The model's shared strings: the flag names a timeline entry keeps come from it. */
    private readonly strings?: StringTable,
  ) {}

  /** Trace the net flag changes a hook committed and note them on its timeline entry. */
  recordFlags(
    unit: UnitRecord,
    item: QueuedHook,
    draft: { seq: number; flagsSet: readonly string[]; flagsCleared: readonly string[] },
    before: readonly string[],
    after: readonly string[],
  ): void {
    if (before === after || sameFlags(before, after)) return;
    const was = new Set(before);
    const now = new Set(after);
    const table = this.strings;
    const set = after.filter((f) => !was.has(f));
    const cleared = before.filter((f) => !now.has(f));
    if (table !== undefined) {
      for (let i = 0; i < set.length; i++) set[i] = table.intern(set[i] as string);
      for (let i = 0; i < cleared.length; i++) cleared[i] = table.intern(cleared[i] as string);
    }
    draft.flagsSet = set;
    draft.flagsCleared = cleared;
    for (const flag of set) {
      this.recorder.push({
        kind: 'flag',
        unit: unit.name,
        hook: item.hook,
        hookSeq: draft.seq,
        flag,
        set: true,
      });
    }
    for (const flag of cleared) {
      this.recorder.push({
        kind: 'flag',
        unit: unit.name,
        hook: item.hook,
        hookSeq: draft.seq,
        flag,
        set: false,
      });
    }
  }

  /**
   * Apply a successful hook's Juju unit state (state-set, state-delete). Called before
   * commit(): a unit that keeps its flags there has them read back before they are traced.
   */
  commitUnitState(unit: UnitRecord, tx: HookTransaction): void {
    for (const [k, v] of tx.state) {
      if (v === null) unit.jujuState.delete(k);
      else unit.jujuState.set(k, v);
    }
  }

  /**
   * Apply a successful hook: membership, its staged relation data, leader settings and
   * secrets, and the hooks they cause. Its Juju unit state goes first, by commitUnitState().
   */
  commit(
    unit: UnitRecord,
    item: QueuedHook,
    tx: HookTransaction,
    draft: {
      seq: number;
      published: { relationId: string; app: boolean; keys: string[] }[];
      leaderKeys: readonly string[];
    },
  ): void {
    this.commitHookState(unit, item);
    if (item.hook === 'config-changed') this.refreshNetworkSettings(unit, item, draft);

    for (const staged of tx.bags.values()) {
      const relation = this.world.relation(staged.relationId);
      if (relation === undefined) continue;
      const keys = this.applyBag(unit, relation, staged.app, staged.values, {
        item,
        seq: draft.seq,
      });
      if (keys !== undefined)
        notePublished(draft, { relationId: staged.relationId, app: staged.app, keys });
    }

    this.commitSecrets(unit, tx);
    const secrets = SecretLifecycle.of(this.world);
    secrets?.committed(tx);
    if (item.secretId !== undefined) secrets?.hookCommitted(unit, item);
    const storage = StorageModel.of(this.world);
    storage?.committed(unit, tx);
    if (item.storageId !== undefined) storage?.hookCommitted(unit, item);
    for (const { open, spec } of tx.ports) {
      if (open) unit.ports.add(spec);
      else unit.ports.delete(spec);
    }

    if (item.hook === 'remove') this.commitRemoved(unit);
  }

  /**
   * A committed config-changed also refreshes the addresses Juju keeps in the unit's bag of
   * every relation it is in, after a binding may have changed (worker/uniter/runner/context
   * doFlush asks for UpdateNetworkInfo on config-changed; apiserver/facades/agent/uniter
   * updateUnitNetworkInfoOperation rewrites them). The hook's own writes apply on top.
   */
  private refreshNetworkSettings(
    unit: UnitRecord,
    item: QueuedHook,
    draft: { seq: number; published: { relationId: string; app: boolean; keys: string[] }[] },
  ): void {
    for (const relationId of unit.relations.keys()) {
      const relation = this.world.relation(relationId);
      if (relation === undefined || relation.removed) continue;
      const values = new Map(Object.entries(networkSettings(unit, relation)));
      const keys = this.applyBag(unit, relation, false, values, { item, seq: draft.seq });
      if (keys !== undefined) notePublished(draft, { relationId, app: false, keys });
    }
  }

  /**
   * leader-set takes effect at once, not at the end of the hook: Juju writes leader settings
   * through when the tool runs (worker/uniter/runner/jujuc/leader-set.go calls the context's
   * WriteLeaderSettings), so a hook that fails afterwards keeps them. Every other unit then owes
   * leader-settings-changed. (The library's own leadership layer buffers its leader-set calls
   * until the hook's commit; that is a library feature on top of this.)
   */
  applyLeaderSettings(
    unit: UnitRecord,
    item: QueuedHook,
    values: ReadonlyMap<string, string | null>,
    draft: { seq: number; leaderKeys: readonly string[] },
  ): void {
    const app = unit.app;
    const applied = applyValues(app.leaderSettings, values);
    if (applied === undefined) return;
    app.leaderSettings = applied.bag;
    draft.leaderKeys = [...new Set([...draft.leaderKeys, ...Object.keys(applied.changes)])].sort();
    this.recorder.push({
      kind: 'leader-settings',
      unit: unit.name,
      hook: item.hook,
      hookSeq: draft.seq,
      app: app.name,
      changes: this.traceValues(app.mode, applied.changes),
    });
    for (const other of app.aliveUnits) {
      if (other !== unit) enqueue(other, { hook: 'leader-settings-changed' });
    }
  }

  /** The unit's remove hook committed (or was skipped): it is gone. */
  commitRemoved(unit: UnitRecord): void {
    unit.life = 'removed';
    unit.relations.clear();
    unit.queue.clear();
  }

  /**
   * What Juju records for a hook whether it ran or was skipped (`resolved --no-retry` commits
   * the skipped hook too: worker/uniter/operation/skip.go, runhook.go Commit): relation
   * membership (worker/uniter/relation/statetracker.go CommitHook) and the unit's lifecycle
   * (installed, started; config-changed queued after upgrade-charm).
   */
  commitHookState(unit: UnitRecord, item: QueuedHook): void {
    const view = item.relationId === undefined ? undefined : unit.relations.get(item.relationId);
    const event = relationEvent(item.hook);
    if (view !== undefined && item.relationId !== undefined && event !== undefined) {
      const remote = item.remoteUnit;
      if (event === 'created') view.created = true;
      else if (event === 'joined' && remote !== undefined) {
        addMember(view, remote);
        const relation = this.world.relation(item.relationId);
        const other = this.world.units.get(remote);
        const inScope =
          other?.life === 'alive' &&
          relation !== undefined &&
          !relation.removed &&
          other.relations.has(relation.idFor(other.app.name));
        // The changed that must follow (ChangedPending), and a departed if it already left.
        view.changedPending = remote;
        if (relation !== undefined) {
          enqueue(unit, relationHook(unit, relation, 'changed', remote));
          if (!inScope) enqueue(unit, relationHook(unit, relation, 'departed', remote, remote));
        }
      } else if (event === 'changed' && remote !== undefined) {
        if (view.changedPending === remote) view.changedPending = undefined;
      } else if (event === 'departed' && remote !== undefined) {
        removeMember(view, remote);
        if (view.changedPending === remote) view.changedPending = undefined;
      } else if (event === 'broken') unit.relations.delete(item.relationId);
    }
    switch (item.hook) {
      case 'install':
        unit.installed = true;
        break;
      case 'config-changed':
        unit.configured = true;
        break;
      case 'start':
        unit.started = true;
        break;
      case 'upgrade-charm':
        // operation/runhook.go Commit: config-changed is queued to follow upgrade-charm.
        enqueue(unit, { hook: 'config-changed' });
        for (const q of unit.queue) {
          if (q.hook === 'config-changed' && !q.replay) {
            q.queued = true;
            q.slot = undefined;
          }
        }
        break;
    }
  }

  /**
   * Write staged values into a unit's (or its application's) bag; if anything really changed,
   * record it and queue `-relation-changed` on the units that see the writer. Returns the keys
   * that changed.
   */
  applyBag(
    writer: UnitRecord,
    relation: RelationRecord,
    app: boolean,
    values: ReadonlyMap<string, string | null>,
    hook: { item: QueuedHook; seq: number } | undefined,
  ): string[] | undefined {
    const owner = app ? writer.app.name : writer.name;
    const bags = app ? relation.appBags : relation.unitBags;
    const applied = applyValues(bags.get(owner) ?? {}, values);
    if (applied === undefined) return undefined;
    bags.set(owner, applied.bag);
    this.recorder.push({
      kind: 'published',
      unit: writer.name,
      ...(hook ? { hook: hook.item.hook, hookSeq: hook.seq } : {}),
      relationId: relation.idFor(writer.app.name),
      ...(app ? { app: writer.app.name } : {}),
      changes: this.traceValues(writer.app.mode, applied.changes),
    });
    if (writer.life === 'alive' && !relation.removed) this.notifyChanged(writer, relation, app);
    return Object.keys(applied.changes).sort();
  }

  private notifyChanged(writer: UnitRecord, relation: RelationRecord, app: boolean): void {
    const remoteApp = relation.remoteAppOf(writer.app.name);
    if (remoteApp === undefined) return;
    for (const other of this.world.unitsInScope(relation, remoteApp)) {
      if (other === writer) continue;
      const id = relation.idFor(other.app.name);
      if (app) {
        enqueue(other, relationHook(other, relation, 'changed', undefined));
        continue;
      }
      // It knows the writer once its -joined about the writer is owed or ran.
      const knows =
        other.relations.get(id)?.members.has(writer.name) ||
        other.queue.has(relationHook(other, relation, 'joined', writer.name)) ||
        (other.queue.anyReplayed &&
          other.queue.some(
            (q) =>
              q.relationId === id && q.remoteUnit === writer.name && q.hook.endsWith('-joined'),
          ));
      if (knows) enqueue(other, relationHook(other, relation, 'changed', writer.name));
    }
  }

  private commitSecrets(unit: UnitRecord, tx: HookTransaction): void {
    for (const add of tx.secretAdds) {
      const owner = add.options.owner ?? 'application';
      this.world.secrets.set(add.id, {
        id: add.id,
        ownerApp: unit.app.name,
        ...(owner === 'unit' ? { ownerUnit: unit.name } : {}),
        ...optional('label', add.options.label),
        ...optional('description', add.options.description),
        ...optional('expire', add.options.expire),
        ...optional('rotate', add.options.rotate),
        revision: 1,
        content: add.content,
        grants: new Map(),
      });
    }
    for (const op of tx.secretOps) {
      const secret = this.world.secrets.get(op.id);
      if (secret === undefined) continue;
      switch (op.op) {
        case 'set':
          if (Object.keys(op.content).length > 0) {
            secret.content = op.content;
            secret.revision++;
          }
          if (op.options.label !== undefined) secret.label = op.options.label;
          if (op.options.description !== undefined) secret.description = op.options.description;
          break;
        case 'grant':
        case 'revoke': {
          let grantees = secret.grants.get(op.relationId);
          if (grantees === undefined) {
            grantees = new Set();
            secret.grants.set(op.relationId, grantees);
          }
          const who = op.options.unit ?? '*';
          if (op.op === 'grant') grantees.add(who);
          else grantees.delete(who);
          break;
        }
        case 'remove':
          if (op.revision === undefined || op.revision === secret.revision) {
            this.world.secrets.delete(op.id);
          }
          break;
      }
    }
  }

  /** Values for the trace: redacted; masked entirely for process-run units (see PublishedEvent). */
  private traceValues(
    mode: 'in-process' | 'process',
    changes: Readonly<Record<string, string | null>>,
  ): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    for (const key of Object.keys(changes).sort()) {
      const value = ownValue(changes, key) ?? null;
      setOwn(
        out,
        key,
        value === null ? null : mode === 'process' ? '***' : this.redactor.redact(value),
      );
    }
    return out;
  }
}

/** The same flags in the same order (a saved state whose flags did not change: the usual hook). */
function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
