// ProcessHost: what running hooks as processes needs: a temp dir, the agent socket serving the
// fake hook tools, each application's bundled (or already packed) charm, each unit's own charm
// dir, and the spawning of `dispatch` with a Juju-like environment. Spawns asynchronously, so
// the socket keeps serving while a hook runs. Removes everything it created on close().
import type { ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HOOK_NODE_OPTIONS } from '../../pack/dispatch.js';
import { STATE_FILE_NAME } from '../../state/file-store.js';
import { bundleCharm, charmEntry, START_FILE } from '../charm-dir.js';
import type { UnitHookTools } from '../unit-hook-tools.js';
import type { QueuedHook } from '../world.js';
import { listenAgentSocket, type ToolReply, type ToolRequest } from './agent-socket.js';
import { hookEnv, spawnHookProcess, stopAgent } from './hook-process.js';
import { installToolClients, type ToolClientKind } from './tool-clients.js';
import { runToolCommand } from './tool-commands.js';

interface ActiveHook {
  readonly tools: UnitHookTools;
  readonly hook: QueuedHook;
  readonly charmDir: string;
  errorLog?: string;
  /** Tool calls answered so far. */
  calls: number;
  /** SIGKILL the hook process once this many tool calls took effect. */
  readonly killAfterToolCalls?: number;
  child?: ChildProcess;
  killed: boolean;
}

export interface ProcessHookRun {
  readonly unit: string;
  readonly hook: QueuedHook;
  readonly tools: UnitHookTools;
  readonly charmDir: string;
  /** JUJU_* variables for this hook. */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** SIGKILL the process right after its nth tool call took effect (before it gets the reply). */
  readonly killAfterToolCalls?: number;
}

export interface ProcessHookResult {
  readonly exitCode: number;
  /** First line of the last `juju-log -l ERROR` the hook wrote (the runtime logs its failure so). */
  readonly errorLog?: string;
  /** Last line of the process's stderr, when it wrote any. */
  readonly stderrTail?: string;
  /** True when killAfterToolCalls killed the process. */
  readonly killed?: boolean;
}

/** Entries of a charm dir never shared with a unit's copy. */
const PRIVATE_ENTRIES = new Set(['dist', 'dispatch', STATE_FILE_NAME, '.git']);

export class ProcessHost {
  private readonly contexts = new Map<string, ActiveHook>();
  private readonly bundles = new Map<string, { dist: string; charmDir: string }>();
  private nextContext = 0;

  private constructor(
    readonly root: string,
    readonly toolDir: string,
    readonly socketPath: string,
    readonly toolClient: ToolClientKind,
    private server: Server | undefined,
  ) {}

  static async start(options: { toolClient: 'auto' | ToolClientKind }): Promise<ProcessHost> {
    const root = mkdtempSync(join(tmpdir(), 'jr-model-'));
    const toolDir = join(root, 'tools');
    const kind = installToolClients(toolDir, options.toolClient);
    const socketPath = join(root, 'agent.sock');
    const host = new ProcessHost(root, toolDir, socketPath, kind, undefined);
    host.server = await listenAgentSocket(socketPath, (request) => host.handle(request));
    return host;
  }

  private handle(request: ToolRequest): ToolReply {
    const active = this.contexts.get(request.contextId);
    if (active === undefined) {
      return {
        exitCode: 1,
        stdout: '',
        stderr: `ERROR context "${request.contextId}" is not running a hook\n`,
      };
    }
    const reply = runToolCommand(
      {
        tools: active.tools,
        hook: active.hook,
        charmDir: active.charmDir,
        onErrorLog: (line) => {
          active.errorLog = line;
        },
      },
      request.tool,
      request.args,
      request.stdin,
    );
    active.calls++;
    if (active.calls === active.killAfterToolCalls && active.child !== undefined) {
      // The call took effect (it is staged in the hook's transaction); the process never
      // learns its outcome: it dies waiting for this reply.
      active.killed = active.child.kill('SIGKILL');
    }
    return reply;
  }

  /**
   * Bundle the charm dir's `src/charm.ts` with a `main()` entry, once per application. A charm
   * dir that `juju-reactive pack` made (a `dist/charm.cjs` and no `src/charm.ts`) runs as packed.
   */
  async prepareApp(app: string, charmDir: string): Promise<void> {
    const source = resolve(charmDir);
    let dist = join(source, 'dist');
    if (!isPacked(source)) {
      dist = join(this.root, 'apps', app, 'dist');
      await bundleCharm(source, dist);
    }
    this.bundles.set(app, { dist, charmDir: source });
  }

  /**
   * A unit's own charm dir: links to the charm's files, `dist/` linked to the application's
   * bundle, and the charm's `dispatch` (or one that runs the bundle).
   */
  createUnitDir(app: string, unit: string): string {
    const source = this.bundles.get(app);
    if (source === undefined) throw new Error(`${app} was not prepared for process mode`);
    const dir = join(this.root, 'units', unit.replace('/', '-'));
    mkdirSync(dir, { recursive: true });
    for (const entry of readdirSync(source.charmDir)) {
      if (PRIVATE_ENTRIES.has(entry)) continue;
      // The charm's file replaces one the unit wrote under the same name, as Juju's does.
      rmSync(join(dir, entry), { recursive: true, force: true });
      symlinkSync(join(source.charmDir, entry), join(dir, entry));
    }
    symlinkSync(source.dist, join(dir, 'dist'));
    const dispatch = join(source.charmDir, 'dispatch');
    if (existsSync(dispatch)) {
      symlinkSync(dispatch, join(dir, 'dispatch'));
    } else {
      writeFileSync(
        join(dir, 'dispatch'),
        `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${HOOK_NODE_OPTIONS} "$JUJU_CHARM_DIR/dist/${START_FILE}"\n`,
        { mode: 0o755 },
      );
    }
    return dir;
  }

  /**
   * `juju refresh` for a unit run as a process: its charm dir now links to the application's
   * newly prepared charm (prepareApp again first); its state file stays, as the unit's data
   * outlives an upgrade. Returns the dir (the same path).
   */
  refreshUnitDir(app: string, unit: string, dir: string): string {
    // Juju removes the old charm's own files and keeps what the charm wrote in its dir
    // (worker/uniter/charm/manifest_deployer.go removeDiff): here, the links to the old charm
    // and the dispatch written for it go; the state file, a code cache and any file of the
    // charm's own stay.
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      // rmSync removes a symlink itself, never what it points to.
      if (entry.isSymbolicLink() || entry.name === 'dispatch') rmSync(join(dir, entry.name));
    }
    return this.createUnitDir(app, unit);
  }

  /** Spawn the unit's dispatch for one hook; resolves when the process exits. */
  async runHook(run: ProcessHookRun): Promise<ProcessHookResult> {
    const contextId = `${run.unit}-${run.hook.hook}-${++this.nextContext}`;
    const active: ActiveHook = {
      tools: run.tools,
      hook: run.hook,
      charmDir: run.charmDir,
      calls: 0,
      killed: false,
      ...(run.killAfterToolCalls === undefined
        ? {}
        : { killAfterToolCalls: run.killAfterToolCalls }),
    };
    this.contexts.set(contextId, active);
    const env = hookEnv(this.toolDir, this.socketPath, contextId, run.env);
    try {
      const { exitCode, stderr } = await spawnHookProcess(
        join(run.charmDir, 'dispatch'),
        [],
        run.charmDir,
        env,
        run.timeoutMs,
        (child) => {
          active.child = child;
        },
      );
      const tail = stderr.trim().split('\n').pop();
      return {
        exitCode,
        ...(active.errorLog === undefined ? {} : { errorLog: active.errorLog }),
        ...(tail ? { stderrTail: tail } : {}),
        ...(active.killed ? { killed: true } : {}),
      };
    } finally {
      this.contexts.delete(contextId);
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await stopAgent(server, this.root);
  }
}

/** A charm dir `juju-reactive pack` made: its bundle is there, its sources are not. */
function isPacked(charmDir: string): boolean {
  if (!existsSync(join(charmDir, 'dist', START_FILE))) return false;
  try {
    charmEntry(charmDir);
    return false;
  } catch {
    return true;
  }
}
