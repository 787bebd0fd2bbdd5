// ToolHostThread: a ToolHost and its model on a worker thread (tool-host-worker.ts), for code
// that calls the hook tools synchronously (ProcessHookTools uses spawnSync): a host on the
// caller's own thread could never answer, since that thread's event loop is blocked until the
// tool exits. Every method is async and sends one message; the worker answers tool processes
// meanwhile.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CharmMetadata, ConfigOption } from '../../juju/metadata.js';
import type { Model } from '../model.js';
import type {
  OpenHook,
  ToolFault,
  ToolHostCall,
  ToolHostHook,
  ToolHostRun,
  ToolHostRunOptions,
} from './tool-host.js';

/**
 * The file URL of tsx's ESM API (`tsx/esm/api`, its `import` condition: require.resolve would
 * give the CommonJS build). tsx is a dev dependency: needed only when running from TS.
 */
const tsxApi = (): string => {
  const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
    exports?: Record<string, { import?: { default?: string } }>;
  };
  const file = pkg.exports?.['./esm/api']?.import?.default;
  if (file === undefined) throw new Error('ToolHostThread: tsx has no ESM API (tsx/esm/api)');
  return new URL(file, pathToFileURL(pkgPath)).href;
};

/** Deploy options that can cross to the worker (the charm is always one with no handlers). */
export interface ThreadDeployOptions {
  readonly units?: number;
  readonly configOptions?: Readonly<Record<string, ConfigOption>>;
  readonly config?: Readonly<Record<string, unknown>>;
}

/** Plain data of a unit as `model.unit(name)` shows it. */
export interface ThreadUnitSnapshot {
  readonly name: string;
  readonly application: string;
  readonly flags: readonly string[];
  readonly status: { readonly status: string; readonly message: string };
  readonly isLeader: boolean;
  readonly address: string;
  readonly ports: readonly string[];
}

/** @internal The messages between ToolHostThread and its worker. */
export type ThreadRequest = { readonly id: number } & (
  | { op: 'deploy'; args: [string, CharmMetadata, ThreadDeployOptions] }
  | { op: 'model'; args: [string, unknown[]] }
  | { op: 'unit'; args: [string] }
  | { op: 'openHook'; args: [string, ToolHostHook, ToolHostRunOptions] }
  | { op: 'endHook'; args: [string, string | undefined] }
  | { op: 'runHook'; args: [string, ToolHostHook, string, string[], ToolHostRunOptions] }
  | { op: 'calls'; args: [] }
  | { op: 'clearCalls'; args: [] }
  | { op: 'failTool'; args: [string, ToolFault | undefined] }
  | { op: 'close'; args: [] }
);

/** @internal */
export type ThreadReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

type Op = ThreadRequest['op'];
type ArgsOf<K extends Op> = Extract<ThreadRequest, { op: K }>['args'];

/** @internal Model methods whose arguments and result are plain data (they can cross threads). */
export const PLAIN_MODEL_METHODS = [
  'relate',
  'removeRelation',
  'setLeader',
  'setConfig',
  'setBinding',
  'setRelationData',
  'seedSecret',
  'settle',
  'addUnit',
  'units',
  'leader',
  'leaderSettings',
  'config',
  'relationIds',
  'relationData',
  'secrets',
] as const satisfies readonly (keyof Model)[];

type PlainModelMethod = (typeof PLAIN_MODEL_METHODS)[number];

/**
 * The simulator's hook tools served from a worker thread, for clients that block their own
 * thread on each tool call.
 *
 * @example
 * const host = await ToolHostThread.start();
 * await host.deploy('tiny', metadata, { units: 2 });
 * await host.model('settle');
 * const hook = await host.openHook('tiny/0', { hook: 'update-status' });
 * const tools = new ProcessHookTools({ env: hook.env });
 * tools.statusSet('active', 'ready').unwrap(); // spawnSync: the worker answers
 * await host.endHook(hook.contextId); // commits, as a hook exiting 0
 * await host.close();
 */
export class ToolHostThread {
  private nextId = 0;
  /** Set once the worker has stopped: every later call fails with it. */
  private stopped: Error | undefined;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: ThreadReply) => {
      const waiting = this.pending.get(reply.id);
      if (waiting === undefined) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.value);
      else waiting.reject(new Error(reply.error));
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => this.failAll(new Error(`tool host worker exited (${code})`)));
  }

  /** Start a worker with an empty model and its tools installed. Call close() when done. */
  static async start(): Promise<ToolHostThread> {
    const ext = extname(new URL(import.meta.url).pathname);
    const entry = new URL(`./tool-host-worker${ext}`, import.meta.url);
    // From the TS sources (tests under vitest) the worker needs a TS loader of its own: tsx,
    // registered in the worker before the entry loads (`--import` in a worker's execArgv is not
    // applied to its entry on Node 20).
    const worker =
      ext === '.ts'
        ? new Worker(
            `import(${JSON.stringify(tsxApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`,
            { eval: true },
          )
        : new Worker(entry);
    const thread = new ToolHostThread(worker);
    await thread.send('calls');
    return thread;
  }

  /** Deploy `app` as a charm with no handlers and these metadata; resolves to its unit names. */
  deploy(app: string, metadata: CharmMetadata, options: ThreadDeployOptions = {}) {
    return this.send('deploy', app, metadata, options) as Promise<string[]>;
  }

  /** Call a model method whose arguments and result are plain data (see Model). */
  model<K extends PlainModelMethod>(
    method: K,
    ...args: Parameters<Model[K]>
  ): Promise<Awaited<ReturnType<Model[K]>>> {
    return this.send('model', method, args) as Promise<Awaited<ReturnType<Model[K]>>>;
  }

  /** What `model.unit(name)` shows, as plain data. */
  unit(name: string): Promise<ThreadUnitSnapshot> {
    return this.send('unit', name) as Promise<ThreadUnitSnapshot>;
  }

  /** ToolHost.openHook on the worker: the env lets any process (or spawnSync) call the tools. */
  openHook(unit: string, hook: ToolHostHook, options: ToolHostRunOptions = {}) {
    return this.send('openHook', unit, hook, options) as Promise<OpenHook>;
  }

  /** ToolHost.endHook: commit the hook's writes, or with `error` drop them. */
  async endHook(contextId: string, error?: string): Promise<void> {
    await this.send('endHook', contextId, error);
  }

  /** ToolHost.runHook on the worker. */
  runHook(
    unit: string,
    hook: ToolHostHook,
    command: string,
    args: readonly string[],
    options: ToolHostRunOptions = {},
  ) {
    return this.send('runHook', unit, hook, command, [...args], options) as Promise<ToolHostRun>;
  }

  /** Every tool call so far, in order. */
  calls(): Promise<ToolHostCall[]> {
    return this.send('calls') as Promise<ToolHostCall[]>;
  }

  /** Forget the recorded calls. */
  async clearCalls(): Promise<void> {
    await this.send('clearCalls');
  }

  /** ToolHost.failTool: make `tool` reply with `fault` until cleared with undefined. */
  async failTool(tool: string, fault: ToolFault | undefined): Promise<void> {
    await this.send('failTool', tool, fault);
  }

  /** Close the host and the model, and stop the worker. */
  async close(): Promise<void> {
    try {
      await this.send('close');
    } finally {
      await this.worker.terminate();
    }
  }

  private send<K extends Op>(op: K, ...args: ArgsOf<K>): Promise<unknown> {
    const id = ++this.nextId;
    if (this.stopped !== undefined) return Promise.reject(this.stopped);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, args });
    });
  }

  private failAll(error: Error): void {
    this.stopped ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
