// Hook context: which unit, hook and relation this process runs for, read once from the
// environment the Juju unit agent sets. Reads only the env object it is given; never spawns.
import { Err, Ok, type Result } from 'ts-results-es';

/** Everything Juju tells a hook about itself through the environment. */
export interface HookContext {
  /** `JUJU_UNIT_NAME`, e.g. `mysql/2`. */
  readonly unitName: string;
  /** The part of the unit name before the slash, e.g. `mysql`. */
  readonly applicationName: string;
  /** The part of the unit name after the slash, e.g. `2`. */
  readonly unitNumber: number;
  /** e.g. `install`, `cluster-relation-changed`. */
  readonly hookName: string;
  /** `JUJU_CHARM_DIR` (or `CHARM_DIR`): where the charm's files are. */
  readonly charmDir: string;
  /** `JUJU_MODEL_NAME`. */
  readonly modelName?: string;
  /** `JUJU_VERSION`, e.g. `3.6.0`. */
  readonly jujuVersion?: string;
  /** The relation this hook is about (relation hooks only): endpoint name and relation id. */
  readonly relation?: {
    /** `JUJU_RELATION`: the endpoint name, e.g. `cluster`. */
    readonly name: string;
    /** `JUJU_RELATION_ID`, e.g. `cluster:3`. */
    readonly id: string;
  };
  /** `JUJU_REMOTE_UNIT`: the remote unit a relation hook is about, e.g. `mysql/1`. */
  readonly remoteUnit?: string;
  /** `JUJU_REMOTE_APP`: the remote application of a relation hook. */
  readonly remoteApp?: string;
  /** `JUJU_DEPARTING_UNIT`: in `-relation-departed`, the unit that is leaving. */
  readonly departingUnit?: string;
  /** `JUJU_SECRET_ID`: the secret a `secret-*` hook is about. */
  readonly secretId?: string;
  /** `JUJU_SECRET_LABEL`: that secret's label, if it has one. */
  readonly secretLabel?: string;
  /**
   * `JUJU_SECRET_REVISION`: in `secret-remove` and `secret-expired`, the revision the hook is
   * about (worker/uniter/runner/context/context.go HookVars).
   */
  readonly secretRevision?: number;
  /** `JUJU_DISPATCH_PATH`, e.g. `hooks/install` or `actions/backup`. */
  readonly dispatchPath?: string;
  /**
   * The action being run, when this process runs one: `JUJU_ACTION_NAME` (or the name in
   * `JUJU_DISPATCH_PATH=actions/<name>`) and `JUJU_ACTION_UUID`.
   */
  readonly action?: {
    /** The action name, e.g. `backup`. */
    readonly name: string;
    /** `JUJU_ACTION_UUID`: the id Juju gave this run of the action ('' when not set). */
    readonly uuid: string;
  };
  /**
   * `JUJU_STORAGE_ID` (e.g. `data/0`) and `JUJU_STORAGE_LOCATION`: the storage a
   * `-storage-attached` / `-storage-detaching` hook is about.
   */
  readonly storage?: {
    /** The storage instance id, e.g. `data/0`. */
    readonly id: string;
    /** Where it is mounted or attached ('' when Juju did not say). */
    readonly location: string;
  };
  /** `JUJU_WORKLOAD_NAME`: the container a `<container>-pebble-*` hook is about (Kubernetes charms). */
  readonly workloadName?: string;
}

/** The environment does not describe a hook run; `variable` names the culprit. */
export class HookContextError extends Error {
  /** Always `HookContextError`. */
  override readonly name = 'HookContextError';
  constructor(
    /** The environment variable that is missing or malformed. */
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

const APP = '[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*';
const UNIT_RE = new RegExp(`^(${APP})/(0|[1-9][0-9]*)$`);
const APP_RE = new RegExp(`^${APP}$`);
const RELATION_ID_RE = /^([a-z][a-z0-9_-]*):(0|[1-9][0-9]*)$/;

const NEEDS =
  'this program is a Juju charm hook and must be run by the Juju unit agent ' +
  '(or the juju-reactive simulator), which sets JUJU_UNIT_NAME, JUJU_HOOK_NAME or ' +
  'JUJU_DISPATCH_PATH, and JUJU_CHARM_DIR';

const UNIT_FORMAT =
  'expected <application>/<number>, like "mysql/0" ' +
  '(application names are lowercase letters, digits and hyphens, starting with a letter)';

/**
 * Read the hook context from the environment. Empty variables count as unset.
 *
 * @example
 * const ctx = readHookContext();
 * if (ctx.isErr()) { console.error(ctx.error.message); process.exit(1); }
 */
export function readHookContext(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Result<HookContext, HookContextError> {
  const get = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const fail = (variable: string, message: string) => Err(new HookContextError(variable, message));

  const unitName = get('JUJU_UNIT_NAME');
  if (unitName === undefined) return fail('JUJU_UNIT_NAME', `JUJU_UNIT_NAME is not set: ${NEEDS}`);
  const unit = UNIT_RE.exec(unitName);
  if (!unit?.[1] || unit[2] === undefined) {
    return fail('JUJU_UNIT_NAME', `JUJU_UNIT_NAME is "${unitName}": ${UNIT_FORMAT}`);
  }

  const dispatchPath = get('JUJU_DISPATCH_PATH');
  const action = readAction(get('JUJU_ACTION_NAME'), get('JUJU_ACTION_UUID'), dispatchPath);
  if (action.isErr()) return action;
  const hookName =
    action.value?.name ?? get('JUJU_HOOK_NAME') ?? dispatchPath?.split('/').filter(Boolean).pop();
  if (hookName === undefined) {
    const variable = dispatchPath === undefined ? 'JUJU_HOOK_NAME' : 'JUJU_DISPATCH_PATH';
    const what =
      dispatchPath === undefined
        ? 'neither JUJU_HOOK_NAME nor JUJU_DISPATCH_PATH is set'
        : `JUJU_DISPATCH_PATH is "${dispatchPath}", which names no hook`;
    return fail(variable, `${what}: ${NEEDS}`);
  }

  const charmDir = get('JUJU_CHARM_DIR') ?? get('CHARM_DIR');
  if (charmDir === undefined) {
    return fail('JUJU_CHARM_DIR', `neither JUJU_CHARM_DIR nor CHARM_DIR is set: ${NEEDS}`);
  }

  const relation = readRelation(get('JUJU_RELATION'), get('JUJU_RELATION_ID'));
  if (relation.isErr()) return relation;

  const unitVars = ['JUJU_REMOTE_UNIT', 'JUJU_DEPARTING_UNIT'] as const;
  for (const variable of unitVars) {
    const value = get(variable);
    if (value !== undefined && !UNIT_RE.test(value)) {
      return fail(variable, `${variable} is "${value}": ${UNIT_FORMAT}`);
    }
  }
  const storageId = get('JUJU_STORAGE_ID');
  if (storageId !== undefined && !/^[a-z][a-z0-9-]*\/(0|[1-9][0-9]*)$/.test(storageId)) {
    return fail(
      'JUJU_STORAGE_ID',
      `JUJU_STORAGE_ID is "${storageId}": expected <storage name>/<number>, like "data/0"`,
    );
  }
  const rawRevision = get('JUJU_SECRET_REVISION');
  const revision: Result<number | undefined, HookContextError> =
    rawRevision === undefined
      ? Ok(undefined)
      : /^[1-9][0-9]{0,9}$/.test(rawRevision)
        ? Ok(Number(rawRevision))
        : fail(
            'JUJU_SECRET_REVISION',
            `JUJU_SECRET_REVISION is "${rawRevision}": expected a revision number, like "2"`,
          );
  if (revision.isErr()) return revision;
  const remoteApp = get('JUJU_REMOTE_APP');
  if (remoteApp !== undefined && !APP_RE.test(remoteApp)) {
    return fail(
      'JUJU_REMOTE_APP',
      `JUJU_REMOTE_APP is "${remoteApp}": expected an application name, like "mysql"`,
    );
  }

  return Ok(
    dropUndefined({
      unitName,
      applicationName: unit[1],
      unitNumber: Number(unit[2]),
      hookName,
      charmDir,
      modelName: get('JUJU_MODEL_NAME'),
      jujuVersion: get('JUJU_VERSION'),
      relation: relation.value,
      remoteUnit: get('JUJU_REMOTE_UNIT'),
      remoteApp,
      departingUnit: get('JUJU_DEPARTING_UNIT'),
      secretId: get('JUJU_SECRET_ID'),
      secretLabel: get('JUJU_SECRET_LABEL'),
      secretRevision: revision.value,
      dispatchPath,
      action: action.value,
      storage:
        storageId === undefined
          ? undefined
          : { id: storageId, location: get('JUJU_STORAGE_LOCATION') ?? '' },
      workloadName: get('JUJU_WORKLOAD_NAME'),
    }),
  );
}

const ACTION_NAME_RE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * The action this process runs, if any. Juju runs an action through `dispatch` with
 * `JUJU_DISPATCH_PATH=actions/<name>` and `JUJU_ACTION_NAME`/`JUJU_ACTION_UUID`
 * (worker/uniter/runner/context/context.go HookVars; docs/reference/hook.md).
 */
function readAction(
  name: string | undefined,
  uuid: string | undefined,
  dispatchPath: string | undefined,
): Result<HookContext['action'], HookContextError> {
  const fromPath = dispatchPath?.startsWith('actions/')
    ? dispatchPath.slice('actions/'.length)
    : undefined;
  if (name !== undefined && fromPath !== undefined && name !== fromPath) {
    return Err(
      new HookContextError(
        'JUJU_ACTION_NAME',
        `JUJU_ACTION_NAME is "${name}" but JUJU_DISPATCH_PATH is "${dispatchPath}": they must name the same action`,
      ),
    );
  }
  const actionName = name ?? fromPath;
  if (actionName === undefined) return Ok(undefined);
  if (!ACTION_NAME_RE.test(actionName)) {
    const variable = name === undefined ? 'JUJU_DISPATCH_PATH' : 'JUJU_ACTION_NAME';
    return Err(
      new HookContextError(
        variable,
        `${variable} names the action "${actionName}": expected lowercase letters, digits and hyphens, like "backup"`,
      ),
    );
  }
  return Ok({ name: actionName, uuid: uuid ?? '' });
}

function readRelation(
  name: string | undefined,
  id: string | undefined,
): Result<HookContext['relation'], HookContextError> {
  if (id === undefined) {
    if (name === undefined) return Ok(undefined);
    return Err(
      new HookContextError(
        'JUJU_RELATION_ID',
        `JUJU_RELATION is "${name}" but JUJU_RELATION_ID is not set: ` +
          'a relation hook needs both, e.g. JUJU_RELATION=cluster JUJU_RELATION_ID=cluster:3',
      ),
    );
  }
  const match = RELATION_ID_RE.exec(id);
  if (!match?.[1]) {
    return Err(
      new HookContextError(
        'JUJU_RELATION_ID',
        `JUJU_RELATION_ID is "${id}": expected <endpoint>:<number>, like "cluster:3"`,
      ),
    );
  }
  if (name !== undefined && name !== match[1]) {
    return Err(
      new HookContextError(
        'JUJU_RELATION',
        `JUJU_RELATION is "${name}" but JUJU_RELATION_ID is "${id}": ` +
          'the relation id must start with the endpoint name',
      ),
    );
  }
  return Ok({ name: match[1], id });
}

function dropUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as T;
}

/** Relation hook events, in the order Juju can send them for one relation. */
export type RelationEvent = 'created' | 'joined' | 'changed' | 'departed' | 'broken';

/** Hooks that belong to no relation, storage, secret or container. */
export type LifecycleHook =
  | 'install'
  | 'start'
  | 'stop'
  | 'remove'
  | 'upgrade-charm'
  | 'config-changed'
  | 'update-status'
  | 'collect-metrics'
  | 'meter-status-changed'
  | 'pre-series-upgrade'
  | 'post-series-upgrade'
  | 'pre-upgrade-series'
  | 'post-upgrade-series';

/** What a hook name says about the hook. */
export type HookKind =
  | {
      /** A hook of the unit's life (`install`, `config-changed`, ...). */
      readonly kind: 'lifecycle';
      /** The hook name. */
      readonly name: LifecycleHook;
    }
  | {
      /** `<endpoint>-relation-<event>`. */
      readonly kind: 'relation';
      /** The endpoint name. */
      readonly endpoint: string;
      /** `created`, `joined`, `changed`, `departed` or `broken`. */
      readonly event: RelationEvent;
    }
  | {
      /** `leader-elected` or `leader-settings-changed`. */
      readonly kind: 'leader';
      /** The part after `leader-`. */
      readonly event: 'elected' | 'settings-changed';
    }
  | {
      /** `secret-changed`, `secret-expired`, `secret-remove` or `secret-rotate`. */
      readonly kind: 'secret';
      /** The part after `secret-`. */
      readonly event: 'changed' | 'expired' | 'remove' | 'rotate';
    }
  | {
      /** `<storage>-storage-attached` or `<storage>-storage-detaching`. */
      readonly kind: 'storage';
      /** The storage name. */
      readonly storage: string;
      /** `attached` or `detaching`. */
      readonly event: 'attached' | 'detaching';
    }
  | {
      /** `<container>-pebble-ready` and the other Pebble hooks of Kubernetes charms. */
      readonly kind: 'workload';
      /** The container name. */
      readonly container: string;
      /** e.g. `ready`, `custom-notice`, `check-failed`. */
      readonly event: string;
    }
  | {
      /** Any other hook name (actions, workload hooks, ...). */
      readonly kind: 'unknown';
      /** The hook name as given. */
      readonly name: string;
    };

const LIFECYCLE: ReadonlySet<string> = new Set<LifecycleHook>([
  'install',
  'start',
  'stop',
  'remove',
  'upgrade-charm',
  'config-changed',
  'update-status',
  'collect-metrics',
  'meter-status-changed',
  'pre-series-upgrade',
  'post-series-upgrade',
  'pre-upgrade-series',
  'post-upgrade-series',
]);

/**
 * Hooks Juju runs in a restricted context: outside the uniter's hook queue, where every hook
 * tool but `juju-log` (and, in collect-metrics, `add-metric`) fails with "not implemented for
 * restricted context" (worker/uniter/runner/jujuc/restricted.go; worker/metrics/collect/context.go;
 * worker/meterstatus/context.go).
 */
export const RESTRICTED_HOOKS: ReadonlySet<string> = new Set([
  'collect-metrics',
  'meter-status-changed',
]);
const RELATION_HOOK_RE = /^(.+)-relation-(created|joined|changed|departed|broken)$/;
const STORAGE_HOOK_RE = /^(.+)-storage-(attached|detaching)$/;
const LEADER_HOOK_RE = /^leader-(elected|settings-changed)$/;
const SECRET_HOOK_RE = /^secret-(changed|expired|remove|rotate)$/;
const WORKLOAD_HOOK_RE = /^(.+)-pebble-(ready|custom-notice|check-failed|check-recovered)$/;

/**
 * Parse a hook name into what it is about.
 *
 * @example
 * hookKind('cluster-relation-changed'); // { kind: 'relation', endpoint: 'cluster', event: 'changed' }
 * hookKind('leader-elected');           // { kind: 'leader', event: 'elected' }
 */
export function hookKind(hookName: string): HookKind {
  if (LIFECYCLE.has(hookName)) return { kind: 'lifecycle', name: hookName as LifecycleHook };
  const leader = LEADER_HOOK_RE.exec(hookName);
  if (leader) return { kind: 'leader', event: leader[1] as 'elected' | 'settings-changed' };
  const secret = SECRET_HOOK_RE.exec(hookName);
  if (secret) {
    return { kind: 'secret', event: secret[1] as 'changed' | 'expired' | 'remove' | 'rotate' };
  }
  const relation = RELATION_HOOK_RE.exec(hookName);
  if (relation?.[1]) {
    return { kind: 'relation', endpoint: relation[1], event: relation[2] as RelationEvent };
  }
  const storage = STORAGE_HOOK_RE.exec(hookName);
  if (storage?.[1]) {
    return {
      kind: 'storage',
      storage: storage[1],
      event: storage[2] as 'attached' | 'detaching',
    };
  }
  const workload = WORKLOAD_HOOK_RE.exec(hookName);
  if (workload?.[1] && workload[2]) {
    return { kind: 'workload', container: workload[1], event: workload[2] };
  }
  return { kind: 'unknown', name: hookName };
}
