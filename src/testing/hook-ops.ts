// What an operator does to a unit's hooks from outside: fire a hook Juju schedules by itself,
// `juju resolved` (retry now, or skip and commit what Juju commits for a skipped hook:
// worker/uniter/operation/skip.go), and replaying a unit's successful hooks for idempotency
// tests.
import { FIREABLE_HOOKS } from './deploy-rules.js';
import { enqueue } from './hook-queue.js';
import type { ModelParts } from './model-parts.js';
import { SecretLifecycle } from './secrets.js';
import { StorageModel } from './storage.js';
import type { UnitRecord } from './world.js';

/** Owe `unit` a hook Juju schedules by itself (see Model.fireHook). */
export function fireHook(parts: ModelParts, unit: UnitRecord, hook: string): void {
  if (!FIREABLE_HOOKS.has(hook)) {
    throw new Error(
      `fireHook: cannot fire "${hook}" on ${unit.name}; fireable hooks: ${[...FIREABLE_HOOKS].join(', ')}`,
    );
  }
  if (hook === 'leader-elected' && unit.app.leader !== unit.name) {
    throw new Error(`fireHook: ${unit.name} is not the leader; use setLeader() to move leadership`);
  }
  enqueue(unit, { hook });
  parts.recorder.model('fire-hook', `${unit.name} ${hook}`, unit.name);
}

/** `juju resolved [--no-retry]` (see Model.resolve). */
export function resolveUnit(parts: ModelParts, unit: UnitRecord, retry: boolean): void {
  const failed = unit.failed;
  if (failed === undefined) throw new Error(`${unit.name} is not in error`);
  if (!retry) {
    parts.scheduler.skipFailed(unit, (item) => {
      parts.committer.commitHookState(unit, item);
      if (item.secretId !== undefined) SecretLifecycle.of(parts.world)?.hookCommitted(unit, item);
      if (item.storageId !== undefined) StorageModel.of(parts.world)?.hookCommitted(unit, item);
      if (item.hook === 'remove') parts.committer.commitRemoved(unit);
    });
  } else {
    failed.failures = 0;
    parts.scheduler.retryNow(unit);
  }
  parts.recorder.model('resolve', `${unit.name}${retry ? '' : ' --no-retry'}`, unit.name);
}

/** Queue again every hook `unit` ran successfully (see Model.replayHooks). */
export function replayHooks(parts: ModelParts, unit: UnitRecord): number {
  const done = parts.recorder
    .timeline(unit.name)
    .filter((e) => e.ok && e.hook !== 'stop' && e.hook !== 'remove');
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
  parts.recorder.model('replay-hooks', `${unit.name}: ${done.length} hooks`, unit.name);
  return done.length;
}
