// The world one benchmarked hook runs in: the example settled to a 3-unit cluster (in process,
// seeded), the leader's state and everything Juju would answer just before its last
// cluster-relation-changed hook, a unit dir holding the PACKED charm and that state, and a
// static responder: the fake hook tools (the C client) talk to this process, which answers
// every call from a table recorded once. In-process and process runs make the same calls
// (test/cli/pack.test.ts), so the in-process model is a faithful source for that table.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { delimiter, join } from 'node:path';
import { Err, Ok, type Result } from 'ts-results-es';
import type { SimulatedClusterSnapshot } from '../../examples/mysql-innodb-cluster/src/backend/simulated.js';
import { deploySimulated } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import type { HookToolError } from '../../src/juju/hook-tool-error.js';
import type { NetworkInfo } from '../../src/juju/hook-tools.js';
import { STATE_FILE_NAME } from '../../src/state/file-store.js';
import type { StateSnapshot } from '../../src/state/store.js';
import type { TimelineEntry } from '../../src/testing/index.js';
import {
  listenAgentSocket,
  type ToolReply,
  type ToolRequest,
} from '../../src/testing/process/agent-socket.js';
import { installToolClients, type ToolClientKind } from '../../src/testing/process/tool-clients.js';
import { runToolCommand } from '../../src/testing/process/tool-commands.js';
import { toolFailure, type UnitHookTools } from '../../src/testing/unit-hook-tools.js';
import type { QueuedHook } from '../../src/testing/world.js';
import { SYSTEMD_PATH, unitAgentEnv } from './measure.js';

type R<T> = Result<T, HookToolError>;

/** What Juju and the unit's disk hold just before (or after) one hook. */
interface WorldSnapshot {
  readonly unitState: StateSnapshot;
  readonly leaderSettings: Record<string, string>;
  readonly config: Record<string, unknown>;
  /** Relation bags on cluster:0 by unit (and by application name for the app bag). */
  readonly bags: Record<string, Record<string, string>>;
  readonly cluster: SimulatedClusterSnapshot;
}

export interface SettledWorld {
  readonly unit: string;
  readonly isLeader: boolean;
  readonly address: string;
  readonly hook: TimelineEntry;
  /** Peers the unit has joined when the hook runs (what relation-list prints). */
  readonly members: readonly string[];
  readonly before: WorldSnapshot;
  readonly after: WorldSnapshot;
  /** The hook's tool calls in the in-process model, in order (tool names). */
  readonly modelCalls: readonly string[];
}

/**
 * Settle `units` units of the example in process (seeded) and capture the world around the
 * leader's last `cluster-relation-changed`: a relation-changed in a realistic, settled cluster.
 */
export async function settledWorld(units: number, seed: number): Promise<SettledWorld> {
  const { model, cluster, app } = await deploySimulated({ units, seed });
  const snapshots: { afterSeq: number; world: WorldSnapshot }[] = [];
  const unit = model.units(app)[0] as string;
  const capture = (): WorldSnapshot => {
    const view = model.unit(unit);
    const bags: Record<string, Record<string, string>> = {};
    for (const name of [...model.units(app), app]) {
      bags[name] = { ...model.relationData('cluster:0', name) };
    }
    return {
      unitState: { version: 1, flags: [...view.flags], data: structuredClone(view.data) },
      leaderSettings: { ...model.leaderSettings(app) },
      config: { ...model.config(app) },
      bags,
      cluster: cluster.snapshot(),
    };
  };
  snapshots.push({ afterSeq: -1, world: capture() });
  const report = await model.settle({
    onHook: (entry) => snapshots.push({ afterSeq: entry.seq, world: capture() }),
  });
  if (!report.settled) throw new Error('the example did not settle');
  const leader = model.leader(app);
  if (leader !== unit) throw new Error(`expected ${unit} to lead, ${leader} does`);
  const timeline = model.timeline(unit);
  const hook = [...timeline].reverse().find((e) => e.hook === 'cluster-relation-changed');
  if (hook === undefined) throw new Error(`${unit} ran no cluster-relation-changed`);
  const before = [...snapshots].reverse().find((s) => s.afterSeq < hook.seq)?.world;
  const after = snapshots.find((s) => s.afterSeq === hook.seq)?.world;
  if (before === undefined || after === undefined) throw new Error('no snapshot around the hook');
  const joined = new Set<string>();
  for (const entry of timeline) {
    if (entry.seq >= hook.seq || entry.remoteUnit === undefined) continue;
    if (entry.hook === 'cluster-relation-joined') joined.add(entry.remoteUnit);
    if (entry.hook === 'cluster-relation-departed') joined.delete(entry.remoteUnit);
  }
  const modelCalls = model.trace.flatMap((e) =>
    e.kind === 'tool' && e.hookSeq === hook.seq ? [e.tool] : [],
  );
  const world: SettledWorld = {
    unit,
    isLeader: true,
    address: model.unit(unit).address,
    hook,
    members: [...joined].sort(),
    before,
    after,
    modelCalls,
  };
  await model.close();
  return world;
}

/** Hook tools answering from a snapshot; writes succeed and change nothing. */
class SnapshotTools {
  constructor(
    private readonly world: SettledWorld,
    private readonly snapshot: WorldSnapshot,
  ) {}
  private secretContent(): Record<string, string> {
    const instance = Object.values(this.snapshot.cluster.instances)[0];
    const password = instance === undefined ? undefined : Object.values(instance.users)[0];
    return password === undefined ? {} : { password };
  }
  relationIds(endpoint: string): R<string[]> {
    return Ok(endpoint === 'cluster' ? ['cluster:0'] : []);
  }
  relationList(): R<string[]> {
    return Ok([...this.world.members]);
  }
  relationListApp(): R<string> {
    return Ok(this.world.unit.split('/')[0] as string);
  }
  relationGet(_id: string, entity: string): R<Record<string, string>> {
    return Ok({ ...(this.snapshot.bags[entity] ?? {}) });
  }
  relationGetKey(_id: string, entity: string, key: string): R<string | undefined> {
    return Ok(this.snapshot.bags[entity]?.[key]);
  }
  networkGetIngressAddress(): R<string> {
    return Ok(this.world.address);
  }
  networkGet(): R<NetworkInfo> {
    const address = this.world.address;
    return Ok({
      bindAddresses: [
        {
          macAddress: '',
          interfaceName: 'eth0',
          addresses: [{ value: address, cidr: `${address}/24` }],
        },
      ],
      ingressAddresses: [address],
      egressSubnets: [`${address}/32`],
    });
  }
  unitGet(): R<string> {
    return Ok(this.world.address);
  }
  configGet(): R<Record<string, unknown>> {
    return Ok({ ...this.snapshot.config });
  }
  isLeader(): R<boolean> {
    return Ok(this.world.isLeader);
  }
  leaderGet(): R<Record<string, string>> {
    return Ok({ ...this.snapshot.leaderSettings });
  }
  secretGet(): R<Record<string, string>> {
    return Ok(this.secretContent());
  }
  relationSet(): R<void> {
    return Ok(undefined);
  }
  leaderSet(): R<void> {
    return Ok(undefined);
  }
  statusSet(): R<void> {
    return Ok(undefined);
  }
  jujuLog(): R<void> {
    return Ok(undefined);
  }
  recordCall(): void {}
}

/** Every other tool the charm might call: a loud failure, so a gap in the table shows. */
function snapshotTools(world: SettledWorld, snapshot: WorldSnapshot): UnitHookTools {
  const tools = new SnapshotTools(world, snapshot) as unknown as Record<string, unknown>;
  return new Proxy(tools, {
    get(target, name) {
      if (name in target) {
        const value = target[name as string];
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (): R<never> =>
        Err(toolFailure(String(name), 'not served by the benchmark responder'));
    },
  }) as unknown as UnitHookTools;
}

const keyOf = (request: Pick<ToolRequest, 'tool' | 'args'>) =>
  [request.tool, ...request.args].join('\0');

/** One hook as the unit agent would run it, in a unit dir of its own. */
export interface HookRig {
  readonly unitDir: string;
  readonly toolClient: ToolClientKind;
  /** The environment the hook process gets (PATH with the fake tools first, JUJU_*). */
  readonly env: NodeJS.ProcessEnv;
  /**
   * Put the unit state and the shared cluster file back to how they were before the hook,
   * or to `unitState` (e.g. the state the hook left, or one without the interface's caches).
   */
  restore(unitState?: StateSnapshot): void;
  /** Tool calls since the last `resetCalls()`, in order: `tool args...`. */
  calls(): readonly string[];
  resetCalls(): void;
  /** Serve from the recorded table only (after one recording run). */
  freeze(): void;
  /** Calls the frozen table could not answer (a benchmark bug if any). */
  readonly misses: string[];
  close(): Promise<void>;
}

/**
 * A unit dir holding a copy of the packed charm (`packedDir`) and the world before the hook,
 * the C hook-tool clients, and the agent socket answering them.
 */
export async function hookRig(
  world: SettledWorld,
  packedDir: string,
  root: string,
  name = 'unit',
): Promise<HookRig> {
  const unitDir = join(root, name);
  mkdirSync(unitDir, { recursive: true });
  cpSync(packedDir, unitDir, { recursive: true });
  const toolDir = join(root, `${name}-tools`);
  const toolClient = installToolClients(toolDir, 'auto');
  const clusterFile = join(root, `${name}-cluster.json`);
  const restore = (unitState: StateSnapshot = world.before.unitState) => {
    writeFileSync(join(unitDir, STATE_FILE_NAME), JSON.stringify(unitState), {
      mode: 0o600,
    });
    writeFileSync(clusterFile, JSON.stringify(world.before.cluster), { mode: 0o600 });
  };
  restore();

  const hook: QueuedHook = {
    hook: world.hook.hook,
    endpoint: 'cluster',
    failures: 0,
    ...(world.hook.relationId === undefined ? {} : { relationId: world.hook.relationId }),
    ...(world.hook.remoteUnit === undefined ? {} : { remoteUnit: world.hook.remoteUnit }),
    ...(world.hook.remoteApp === undefined ? {} : { remoteApp: world.hook.remoteApp }),
  };
  const tools = snapshotTools(world, world.before);
  const table = new Map<string, ToolReply>();
  const calls: string[] = [];
  const misses: string[] = [];
  let frozen = false;
  const socketPath = join(root, `${name}.sock`);
  const server: Server = await listenAgentSocket(socketPath, (request) => {
    const key = keyOf(request);
    calls.push([request.tool, ...request.args].join(' '));
    const known = table.get(key);
    if (known !== undefined) return known;
    if (frozen) {
      misses.push(key.replaceAll('\0', ' '));
      return { exitCode: 1, stdout: '', stderr: `ERROR not in the recorded table\n` };
    }
    const reply = runToolCommand(
      { tools, hook, charmDir: unitDir },
      request.tool,
      request.args,
      request.stdin,
    );
    table.set(key, reply);
    return reply;
  });
  // The per-call cost probe asks this.
  table.set(keyOf({ tool: 'is-leader', args: ['--format=json'] }), {
    exitCode: 0,
    stdout: 'true\n',
    stderr: '',
  });

  // What worker/uniter/runner/context/context.go (HookVars) sets for a relation hook.
  const env = unitAgentEnv({
    PATH: [toolDir, unitAgentEnv()['PATH'] ?? SYSTEMD_PATH].join(delimiter),
    JUJU_UNIT_NAME: world.unit,
    JUJU_HOOK_NAME: world.hook.hook,
    JUJU_DISPATCH_PATH: `hooks/${world.hook.hook}`,
    JUJU_CHARM_DIR: unitDir,
    CHARM_DIR: unitDir,
    JUJU_MODEL_NAME: 'bench',
    JUJU_VERSION: '3.6.0',
    JUJU_RELATION: 'cluster',
    JUJU_RELATION_ID: world.hook.relationId ?? 'cluster:0',
    JUJU_REMOTE_UNIT: world.hook.remoteUnit ?? '',
    JUJU_REMOTE_APP: world.hook.remoteApp ?? '',
    JUJU_AGENT_SOCKET_ADDRESS: socketPath,
    JUJU_CONTEXT_ID: `${world.unit}-bench`,
    SIM_CLUSTER_STATE: clusterFile,
  });
  return {
    unitDir,
    toolClient,
    env,
    restore,
    calls: () => [...calls],
    resetCalls: () => {
      calls.length = 0;
    },
    freeze: () => {
      frozen = true;
    },
    misses,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
