// The config layer: layer-basic's config flags, with its exact names and rules
// (canonical/layer-basic lib/charms/layer/basic.py init_config_states / clear_config_states).
// At hook start, for each option declared in config.yaml:
//   config.changed, config.changed.<key>  the value differs from the one the last successful
//                                          hook saw (every option, in the unit's first hook, as
//                                          charmhelpers' Config.changed() with no previous copy);
//   config.set.<key>                       the value is truthy (Python truthiness: not unset,
//                                          '', 0, false);
//   config.default.<key>                   the value equals the option's default.
// Every one of these flags is cleared again when the hook's handlers are done (layer-basic's
// atexit), so they hold during one hook only and never persist. What was seen is kept as hashes.
import type { Layer } from '../charm/charm.js';
import type { HookRuntime } from '../charm/runtime.js';
import type { ConfigOption } from '../juju/metadata.js';
import { readConfigOptions } from '../juju/metadata.js';
import { hashValue } from '../util/json.js';

const SEEN_KEY = 'config.seen';
const PREFIXES = ['config.changed.', 'config.set.', 'config.default.'] as const;

/** Register with `charm.use(configFlags)`. */
export const configFlags: Layer = {
  name: 'config',
  setup(rt: HookRuntime): void {
    const options = declaredOptions(rt);
    const values = rt.config();
    const seen = rt.state.get<Record<string, string>>(SEEN_KEY);
    const now: Record<string, string> = {};
    for (const key of Object.keys(options).sort()) {
      const value = values[key] ?? null;
      now[key] = hashValue(value);
      // charmhelpers Config.changed(): True when there is no previous copy at all.
      if (seen === undefined || seen[key] !== now[key]) {
        rt.flags.set('config.changed');
        rt.flags.set(`config.changed.${key}`);
      }
      rt.flags.toggle(`config.set.${key}`, truthy(value));
      rt.flags.toggle(`config.default.${key}`, value === (options[key]?.default ?? null));
    }
    rt.state.set(SEEN_KEY, now);
  },
  finish(rt: HookRuntime): void {
    rt.flags.clear('config.changed');
    for (const prefix of PREFIXES) for (const flag of rt.flags.list(prefix)) rt.flags.clear(flag);
  },
};

function declaredOptions(rt: HookRuntime): Readonly<Record<string, ConfigOption>> {
  return rt.metadata.config ?? readConfigOptions(rt.context.charmDir);
}

/** Python truthiness of a config value, as layer-basic's toggle_state(config.get(opt)) uses it. */
function truthy(value: unknown): boolean {
  return !(value === null || value === undefined || value === '' || value === 0 || value === false);
}
