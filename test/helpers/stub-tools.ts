// An in-memory, single-unit HookTools for unit tests: a hand-arranged world (relations,
// bags, leader settings, config, network) that records every call. Writes apply at once,
// as the real tools do; HookSession is what buffers them until commit.
import { Err, Ok, type Result } from 'ts-results-es';
import { HookToolError } from '../../src/juju/hook-tool-error.js';
import type {
  ActionParams,
  GoalState,
  HookTools,
  LogLevel,
  NetworkInfo,
  PortRange,
  RelationData,
  SecretContent,
  SecretInfo,
  StorageInfo,
  WorkloadStatus,
  WorkloadStatusName,
} from '../../src/juju/hook-tools.js';
import { actionKeyProblem, formatPortRange, parsePortRange } from '../../src/juju/tool-args.js';

export interface StubRelation {
  endpoint: string;
  app: string;
  /** Remote units and their bags (joined units). */
  units: Record<string, RelationData>;
  /** Units that departed but whose data is still readable. */
  departed?: Record<string, RelationData>;
  appBag?: RelationData;
  /** This unit's own bag. */
  local?: RelationData;
  localApp?: RelationData;
}

export interface StubWorld {
  unit: string;
  leader: boolean;
  relations: Record<string, StubRelation>;
  leaderSettings: Record<string, string>;
  config: Record<string, unknown>;
  network: Record<string, { ingress: string; bind?: string }>;
  privateAddress: string;
  secrets: Record<string, SecretContent>;
  state: Record<string, string>;
  /** Make one tool fail: tool name -> error. */
  failures: Record<string, HookToolError>;
  /** The running action's params (action-get), and what the charm reported (set by the tools). */
  action?: {
    params: Record<string, unknown>;
    results: Record<string, string>;
    failed?: string;
    logs: string[];
  };
  /** Storage attached to the unit, by id (`data/0`), and storage-add requests. */
  storage?: Record<string, StorageInfo>;
  storageAdded?: Record<string, number>[];
  /** The storage a storage hook is about (storage-get without -s). */
  hookStorage?: string;
  /** Resource paths by name. */
  resources?: Record<string, string>;
  /** Port ranges this unit opened, as Juju prints them (`80/tcp`). */
  ports?: string[];
  /** Metrics added (add-metric). */
  metrics?: Record<string, string>[];
  /** Secret metadata by id, for secret-info-get / secret-ids. */
  secretInfo?: Record<string, Omit<SecretInfo, 'id'>>;
}

export interface StubCall {
  tool: string;
  args: unknown[];
}

export function stubWorld(partial: Partial<StubWorld> = {}): StubWorld {
  return {
    unit: 'mysql/0',
    leader: false,
    relations: {},
    leaderSettings: {},
    config: {},
    network: {},
    privateAddress: '10.0.0.10',
    secrets: {},
    state: {},
    failures: {},
    ...partial,
  };
}

type R<T> = Result<T, HookToolError>;

export class StubHookTools implements HookTools {
  readonly calls: StubCall[] = [];
  logs: { level: LogLevel; message: string }[] = [];
  statuses: { status: WorkloadStatusName; message: string; application: boolean }[] = [];
  private nextSecret = 1;

  constructor(readonly world: StubWorld = stubWorld()) {}

  /** Calls of one tool (e.g. 'relation-get'). */
  callsOf(tool: string): StubCall[] {
    return this.calls.filter((c) => c.tool === tool);
  }

  /** Tool names in call order. */
  toolNames(): string[] {
    return this.calls.map((c) => c.tool);
  }

  private call<T>(tool: string, args: unknown[], body: () => R<T>): R<T> {
    this.calls.push({ tool, args });
    const failure = this.world.failures[tool];
    if (failure) return Err(failure);
    return body();
  }

  private rel(id: string, tool: string): R<StubRelation> {
    const rel = this.world.relations[id];
    return rel
      ? Ok(rel)
      : Err(new HookToolError('relation-not-found', tool, 'relation not found', 1));
  }

  private appOf(unit: string): string {
    return unit.split('/')[0] ?? unit;
  }

  relationIds(endpoint: string): R<string[]> {
    return this.call('relation-ids', [endpoint], () =>
      Ok(
        Object.entries(this.world.relations)
          .filter(([, r]) => r.endpoint === endpoint)
          .map(([id]) => id),
      ),
    );
  }
  relationList(relationId: string): R<string[]> {
    return this.call('relation-list', [relationId], () =>
      this.rel(relationId, 'relation-list').map((r) => Object.keys(r.units)),
    );
  }
  relationListApp(relationId: string): R<string> {
    return this.call('relation-list --app', [relationId], () =>
      this.rel(relationId, 'relation-list').map((r) => r.app),
    );
  }
  relationGet(relationId: string, entity: string, options?: { app?: boolean }): R<RelationData> {
    return this.call('relation-get', [relationId, entity, options?.app ? 'app' : 'unit'], () =>
      this.rel(relationId, 'relation-get').map((r) => ({
        ...this.bagOf(r, entity, options?.app === true),
      })),
    );
  }
  relationGetKey(
    relationId: string,
    entity: string,
    key: string,
    options?: { app?: boolean },
  ): R<string | undefined> {
    return this.call('relation-get', [relationId, entity, key], () =>
      this.rel(relationId, 'relation-get').map(
        (r) => this.bagOf(r, entity, options?.app === true)[key],
      ),
    );
  }
  private bagOf(r: StubRelation, entity: string, app: boolean): RelationData {
    if (app) return entity === this.appOf(this.world.unit) ? (r.localApp ?? {}) : (r.appBag ?? {});
    if (entity === this.world.unit) return r.local ?? {};
    return r.units[entity] ?? r.departed?.[entity] ?? {};
  }
  relationSet(relationId: string, data: RelationData, options?: { app?: boolean }): R<void> {
    return this.call('relation-set', [relationId, { ...data }, options?.app ? 'app' : 'unit'], () =>
      this.rel(relationId, 'relation-set').map((r) => {
        if (options?.app) r.localApp ??= {};
        else r.local ??= {};
        const bag = (options?.app ? r.localApp : r.local) ?? {};
        for (const [k, v] of Object.entries(data)) {
          if (v === '') delete bag[k];
          else bag[k] = v;
        }
      }),
    );
  }
  networkGet(binding: string, options?: { relationId?: string }): R<NetworkInfo> {
    return this.call('network-get', [binding, options?.relationId], () => {
      const net = this.world.network[binding];
      if (!net)
        return Err(
          new HookToolError(
            'not-found',
            'network-get',
            `no network config found for binding "${binding}"`,
            1,
          ),
        );
      return Ok({
        bindAddresses: [
          {
            interfaceName: 'eth0',
            macAddress: '',
            addresses: [{ value: net.bind ?? net.ingress, cidr: '' }],
          },
        ],
        ingressAddresses: [net.ingress],
        egressSubnets: [],
      });
    });
  }
  networkGetIngressAddress(binding: string, options?: { relationId?: string }): R<string> {
    return this.call('network-get --ingress-address', [binding, options?.relationId], () => {
      const net = this.world.network[binding];
      if (!net)
        return Err(
          new HookToolError(
            'not-found',
            'network-get',
            `no network config found for binding "${binding}"`,
            1,
          ),
        );
      return Ok(net.ingress);
    });
  }
  unitGet(key: 'private-address' | 'public-address'): R<string> {
    return this.call('unit-get', [key], () => Ok(this.world.privateAddress));
  }
  configGet(): R<Record<string, unknown>> {
    return this.call('config-get', [], () => Ok({ ...this.world.config }));
  }
  isLeader(): R<boolean> {
    return this.call('is-leader', [], () => Ok(this.world.leader));
  }
  leaderGet(): R<Record<string, string>> {
    return this.call('leader-get', [], () => Ok({ ...this.world.leaderSettings }));
  }
  leaderSet(data: Record<string, string>): R<void> {
    return this.call('leader-set', [{ ...data }], () => {
      if (!this.world.leader) {
        return Err(
          new HookToolError(
            'not-leader',
            'leader-set',
            'cannot write leadership settings: cannot write settings: not the leader',
            1,
          ),
        );
      }
      for (const [k, v] of Object.entries(data)) {
        if (v === '') delete this.world.leaderSettings[k];
        else this.world.leaderSettings[k] = v;
      }
      return Ok(undefined);
    });
  }
  jujuLog(message: string, level: LogLevel): R<void> {
    return this.call('juju-log', [level, message], () => {
      this.logs.push({ level, message });
      return Ok(undefined);
    });
  }
  statusSet(
    status: WorkloadStatusName,
    message: string,
    options?: { application?: boolean },
  ): R<void> {
    return this.call('status-set', [status, message], () => {
      this.statuses.push({ status, message, application: options?.application === true });
      return Ok(undefined);
    });
  }
  statusGet(): R<WorkloadStatus> {
    return this.call('status-get', [], () => {
      const last = this.statuses.at(-1);
      return Ok(
        last ? { status: last.status, message: last.message } : { status: 'unknown', message: '' },
      );
    });
  }
  applicationVersionSet(version: string): R<void> {
    return this.call('application-version-set', [version], () => Ok(undefined));
  }
  goalState(): R<GoalState> {
    return this.call('goal-state', [], () => Ok({ units: {}, relations: {} }));
  }
  openPort(port: number, protocol = 'tcp'): R<void> {
    return this.call('open-port', [port, protocol], () => Ok(undefined));
  }
  closePort(port: number, protocol = 'tcp'): R<void> {
    return this.call('close-port', [port, protocol], () => Ok(undefined));
  }
  secretAdd(content: SecretContent): R<string> {
    return this.call('secret-add', [], () => {
      const id = `secret:stub${this.nextSecret++}`;
      this.world.secrets[id] = { ...content };
      return Ok(id);
    });
  }
  secretGet(id: string): R<SecretContent> {
    return this.call('secret-get', [id], () => {
      const s = this.world.secrets[id];
      return s
        ? Ok({ ...s })
        : Err(new HookToolError('not-found', 'secret-get', `secret "${id}" not found`, 1));
    });
  }
  secretSet(id: string, content: SecretContent): R<void> {
    return this.call('secret-set', [id], () => {
      this.world.secrets[id] = { ...content };
      return Ok(undefined);
    });
  }
  secretGrant(id: string, relationId: string): R<void> {
    return this.call('secret-grant', [id, relationId], () => Ok(undefined));
  }
  secretRevoke(id: string, relationId: string): R<void> {
    return this.call('secret-revoke', [id, relationId], () => Ok(undefined));
  }
  secretRemove(id: string): R<void> {
    return this.call('secret-remove', [id], () => {
      delete this.world.secrets[id];
      return Ok(undefined);
    });
  }
  stateGet(): R<Record<string, string>> {
    return this.call('state-get', [], () => Ok({ ...this.world.state }));
  }
  stateSet(data: Record<string, string>): R<void> {
    return this.call('state-set', [], () => {
      Object.assign(this.world.state, data);
      return Ok(undefined);
    });
  }
  stateDelete(key: string): R<void> {
    return this.call('state-delete', [key], () => {
      delete this.world.state[key];
      return Ok(undefined);
    });
  }

  // ---- actions, secret metadata, storage, resources, ports, metrics ----
  private notAction<T>(tool: string): R<T> {
    return Err(new HookToolError('failed', tool, 'not running an action', 1));
  }
  actionGet(): R<ActionParams> {
    return this.call('action-get', [], () => {
      const action = this.world.action;
      return action ? Ok(structuredClone(action.params)) : this.notAction('action-get');
    });
  }
  actionSet(results: Readonly<Record<string, string>>): R<void> {
    return this.call('action-set', [Object.keys(results)], () => {
      const action = this.world.action;
      if (!action) return this.notAction('action-set');
      for (const key of Object.keys(results)) {
        const problem = actionKeyProblem(key);
        if (problem) return Err(new HookToolError('bad-arguments', 'action-set', problem, 2));
      }
      Object.assign(action.results, results);
      return Ok(undefined);
    });
  }
  actionFail(message: string): R<void> {
    return this.call('action-fail', [message], () => {
      const action = this.world.action;
      if (!action) return this.notAction('action-fail');
      action.failed = message;
      return Ok(undefined);
    });
  }
  actionLog(message: string): R<void> {
    return this.call('action-log', [message], () => {
      const action = this.world.action;
      if (!action) return this.notAction('action-log');
      action.logs.push(message);
      return Ok(undefined);
    });
  }
  secretInfoGet(idOrLabel: string): R<SecretInfo> {
    return this.call('secret-info-get', [idOrLabel], () => {
      const all = this.world.secretInfo ?? {};
      const hit = Object.entries(all).find(
        ([id, info]) => id === idOrLabel || info.label === idOrLabel,
      );
      return hit
        ? Ok({ id: hit[0], ...hit[1] })
        : Err(
            new HookToolError('not-found', 'secret-info-get', `secret "${idOrLabel}" not found`, 1),
          );
    });
  }
  secretIds(): R<string[]> {
    return this.call('secret-ids', [], () => Ok(Object.keys(this.world.secretInfo ?? {}).sort()));
  }
  storageGet(storageId?: string): R<StorageInfo> {
    return this.call('storage-get', [storageId], () => {
      const id = storageId ?? this.world.hookStorage;
      if (id === undefined) {
        return Err(
          new HookToolError('bad-arguments', 'storage-get', 'no storage instance specified', 2),
        );
      }
      const info = this.world.storage?.[id];
      return info
        ? Ok({ ...info })
        : Err(
            new HookToolError('not-found', 'storage-get', `storage instance "${id}" not found`, 1),
          );
    });
  }
  storageList(storageName?: string): R<string[]> {
    return this.call('storage-list', [storageName], () =>
      Ok(
        Object.keys(this.world.storage ?? {})
          .filter((id) => storageName === undefined || id.split('/')[0] === storageName)
          .sort(),
      ),
    );
  }
  storageAdd(counts: Readonly<Record<string, number>>): R<void> {
    return this.call('storage-add', [Object.keys(counts)], () => {
      this.world.storageAdded = [...(this.world.storageAdded ?? []), { ...counts }];
      return Ok(undefined);
    });
  }
  resourceGet(name: string): R<string> {
    return this.call('resource-get', [name], () => {
      const path = this.world.resources?.[name];
      return path
        ? Ok(path)
        : Err(
            new HookToolError(
              'failed',
              'resource-get',
              `could not download resource: resource "${name}" not found`,
              1,
            ),
          );
    });
  }
  openPortRange(range: PortRange): R<void> {
    return this.call('open-port', [formatPortRange(range)], () => {
      const ports = new Set(this.world.ports ?? []);
      ports.add(formatPortRange(range));
      this.world.ports = [...ports];
      return Ok(undefined);
    });
  }
  closePortRange(range: PortRange): R<void> {
    return this.call('close-port', [formatPortRange(range)], () => {
      this.world.ports = (this.world.ports ?? []).filter((p) => p !== formatPortRange(range));
      return Ok(undefined);
    });
  }
  openedPorts(): R<PortRange[]> {
    return this.call('opened-ports', [], () =>
      Ok(
        (this.world.ports ?? [])
          .map((p) => parsePortRange(p))
          .filter((r): r is PortRange => r !== undefined),
      ),
    );
  }
  addMetric(metrics: Readonly<Record<string, string>>): R<void> {
    return this.call('add-metric', [Object.keys(metrics)], () => {
      this.world.metrics = [...(this.world.metrics ?? []), { ...metrics }];
      return Ok(undefined);
    });
  }
}
