// The working parts of a simulated model, wired together from ModelOptions: the world state,
// the trace, the committer, the hook runner, the virtual clock, the resolver, the scheduler and
// the leadership leases. Model (model.ts) is a thin facade over these; the operations that
// change the model (deploy.ts, removal.ts, relation-ops.ts, hook-ops.ts) take them as one value.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redactor } from '../juju/redact.js';
import { StringTable } from '../util/string-table.js';
import type { ActionResult } from './action-run.js';
import { VirtualClock } from './clock.js';
import { Committer } from './commit.js';
import { updateStatusInterval } from './deploy-rules.js';
import { HookRunner } from './hook-runner.js';
import { Leadership } from './leadership.js';
import type { HookOrder, ModelOptions } from './model-options.js';
import type { ProcessHost } from './process/host.js';
import { mulberry32, type Random } from './random.js';
import { Resolver } from './resolver.js';
import { Scheduler } from './scheduler.js';
import { TraceRecorder } from './trace.js';
import { type QueuedAction, type UnitRecord, World } from './world.js';

/** Everything a model operation may read or change. */
export interface ModelParts {
  readonly name: string;
  readonly order: HookOrder;
  readonly world: World;
  readonly redactor: Redactor;
  readonly recorder: TraceRecorder;
  readonly committer: Committer;
  readonly runner: HookRunner;
  readonly clock: VirtualClock;
  readonly scheduler: Scheduler;
  readonly leadership: Leadership;
  /** Every unit ever added, in the order it was added (removed ones included). */
  readonly unitOrder: UnitRecord[];
  readonly actionResults: WeakMap<QueuedAction, ActionResult>;
  /** Where in-process units without a charm dir pretend their charm dir is. */
  readonly placeholderDir: string;
  /** The process host of units run as processes, started on first use. */
  readonly hosts: HostSlot;
  /** The strings the in-process units' stores share (state/memory-store.ts). */
  readonly strings: StringTable;
}

/** The model's one process host (agent socket and tool dir), started when first needed. */
export class HostSlot {
  private host: ProcessHost | undefined;

  constructor(private readonly toolClient: 'auto' | 'c' | 'node') {}

  /** The host, started now if it is not yet. */
  async start(): Promise<ProcessHost> {
    if (this.host === undefined) {
      const { ProcessHost } = await import('./process/host.js');
      this.host = await ProcessHost.start({ toolClient: this.toolClient });
    }
    return this.host;
  }

  /** The started host; throws when no application runs as processes yet. */
  get(): ProcessHost {
    if (this.host === undefined) throw new Error('process host not started');
    return this.host;
  }

  /** Stop the host's agent socket and remove its temp dirs, if it was started. */
  async close(): Promise<void> {
    const host = this.host;
    this.host = undefined;
    await host?.close();
  }
}

const PARTS = new WeakMap<object, ModelParts>();

/** Remember `parts` as the working parts of `model` (the Model constructor calls this). */
export function bindParts(model: object, parts: ModelParts): void {
  PARTS.set(model, parts);
}

/** A model's working parts, for the simulator's own tools (process/tool-host.ts); not public. */
export function modelParts(model: object): ModelParts {
  const parts = PARTS.get(model);
  if (parts === undefined) throw new Error('not a Model');
  return parts;
}

/** Build a model's parts from its options. */
export function assembleModel(options: ModelOptions): ModelParts {
  const hosts = new HostSlot(options.toolClient ?? 'auto');
  const name = options.name ?? 'test';
  const order = options.order ?? (options.seed === undefined ? 'round-robin' : 'random');
  const random: Random | undefined = order === 'random' ? mulberry32(options.seed ?? 0) : undefined;
  const world = new World();
  const redactor = new Redactor();
  const recorder = new TraceRecorder(redactor, options.trace ?? 'full', options.traceLimit);
  const strings = new StringTable();
  const committer = new Committer(world, recorder, redactor, strings);
  const runner = new HookRunner({
    world,
    recorder,
    redactor,
    committer,
    modelName: name,
    jujuVersion: options.jujuVersion ?? '3.6.0',
    hookTimeoutMs: options.hookTimeoutMs ?? 120_000,
    host: () => hosts.get(),
  });
  const clock = new VirtualClock();
  const resolver = new Resolver(world, random);
  const leadership = new Leadership(
    clock,
    recorder,
    random ?? mulberry32((options.seed ?? 0) ^ 0x1ead),
  );
  const unitOrder: UnitRecord[] = [];
  const actionResults = new WeakMap<QueuedAction, ActionResult>();
  const scheduler = new Scheduler({
    world,
    clock,
    resolver,
    runner,
    recorder,
    unitOrder,
    random,
    maxRetries: options.maxRetries ?? 3,
    updateStatusMs: updateStatusInterval(options.modelConfig),
    actionResults,
  });
  return {
    name,
    order,
    world,
    redactor,
    recorder,
    committer,
    runner,
    clock,
    scheduler,
    leadership,
    unitOrder,
    actionResults,
    placeholderDir: join(tmpdir(), 'juju-reactive-model', name),
    strings,
    hosts,
  };
}
