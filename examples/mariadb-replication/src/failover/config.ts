// The failover settings from the charm's config (config.yaml), checked: an operator's typo
// gets a message naming the option and the allowed range, never a silent default.
import type { FailoverConfig } from './decide.js';

/** Defaults, as config.yaml declares them. */
export const DEFAULT_FAILOVER_CONFIG: FailoverConfig = { failureThreshold: 3, maxLagSeconds: 30 };

const BOUNDS = {
  'failure-threshold': { min: 1, max: 100, key: 'failureThreshold' },
  'max-lag-seconds': { min: 0, max: 86_400, key: 'maxLagSeconds' },
} as const;

/** The options parseFailoverConfig reads. */
export const FAILOVER_OPTIONS = Object.keys(BOUNDS) as readonly (keyof typeof BOUNDS)[];

/** The result of reading the options: the config, or what is wrong with each bad option. */
export type FailoverConfigResult =
  | { readonly ok: true; readonly config: FailoverConfig }
  | { readonly ok: false; readonly errors: readonly string[] };

/**
 * Read `failure-threshold` and `max-lag-seconds` from the charm's config (as `config-get`
 * returns it); absent options take their defaults.
 * @example parseFailoverConfig({ 'failure-threshold': 5 }) // { ok: true, config: { failureThreshold: 5, maxLagSeconds: 30 } }
 */
export function parseFailoverConfig(
  options: Readonly<Record<string, unknown>>,
): FailoverConfigResult {
  const config: { failureThreshold: number; maxLagSeconds: number } = {
    ...DEFAULT_FAILOVER_CONFIG,
  };
  const errors: string[] = [];
  for (const [name, bound] of Object.entries(BOUNDS)) {
    const value = options[name];
    if (value === undefined || value === null) continue;
    if (
      typeof value !== 'number' ||
      !Number.isInteger(value) ||
      value < bound.min ||
      value > bound.max
    ) {
      const got = typeof value === 'number' ? String(value) : `a ${typeof value}`;
      errors.push(`${name} must be a whole number from ${bound.min} to ${bound.max} (got ${got})`);
      continue;
    }
    config[bound.key] = value;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config };
}
