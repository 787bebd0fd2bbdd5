// Tool-call tracing: wraps any HookTools so each call emits a `tool.call` event with the
// tool's name and its plain arguments. Data payloads (relation bags, leader settings,
// secret content) are never included, and every argument passes through the redactor.
import type { RuntimeEvents } from '../reactive/events.js';
import type { HookToolError } from './hook-tool-error.js';
import type { HookTools } from './hook-tools.js';
import type { Redactor } from './redact.js';

/** The hook tool behind each HookTools method. */
export const TOOL_OF_METHOD: Readonly<Record<keyof HookTools, string>> = {
  relationIds: 'relation-ids',
  relationList: 'relation-list',
  relationListApp: 'relation-list',
  relationGet: 'relation-get',
  relationGetKey: 'relation-get',
  relationSet: 'relation-set',
  networkGet: 'network-get',
  networkGetIngressAddress: 'network-get',
  unitGet: 'unit-get',
  configGet: 'config-get',
  isLeader: 'is-leader',
  leaderGet: 'leader-get',
  leaderSet: 'leader-set',
  jujuLog: 'juju-log',
  statusSet: 'status-set',
  statusGet: 'status-get',
  applicationVersionSet: 'application-version-set',
  goalState: 'goal-state',
  openPort: 'open-port',
  closePort: 'close-port',
  secretAdd: 'secret-add',
  secretGet: 'secret-get',
  secretSet: 'secret-set',
  secretGrant: 'secret-grant',
  secretRevoke: 'secret-revoke',
  secretRemove: 'secret-remove',
  stateGet: 'state-get',
  stateSet: 'state-set',
  stateDelete: 'state-delete',
  actionGet: 'action-get',
  actionSet: 'action-set',
  actionFail: 'action-fail',
  actionLog: 'action-log',
  secretInfoGet: 'secret-info-get',
  secretIds: 'secret-ids',
  storageGet: 'storage-get',
  storageList: 'storage-list',
  storageAdd: 'storage-add',
  resourceGet: 'resource-get',
  openPortRange: 'open-port',
  closePortRange: 'close-port',
  openedPorts: 'opened-ports',
  addMetric: 'add-metric',
};

type AnyResult = { isOk(): boolean; error?: unknown };

/**
 * Wrap `tools` so every call emits `tool.call` on `events` (only while someone listens, so an
 * untraced hook pays nothing but a property lookup).
 */
export function traceHookTools(
  tools: HookTools,
  events: RuntimeEvents,
  redactor: Redactor,
): HookTools {
  return new Proxy(tools, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string' || !(prop in TOOL_OF_METHOD))
        return value;
      const tool = TOOL_OF_METHOD[prop as keyof HookTools];
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => AnyResult).apply(target, args);
        if (events.listenerCount('tool.call') > 0) {
          const plain = args.filter(
            (a) => typeof a === 'string' || typeof a === 'number' || typeof a === 'boolean',
          );
          const ok = result.isOk();
          events.emit('tool.call', {
            tool,
            args: plain.map((a) => redactor.redact(String(a))),
            ok,
            ...(ok ? {} : { errorKind: (result.error as HookToolError).kind }),
          });
        }
        return result;
      };
    },
  });
}
