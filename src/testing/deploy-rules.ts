// The checks and defaults the model applies when a test changes it: application names, config
// values against the charm's options, which endpoints two applications can relate on, each
// unit's default address, unit counts and the supported model size, fireable hooks, and the
// model config the simulator reads.
import type { ConfigOption } from '../juju/metadata.js';
import { parseGoDuration } from './clock.js';
import type { ModelOptions } from './model-options.js';
import type { World } from './world.js';

export const APP_NAME_RE = /^[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*$/;

/** 10.0.0.10, 10.0.0.11, … for the first application; later applications further on. */
export function defaultAddress(appIndex: number, unitNumber: number): string {
  const n = appIndex * 1000 + unitNumber + 10;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/** Throw when a value names an option the charm lacks or has the wrong type (no options: anything goes). */
export function checkConfig(
  app: string,
  options: Readonly<Record<string, ConfigOption>>,
  values: Readonly<Record<string, unknown>>,
): void {
  if (Object.keys(options).length === 0) return;
  for (const [key, value] of Object.entries(values)) {
    const option = options[key];
    if (option === undefined) {
      throw new Error(
        `${app} has no config option "${key}" (options: ${Object.keys(options).sort().join(', ')})`,
      );
    }
    if (value === null || value === undefined) continue;
    const ok =
      option.type === 'string' || option.type === 'secret'
        ? typeof value === 'string'
        : option.type === 'boolean'
          ? typeof value === 'boolean'
          : option.type === 'int'
            ? typeof value === 'number' && Number.isInteger(value)
            : typeof value === 'number';
    if (!ok) throw new Error(`${app} config option "${key}" must be a ${option.type}`);
  }
}

/** The provides/requires endpoint pair `a` and `b` (`app` or `app:endpoint`) can relate on. */
export function pickEndpoints(
  world: World,
  a: string,
  b: string,
): [{ app: string; endpoint: string }, { app: string; endpoint: string }] {
  const parse = (s: string) => {
    const [app = '', endpoint] = s.split(':');
    return { app: world.app(app), endpoint };
  };
  const left = parse(a);
  const right = parse(b);
  const candidates: [string, string][] = [];
  for (const l of left.app.metadata.endpoints) {
    if (l.role === 'peers' || (left.endpoint && l.name !== left.endpoint)) continue;
    for (const r of right.app.metadata.endpoints) {
      if (r.role === 'peers' || (right.endpoint && r.name !== right.endpoint)) continue;
      if (l.interface === r.interface && l.role !== r.role) candidates.push([l.name, r.name]);
    }
  }
  const [first] = candidates;
  if (first === undefined || candidates.length > 1) {
    throw new Error(
      `cannot relate ${a} and ${b}: ${first === undefined ? 'no' : 'more than one'} pair of provides/requires endpoints with the same interface; name them as app:endpoint`,
    );
  }
  return [
    { app: left.app.name, endpoint: first[0] },
    { app: right.app.name, endpoint: first[1] },
  ];
}

/** update-status-hook-interval from model config, in ms (Juju's default: 5m). */
export function updateStatusInterval(config: ModelOptions['modelConfig']): number {
  const text = config?.['update-status-hook-interval'] ?? '5m';
  const ms = parseGoDuration(text);
  // environs/config/config.go: the interval must lie between 1 minute and 60 minutes.
  if (ms === undefined || ms < 60_000 || ms > 3_600_000) {
    throw new Error(
      `model config update-status-hook-interval "${text}" must be a duration between 1m and 60m (like 5m)`,
    );
  }
  return ms;
}

/** Hooks `fireHook` may owe a unit: those Juju schedules without further context. */
export const FIREABLE_HOOKS: ReadonlySet<string> = new Set([
  'update-status',
  'collect-metrics',
  'upgrade-charm',
  'config-changed',
  'leader-elected',
  'leader-settings-changed',
  'start',
  'pre-series-upgrade',
  'post-series-upgrade',
]);

/**
 * The largest model with a full trace, in units (removed ones included). Peers make the work
 * grow with the square of the units (each joins every other), so 200 units already run
 * ~110,000 hooks, and a record of each; beyond this the model refuses instead of exhausting
 * memory, unless its trace is bounded (see MAX_BOUNDED_MODEL_UNITS).
 */
export const MAX_MODEL_UNITS = 200;

/**
 * The largest model whose trace is bounded (`new Model({ traceLimit })`), in units: what a
 * peer relation of that size keeps in memory (its owed hooks, each unit's record of every
 * peer) fits in 2 GiB. Settling it still runs ~2.8 million hooks (~2.8 per pair of units).
 */
export const MAX_BOUNDED_MODEL_UNITS = 1000;

/**
 * Validate a unit count. `traceBounded`: the model keeps only the last events of its trace
 * (ModelOptions.traceLimit), so it may hold up to MAX_BOUNDED_MODEL_UNITS units.
 */
export function checkUnitCount(
  app: string,
  count: number,
  existing: number,
  traceBounded = false,
): number {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    throw new Error(`deploying ${app}: units must be a whole number of at least 0 (got ${count})`);
  }
  const max = traceBounded ? MAX_BOUNDED_MODEL_UNITS : MAX_MODEL_UNITS;
  if (existing + count > max) {
    const bounded = traceBounded
      ? ''
      : ` with a full trace (with ModelOptions.traceLimit, up to ${MAX_BOUNDED_MODEL_UNITS})`;
    throw new Error(
      `${app}: the simulator supports at most ${max} units per model${bounded} ` +
        `(this would make ${existing + count}); see docs/testing.md, "Model size"`,
    );
  }
  return count;
}
