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
  const hookName = get('JUJU_HOOK_NAME') ?? dispatchPath?.split('/').filter(Boolean).pop();
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
    }),
  );
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
  | 'pre-series-upgrade'
  | 'post-series-upgrade';

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
  'pre-series-upgrade',
  'post-series-upgrade',
]);
const RELATION_HOOK_RE = /^(.+)-relation-(created|joined|changed|departed|broken)$/;
const STORAGE_HOOK_RE = /^(.+)-storage-(attached|detaching)$/;
const LEADER_HOOK_RE = /^leader-(elected|settings-changed)$/;
const SECRET_HOOK_RE = /^secret-(changed|expired|remove|rotate)$/;

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
  return { kind: 'unknown', name: hookName };
}
