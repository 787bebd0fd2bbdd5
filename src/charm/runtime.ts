// HookRuntime: everything one hook touches, hanging off one object: flags, unit state,
// the hook session (cached reads, buffered writes), endpoints, logging and events.
// Handlers receive it; nothing else holds per-hook state.

import type { Endpoint, EndpointClass } from '../endpoints/endpoint.js';
import type { HookContext } from '../juju/hook-context.js';
import type { HookSession } from '../juju/hook-session.js';
import type { WorkloadStatusName } from '../juju/hook-tools.js';
import type { CharmMetadata } from '../juju/metadata.js';
import type { Redactor } from '../juju/redact.js';
import type { RuntimeEvents } from '../reactive/events.js';
import type { FlagSet } from '../reactive/flags.js';
import type { UnitState } from '../state/unit-state.js';
import type { Logger } from './logger.js';
import { LAST_UNIT } from './status.js';

/** What a {@link HookRuntime} is built from (by `runHook()`). */
export interface HookRuntimeParts {
  /** Becomes {@link HookRuntime.context}. */
  readonly context: HookContext;
  /** Becomes {@link HookRuntime.metadata}. */
  readonly metadata: CharmMetadata;
  /** Becomes {@link HookRuntime.state}; its flags become {@link HookRuntime.flags}. */
  readonly state: UnitState;
  /** Becomes {@link HookRuntime.juju}. */
  readonly juju: HookSession;
  /** Becomes {@link HookRuntime.log}. */
  readonly log: Logger;
  /** Becomes {@link HookRuntime.events}. */
  readonly events: RuntimeEvents;
  /** Becomes {@link HookRuntime.redactor}. */
  readonly redactor: Redactor;
}

/**
 * Everything one hook touches, in one object: flags, unit state, hook tools, endpoints, log
 * and events. Every handler receives it (`rt`); it lives for one hook.
 * @example
 * charm.when('workload.installed').run(function configure(rt) {
 *   const port = Number(rt.config()['port']);
 *   if (rt.state.dataChanged('port', port)) rt.juju.openPort(port);
 *   rt.status('active', `listening on ${port}`);
 * });
 */
export class HookRuntime {
  /** Which unit, hook and relation this is (from the environment). */
  readonly context: HookContext;
  /** The charm's metadata. */
  readonly metadata: CharmMetadata;
  /** The unit's flags (persisted with the hook). */
  readonly flags: FlagSet;
  /** The unit's key/value data (persisted with the hook). */
  readonly state: UnitState;
  /** Hook tools with per-hook caching and commit-on-success writes. */
  readonly juju: HookSession;
  /** The charm's log (`juju-log`, redacted). */
  readonly log: Logger;
  /** The typed events of this hook (flags, handlers, commits, log lines). */
  readonly events: RuntimeEvents;
  /** Register values here (passwords, tokens) to keep them out of logs, errors and traces. */
  readonly redactor: Redactor;
  private readonly bound = new Map<string, Endpoint>();

  /** Built by `runHook()`; charms do not construct it. */
  constructor(parts: HookRuntimeParts) {
    this.context = parts.context;
    this.metadata = parts.metadata;
    this.state = parts.state;
    this.flags = parts.state.flags;
    this.juju = parts.juju;
    this.log = parts.log;
    this.events = parts.events;
    this.redactor = parts.redactor;
  }

  /** The hook being run, e.g. `cluster-relation-changed`. */
  get hookName(): string {
    return this.context.hookName;
  }
  /** This unit, e.g. `mysql/0`. */
  get unitName(): string {
    return this.context.unitName;
  }
  /** This unit's application, e.g. `mysql`. */
  get applicationName(): string {
    return this.context.applicationName;
  }

  /** Whether this unit is the leader. Throws if is-leader fails (the hook is then retried). */
  isLeader(): boolean {
    return this.juju.isLeader().expect('is-leader failed');
  }

  /** The charm's config. Throws if config-get fails (the hook is then retried). */
  config(): Record<string, unknown> {
    const result = this.juju.config();
    if (result.isErr()) throw result.error;
    return result.value;
  }

  /** Set the unit's workload status (Juju applies it at once, as status-set does). */
  status(status: WorkloadStatusName, message = ''): void {
    const result = this.juju.statusSet(status, message);
    if (result.isErr()) this.log.warning(`status-set failed: ${result.error.message}`);
    // The assessor's last status is no longer the one shown: let it set its own again.
    this.state.forgetDataChanged(LAST_UNIT);
  }

  /** @internal Called by the runtime while binding endpoints. */
  bindEndpoint(endpoint: Endpoint): void {
    this.bound.set(endpoint.endpointName, endpoint);
  }

  /** The bound endpoint with this name, if any. */
  endpointByName(name: string): Endpoint | undefined {
    return this.bound.get(name);
  }

  /** Every bound endpoint, in metadata order. */
  get endpoints(): readonly Endpoint[] {
    return [...this.bound.values()];
  }

  /**
   * The endpoint of class `cls` (the one bound to `name`, or the only one bound).
   * @example const peers = rt.endpoint(MySQLInnoDBClusterPeers);
   */
  endpoint<E extends Endpoint>(cls: EndpointClass<E, never>, name?: string): E {
    const matches = [...this.bound.values()].filter(
      (e): e is E => e instanceof cls && (name === undefined || e.endpointName === name),
    );
    const [first] = matches;
    if (first === undefined) {
      throw new Error(
        `no endpoint of class ${cls.name}${name ? ` named ${name}` : ''} is bound on ${this.unitName}: ` +
          `register it with charm.endpoint(${cls.name}) and declare an endpoint with interface ${cls.interfaceName} in metadata.yaml`,
      );
    }
    if (matches.length > 1) {
      throw new Error(
        `${cls.name} is bound to several endpoints (${matches.map((e) => e.endpointName).join(', ')}): pass the endpoint name`,
      );
    }
    return first;
  }
}
