// Values that only a config-changed hook can change, kept in the unit state between hooks.
import type { HookRuntime, JsonValue } from 'juju-reactive';

/**
 * Hooks that never run while a config-changed is owed: once the config, the trust or the
 * unit's addresses changed, Juju's resolver runs config-changed before any relation hook
 * (relation-created aside) and before update-status (juju/juju worker/uniter/resolver.go,
 * nextOp: ConfigHash, TrustHash, AddressesHash are checked before Relations.NextOp).
 */
const AFTER_CONFIG_CHANGED = /^(.+-relation-(joined|changed|departed|broken)|update-status)$/;

/**
 * `read()` (a config-get, a network-get), or in a hook that runs only once config-changed
 * has seen the current config and addresses, what an earlier hook read and kept under `key`.
 * Keep nothing secret this way: the unit state is a file on disk.
 */
export function sinceConfigChanged<T extends JsonValue>(
  rt: HookRuntime,
  key: string,
  read: () => T,
): T {
  if (AFTER_CONFIG_CHANGED.test(rt.hookName)) {
    const kept = rt.state.get<T>(key);
    if (kept !== undefined) return kept;
  }
  const value = read();
  if (JSON.stringify(rt.state.get(key)) !== JSON.stringify(value)) rt.state.set(key, value);
  return value;
}

/** Unit-state key a config option's value is kept under. */
export const keptOptionKey = (option: string): string => `config.kept.${option}`;

/**
 * One config option's value (undefined when unset and without default): config-get, or, in a
 * relation hook or update-status, the value the last hook that read it kept (Juju runs
 * config-changed first when the config changed: see {@link sinceConfigChanged}). Only for
 * options that hold nothing secret: one config.yaml declares `type: secret` is refused (read
 * those with `rt.config()`, and never keep them).
 */
export function configOption(rt: HookRuntime, option: string): JsonValue | undefined {
  if (rt.metadata.config?.[option]?.type === 'secret') {
    throw new Error(
      `config option ${option} is declared secret: read it with rt.config(), it is never kept in the unit state`,
    );
  }
  const value = sinceConfigChanged(rt, keptOptionKey(option), () => {
    const raw = rt.config()[option];
    return raw === undefined ? null : (raw as JsonValue);
  });
  return value === null ? undefined : value;
}
