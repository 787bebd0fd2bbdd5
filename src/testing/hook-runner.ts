// Running one hook: Juju's "run hook" operation (worker/uniter/operation/runhook.go). Builds the
// hook's tools and transaction, runs the charm in process or as a `dispatch` process, and on
// success commits what the hook staged (commit.ts). The resolver (resolver.ts) decides which
// hook runs and what a failure means for the unit's queue; this file only runs it.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Charm } from '../charm/charm.js';
import { runHook } from '../charm/run-hook.js';
import type { HookContext } from '../juju/hook-context.js';
import { Redactor } from '../juju/redact.js';
import { RuntimeEvents } from '../reactive/events.js';
import { STATE_FILE_NAME } from '../state/file-store.js';
import type { ActionResult, ActionRun } from './action-run.js';
import type { Committer } from './commit.js';
import { armHandlerFaults, takeHookFault } from './faults.js';
import { firstLine, optional } from './optional.js';
import type { ProcessHost } from './process/host.js';
import { secretHookContext, secretHookEnv } from './secrets.js';
import { storageHookContext, storageHookEnv } from './storage.js';
import type { Draft, TimelineEntry, TraceRecorder } from './trace.js';
import { HookTransaction } from './transaction.js';
import { type ToolTraceSink, UnitHookTools } from './unit-hook-tools.js';
import type { Fault, QueuedHook, UnitRecord, World } from './world.js';

class ForwardingRedactor extends Redactor {
  constructor(private readonly sink: Redactor) {
    super();
  }
  override add(value: string | undefined | null): void {
    super.add(value);
    this.sink.add(value);
  }
}

interface HookOutcome {
  readonly ok: boolean;
  readonly error?: string;
  readonly handlers?: readonly string[];
  /** The process error Juju would see when the charm failed (`exit status 1`). */
  readonly exitError?: string;
}

/** What the runner needs from the model it runs hooks for. */
export interface HookRunnerOptions {
  readonly world: World;
  readonly recorder: TraceRecorder;
  readonly redactor: Redactor;
  readonly committer: Committer;
  readonly modelName: string;
  readonly jujuVersion: string;
  readonly hookTimeoutMs: number;
  /** The process host (process-mode units only). */
  readonly host: () => ProcessHost;
}

/** The trace sink of one hook: counts its tool calls on its timeline entry. */
class DraftSink implements ToolTraceSink {
  readonly hookSeq: number;
  constructor(
    readonly trace: TraceRecorder,
    private readonly draft: Draft,
  ) {
    this.hookSeq = draft.seq;
  }
  count(): void {
    this.draft.toolCalls++;
  }
}

/** How one hook's leader-set applies at once (commit.ts applyLeaderSettings). */
function leaderSetter(
  committer: Committer,
  unit: UnitRecord,
  item: QueuedHook,
  draft: Draft,
  fault: Fault | undefined,
): (values: ReadonlyMap<string, string | null>) => string | undefined {
  return (values) => {
    // An injected whole-hook failure strikes before anything the hook wrote takes effect:
    // leader-set is the one write Juju applies at once, so it fails there if it comes first.
    if (fault !== undefined && fault.killAfterToolCalls === undefined) return fault.message;
    committer.applyLeaderSettings(unit, item, values, draft);
    return undefined;
  };
}

/** Runs hooks and commits the successful ones. One per Model. */
export class HookRunner {
  constructor(private readonly options: HookRunnerOptions) {}

  /**
   * Run `item` on `unit` (attempt `item.failures + 1`) and commit it if it succeeds. Returns
   * the hook's timeline entry; `entry.ok` says whether it succeeded. The caller updates the
   * unit's queue and error state.
   */
  async run(unit: UnitRecord, item: QueuedHook): Promise<TimelineEntry> {
    return (await this.execute(unit, item, undefined)).entry;
  }

  /**
   * Run an action on `unit`: Juju's "run action" operation, through the charm's dispatch under
   * `actions/<name>` with JUJU_ACTION_NAME/_UUID. What it wrote commits when the charm exits 0,
   * even after action-fail; a non-zero exit commits nothing and fails the action with the
   * process error (worker/uniter/runner/context/context.go Flush and finalizeAction). The unit
   * never goes into error for an action.
   */
  async runAction(
    unit: UnitRecord,
    action: ActionRun,
  ): Promise<{ entry: TimelineEntry; result: ActionResult }> {
    const item: QueuedHook = { hook: `actions/${action.name}`, failures: 0 };
    const { entry, outcome } = await this.execute(unit, item, action);
    const exitError = outcome.ok ? undefined : (outcome.exitError ?? outcome.error ?? 'failed');
    return { entry, result: action.finish(exitError) };
  }

  private async execute(
    unit: UnitRecord,
    item: QueuedHook,
    action: ActionRun | undefined,
  ): Promise<{ entry: TimelineEntry; outcome: HookOutcome }> {
    const { recorder, redactor, committer, world } = this.options;
    const draft = recorder.beginHook({
      unit: unit.name,
      hook: item.hook,
      attempt: item.failures + 1,
      ...optional('relationId', item.relationId),
      ...optional('remoteUnit', item.remoteUnit),
      ...optional('remoteApp', item.remoteApp),
      ...optional('departingUnit', item.departingUnit),
    });
    const sink = new DraftSink(recorder, draft);
    const tx = new HookTransaction();
    // Injected faults (model.failNextHook): a hook takes a hook fault, an action an action fault.
    const fault = takeHookFault(unit, item);
    const tools = new UnitHookTools({
      world,
      unit,
      hook: item,
      transaction: tx,
      redactor,
      sink,
      leaderSet: leaderSetter(committer, unit, item, draft, fault),
      ...(action === undefined ? {} : { action }),
    });
    const flagsBefore = unit.store.flags;
    let outcome: HookOutcome;
    try {
      outcome =
        unit.app.mode === 'process'
          ? await this.runAsProcess(unit, item, tools, fault, action)
          : await this.runInProcess(unit, item, tools, fault, action);
    } catch (error) {
      // runHook never throws; this is the simulator itself failing (e.g. a process could not start).
      outcome = { ok: false, error: `simulator: ${(error as Error).message}` };
    }
    if (outcome.ok) {
      // Juju's unit state first: a unit that keeps its flags there reads them back from it.
      committer.commitUnitState(unit, tx);
    }
    // A process wrote its own state file, even one killed after writing it: read what it left.
    if (unit.app.mode === 'process' || unit.store.jujuBacked) unit.store.refresh();
    draft.ok = outcome.ok;
    if (outcome.error !== undefined) draft.error = redactor.redact(firstLine(outcome.error));
    if (outcome.handlers !== undefined) draft.handlers = recorder.handlerList(outcome.handlers);
    recorder.push({
      kind: 'hook-end',
      unit: unit.name,
      hook: item.hook,
      hookSeq: draft.seq,
      ok: outcome.ok,
      ...optional('error', draft.error),
      ...optional('handlers', outcome.handlers),
    });
    if (outcome.ok) {
      committer.recordFlags(unit, item, draft, flagsBefore, unit.store.flags);
      committer.commit(unit, item, tx, draft);
    }
    return { entry: { ...draft }, outcome };
  }

  private async runInProcess(
    unit: UnitRecord,
    item: QueuedHook,
    tools: UnitHookTools,
    fault: Fault | undefined,
    action: ActionRun | undefined,
  ): Promise<HookOutcome> {
    const charm = unit.app.charm as Charm;
    const events = new RuntimeEvents();
    if (action === undefined) armHandlerFaults(unit, item, events);
    if (fault !== undefined) unit.store.failNextSave = fault.message;
    try {
      const result = await runHook({
        charm,
        context: this.context(unit, item, action),
        metadata: unit.app.metadata,
        tools,
        store: unit.store.forHook(tools),
        events,
        redactor: new ForwardingRedactor(this.options.redactor),
      });
      // The library saves the unit's state only when the hook changed it: an armed failure
      // that found no save to strike still fails the hook here, after its last handler and
      // before anything it wrote is committed (the hook's transaction is dropped by the caller).
      const unstruck = unit.store.failNextSave;
      if (result.ok && unstruck !== undefined) {
        return {
          ok: false,
          error: unstruck,
          handlers: result.runs.map((r) => r.handler),
          exitError: 'exit status 1',
        };
      }
      return {
        ok: result.ok,
        ...optional('error', result.error),
        handlers:
          action === undefined ? result.runs.map((r) => r.handler) : [`action:${action.name}`],
        ...(result.ok ? {} : { exitError: `exit status ${result.exitCode}` }),
      };
    } finally {
      unit.store.failNextSave = undefined;
    }
  }

  private async runAsProcess(
    unit: UnitRecord,
    item: QueuedHook,
    tools: UnitHookTools,
    fault: Fault | undefined,
    action: ActionRun | undefined,
  ): Promise<HookOutcome> {
    const host = this.options.host();
    const stateFile = join(unit.charmDir, STATE_FILE_NAME);
    const kill = fault?.killAfterToolCalls;
    const failing = kill === undefined ? fault : undefined;
    const before = failing === undefined ? undefined : readIfExists(stateFile);
    const result = await host.runHook({
      unit: unit.name,
      hook: item,
      tools,
      charmDir: unit.charmDir,
      env: this.hookEnv(unit, item, action),
      timeoutMs: this.options.hookTimeoutMs,
      ...(kill === undefined ? {} : { killAfterToolCalls: kill }),
    });
    if (result.killed) {
      return {
        ok: false,
        error: `hook process killed with SIGKILL after ${kill} hook-tool calls (model.failNextHook)`,
        // What Go's os/exec reports for a process killed by a signal, as Juju fails the action.
        exitError: 'signal: killed',
      };
    }
    if (failing !== undefined) {
      // The hook ran, but fails: put the unit state back as it was, as a failed hook leaves it.
      if (before === undefined) rmSync(stateFile, { force: true });
      else writeFileSync(stateFile, before);
      return { ok: false, error: failing.message, exitError: 'exit status 1' };
    }
    if (result.exitCode === 0) return { ok: true };
    const why = result.errorLog ?? result.stderrTail ?? '';
    return {
      ok: false,
      error: `dispatch exited with ${result.exitCode}${why ? `: ${why}` : ''}`,
      exitError: `exit status ${result.exitCode}`,
    };
  }

  private context(unit: UnitRecord, item: QueuedHook, action: ActionRun | undefined): HookContext {
    return {
      unitName: unit.name,
      applicationName: unit.app.name,
      unitNumber: unit.number,
      hookName: action?.name ?? item.hook,
      ...(action === undefined
        ? {}
        : { dispatchPath: item.hook, action: { name: action.name, uuid: action.uuid } }),
      charmDir: unit.charmDir,
      modelName: this.options.modelName,
      jujuVersion: this.options.jujuVersion,
      ...(item.relationId !== undefined && item.endpoint !== undefined
        ? { relation: { name: item.endpoint, id: item.relationId } }
        : {}),
      ...optional('remoteUnit', item.remoteUnit),
      ...optional('remoteApp', item.remoteApp),
      ...optional('departingUnit', item.departingUnit),
      ...secretHookContext(item),
      ...storageHookContext(this.options.world, unit, item),
    };
  }

  private hookEnv(
    unit: UnitRecord,
    item: QueuedHook,
    action: ActionRun | undefined,
  ): Record<string, string> {
    // An action runs `dispatch` with JUJU_DISPATCH_PATH=actions/<name> and JUJU_ACTION_NAME,
    // _UUID instead of JUJU_HOOK_NAME (worker/uniter/runner/context/context.go HookVars).
    const env: Record<string, string> = {
      JUJU_UNIT_NAME: unit.name,
      ...(action === undefined
        ? { JUJU_HOOK_NAME: item.hook, JUJU_DISPATCH_PATH: `hooks/${item.hook}` }
        : {
            JUJU_DISPATCH_PATH: item.hook,
            JUJU_ACTION_NAME: action.name,
            JUJU_ACTION_UUID: action.uuid,
          }),
      JUJU_CHARM_DIR: unit.charmDir,
      CHARM_DIR: unit.charmDir,
      JUJU_MODEL_NAME: this.options.modelName,
      JUJU_VERSION: this.options.jujuVersion,
    };
    if (item.relationId !== undefined && item.endpoint !== undefined) {
      env['JUJU_RELATION'] = item.endpoint;
      env['JUJU_RELATION_ID'] = item.relationId;
    }
    if (item.remoteUnit !== undefined) env['JUJU_REMOTE_UNIT'] = item.remoteUnit;
    if (item.remoteApp !== undefined) env['JUJU_REMOTE_APP'] = item.remoteApp;
    if (item.departingUnit !== undefined) env['JUJU_DEPARTING_UNIT'] = item.departingUnit;
    Object.assign(env, secretHookEnv(item), storageHookEnv(this.options.world, unit, item));
    return env;
  }
}

function readIfExists(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}
