// Secrets over their life in the simulated model: the revisions an owner made, the revision each
// observer (a consumer unit) tracks, and the hooks Juju derives from them: secret-changed to an
// observer when a newer revision exists, secret-remove to the owner for a revision nobody tracks,
// secret-rotate and secret-expired on the model's virtual clock. Never holds a value anywhere but
// the revisions map; never puts one in the trace.
//
// Juju, as checked:
// - secret-get (apiserver/facades/agent/secretsmanager/secrets.go getSecretContent ->
//   domain/secret/service GetConsumedRevision): a consumer's first read creates its record at the
//   latest revision; later reads return the tracked revision; --peek returns the latest once;
//   --refresh returns the latest and tracks it. The record is saved during the call, not with the
//   hook. The owner side always reads the latest (ops: "refresh ... only meaningful for secret
//   observers, not owners").
// - worker/uniter/secrets/resolver.go NextOp: nothing before install or while dying; then
//   expired, rotate, changed (the unit's last-seen revision differs from the latest), removed,
//   obsolete revisions (secret-remove, each revision once: secrets/state.go UpdateStateForHook).
// - state/secrets.go getOrphanedSecretRevisions: a revision is obsolete when no consumer tracks
//   it and it is not the latest.
// - core/secrets/rotate.go: NextRotateTime (hourly … yearly, calendar months), RotateRetryDelay
//   and ExpireRetryDelay of 5 minutes when the owner did not act on the hook.
// - runner/context HookVars: JUJU_SECRET_ID, JUJU_SECRET_LABEL; JUJU_SECRET_REVISION only for
//   secret-remove and secret-expired.
import type { HookContext } from '../juju/hook-context.js';
import type { SecretContent } from '../juju/hook-tools.js';
import { parseGoDuration, type VirtualClock } from './clock.js';
import { owedHook } from './owed-hooks.js';
import type { TraceRecorder } from './trace.js';
import type { HookTransaction } from './transaction.js';
import type { QueuedHook, SecretRecord, UnitRecord, World } from './world.js';

/** The wall-clock instant the virtual clock's 0 stands for (RFC 3339 times, calendar months). */
export const MODEL_EPOCH_MS = Date.UTC(2025, 0, 1);

/** core/secrets RotateRetryDelay and ExpireRetryDelay. */
export const SECRET_RETRY_DELAY_MS = 5 * 60_000;

const SECRET_HOOK = /^secret-(changed|rotate|expired|remove)$/;

/** One observer's view of a secret. */
interface Consumer {
  /** The revision secret-get returns without --peek/--refresh (Juju's CurrentRevision). */
  tracked: number;
  /** The latest revision this unit's uniter has run secret-changed for (or first read). */
  seen: number;
}

interface SecretLife {
  /** Revision → content, for the revisions that still exist. */
  readonly revisions: Map<number, SecretContent>;
  /** Unit name → its consumer record. */
  readonly consumers: Map<string, Consumer>;
  /** Revisions secret-remove has run for (the owner's SecretObsoleteRevisions). */
  readonly obsoleteDone: Set<number>;
  /** Revision → virtual ms it expires at. */
  readonly expiresAt: Map<number, number>;
  readonly expireTimers: Map<number, number>;
  rotatePolicy: string | undefined;
  nextRotateAt: number | undefined;
  rotateTimer: number | undefined;
  /** The latest revision when secret-rotate was queued (did the owner rotate?). */
  rotateFrom: number | undefined;
}

const lifecycles = new WeakMap<World, SecretLifecycle>();

/** The secret lifecycle of one model. */
export class SecretLifecycle {
  private readonly lives = new Map<string, SecretLife>();

  private constructor(
    private readonly world: World,
    private readonly clock: VirtualClock,
    private readonly recorder: TraceRecorder,
  ) {}

  /** Give a model's world its lifecycle (the Model does this once). */
  static attach(world: World, clock: VirtualClock, recorder: TraceRecorder): SecretLifecycle {
    const lifecycle = new SecretLifecycle(world, clock, recorder);
    lifecycles.set(world, lifecycle);
    return lifecycle;
  }

  /** The lifecycle of a world, if it has one. */
  static of(world: World): SecretLifecycle | undefined {
    return lifecycles.get(world);
  }

  // ------------------------------------------------------------------ reading

  /** True when `unit` reads `secret` as its owner does (always the latest revision). */
  static ownerSide(unit: UnitRecord, secret: SecretRecord): boolean {
    if (secret.ownerApp !== unit.app.name) return false;
    return secret.ownerUnit === undefined || secret.ownerUnit === unit.name;
  }

  /**
   * What `secret-get` returns to `unit`, updating its tracking as Juju does during the call;
   * undefined when the revision it would read was removed by the owner. The caller has checked
   * the unit may read the secret.
   */
  read(
    unit: UnitRecord,
    secret: SecretRecord,
    options: { readonly peek?: boolean; readonly refresh?: boolean },
  ): SecretContent | undefined {
    if (SecretLifecycle.ownerSide(unit, secret)) return { ...secret.content };
    const life = this.life(secret);
    const latest = secret.revision;
    let consumer = life.consumers.get(unit.name);
    if (consumer === undefined) {
      consumer = { tracked: latest, seen: latest };
      life.consumers.set(unit.name, consumer);
      return { ...(life.revisions.get(latest) ?? secret.content) };
    }
    if (options.refresh === true && consumer.tracked !== latest) {
      consumer.tracked = latest;
      this.recorder.model(
        'secret-refresh',
        `${unit.name} tracks ${secret.id} revision ${latest}`,
        unit.name,
      );
      this.queueObsolete(secret, life);
    }
    const revision = options.peek === true || options.refresh === true ? latest : consumer.tracked;
    const content = life.revisions.get(revision);
    return content === undefined ? undefined : { ...content };
  }

  /** The revision `unit` tracks, or undefined when it never read the secret (or owns it). */
  trackedRevision(unitName: string, id: string): number | undefined {
    return this.lives.get(id)?.consumers.get(unitName)?.tracked;
  }

  /** Next rotation and latest revision's expiry (virtual ms), for secret-info-get. */
  schedule(secret: SecretRecord): { rotatesAt?: number; expiresAt?: number } {
    const life = this.life(secret);
    const expiresAt = life.expiresAt.get(secret.revision);
    return {
      ...(life.nextRotateAt === undefined ? {} : { rotatesAt: life.nextRotateAt }),
      ...(expiresAt === undefined ? {} : { expiresAt }),
    };
  }

  // ------------------------------------------------------------------ committing

  /**
   * A hook of `unit` committed its staged secret writes (Committer.commitSecrets ran): record
   * the new revisions, queue what they cause, schedule rotation and expiry.
   */
  committed(tx: HookTransaction): void {
    for (const add of tx.secretAdds) {
      const secret = this.world.secrets.get(add.id);
      if (secret === undefined) continue;
      const life = this.life(secret);
      this.setRotation(secret, life, add.options.rotate);
      this.setExpiry(secret, life, secret.revision, add.options.expire);
    }
    const sets = new Map<string, number>();
    for (const op of tx.secretOps) {
      if (op.op === 'set' && Object.keys(op.content).length > 0) {
        sets.set(op.id, (sets.get(op.id) ?? 0) + 1);
      }
    }
    for (const [id, n] of sets) {
      const secret = this.world.secrets.get(id);
      // A secret nobody read yet: its revision before this hook existed (content no longer known).
      if (secret !== undefined && !this.lives.has(id)) this.life(secret, secret.revision - n);
    }
    const made = new Map<string, number>();
    for (const op of tx.secretOps) {
      const secret = this.world.secrets.get(op.id);
      if (op.op === 'remove') {
        if (secret === undefined) this.forget(op.id);
        else if (op.revision !== undefined) this.removeRevision(secret, op.revision);
        continue;
      }
      if (secret === undefined || op.op !== 'set') continue;
      const life = this.life(secret);
      if (Object.keys(op.content).length > 0) {
        const k = (made.get(op.id) ?? 0) + 1;
        made.set(op.id, k);
        const revision = secret.revision - (sets.get(op.id) ?? 0) + k;
        life.revisions.set(revision, { ...op.content });
      }
      if (op.options.rotate !== undefined) this.setRotation(secret, life, op.options.rotate);
      this.setExpiry(secret, life, secret.revision, op.options.expire);
    }
    for (const id of sets.keys()) {
      const secret = this.world.secrets.get(id);
      if (secret !== undefined) this.newRevision(secret);
    }
  }

  /** A secret hook committed (or was skipped by `resolve --no-retry`): the uniter's records. */
  hookCommitted(unit: UnitRecord, item: QueuedHook): void {
    const id = item.secretId;
    if (id === undefined || !SECRET_HOOK.test(item.hook)) return;
    const secret = this.world.secrets.get(id);
    if (secret === undefined) return;
    const life = this.life(secret);
    switch (item.hook) {
      case 'secret-changed': {
        const consumer = life.consumers.get(unit.name);
        if (consumer !== undefined) consumer.seen = secret.revision;
        break;
      }
      case 'secret-remove':
        if (item.secretRevision !== undefined) life.obsoleteDone.add(item.secretRevision);
        break;
      case 'secret-rotate': {
        // apiserver SecretsRotated: not rotated (no new revision) → again after 5 minutes.
        const rotated = life.rotateFrom !== undefined && secret.revision !== life.rotateFrom;
        life.rotateFrom = undefined;
        const base = life.nextRotateAt ?? this.clock.now;
        const next = rotated ? nextRotateTime(life.rotatePolicy, base) : undefined;
        this.armRotation(secret, life, next ?? this.clock.now + SECRET_RETRY_DELAY_MS);
        break;
      }
      case 'secret-expired': {
        const revision = item.secretRevision;
        // The owner did not remove the expired revision: Juju asks again (ExpireRetryDelay).
        if (revision !== undefined && life.revisions.has(revision)) {
          this.armExpiry(secret, life, revision, this.clock.now + SECRET_RETRY_DELAY_MS);
        }
        break;
      }
    }
  }

  // ------------------------------------------------------------------ on demand

  /** Fire secret-rotate to the owner now (as if its rotation time had come). */
  rotateNow(id: string): void {
    const secret = this.require(id);
    const life = this.life(secret);
    this.clock.cancel(life.rotateTimer);
    life.rotateTimer = undefined;
    life.nextRotateAt = this.clock.now;
    this.fireRotate(secret, life);
  }

  /** Fire secret-expired to the owner now for `revision` (default: the latest). */
  expireNow(id: string, revision?: number): void {
    const secret = this.require(id);
    const life = this.life(secret);
    const rev = revision ?? secret.revision;
    if (!life.revisions.has(rev)) {
      throw new Error(
        `expireSecret: ${id} has no revision ${rev} (revisions: ${[...life.revisions.keys()].join(', ')})`,
      );
    }
    this.clock.cancel(life.expireTimers.get(rev));
    life.expireTimers.delete(rev);
    this.fireExpired(secret, life, rev);
  }

  // ------------------------------------------------------------------ internals

  private require(id: string): SecretRecord {
    const secret = this.world.secrets.get(id);
    if (secret === undefined) {
      const known = [...this.world.secrets.keys()].join(', ') || 'none';
      throw new Error(`no secret "${id}" in the model (secrets: ${known})`);
    }
    return secret;
  }

  private life(secret: SecretRecord, before?: number): SecretLife {
    let life = this.lives.get(secret.id);
    if (life === undefined) {
      life = {
        revisions: new Map(
          before === undefined ? [[secret.revision, { ...secret.content }]] : [[before, {}]],
        ),
        consumers: new Map(),
        obsoleteDone: new Set(),
        expiresAt: new Map(),
        expireTimers: new Map(),
        rotatePolicy: undefined,
        nextRotateAt: undefined,
        rotateTimer: undefined,
        rotateFrom: undefined,
      };
      this.lives.set(secret.id, life);
    }
    return life;
  }

  /** A new latest revision: secret-changed to observers that have not seen it; obsolete ones. */
  private newRevision(secret: SecretRecord): void {
    const life = this.life(secret);
    const latest = secret.revision;
    for (const [name, consumer] of [...life.consumers].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const unit = this.world.units.get(name);
      if (unit === undefined || unit.life === 'removed') {
        life.consumers.delete(name);
        continue;
      }
      if (consumer.seen === latest || unit.life !== 'alive') continue;
      owe(unit, {
        hook: 'secret-changed',
        secretId: secret.id,
        ...labelFor(unit, secret),
      });
    }
    this.queueObsolete(secret, life);
  }

  /** secret-remove to the owner for every revision nobody tracks (not the latest), once each. */
  private queueObsolete(secret: SecretRecord, life: SecretLife): void {
    const tracked = new Set<number>();
    for (const [name, consumer] of life.consumers) {
      if (this.world.units.get(name)?.life !== 'removed') tracked.add(consumer.tracked);
    }
    const owner = this.ownerUnit(secret);
    if (owner === undefined) return;
    const revisions = [...life.revisions.keys()].sort((a, b) => a - b);
    for (const revision of revisions) {
      if (revision === secret.revision || tracked.has(revision)) continue;
      if (life.obsoleteDone.has(revision)) continue;
      owe(owner, {
        hook: 'secret-remove',
        secretId: secret.id,
        secretRevision: revision,
        ...labelFor(owner, secret),
      });
    }
  }

  /** The unit that runs owner hooks: the unit, or the application's leader. */
  private ownerUnit(secret: SecretRecord): UnitRecord | undefined {
    const name = secret.ownerUnit ?? this.world.apps.get(secret.ownerApp)?.leader;
    const unit = name === undefined ? undefined : this.world.units.get(name);
    return unit?.life === 'alive' ? unit : undefined;
  }

  private removeRevision(secret: SecretRecord, revision: number): void {
    const life = this.life(secret);
    life.revisions.delete(revision);
    life.expiresAt.delete(revision);
    this.clock.cancel(life.expireTimers.get(revision));
    life.expireTimers.delete(revision);
  }

  /** The secret is gone: its timers stop and nobody is owed a hook about it any more. */
  private forget(id: string): void {
    const life = this.lives.get(id);
    if (life !== undefined) {
      this.clock.cancel(life.rotateTimer);
      for (const timer of life.expireTimers.values()) this.clock.cancel(timer);
      this.lives.delete(id);
    }
    for (const unit of this.world.units.values()) {
      unit.queue.retain((q) => q.secretId !== id || q === unit.failed);
    }
  }

  private setRotation(secret: SecretRecord, life: SecretLife, policy: string | undefined): void {
    if (policy === undefined) return;
    life.rotatePolicy = policy;
    secret.rotate = policy;
    const next = nextRotateTime(policy, this.clock.now);
    this.clock.cancel(life.rotateTimer);
    life.rotateTimer = undefined;
    life.nextRotateAt = undefined;
    if (next !== undefined) this.armRotation(secret, life, next);
  }

  private armRotation(secret: SecretRecord, life: SecretLife, at: number): void {
    this.clock.cancel(life.rotateTimer);
    life.nextRotateAt = at;
    // Periodic: settle() never moves the clock just to rotate a secret; advance() does.
    life.rotateTimer = this.clock.after(
      Math.max(0, at - this.clock.now),
      `secret-rotate ${secret.id}`,
      () => {
        life.rotateTimer = undefined;
        this.fireRotate(secret, life);
      },
      true,
    );
  }

  private fireRotate(secret: SecretRecord, life: SecretLife): void {
    const owner = this.ownerUnit(secret);
    if (owner === undefined || !this.world.secrets.has(secret.id)) {
      if (this.world.secrets.has(secret.id)) {
        this.armRotation(secret, life, this.clock.now + SECRET_RETRY_DELAY_MS);
      }
      return;
    }
    life.rotateFrom = secret.revision;
    this.recorder.model('secret-rotate', `${secret.id} due on ${owner.name}`, owner.name);
    owe(owner, { hook: 'secret-rotate', secretId: secret.id, ...labelFor(owner, secret) });
  }

  private setExpiry(
    secret: SecretRecord,
    life: SecretLife,
    revision: number,
    expire: string | undefined,
  ): void {
    if (expire === undefined) return;
    const at = expiryTime(expire, this.clock.now);
    if (at === undefined) return;
    this.armExpiry(secret, life, revision, at);
  }

  private armExpiry(secret: SecretRecord, life: SecretLife, revision: number, at: number): void {
    this.clock.cancel(life.expireTimers.get(revision));
    life.expiresAt.set(revision, at);
    const timer = this.clock.after(
      Math.max(0, at - this.clock.now),
      `secret-expire ${secret.id}/${revision}`,
      () => {
        life.expireTimers.delete(revision);
        this.fireExpired(secret, life, revision);
      },
      true,
    );
    life.expireTimers.set(revision, timer);
  }

  private fireExpired(secret: SecretRecord, life: SecretLife, revision: number): void {
    if (!this.world.secrets.has(secret.id) || !life.revisions.has(revision)) return;
    const owner = this.ownerUnit(secret);
    if (owner === undefined) {
      this.armExpiry(secret, life, revision, this.clock.now + SECRET_RETRY_DELAY_MS);
      return;
    }
    this.recorder.model(
      'secret-expired',
      `${secret.id} revision ${revision} on ${owner.name}`,
      owner.name,
    );
    owe(owner, {
      hook: 'secret-expired',
      secretId: secret.id,
      secretRevision: revision,
      ...labelFor(owner, secret),
    });
  }
}

/** The label a unit knows the secret by: the owner's label, or its own consumer label. */
function labelFor(unit: UnitRecord, secret: SecretRecord): { secretLabel?: string } {
  if (SecretLifecycle.ownerSide(unit, secret)) {
    return secret.label === undefined ? {} : { secretLabel: secret.label };
  }
  for (const [label, id] of unit.secretLabels) {
    if (id === secret.id) return { secretLabel: label };
  }
  return {};
}

/** Owe `unit` a secret or storage hook once (these are told apart by secret, revision, storage). */
export function owe(unit: UnitRecord, spec: Omit<QueuedHook, 'failures'>): void {
  if (unit.life === 'removed') return;
  const same = unit.queue.some(
    (q) =>
      q.hook === spec.hook &&
      q.replay !== true &&
      q.secretId === spec.secretId &&
      q.secretRevision === spec.secretRevision &&
      q.storageId === spec.storageId,
  );
  if (!same) unit.queue.add(owedHook(spec));
}

/** core/secrets RotatePolicy.NextRotateTime, on the model's calendar; undefined for never. */
export function nextRotateTime(policy: string | undefined, from: number): number | undefined {
  const d = new Date(MODEL_EPOCH_MS + from);
  switch (policy) {
    case 'hourly':
      return from + 3_600_000;
    case 'daily':
      d.setUTCDate(d.getUTCDate() + 1);
      break;
    case 'weekly':
      d.setUTCDate(d.getUTCDate() + 7);
      break;
    case 'monthly':
      d.setUTCMonth(d.getUTCMonth() + 1);
      break;
    case 'quarterly':
      d.setUTCMonth(d.getUTCMonth() + 3);
      break;
    case 'yearly':
      d.setUTCFullYear(d.getUTCFullYear() + 1);
      break;
    default:
      return undefined;
  }
  return d.getTime() - MODEL_EPOCH_MS;
}

/** `--expire`: a Go duration from now, or an RFC 3339 time on the model's calendar. */
export function expiryTime(expire: string, now: number): number | undefined {
  const duration = parseGoDuration(expire);
  if (duration !== undefined) return now + duration;
  const at = Date.parse(expire);
  return Number.isNaN(at) ? undefined : Math.max(now, at - MODEL_EPOCH_MS);
}

/** A virtual time as RFC 3339 on the model's calendar. */
export function rfc3339(virtualMs: number): string {
  return new Date(MODEL_EPOCH_MS + virtualMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The hook context of a secret hook (runner/context HookVars). */
export function secretHookContext(
  item: QueuedHook,
): Pick<HookContext, 'secretId' | 'secretLabel' | 'secretRevision'> {
  if (item.secretId === undefined) return {};
  const withRevision = item.hook === 'secret-remove' || item.hook === 'secret-expired';
  return {
    secretId: item.secretId,
    ...(item.secretLabel === undefined ? {} : { secretLabel: item.secretLabel }),
    ...(withRevision && item.secretRevision !== undefined
      ? { secretRevision: item.secretRevision }
      : {}),
  };
}

/** The same, as the environment variables a process hook gets. */
export function secretHookEnv(item: QueuedHook): Record<string, string> {
  const context = secretHookContext(item);
  const env: Record<string, string> = {};
  if (context.secretId !== undefined) {
    env['JUJU_SECRET_ID'] = context.secretId;
    env['JUJU_SECRET_LABEL'] = context.secretLabel ?? '';
  }
  if (context.secretRevision !== undefined) {
    env['JUJU_SECRET_REVISION'] = String(context.secretRevision);
  }
  return env;
}
