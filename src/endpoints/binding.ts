// Binding: at hook start, create one instance of each registered Endpoint class per metadata
// endpoint whose interface (and role) it declares, manage its automatic flags, run its
// startup, and collect its handlers with `{endpoint_name}` expanded.
import type { EndpointRegistration } from '../charm/charm.js';
import type { HookRuntime } from '../charm/runtime.js';
import type { Handler } from '../reactive/handlers.js';
import { manageAutomaticFlags } from './automatic-flags.js';

/**
 * Bind the registered endpoint classes for this hook and return their handlers, expanded.
 * Throws when one metadata endpoint matches several registered classes.
 */
export function bindEndpoints(
  runtime: HookRuntime,
  registrations: readonly EndpointRegistration[],
  /** `manageFlags: false` (actions): bind for reading only, no automatic flags, no startup. */
  options: { readonly manageFlags?: boolean } = {},
): Handler<HookRuntime>[] {
  if (registrations.length === 0) return [];
  for (const meta of runtime.metadata.endpoints) {
    const matches = registrations.filter(
      (r) =>
        r.cls.interfaceName === meta.interface &&
        (r.cls.roles === undefined || r.cls.roles.includes(meta.role)),
    );
    const [match] = matches;
    if (match === undefined) continue;
    if (matches.length > 1) {
      throw new Error(
        `endpoint ${meta.name} (interface ${meta.interface}) matches several registered classes: ` +
          `${matches.map((m) => m.cls.name).join(', ')}; register only one`,
      );
    }
    const endpoint = new match.cls(
      { name: meta.name, role: meta.role, interfaceName: meta.interface, runtime },
      match.options,
    );
    runtime.bindEndpoint(endpoint);
  }
  if (options.manageFlags === false) return [];
  for (const endpoint of runtime.endpoints) manageAutomaticFlags(endpoint);
  for (const endpoint of runtime.endpoints) endpoint.runStartup();
  return runtime.endpoints.flatMap((e) => e.collectHandlers());
}
