// ToolHost: a directory of real hook-tool executables backed by a simulated model, for tests
// that run one hook process by hand (a bundled charm, a shell wrapper around it) rather than
// through `model.settle()`. The tools are the simulator's own (tool-clients.ts over the agent
// socket, answered by tool-commands.ts against the unit's UnitHookTools), so they answer exactly
// as the model's process mode does; what the hook wrote commits to the model only when the
// process exits 0, as Juju commits a hook (worker/uniter/runner/context/context.go Flush).
// Faults a test needs from the tools themselves (a malformed reply, a failing tool) are armed
// explicitly with failTool(); every call is recorded with its stdin for assertions.
//
// The host answers on this process's event loop: spawn the hook asynchronously (runHook does),
// never with spawnSync, or the tools wait for an answer that cannot come.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Charm } from '../../charm/charm.js';
import type { CharmMetadata } from '../../juju/metadata.js';
import { Model, modelParts } from '../model.js';
import { optional } from '../optional.js';
import { HookTransaction } from '../transaction.js';
import { UnitHookTools } from '../unit-hook-tools.js';
import type { QueuedHook } from '../world.js';
import { listenAgentSocket, type ToolReply } from './agent-socket.js';
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
    const parts = modelParts(this.model);
    const unit = parts.world.unit(unitName);
    const relation =
      hook.relationId === undefined ? undefined : parts.world.relation(hook.relationId);
    const endpoint = relation?.sideOf(unit.app.name)?.endpoint;
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
    this.contexts.set(contextId, { tools, hook: item, charmDir });
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (value !== undefined && !key.startsWith('JUJU_') && key !== 'NODE_OPTIONS')
        env[key] = value;
    }
    Object.assign(env, {
      PATH: [this.toolDir, process.env['PATH'] ?? ''].filter(Boolean).join(delimiter),
      JUJU_AGENT_SOCKET_ADDRESS: this.socketPath,
      JUJU_CONTEXT_ID: contextId,
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
      ...options.env,
    });
    try {
      const run = await spawnHook(command, args, charmDir, env, options.timeoutMs ?? 60_000);
      const ok = run.status === 0;
      draft.ok = ok;
      parts.recorder.push({
        kind: 'hook-end',
        unit: unit.name,
        hook: item.hook,
        hookSeq: draft.seq,
        ok,
        ...(ok ? {} : { error: `exit status ${run.status}` }),
      });
      if (ok) {
        parts.committer.commitUnitState(unit, tx);
        parts.committer.commit(unit, item, tx, draft);
      }
      return { ...run, committed: ok };
    } finally {
      this.contexts.delete(contextId);
    }
  }

  /** Stop answering and remove the tool dir. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((done) => server.close(() => done()));
    rmSync(this.root, { recursive: true, force: true });
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

function spawnHook(
  command: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, [...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ status: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}
