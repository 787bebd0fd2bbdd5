// UnitHookTools: the HookTools one simulated unit sees during one hook, in process. Reads come
// from the model's committed state (plus this hook's own staged writes, as Juju shows a unit
// its own writes); relation, secret, port and unit-state writes are staged in the hook's
// transaction, which the model applies only if the hook succeeds. status-set, juju-log and
// leader-set apply at once, as in Juju. Error texts are Juju's, so both run modes agree.
// The families live in tools/: relation-tools (relations, network), secret-tools,
// storage-tools (storage, resources, port ranges, metrics), action-tools; this class keeps
// config, leadership, status, logs, unit state and ports, and delegates the rest.
import { Err, Ok } from 'ts-results-es';
import type { HookToolError } from '../juju/hook-tool-error.js';
import type {
  ActionParams,
  GoalState,
  HookTools,
  LogLevel,
  NetworkInfo,
  PortProtocol,
  PortRange,
  RelationData,
  SecretAddOptions,
  SecretContent,
  SecretGetOptions,
  SecretGrantOptions,
  SecretInfo,
  StorageInfo,
  WorkloadStatus,
  WorkloadStatusName,
} from '../juju/hook-tools.js';
import type { Redactor } from '../juju/redact.js';
import { copyOfBag } from '../util/bag-digest.js';
import type { ActionRun } from './action-run.js';
import { setOwn } from './optional.js';
import { ActionTools } from './tools/action-tools.js';
import { type R, type ToolBase, type ToolTraceSink, toolFailure } from './tools/base.js';
import { RelationTools } from './tools/relation-tools.js';
import { SecretTools } from './tools/secret-tools.js';
import { StorageTools } from './tools/storage-tools.js';
import type { HookTransaction } from './transaction.js';
import type { QueuedHook, RelationRecord, UnitRecord, UnitRelationView, World } from './world.js';

export { type R, type ToolTraceSink, toolFailure } from './tools/base.js';

export interface UnitHookToolsOptions {
  readonly world: World;
  readonly unit: UnitRecord;
  readonly hook: QueuedHook;
  readonly transaction: HookTransaction;
  /** The model-wide redactor: learns every secret value that passes through the tools. */
  readonly redactor: Redactor;
  readonly sink?: ToolTraceSink;
  /**
   * Applies leader-set at once, as Juju does (commit.ts applyLeaderSettings). Returns an error
   * message instead when the call must fail (an injected fault strikes there).
   */
  readonly leaderSet?: (values: ReadonlyMap<string, string | null>) => string | undefined;
  /** The action this run is for; undefined in a hook (the action tools then refuse). */
  readonly action?: ActionRun;
}

/**
 * The hook tools of one unit during one hook. Created by the model for each hook; the process
 * mode's agent socket calls the same object, so both modes share these semantics.
 */
export class UnitHookTools implements HookTools, ToolBase {
  /** @internal */
  readonly world: World;
  /** @internal */
  readonly unit: UnitRecord;
  /** @internal */
  readonly hook: QueuedHook;
  /** @internal */
  readonly tx: HookTransaction;
  /** @internal */
  readonly redactor: Redactor;
  private readonly sink: ToolTraceSink | undefined;
  private readonly applyLeader:
    | ((values: ReadonlyMap<string, string | null>) => string | undefined)
    | undefined;
  private readonly secrets: SecretTools;
  private readonly storage: StorageTools;
  private readonly relations: RelationTools;
  private readonly actions: ActionTools;

  /** @internal The model creates one for each hook it runs. */
  constructor(options: UnitHookToolsOptions) {
    this.world = options.world;
    this.unit = options.unit;
    this.hook = options.hook;
    this.tx = options.transaction;
    this.redactor = options.redactor;
    this.sink = options.sink;
    this.applyLeader = options.leaderSet;
    this.secrets = new SecretTools(this);
    this.storage = new StorageTools(this);
    this.relations = new RelationTools(this);
    this.actions = new ActionTools(this, options.action);
  }

  /** Record a call made outside these methods (process mode: a call with bad arguments). */
  recordCall(tool: string, args: readonly string[], error: HookToolError | undefined): void {
    const sink = this.sink;
    if (sink === undefined) return;
    sink.count();
    if (!sink.trace.full) return;
    sink.trace.push({
      kind: 'tool',
      unit: this.unit.name,
      hook: this.hook.hook,
      hookSeq: sink.hookSeq,
      tool,
      args: args.map((a) => this.redactor.redact(a)),
      ok: error === undefined,
      ...(error ? { error: error.kind } : {}),
    });
  }

  /** @internal */
  call<T>(tool: string, args: readonly string[], body: () => R<T>): R<T> {
    const result = body();
    this.recordCall(tool, args, result.isErr() ? result.error : undefined);
    return result;
  }

  /** @internal */
  fail<T>(tool: string, message: string, exitCode = 1): R<T> {
    return Err(toolFailure(tool, message, exitCode));
  }

  /** @internal */
  get isLeaderNow(): boolean {
    return this.unit.app.leader === this.unit.name;
  }

  /** @internal The relation and this unit's view of it, if the unit may use it in this hook. */
  relation(
    tool: string,
    relationId: string,
  ): R<{ relation: RelationRecord; view: UnitRelationView }> {
    const relation = this.world.relation(relationId);
    const view = this.unit.relations.get(relationId);
    const visible =
      relation !== undefined &&
      view !== undefined &&
      (view.created || this.hook.relationId === relationId);
    if (!visible) {
      return this.fail(tool, `invalid value "${relationId}" for option -r: relation not found`, 2);
    }
    return Ok({ relation, view });
  }

  // ---- relations and network (tools/relation-tools.ts) ----

  relationIds(endpoint: string): R<string[]> {
    return this.relations.relationIds(endpoint);
  }

  relationList(relationId: string): R<string[]> {
    return this.relations.relationList(relationId);
  }

  relationListApp(relationId: string): R<string> {
    return this.relations.relationListApp(relationId);
  }

  relationGet(
    relationId: string,
    entity: string,
    options: { readonly app?: boolean } = {},
  ): R<RelationData> {
    return this.relations.relationGet(relationId, entity, options);
  }

  relationGetKey(
    relationId: string,
    entity: string,
    key: string,
    options: { readonly app?: boolean } = {},
  ): R<string | undefined> {
    return this.relations.relationGetKey(relationId, entity, key, options);
  }

  relationSet(
    relationId: string,
    data: RelationData,
    options: { readonly app?: boolean } = {},
  ): R<void> {
    return this.relations.relationSet(relationId, data, options);
  }

  networkGet(binding: string, options: { readonly relationId?: string } = {}): R<NetworkInfo> {
    return this.relations.networkGet(binding, options);
  }

  networkGetIngressAddress(
    binding: string,
    options: { readonly relationId?: string } = {},
  ): R<string> {
    return this.relations.networkGetIngressAddress(binding, options);
  }

  unitGet(key: 'private-address' | 'public-address'): R<string> {
    return this.relations.unitGet(key);
  }

  // ---- config and leadership ----

  configGet(): R<Record<string, unknown>> {
    return this.call('config-get', ['--all'], () => Ok({ ...this.unit.app.config }));
  }

  isLeader(): R<boolean> {
    return this.call('is-leader', [], () => Ok(this.isLeaderNow));
  }

  leaderGet(): R<Record<string, string>> {
    // A copy (a handler may change it) carrying the digest of the committed settings, which
    // are replaced, never changed, by each leader-set (commit.ts applyLeaderSettings).
    return this.call('leader-get', [], () => Ok(copyOfBag(this.unit.app.leaderSettings)));
  }

  leaderSet(data: Record<string, string>): R<void> {
    const args = Object.keys(data)
      .sort()
      .map((k) => `${k}=…`);
    return this.call('leader-set', args, () => {
      if (!this.isLeaderNow) {
        return this.fail(
          'leader-set',
          'cannot write leadership settings: cannot write settings: not the leader',
        );
      }
      // Juju writes leader settings through at once (jujuc/leader-set.go): not staged.
      const values = new Map<string, string | null>();
      for (const [k, v] of Object.entries(data)) values.set(k, v === '' ? null : v);
      const refused = this.applyLeader?.(values);
      if (refused !== undefined) return this.fail('leader-set', refused);
      return Ok(undefined);
    });
  }

  // ---- status and logs: applied at once ----

  jujuLog(message: string, level: LogLevel): R<void> {
    return this.call('juju-log', ['-l', level], () => {
      const sink = this.sink;
      if (sink?.trace.full) {
        sink.trace.push({
          kind: 'log',
          unit: this.unit.name,
          hook: this.hook.hook,
          hookSeq: sink.hookSeq,
          level,
          message: this.redactor.redact(message),
        });
      }
      return Ok(undefined);
    });
  }

  statusSet(
    status: WorkloadStatusName,
    message: string,
    options: { readonly application?: boolean } = {},
  ): R<void> {
    const application = options.application === true;
    const args = [...(application ? ['--application'] : []), status];
    return this.call('status-set', args, () => {
      if (application && !this.isLeaderNow) {
        return this.fail('status-set', 'this unit is not the leader');
      }
      const value: WorkloadStatus = { status, message };
      if (application) this.unit.app.status = value;
      else this.unit.status = value;
      const sink = this.sink;
      if (sink) {
        sink.trace.push({
          kind: 'status',
          unit: this.unit.name,
          hook: this.hook.hook,
          hookSeq: sink.hookSeq,
          status,
          message: this.redactor.redact(message),
          application,
        });
      }
      return Ok(undefined);
    });
  }

  statusGet(options: { readonly application?: boolean } = {}): R<WorkloadStatus> {
    const application = options.application === true;
    return this.call(
      'status-get',
      ['--include-data', ...(application ? ['--application'] : [])],
      () => {
        if (!application) return Ok({ ...this.unit.status });
        if (!this.isLeaderNow) {
          return this.fail('status-get', 'finding application status: this unit is not the leader');
        }
        return Ok({ ...this.unit.app.status });
      },
    );
  }

  applicationVersionSet(version: string): R<void> {
    return this.call('application-version-set', [version], () => {
      this.unit.app.version = version;
      return Ok(undefined);
    });
  }

  goalState(): R<GoalState> {
    return this.call('goal-state', [], () => {
      const units: Record<string, { status: string }> = {};
      for (const u of this.unit.app.units) {
        if (u.life !== 'removed')
          units[u.name] = { status: u.life === 'alive' ? 'active' : 'dying' };
      }
      const relations: Record<string, Record<string, { status: string }>> = {};
      for (const relation of this.world.relationsOf(this.unit.app.name)) {
        const endpoint = relation.sideOf(this.unit.app.name)?.endpoint;
        const remote = relation.remoteAppOf(this.unit.app.name);
        if (endpoint === undefined || remote === undefined) continue;
        relations[endpoint] ??= {};
        const entry = relations[endpoint];
        if (!relation.peer) entry[remote] = { status: 'joined' };
        for (const u of this.world.unitsInScope(relation, remote)) {
          if (u.name !== this.unit.name) entry[u.name] = { status: 'joined' };
        }
      }
      return Ok({ units, relations });
    });
  }

  openPort(port: number, protocol: PortProtocol = 'tcp'): R<void> {
    return this.port('open-port', port, protocol);
  }

  closePort(port: number, protocol: PortProtocol = 'tcp'): R<void> {
    return this.port('close-port', port, protocol);
  }

  private port(tool: 'open-port' | 'close-port', port: number, protocol: PortProtocol): R<void> {
    const spec = protocol === 'icmp' ? 'icmp' : `${port}/${protocol}`;
    return this.call(tool, [spec], () => {
      if (protocol !== 'icmp' && (!Number.isInteger(port) || port < 1 || port > 65535)) {
        return this.fail(tool, `invalid port or range "${port}"`, 2);
      }
      // Juju applies port changes with the hook's other changes when it succeeds
      // (worker/uniter/runner/context: Flush commits the pending port ranges).
      this.tx.ports.push({ open: tool === 'open-port', spec });
      return Ok(undefined);
    });
  }

  // ---- secrets (tools/secret-tools.ts) ----

  secretAdd(content: SecretContent, options: SecretAddOptions = {}): R<string> {
    return this.secrets.secretAdd(content, options);
  }

  secretGet(idOrLabel: string, options: SecretGetOptions = {}): R<SecretContent> {
    return this.secrets.secretGet(idOrLabel, options);
  }

  secretSet(
    id: string,
    content: SecretContent,
    options: Omit<SecretAddOptions, 'owner'> = {},
  ): R<void> {
    return this.secrets.secretSet(id, content, options);
  }

  secretGrant(id: string, relationId: string, options: SecretGrantOptions = {}): R<void> {
    return this.secrets.grant('secret-grant', id, relationId, options);
  }

  secretRevoke(id: string, relationId: string, options: SecretGrantOptions = {}): R<void> {
    return this.secrets.grant('secret-revoke', id, relationId, options);
  }

  secretRemove(id: string, options: { readonly revision?: number } = {}): R<void> {
    return this.secrets.secretRemove(id, options);
  }

  secretInfoGet(idOrLabel: string): R<SecretInfo> {
    return this.secrets.secretInfoGet(idOrLabel);
  }

  secretIds(): R<string[]> {
    return this.secrets.secretIds();
  }

  // ---- Juju's unit state: committed with the hook ----

  stateGet(): R<Record<string, string>> {
    return this.call('state-get', [], () => {
      const out: Record<string, string> = Object.fromEntries(this.unit.jujuState);
      for (const [k, v] of this.tx.state) {
        if (v === null) delete out[k];
        else setOwn(out, k, v);
      }
      return Ok(out);
    });
  }

  stateSet(data: Record<string, string>): R<void> {
    return this.call('state-set', Object.keys(data).sort(), () => {
      for (const [k, v] of Object.entries(data)) this.tx.state.set(k, v);
      return Ok(undefined);
    });
  }

  stateDelete(key: string): R<void> {
    return this.call('state-delete', [key], () => {
      this.tx.state.set(key, null);
      return Ok(undefined);
    });
  }

  // ---- actions (tools/action-tools.ts) ----

  actionGet(): R<ActionParams> {
    return this.actions.actionGet();
  }

  actionSet(results: Readonly<Record<string, string>>): R<void> {
    return this.actions.actionSet(results);
  }

  actionFail(message: string): R<void> {
    return this.actions.actionFail(message);
  }

  actionLog(message: string): R<void> {
    return this.actions.actionLog(message);
  }

  // ---- answered from the model's committed state ----

  /**
   * `opened-ports`: the ports the unit had open when the hook started; this hook's own
   * open-port/close-port apply when it commits (runner/context HookContext.OpenedPortRanges
   * returns the unit's committed ranges).
   */
  openedPorts(): R<PortRange[]> {
    return this.call('opened-ports', [], () => {
      const ranges = [...this.unit.ports].map(portRangeOf);
      ranges.sort((a, b) =>
        a.protocol === b.protocol
          ? a.from - b.from || a.to - b.to
          : a.protocol < b.protocol
            ? -1
            : 1,
      );
      return Ok(ranges);
    });
  }

  // ---- storage, resources, port ranges, metrics (tools/storage-tools.ts) ----

  storageGet(storageId?: string): R<StorageInfo> {
    return this.storage.storageGet(storageId);
  }

  storageList(storageName?: string): R<string[]> {
    return this.storage.storageList(storageName);
  }

  storageAdd(counts: Readonly<Record<string, number>>): R<void> {
    return this.storage.storageAdd(counts);
  }

  resourceGet(name: string): R<string> {
    return this.storage.resourceGet(name);
  }

  openPortRange(range: PortRange, options?: { readonly endpoints?: readonly string[] }): R<void> {
    return this.storage.portRange('open-port', range, options);
  }

  closePortRange(range: PortRange, options?: { readonly endpoints?: readonly string[] }): R<void> {
    return this.storage.portRange('close-port', range, options);
  }

  addMetric(metrics: Readonly<Record<string, string>>): R<void> {
    return this.storage.addMetric(metrics);
  }
}

/** `80/tcp`, `8000-8010/udp` or `icmp`, as the model keeps opened ports, as a range. */
function portRangeOf(spec: string): PortRange {
  const [ports = '', protocol = 'icmp'] = spec.includes('/') ? spec.split('/') : ['', spec];
  const [from = '0', to = from] = ports.split('-');
  return { from: Number(from), to: Number(to), protocol: protocol as PortProtocol };
}
