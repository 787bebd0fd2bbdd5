// The HookTools contract: every way a charm talks to Juju, as typed, synchronous calls
// returning Result values. Only src/juju/process-hook-tools.ts knows these are processes;
// the simulator supplies an in-process implementation of the same interface.
import type { Result } from 'ts-results-es';
import type { HookToolError } from './hook-tool-error.js';

/** A relation data bag: Juju stores every value as a string. */
export type RelationData = Record<string, string>;

/** One address of a network binding, as `network-get` reports it. */
export interface BindAddress {
  /** `interface-name`, e.g. `eth0`. */
  readonly interfaceName: string;
  /** `mac-address`. */
  readonly macAddress: string;
  /** The addresses on that interface. */
  readonly addresses: readonly {
    /** The address, e.g. `10.0.0.5`. */
    readonly value: string;
    /** Its subnet, e.g. `10.0.0.0/24`. */
    readonly cidr: string;
    /** Its hostname, when Juju reports one. */
    readonly hostname?: string;
  }[];
}

/** What `network-get <binding>` reports. */
export interface NetworkInfo {
  /** `bind-addresses`: where the unit listens for this binding. */
  readonly bindAddresses: readonly BindAddress[];
  /** `ingress-addresses`: where other units reach this unit; the first is the preferred one. */
  readonly ingressAddresses: readonly string[];
  /** `egress-subnets`: the subnets this unit's traffic comes from. */
  readonly egressSubnets: readonly string[];
}

/** `juju-log` levels. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

/** Workload statuses a charm may set with `status-set`. */
export type WorkloadStatusName = 'maintenance' | 'blocked' | 'waiting' | 'active';

/** A workload status as `status-get` reports it. */
export interface WorkloadStatus {
  /** The status name. */
  readonly status: WorkloadStatusName | 'unknown' | 'error' | 'terminated';
  /** The status message ('' when none). */
  readonly message: string;
}

/** What `goal-state` reports: the units Juju intends to have, per application and endpoint. */
export interface GoalState {
  /** Units of this application, by unit name. */
  readonly units: Readonly<
    Record<
      string,
      {
        /** e.g. `active`, `waiting`, `dying`. */
        readonly status: string;
        /** When the unit entered that status. */
        readonly since?: string;
      }
    >
  >;
  /** Remote units and applications, by endpoint name, then unit or application name. */
  readonly relations: Readonly<
    Record<
      string,
      Readonly<
        Record<
          string,
          {
            /** e.g. `joined`, `active`. */
            readonly status: string;
            /** When it entered that status. */
            readonly since?: string;
          }
        >
      >
    >
  >;
}

/** Who owns a secret: the whole application (leader-managed) or this unit. */
export type SecretOwner = 'application' | 'unit';

/** Options of `secret-add` (and, without `owner`, of `secret-set`). */
export interface SecretAddOptions {
  /** `--label`: a name this unit (or application) can use instead of the id. */
  readonly label?: string;
  /** `--description`. */
  readonly description?: string;
  /** `--owner`: `application` (leader only; the default in Juju) or `unit`. */
  readonly owner?: SecretOwner;
  /** `--expire`: a duration or an RFC 3339 time. */
  readonly expire?: string;
  /** `--rotate`: the rotation policy. */
  readonly rotate?: 'never' | 'hourly' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly';
}

/** Options of `secret-get`. */
export interface SecretGetOptions {
  /** `--label`: with an id, the label this unit gives the secret. */
  readonly label?: string;
  /** Read the latest revision without tracking it. */
  readonly peek?: boolean;
  /** Read the latest revision and start tracking it. */
  readonly refresh?: boolean;
}

/** Options of `secret-grant` and `secret-revoke`. */
export interface SecretGrantOptions {
  /** Restrict the grant to one unit of the related application. */
  readonly unit?: string;
}

/** Protocols of `open-port` / `close-port`. */
export type PortProtocol = 'tcp' | 'udp' | 'icmp';

/** Secret content: keys are lowercase names, values strings. Never logged. */
export type SecretContent = Record<string, string>;

/** Action parameters as `action-get` reports them (JSON-decoded, defaults inserted by Juju). */
export type ActionParams = Record<string, unknown>;

/** What `secret-info-get` reports about a secret this unit (or its application) owns. */
export interface SecretInfo {
  /** The secret id as Juju printed it (the key of `secret-info-get`'s output). */
  readonly id: string;
  /** The latest revision. */
  readonly revision: number;
  /** The owner's label ('' when none). */
  readonly label: string;
  /** `application` or `unit`. */
  readonly owner: string;
  /** The description, when set. */
  readonly description?: string;
  /** The rotation policy, when set (`hourly`, `daily`, ...). */
  readonly rotation?: string;
  /** When the latest revision expires (RFC 3339), when set. */
  readonly expiry?: string;
  /** When the secret next rotates (RFC 3339), when set. */
  readonly rotates?: string;
}

/** What `storage-get` reports about one storage instance. */
export interface StorageInfo {
  /** `block` or `filesystem`. */
  readonly kind: string;
  /** Where it is: a mount point (filesystem) or a device path (block). */
  readonly location: string;
}

/** A port or port range, as `open-port`, `close-port` and `opened-ports` take and print them. */
export interface PortRange {
  /** First port (for `icmp`, ignored). */
  readonly from: number;
  /** Last port, inclusive (equal to `from` for a single port). */
  readonly to: number;
  /** `tcp`, `udp` or `icmp`. */
  readonly protocol: PortProtocol;
}

/**
 * The hook tools a charm may call. Every method is synchronous (a hook runs one tool at a
 * time) and returns a Result; nothing here throws for a tool failure.
 *
 * Writes here take effect immediately: the buffering that makes a hook transactional is
 * the job of {@link HookSession}, which wraps an implementation of this interface.
 */
export interface HookTools {
  /** `relation-ids <endpoint>`: the relation ids of an endpoint. */
  relationIds(endpoint: string): Result<string[], HookToolError>;
  /** `relation-list -r <id>`: the remote units in the relation. */
  relationList(relationId: string): Result<string[], HookToolError>;
  /** `relation-list -r <id> --app`: the remote application's name (or '' if none). */
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

  /** `network-get <binding> [-r <id>]`: addresses of an endpoint binding. */
  networkGet(
    binding: string,
    options?: { readonly relationId?: string },
  ): Result<NetworkInfo, HookToolError>;
  /** `network-get <binding> --ingress-address [-r <id>]`: the address other units reach. */
  networkGetIngressAddress(
    binding: string,
    options?: { readonly relationId?: string },
  ): Result<string, HookToolError>;
  /** `unit-get private-address` or `unit-get public-address`. */
  unitGet(key: 'private-address' | 'public-address'): Result<string, HookToolError>;

  /** `config-get --all`: the application's config. */
  configGet(): Result<Record<string, unknown>, HookToolError>;
  /** `is-leader`. */
  isLeader(): Result<boolean, HookToolError>;
  /** `leader-get`: every leader setting. */
  leaderGet(): Result<Record<string, string>, HookToolError>;
  /** Juju applies this at once; an empty string deletes a key. */
  leaderSet(data: Record<string, string>): Result<void, HookToolError>;

  /** `juju-log -l <level>`: a line in the unit's log. */
  jujuLog(message: string, level: LogLevel): Result<void, HookToolError>;
  /** `status-set [--application]`: the unit's (or, leader only, the application's) status. */
  statusSet(
    status: WorkloadStatusName,
    message: string,
    options?: { readonly application?: boolean },
  ): Result<void, HookToolError>;
  /** `status-get [--application]`. */
  statusGet(options?: { readonly application?: boolean }): Result<WorkloadStatus, HookToolError>;
  /** `application-version-set`: the workload version shown by `juju status`. */
  applicationVersionSet(version: string): Result<void, HookToolError>;
  /** `goal-state`: the units and relations Juju intends to have. */
  goalState(): Result<GoalState, HookToolError>;
  /** `open-port <port>/<protocol>` (protocol `tcp` by default). */
  openPort(port: number, protocol?: PortProtocol): Result<void, HookToolError>;
  /** `close-port <port>/<protocol>` (protocol `tcp` by default). */
  closePort(port: number, protocol?: PortProtocol): Result<void, HookToolError>;

  /** Returns the new secret's id (`secret:...`). Content travels by file or stdin, never argv. */
  secretAdd(content: SecretContent, options?: SecretAddOptions): Result<string, HookToolError>;
  /** `secret-get`: a secret's content, by id or label. */
  secretGet(idOrLabel: string, options?: SecretGetOptions): Result<SecretContent, HookToolError>;
  /** `secret-set`: new content (a new revision) or new metadata for a secret this unit owns. */
  secretSet(
    id: string,
    content: SecretContent,
    options?: Omit<SecretAddOptions, 'owner'>,
  ): Result<void, HookToolError>;
  /** `secret-grant <id> -r <relation id> [--unit <unit>]`: let the remote side read it. */
  secretGrant(
    id: string,
    relationId: string,
    options?: SecretGrantOptions,
  ): Result<void, HookToolError>;
  /** `secret-revoke`: undo a grant. */
  secretRevoke(
    id: string,
    relationId: string,
    options?: SecretGrantOptions,
  ): Result<void, HookToolError>;
  /** `secret-remove <id> [--revision <n>]`. */
  secretRemove(id: string, options?: { readonly revision?: number }): Result<void, HookToolError>;

  /** Juju's server-side unit state (committed by Juju together with the hook). */
  stateGet(): Result<Record<string, string>, HookToolError>;
  /** `state-set`: write keys of the unit's server-side state. */
  stateSet(data: Record<string, string>): Result<void, HookToolError>;
  /** `state-delete <key>`. */
  stateDelete(key: string): Result<void, HookToolError>;

  // ---- actions (worker/uniter/runner/jujuc/action-*.go): only while running an action ----

  /** `action-get --format=json`: every parameter of the running action. */
  actionGet(): Result<ActionParams, HookToolError>;
  /**
   * `action-set <key>=<value> ...`: dotted keys (`outfile.size`) nest, as Juju nests them.
   * Each dot-separated part must match `^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`; `stdout`, `stderr`,
   * `stdout-encoding` and `stderr-encoding` are reserved. Values travel in argv.
   */
  actionSet(results: Readonly<Record<string, string>>): Result<void, HookToolError>;
  /** `action-fail <message>`: mark the running action failed with this message. */
  actionFail(message: string): Result<void, HookToolError>;
  /** `action-log <message>`: a progress line the operator sees while the action runs. */
  actionLog(message: string): Result<void, HookToolError>;

  // ---- secrets' metadata ----

  /** `secret-info-get --format=json <id>` (or `--label <label>`): metadata of an owned secret. */
  secretInfoGet(idOrLabel: string): Result<SecretInfo, HookToolError>;
  /** `secret-ids --format=json`: ids of the secrets this unit's application (or unit) owns. */
  secretIds(): Result<string[], HookToolError>;

  // ---- storage and resources ----

  /**
   * `storage-get --format=json [-s <id>]`: kind and location of a storage instance; without an
   * id, the one a `-storage-attached`/`-detaching` hook is about.
   */
  storageGet(storageId?: string): Result<StorageInfo, HookToolError>;
  /** `storage-list --format=json [<name>]`: ids (`data/0`) of storage attached to the unit. */
  storageList(storageName?: string): Result<string[], HookToolError>;
  /** `storage-add <name>=<count> ...`: ask Juju for more storage instances (applied with the hook). */
  storageAdd(counts: Readonly<Record<string, number>>): Result<void, HookToolError>;
  /** `resource-get <name>`: the local path of a charm resource (downloaded on first use). */
  resourceGet(name: string): Result<string, HookToolError>;

  // ---- port ranges ----

  /** `open-port <from>-<to>/<protocol> [--endpoints a,b]` (or `icmp`). */
  openPortRange(
    range: PortRange,
    options?: { readonly endpoints?: readonly string[] },
  ): Result<void, HookToolError>;
  /** `close-port <from>-<to>/<protocol> [--endpoints a,b]` (or `icmp`). */
  closePortRange(
    range: PortRange,
    options?: { readonly endpoints?: readonly string[] },
  ): Result<void, HookToolError>;
  /** `opened-ports --format=json`: the port ranges this unit has opened. */
  openedPorts(): Result<PortRange[], HookToolError>;

  // ---- metrics (the one thing a collect-metrics hook may do besides juju-log) ----

  /** `add-metric <key>=<value> ...`: record metrics (collect-metrics hooks only). */
  addMetric(metrics: Readonly<Record<string, string>>): Result<void, HookToolError>;
}
