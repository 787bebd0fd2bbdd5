// Restricted hooks (collect-metrics, meter-status-changed): which handlers may run there.
// Juju refuses nearly every hook tool in them (worker/uniter/runner/jujuc/restricted.go), so
// only handlers that name the hook itself run: not flag handlers, not `hook('*')` catch-alls.
import type { Handler } from '../reactive/handlers.js';
import { compileHookPattern } from '../reactive/hook-pattern.js';

/** The handlers whose `hook(...)` patterns name `hookName` without a `*` wildcard. */
export function restrictedHookHandlers<C>(
  handlers: readonly Handler<C>[],
  hookName: string,
): Handler<C>[] {
  return handlers.filter((h) => {
    const patterns =
      h.spec.hook === undefined
        ? []
        : typeof h.spec.hook === 'string'
          ? [h.spec.hook]
          : h.spec.hook;
    return patterns.some((p) => !p.includes('*') && compileHookPattern(p).test(hookName));
  });
}
