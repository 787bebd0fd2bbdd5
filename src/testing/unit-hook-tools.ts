// UnitHookTools: the HookTools one simulated unit sees during one hook, in process. Reads come
// from the model's committed state (plus this hook's own staged writes, as Juju shows a unit
// its own writes); relation, secret, port and unit-state writes are staged in the hook's
// transaction, which the model applies only if the hook succeeds. status-set, juju-log and
// leader-set apply at once, as in Juju. Error texts are Juju's, so both run modes agree.
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
import { compareRelationIds, compareUnitNames } from '../juju/ordering.js';
import type { Redactor } from '../juju/redact.js';
import type { ActionRun } from './action-run.js';
import { ownValue, setOwn } from './optional.js';
import { bindingAddress } from './scope.js';
import { type R, type ToolBase, type ToolTraceSink, toolFailure } from './tools/base.js';
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

const copy = (bag: Readonly<RelationData> | undefined): RelationData => ({ ...(bag ?? {}) });

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
  private readonly action: ActionRun | undefined;
  private readonly secrets: SecretTools;
  private readonly storage: StorageTools;

  /** @internal The model creates one for each hook it runs. */
  constructor(options: UnitHookToolsOptions) {
    this.world = options.world;
    this.unit = options.unit;
    this.hook = options.hook;
    this.tx = options.transaction;
    this.redactor = options.redactor;
    this.sink = options.sink;
    this.applyLeader = options.leaderSet;
    this.action = options.action;
    this.secrets = new SecretTools(this);
    this.storage = new StorageTools(this);
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

  /** Remote units this unit sees in the relation right now (Juju's relation-list). */
  private members(relationId: string, view: UnitRelationView): string[] {
    const hook = this.hook;
    const out = new Set(view.members);
    if (hook.relationId === relationId && hook.remoteUnit !== undefined) {
      if (hook.hook.endsWith('-relation-joined')) out.add(hook.remoteUnit);
      if (hook.hook.endsWith('-relation-departed')) out.delete(hook.remoteUnit);
    }
    return [...out].sort(compareUnitNames);
  }

  // ---- relations ----

  relationIds(endpoint: string): R<string[]> {
    return this.call('relation-ids', [endpoint], () => {
      const ids: string[] = [];
      for (const [id, view] of this.unit.relations) {
        const relation = this.world.relation(id);
        if (relation === undefined) continue;
        if (relation.sideOf(this.unit.app.name)?.endpoint !== endpoint) continue;
        if (view.created || this.hook.relationId === id) ids.push(id);
      }
      return Ok(ids.sort(compareRelationIds));
    });
  }

  relationList(relationId: string): R<string[]> {
    return this.call('relation-list', ['-r', relationId], () =>
      this.relation('relation-list', relationId).map(({ view }) => this.members(relationId, view)),
    );
  }

  relationListApp(relationId: string): R<string> {
    return this.call('relation-list', ['-r', relationId, '--app'], () =>
      this.relation('relation-list', relationId).map(
        ({ relation }) => relation.remoteAppOf(this.unit.app.name) ?? '',
      ),
    );
  }

  private readBag(
    tool: string,
    relationId: string,
    entity: string,
    app: boolean,
  ): R<Readonly<RelationData>> {
    const found = this.relation(tool, relationId);
    if (found.isErr()) return found;
    const { relation, view } = found.value;
    const own = this.unit.app.name;
    if (app) {
      const name = entity.includes('/') ? (entity.split('/')[0] ?? entity) : entity;
      const remote = relation.remoteAppOf(own);
      if (name === own) {
        if (!relation.peer && !this.isLeaderNow) return this.fail(tool, 'permission denied');
        return Ok(this.tx.overlay(relationId, true, relation.appBags.get(own) ?? {}));
      }
      if (name !== remote) return this.fail(tool, `application "${name}" not found`);
      return Ok(relation.appBags.get(name) ?? {});
    }
    if (entity === this.unit.name) {
      return Ok(this.tx.overlay(relationId, false, relation.unitBags.get(entity) ?? {}));
    }
    const other = this.world.units.get(entity);
    const inScope = other?.life === 'alive' && other.relations.has(relationId);
    const known =
      view.members.has(entity) ||
      (this.hook.relationId === relationId && this.hook.remoteUnit === entity);
    // A unit that left keeps its settings readable for the relation's lifetime (Juju removes
    // them only with the relation), so later hooks can still read a departed unit's data.
    const departed = relation.unitBags.has(entity);
    if (!inScope && !known && !departed) {
      return this.fail(
        tool,
        `cannot read settings for unit "${entity}" in relation "${relationId}": unit "${entity}": settings not found`,
      );
    }
    return Ok(relation.unitBags.get(entity) ?? {});
  }

  relationGet(
    relationId: string,
    entity: string,
    options: { readonly app?: boolean } = {},
  ): R<RelationData> {
    const app = options.app === true;
    const args = ['-r', relationId, ...(app ? ['--app'] : []), '-', entity];
    return this.call('relation-get', args, () =>
      this.readBag('relation-get', relationId, entity, app).map(copy),
    );
  }

  relationGetKey(
    relationId: string,
    entity: string,
    key: string,
    options: { readonly app?: boolean } = {},
  ): R<string | undefined> {
    const app = options.app === true;
    const args = ['-r', relationId, ...(app ? ['--app'] : []), key, entity];
    return this.call('relation-get', args, () =>
      this.readBag('relation-get', relationId, entity, app).map((bag) => ownValue(bag, key)),
    );
  }

  relationSet(
    relationId: string,
    data: RelationData,
    options: { readonly app?: boolean } = {},
  ): R<void> {
    const app = options.app === true;
    const args = ['-r', relationId, ...(app ? ['--app'] : []), ...Object.keys(data).sort()];
    return this.call('relation-set', args, () => {
      const found = this.relation('relation-set', relationId);
      if (found.isErr()) return found;
      if (app && !this.isLeaderNow) return this.fail('relation-set', 'permission denied');
      const bad = Object.keys(data).find((k) => k === '' || k.includes('='));
      if (bad !== undefined) {
        return this.fail('relation-set', `expected "key=value", got "${bad}"`, 2);
      }
      this.tx.stageBag(relationId, app, data);
      return Ok(undefined);
    });
  }

  // ---- network ----

  private address(tool: string, binding: string, relationId: string | undefined): R<string> {
    if (relationId !== undefined) {
      const found = this.relation(tool, relationId);
      if (found.isErr()) return found;
    }
    if (binding !== 'juju-info' && this.unit.app.endpoint(binding) === undefined) {
      return this.fail(tool, `no network config found for binding "${binding}"`);
    }
    return Ok(bindingAddress(this.unit, binding));
  }

  networkGet(binding: string, options: { readonly relationId?: string } = {}): R<NetworkInfo> {
    const args = [binding, ...(options.relationId ? ['-r', options.relationId] : [])];
    return this.call('network-get', args, () =>
      this.address('network-get', binding, options.relationId).map(networkInfo),
    );
  }

  networkGetIngressAddress(
    binding: string,
    options: { readonly relationId?: string } = {},
  ): R<string> {
    const args = [
      binding,
      '--ingress-address',
      ...(options.relationId ? ['-r', options.relationId] : []),
    ];
    return this.call('network-get', args, () =>
      this.address('network-get', binding, options.relationId),
    );
  }

  unitGet(key: 'private-address' | 'public-address'): R<string> {
    return this.call('unit-get', [key], () => Ok(this.unit.address));
  }

  // ---- config and leadership ----

  configGet(): R<Record<string, unknown>> {
    return this.call('config-get', ['--all'], () => Ok({ ...this.unit.app.config }));
  }

  isLeader(): R<boolean> {
    return this.call('is-leader', [], () => Ok(this.isLeaderNow));
  }

  leaderGet(): R<Record<string, string>> {
    return this.call('leader-get', [], () => Ok({ ...this.unit.app.leaderSettings }));
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

  // ---- actions (worker/uniter/runner/jujuc/action-*.go): recorded at once, as Juju does ----

  /** The running action, or Juju's refusal outside one (runner/context HookContext.ActionData). */
  private running(tool: string): R<ActionRun> {
    if (this.action === undefined) return this.fail(tool, 'not running an action');
    return Ok(this.action);
  }

  actionGet(): R<ActionParams> {
    return this.call('action-get', [], () => this.running('action-get').map((a) => a.params()));
  }

  actionSet(results: Readonly<Record<string, string>>): R<void> {
    const keys = Object.keys(results);
    return this.call(
      'action-set',
      keys.map((k) => `${k}=…`),
      () => {
        const found = this.running('action-set');
        if (found.isErr()) return found;
        // jujuc/action-set.go Init checks every argument before Run sets any.
        for (const key of keys) {
          const problem = found.value.keyProblem(key);
          if (problem !== undefined) return this.fail('action-set', problem, 2);
        }
        for (const key of keys) found.value.set(key, results[key] ?? '');
        return Ok(undefined);
      },
    );
  }

  actionFail(message: string): R<void> {
    return this.call('action-fail', [], () =>
      this.running('action-fail').map((a) => a.fail(message)),
    );
  }

  actionLog(message: string): R<void> {
    return this.call('action-log', [], () => this.running('action-log').map((a) => a.log(message)));
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

function networkInfo(address: string): NetworkInfo {
  const prefix = address.includes('.') ? address.split('.').slice(0, 3).join('.') : address;
  return {
    bindAddresses: [
      {
        interfaceName: 'eth0',
        macAddress: '00:16:3e:00:00:01',
        addresses: [{ value: address, cidr: `${prefix}.0/24` }],
      },
    ],
    ingressAddresses: [address],
    egressSubnets: [`${address}/32`],
  };
}
