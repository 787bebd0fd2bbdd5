// The options and reports of the public Model API, in one place so the facade stays readable.
import type { Charm } from '../charm/charm.js';
import type { CharmMetadata, ConfigOption } from '../juju/metadata.js';
import type { TimelineEntry, TraceLevel } from './trace.js';

/** How the model picks the next unit to run a hook. */
export type HookOrder = 'round-robin' | 'random';

/** Options for `new Model()`: its name, hook order and seed, retries and trace level. */
export interface ModelOptions {
  /** Model name (JUJU_MODEL_NAME). Default `test`. */
  readonly name?: string;
  /** Seed for the `random` order. Same seed, same interleaving, same trace. */
  readonly seed?: number;
  /** Default: `random` when a seed is given, `round-robin` otherwise. */
  readonly order?: HookOrder;
  /**
   * How many automatic retries of one failed hook `settle()` waits for (moving the virtual
   * clock along Juju's backoff) before it returns with the unit in error. Default 3. Juju
   * itself retries for ever: `advance()` does too, whatever this says.
   */
  readonly maxRetries?: number;
  /** Model config the simulator reads. */
  readonly modelConfig?: {
    /** How often update-status runs (a Go duration, 1m to 60m). Default `5m`. */
    readonly 'update-status-hook-interval'?: string;
  };
  /** JUJU_VERSION the hooks see. Default `3.6.0`. */
  readonly jujuVersion?: string;
  /** `full` (default) records tool calls, logs and statuses; `hooks` only hooks and commits. */
  readonly trace?: TraceLevel;
  /**
   * Keep only the last `traceLimit` trace events, and the last `traceLimit` timeline entries of
   * each unit (default: everything). For big models: a peer relation of 1,000 units runs
   * millions of hooks, and a full trace of them does not fit in memory. The timelines' share
   * grows with the units (about 200 bytes an entry, up to twice the limit a unit before a
   * trim): a few hundred suits 1,000 units, where 10,000 would keep every hook.
   */
  readonly traceLimit?: number;
  /** Process mode only: which fake hook-tool client to install. Default `auto` (C if `cc` works). */
  readonly toolClient?: 'auto' | 'c' | 'node';
  /** Process mode only: how long one hook process may run. Default 120 s. */
  readonly hookTimeoutMs?: number;
}

/**
 * Options for `model.deploy()`: what charm to run (a `charm` in process or a `charmDir`), its
 * metadata and config, how many units, and whether each hook runs as a real process.
 */
export interface DeployOptions {
  /** The charm definition (or a factory) to run in process. */
  readonly charm?: Charm | (() => Charm);
  /** A charm dir (see the module comment of `juju-reactive/testing` for the layout). */
  readonly charmDir?: string;
  /** Required with `charm` unless the charm carries metadata; read from `charmDir` otherwise. */
  readonly metadata?: CharmMetadata;
  /** Config options (types, defaults); read from `charmDir` when omitted. */
  readonly configOptions?: Readonly<Record<string, ConfigOption>>;
  /** Number of units. Default 1. */
  readonly units?: number;
  /** Config values on top of the defaults. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Run each hook as a process: the charm dir's real `dispatch`, fake hook tools on PATH. */
  readonly processes?: boolean;
  /**
   * Storage instances per store for each unit (`juju deploy --storage data=2`); default the
   * minimum of the store's `multiple.range` (1 without `multiple`).
   */
  readonly storage?: Readonly<Record<string, number>>;
  /** Files `resource-get <name>` returns, by resource name (`juju deploy --resource`). */
  readonly resources?: Readonly<Record<string, string>>;
}

/**
 * Which hook to fail, and how. A whole-hook failure (no `handler`, no `killAfterToolCalls`)
 * strikes at the end of the hook, before anything it wrote takes effect; since Juju applies
 * leader-set at once, a leader-set in that hook fails with the injected message instead.
 */
export interface FailureMatch {
  /** Hook-name pattern (`{a,b}` alternatives and `*`); any hook when omitted. */
  readonly hook?: string;
  /** Fail when this handler starts (in-process units only); the hook fails as if it threw. */
  readonly handler?: string;
  /** The error message. Default: `injected failure (model.failNextHook)`. */
  readonly message?: string;
  /**
   * Units run as processes only: SIGKILL the hook process right after its nth hook-tool call
   * (1-based) took effect, instead of failing the hook. The hook then fails as a killed
   * process does (nothing it staged is committed), unless it made fewer calls and exited on
   * its own. What it wrote to disk (a file state store) stays written.
   */
  readonly killAfterToolCalls?: number;
  /** How many matching hooks (or action runs) to fail. Default 1. */
  readonly times?: number;
  /**
   * Fail a run of this action (name or pattern, as `hook`) instead of a hook: it fails as a
   * crashed action process does, `exit status 1` (or `signal: killed` with
   * `killAfterToolCalls`), and nothing it wrote through Juju commits
   * (worker/uniter/runner/context/context.go finalizeAction). The unit does not go into error.
   * Not with `hook` or `handler`.
   */
  readonly action?: string;
}

/** Options for `model.settle()`. */
export interface SettleOptions {
  /** Stop after this many hooks even if some are pending. Default 100,000. */
  readonly maxHooks?: number;
  /** Called after every hook (progress reporting). */
  readonly onHook?: (entry: TimelineEntry) => void;
}

/** What `model.settle()` did, and whether the model is now quiet. */
export interface SettleReport {
  /** True when no hook is pending and no unit is in error. */
  readonly settled: boolean;
  /** How many hooks ran (every attempt counts, failed ones included). */
  readonly hooksRun: number;
  /** How many of those hooks failed. */
  readonly hooksFailed: number;
  /** Units with hooks still pending (not in error). */
  readonly busyUnits: readonly string[];
  /** Units whose head hook failed and has not succeeded yet. */
  readonly errorUnits: readonly string[];
}

/**
 * A secret for `model.seedSecret()` to store as if its owner had created it (`secret-add`).
 * @example const id = model.seedSecret({ owner: 'db', content: { password: 's3cret' }, grantedOn: ['db:1'] });
 */
export interface SecretSeed {
  /** An application name (application-owned) or a unit name (unit-owned). */
  readonly owner: string;
  /** The secret's key/value content. */
  readonly content: Readonly<Record<string, string>>;
  /** The owner's label for the secret (`secret-add --label`). */
  readonly label?: string;
  /** A description of the secret (`secret-add --description`). */
  readonly description?: string;
  /** Applications (or units) on the other side of these relations may read it: relation ids. */
  readonly grantedOn?: readonly string[];
}

/** A secret as `model.secrets()` lists it: never its content. */
export interface SecretInfo {
  /** The secret id, like `secret:…`. */
  readonly id: string;
  /** The owning application, or unit for unit-owned secrets. */
  readonly owner: string;
  /** The owner's label for the secret, if it has one. */
  readonly label?: string;
  /** The secret's current revision (1 for a new secret). */
  readonly revision: number;
}

/** Options for `model.upgradeCharm()`: the new charm, as for deploy, and config on top. */
export interface UpgradeCharmOptions {
  /** The new charm definition (or a factory), run in process. */
  readonly charm?: Charm | (() => Charm);
  /** The new charm dir. */
  readonly charmDir?: string;
  /** The new charm's metadata, when neither the charm nor a charmDir carries it. */
  readonly metadata?: CharmMetadata;
  /** The new charm's config options; read from `charmDir` when omitted. */
  readonly configOptions?: Readonly<Record<string, ConfigOption>>;
  /** Config values to set with the upgrade. */
  readonly config?: Readonly<Record<string, unknown>>;
}
