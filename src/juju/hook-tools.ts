// The HookTools contract: every way a charm talks to Juju, as typed, synchronous calls
// returning Result values. Only src/juju/process-hook-tools.ts knows these are processes;
// the simulator supplies an in-process implementation of the same interface.
import type { Result } from 'ts-results-es';
import type { HookToolError } from './hook-tool-error.js';

/** A relation data bag: Juju stores every value as a string. */
export type RelationData = Record<string, string>;

/** One address of a network binding, as `network-get` reports it. */
export interface BindAddress {
  readonly interfaceName: string;
  readonly macAddress: string;
  readonly addresses: readonly {
    readonly value: string;
    readonly cidr: string;
    readonly hostname?: string;
  }[];
}

/** What `network-get <binding>` reports. */
export interface NetworkInfo {
  readonly bindAddresses: readonly BindAddress[];
  readonly ingressAddresses: readonly string[];
  readonly egressSubnets: readonly string[];
}

/** `juju-log` levels. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

/** Workload statuses a charm may set with `status-set`. */
export type WorkloadStatusName = 'maintenance' | 'blocked' | 'waiting' | 'active';

/** A workload status as `status-get` reports it. */
export interface WorkloadStatus {
  readonly status: WorkloadStatusName | 'unknown' | 'error' | 'terminated';
  readonly message: string;
}

/** What `goal-state` reports: the units Juju intends to have, per application and endpoint. */
export interface GoalState {
  readonly units: Readonly<Record<string, { readonly status: string; readonly since?: string }>>;
  readonly relations: Readonly<
    Record<string, Readonly<Record<string, { readonly status: string; readonly since?: string }>>>
  >;
}

/** Who owns a secret: the whole application (leader-managed) or this unit. */
export type SecretOwner = 'application' | 'unit';

export interface SecretAddOptions {
  readonly label?: string;
  readonly description?: string;
  readonly owner?: SecretOwner;
  readonly expire?: string;
  readonly rotate?: 'never' | 'hourly' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly';
}

export interface SecretGetOptions {
  readonly label?: string;
  /** Read the latest revision without tracking it. */
  readonly peek?: boolean;
  /** Read the latest revision and start tracking it. */
  readonly refresh?: boolean;
}

export interface SecretGrantOptions {
  /** Restrict the grant to one unit of the related application. */
  readonly unit?: string;
}

export type PortProtocol = 'tcp' | 'udp' | 'icmp';

/** Secret content: keys are lowercase names, values strings. Never logged. */
export type SecretContent = Record<string, string>;

/**
 * The hook tools a charm may call. Every method is synchronous (a hook runs one tool at a
 * time) and returns a Result; nothing here throws for a tool failure.
 *
 * Writes here take effect immediately: the buffering that makes a hook transactional is
 * the job of {@link HookSession}, which wraps an implementation of this interface.
 */
export interface HookTools {
  relationIds(endpoint: string): Result<string[], HookToolError>;
  /** Remote units in the relation; with `app`, the remote application's name (or '' if none). */
  relationList(relationId: string): Result<string[], HookToolError>;
  relationListApp(relationId: string): Result<string, HookToolError>;
  /** The whole bag of `entity` (a unit name, or with `app: true` an application name). */
  relationGet(
    relationId: string,
    entity: string,
    options?: { readonly app?: boolean },
  ): Result<RelationData, HookToolError>;
  /** One key of a bag; `undefined` when the key is not set. */
  relationGetKey(
    relationId: string,
    entity: string,
    key: string,
    options?: { readonly app?: boolean },
  ): Result<string | undefined, HookToolError>;
  /** Write keys of this unit's (or with `app`, this application's) bag. An empty string deletes. */
  relationSet(
    relationId: string,
    data: RelationData,
    options?: { readonly app?: boolean },
  ): Result<void, HookToolError>;

  networkGet(
    binding: string,
    options?: { readonly relationId?: string },
  ): Result<NetworkInfo, HookToolError>;
  networkGetIngressAddress(
    binding: string,
    options?: { readonly relationId?: string },
  ): Result<string, HookToolError>;
  unitGet(key: 'private-address' | 'public-address'): Result<string, HookToolError>;

  configGet(): Result<Record<string, unknown>, HookToolError>;
  isLeader(): Result<boolean, HookToolError>;
  leaderGet(): Result<Record<string, string>, HookToolError>;
  /** Juju applies this at once; an empty string deletes a key. */
  leaderSet(data: Record<string, string>): Result<void, HookToolError>;

  jujuLog(message: string, level: LogLevel): Result<void, HookToolError>;
  statusSet(
    status: WorkloadStatusName,
    message: string,
    options?: { readonly application?: boolean },
  ): Result<void, HookToolError>;
  statusGet(options?: { readonly application?: boolean }): Result<WorkloadStatus, HookToolError>;
  applicationVersionSet(version: string): Result<void, HookToolError>;
  goalState(): Result<GoalState, HookToolError>;
  openPort(port: number, protocol?: PortProtocol): Result<void, HookToolError>;
  closePort(port: number, protocol?: PortProtocol): Result<void, HookToolError>;

  /** Returns the new secret's id (`secret:...`). Content travels by file or stdin, never argv. */
  secretAdd(content: SecretContent, options?: SecretAddOptions): Result<string, HookToolError>;
  secretGet(idOrLabel: string, options?: SecretGetOptions): Result<SecretContent, HookToolError>;
  secretSet(
    id: string,
    content: SecretContent,
    options?: Omit<SecretAddOptions, 'owner'>,
  ): Result<void, HookToolError>;
  secretGrant(
    id: string,
    relationId: string,
    options?: SecretGrantOptions,
  ): Result<void, HookToolError>;
  secretRevoke(
    id: string,
    relationId: string,
    options?: SecretGrantOptions,
  ): Result<void, HookToolError>;
  secretRemove(id: string, options?: { readonly revision?: number }): Result<void, HookToolError>;

  /** Juju's server-side unit state (committed by Juju together with the hook). */
  stateGet(): Result<Record<string, string>, HookToolError>;
  stateSet(data: Record<string, string>): Result<void, HookToolError>;
  stateDelete(key: string): Result<void, HookToolError>;
}
