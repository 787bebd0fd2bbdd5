import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Charm } from '../../charm/charm.js';
import type { CharmMetadata } from '../../juju/metadata.js';
import { Model } from '../model.js';
import { modelParts } from '../model-parts.js';
import { optional } from '../optional.js';
import { HookTransaction } from '../transaction.js';
import { UnitHookTools } from '../unit-hook-tools.js';
import type { QueuedHook } from '../world.js';
import { listenAgentSocket, type ToolReply } from './agent-socket.js';
import { hookEnv, spawnHookProcess, stopAgent } from './hook-process.js';
import { installToolClients } from './tool-clients.js';
import { runToolCommand } from './tool-commands.js';

/** Which hook the process runs, and its relation context (JUJU_RELATION_ID and the like). */
export interface ToolHostHook {
  readonly hook: string;
  readonly relationId?: string;
  readonly remoteUnit?: string;
  readonly remoteApp?: string;
  readonly departingUnit?: string;
}

/** One hook-tool call as the tool executable received it. */
export interface ToolHostCall {
  readonly tool: string;
  readonly args: readonly string[];
  /** What the tool read on stdin (only when it was asked to: `--file -`); '' otherwise. */
  readonly stdin: string;
}

/** A reply a tool gives instead of doing its job (failTool). */
export interface ToolFault {
  readonly exitCode: number;
  readonly stdout?: string;
  readonly stderr?: string;
}

/** How one hook process ended. */
export interface ToolHostRun {
  /** Exit code; 128 when killed by a signal; null never (a timeout kills and reports 128). */
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  /** True when what the hook wrote was committed to the model (it exited 0). */
  readonly committed: boolean;
}

/** Options of one hook process. */
export interface ToolHostRunOptions {
  /** Variables on top of the hook's JUJU_* context and PATH (the tool dir first). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * JUJU_CHARM_DIR and the working directory. Default: the unit's charm dir in the model, or
   * (for a unit run in process, which has none on disk) an empty dir of the host's.
   */
  readonly charmDir?: string;
  /** Kill the process after this long. Default 60 s. */
  readonly timeoutMs?: number;
}

interface Active {
  readonly tools: UnitHookTools;
  readonly hook: QueuedHook;
  readonly charmDir: string;
  readonly end: (error: string | undefined) => void;
}

/** A hook context opened with openHook: its id and the environment a tool call needs. */
export interface OpenHook {
  readonly contextId: string;
  /** The hook's environment: JUJU_* context, the agent socket, the tool dir first on PATH. */
  readonly env: Readonly<Record<string, string>>;
  readonly charmDir: string;
}

/**
 * Real hook-tool executables backed by `model`.
 *
 * @example
 * const model = new Model();
 * await model.deploy('tiny', { charm, units: 2 });
 * await model.settle();
 * const host = await ToolHost.start(model);
 * const run = await host.runHook('tiny/0', { hook: 'update-status' }, process.execPath, [bundle]);
 * expect(host.calls().map((c) => c.tool)).toContain('status-set');
 * await host.close();
 */
export class ToolHost {
  private readonly contexts = new Map<string, Active>();
  private readonly faults = new Map<string, ToolFault>();
  private readonly recorded: ToolHostCall[] = [];
  private nextContext = 0;

  private ownsModel = false;

  private constructor(
    /** The model the tools answer from; a hook's writes commit to it. */
    readonly model: Model,
    private readonly root: string,
    /** The directory of tool executables (put it first on PATH). */
    readonly toolDir: string,
    private readonly socketPath: string,
    private server: Server | undefined,
  ) {}

  /** Install the tools in a fresh temp dir and start answering them. Call close() when done. */
  static async start(model: Model, options: { toolClient?: 'auto' | 'c' | 'node' } = {}) {
    const root = mkdtempSync(join(tmpdir(), 'jr-tool-host-'));
    const toolDir = join(root, 'tools');
    mkdirSync(join(root, 'charm'));
    installToolClients(toolDir, options.toolClient ?? 'auto');
    const socketPath = join(root, 'agent.sock');
    const host = new ToolHost(model, root, toolDir, socketPath, undefined);
    host.server = await listenAgentSocket(socketPath, (request) =>
      host.answer(request.contextId, request.tool, request.args, request.stdin),
    );
    return host;
  }

  /**
   * A host over a model of its own: `app` deployed with `units` units (default 1) of a charm
   * with no handlers and these metadata, settled (the first unit leads). Closing the host
   * closes the model.
   * @example const host = await ToolHost.standalone('tiny', readMetadata(charmDir), { units: 2 });
   */
  static async standalone(
    app: string,
    metadata: CharmMetadata,
    options: { readonly units?: number; readonly config?: Readonly<Record<string, unknown>> } = {},
  ): Promise<ToolHost> {
    const model = new Model();
    await model.deploy(app, {
      charm: new Charm(),
      metadata,
      units: options.units ?? 1,
      ...(options.config === undefined ? {} : { config: options.config }),
    });
    const report = await model.settle();
    if (!report.settled) throw new Error(`ToolHost.standalone: ${app} did not settle`);
    const host = await ToolHost.start(model);
    host.ownsModel = true;
    return host;
  }

  /** Every tool call so far, in order. */
  calls(): ToolHostCall[] {
    return [...this.recorded];
  }

  /** Forget the recorded calls. */
  clearCalls(): void {
    this.recorded.length = 0;
  }

  /**
   * Make `tool` reply with `fault` (stdout, stderr, exit code) instead of doing its job, until
   * cleared with `failTool(tool, undefined)`: for tests of a client facing a broken agent.
   */
  failTool(tool: string, fault: ToolFault | undefined): void {
    if (fault === undefined) this.faults.delete(tool);
    else this.faults.set(tool, fault);
  }

  /**
   * Run `command args` as `unitName`'s hook process with the tools on PATH and Juju's hook
   * environment; commit what it wrote to the model when it exits 0. Resolves when it exits.
   */
  async runHook(
    unitName: string,
    hook: ToolHostHook,
    command: string,
    args: readonly string[],
    options: ToolHostRunOptions = {},
  ): Promise<ToolHostRun> {
    const open = this.openHook(unitName, hook, options);
    let error = 'no exit status';
    try {
      const exit = await spawnHookProcess(
        command,
        args,
        open.charmDir,
        { ...open.env, ...options.env },
        options.timeoutMs ?? 60_000,
      );
      const ok = exit.exitCode === 0;
      error = `exit status ${exit.exitCode}`;
      if (ok) error = '';
      return { status: exit.exitCode, stdout: exit.stdout, stderr: exit.stderr, committed: ok };
    } finally {
      this.endHook(open.contextId, error === '' ? undefined : error);
    }
  }

  /**
   * Open a hook context for `unitName` without running a process: the tools answer calls made
   * with the returned environment (any process, including this one's own synchronous spawns
   * when the host runs on another thread: ToolHostThread) until endHook(contextId).
   */
  openHook(unitName: string, hook: ToolHostHook, options: ToolHostRunOptions = {}): OpenHook {
    const parts = modelParts(this.model);
    const unit = parts.world.unit(unitName);
    const relation =
      hook.relationId === undefined ? undefined : parts.world.relation(hook.relationId);
    const endpoint = relation?.sideOf(unit.app.name)?.endpoint;
    if (hook.relationId !== undefined && endpoint === undefined) {
      throw new Error(`ToolHost.runHook: ${unitName} is in no relation ${hook.relationId}`);
    }
    const item: QueuedHook = {
      hook: hook.hook,
      failures: 0,
      ...optional('relationId', hook.relationId),
      ...optional('endpoint', endpoint),
      ...optional('remoteUnit', hook.remoteUnit),
      ...optional('remoteApp', hook.remoteApp ?? hook.remoteUnit?.split('/')[0]),
      ...optional('departingUnit', hook.departingUnit),
    };
    const draft = parts.recorder.beginHook({
      unit: unit.name,
      hook: item.hook,
      attempt: 1,
      ...optional('relationId', item.relationId),
      ...optional('remoteUnit', item.remoteUnit),
      ...optional('remoteApp', item.remoteApp),
      ...optional('departingUnit', item.departingUnit),
    });
    const tx = new HookTransaction();
    const tools = new UnitHookTools({
      world: parts.world,
      unit,
      hook: item,
      transaction: tx,
      redactor: parts.redactor,
      sink: { trace: parts.recorder, hookSeq: draft.seq, count: () => draft.toolCalls++ },
      // leader-set applies at once in Juju, even if the hook then fails.
      leaderSet: (values) => {
        parts.committer.applyLeaderSettings(unit, item, values, draft);
        return undefined;
      },
    });
    // A unit run in process has no charm dir of its own on disk: the host lends it one.
    const charmDir =
      options.charmDir ?? (existsSync(unit.charmDir) ? unit.charmDir : join(this.root, 'charm'));
    const contextId = `${unit.name}-${item.hook}-${++this.nextContext}`;
    const end = (error: string | undefined): void => {
      const ok = error === undefined;
      draft.ok = ok;
      parts.recorder.push({
        kind: 'hook-end',
        unit: unit.name,
        hook: item.hook,
        hookSeq: draft.seq,
        ok,
        ...(ok ? {} : { error }),
      });
      if (ok) {
        parts.committer.commitUnitState(unit, tx);
        parts.committer.commit(unit, item, tx, draft);
      }
    };
    this.contexts.set(contextId, { tools, hook: item, charmDir, end });
    const env = hookEnv(this.toolDir, this.socketPath, contextId, {
      JUJU_UNIT_NAME: unit.name,
      JUJU_HOOK_NAME: item.hook,
      JUJU_DISPATCH_PATH: `hooks/${item.hook}`,
      JUJU_CHARM_DIR: charmDir,
      JUJU_MODEL_NAME: parts.name,
      JUJU_VERSION: '3.6.0',
      ...(endpoint === undefined || item.relationId === undefined
        ? {}
        : { JUJU_RELATION: endpoint, JUJU_RELATION_ID: item.relationId }),
      ...(item.remoteUnit === undefined ? {} : { JUJU_REMOTE_UNIT: item.remoteUnit }),
      ...(item.remoteApp === undefined ? {} : { JUJU_REMOTE_APP: item.remoteApp }),
      ...(item.departingUnit === undefined ? {} : { JUJU_DEPARTING_UNIT: item.departingUnit }),
    });
    // The test's own variables go last: they may stand in for any of the above.
    Object.assign(env, options.env);
    return { contextId, env, charmDir };
  }

  /**
   * End a hook opened with openHook: with no `error`, commit what it wrote to the model (as a
   * hook exiting 0); otherwise record it failed with `error` and drop its writes.
   */
  endHook(contextId: string, error?: string): void {
    const active = this.contexts.get(contextId);
    if (active === undefined) throw new Error(`ToolHost.endHook: no open hook ${contextId}`);
    this.contexts.delete(contextId);
    active.end(error);
  }

  /** Stop answering and remove the tool dir. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await stopAgent(server, this.root);
    if (this.ownsModel) await this.model.close();
  }

  private answer(
    contextId: string,
    tool: string,
    args: readonly string[],
    stdin: Buffer,
  ): ToolReply {
    this.recorded.push({ tool, args: [...args], stdin: stdin.toString('utf8') });
    const fault = this.faults.get(tool);
    if (fault !== undefined) {
      return { exitCode: fault.exitCode, stdout: fault.stdout ?? '', stderr: fault.stderr ?? '' };
    }
    const active = this.contexts.get(contextId);
    if (active === undefined) {
      return {
        exitCode: 1,
        stdout: '',
        stderr: `ERROR context "${contextId}" is not running a hook\n`,
      };
    }
    return runToolCommand(active, tool, args, stdin);
  }
}
