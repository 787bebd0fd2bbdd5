// main(): the entry point of a charm process under a Juju unit agent. Reads the hook context
// from the environment, runs the hook with the process hook tools and the file state store,
// and sets the exit code. Outside Juju it prints one clear message instead of a stack trace.
import { readHookContext } from '../juju/hook-context.js';
import { type CharmMetadata, readMetadata } from '../juju/metadata.js';
import { ProcessHookTools } from '../juju/process-hook-tools.js';
import { Redactor } from '../juju/redact.js';
import { RuntimeEvents } from '../reactive/events.js';
import { FileStateStore } from '../state/file-store.js';
import { JujuStateStore } from '../state/juju-store.js';
import type { Charm } from './charm.js';
import { type HookResult, runHook } from './run-hook.js';

/**
 * Run the current hook and set `process.exitCode`: the entry point of a charm under Juju.
 * Reads the hook context from `env`, the metadata from the charm dir (unless the charm
 * carries it, or `juju-reactive pack` embedded it), and keeps unit state as
 * `charm.options.stateStore` says.
 * @example
 * // src/main.ts: bundled and started by the charm's `dispatch` script.
 * // src/charm.ts defines and exports `charm` without side effects.
 * import { main } from 'juju-reactive';
 * import { charm } from './charm.js';
 * await main(charm);
 */
export async function main(
  charm: Charm,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<HookResult | undefined> {
  const context = readHookContext(env);
  if (context.isErr()) {
    process.stderr.write(`juju-reactive: ${context.error.message}\n`);
    process.exitCode = 1;
    return undefined;
  }
  let metadata = charm.options.metadata ?? packedMetadata();
  if (metadata === undefined) {
    try {
      metadata = readMetadata(context.value.charmDir);
    } catch (error) {
      process.stderr.write(`juju-reactive: ${(error as Error).message}\n`);
      process.exitCode = 1;
      return undefined;
    }
  }
  const redactor = new Redactor();
  const tools = new ProcessHookTools({ env, redactor });
  const events = new RuntimeEvents();
  guardProcessExit(context.value.hookName, events, (message, level) => {
    const text = redactor.redact(message);
    if (tools.jujuLog(text, level).isErr()) writeStderr(`juju-reactive: ${text}\n`);
  });
  const result = await runHook({
    charm,
    context: context.value,
    metadata,
    tools,
    store:
      charm.options.stateStore === 'juju'
        ? new JujuStateStore(tools)
        : FileStateStore.forCharmDir(context.value.charmDir),
    redactor,
    events,
  });
  process.exitCode = result.exitCode;
  return result;
}

/**
 * Make runHook's outcome the only way the process reports success. Until the hook has ended
 * (the `hook.end` event, emitted after the commit), every other way out is a logged failure
 * with exit 1: the event loop running dry while a handler's promise never settles, a handler
 * calling process.exit, an unhandled rejection or uncaught exception (which also stops the
 * hook at once, before anything is committed). After it ended nothing changes the exit code:
 * a late rejection, throw or process.exit is logged as a WARNING and the outcome stands. Once
 * it ended and nothing is left to wait for (a timer, a socket), the process ends at once.
 */
function guardProcessExit(
  hook: string,
  events: RuntimeEvents,
  log: (message: string, level: 'ERROR' | 'WARNING') => void,
): void {
  let outcome: 0 | 1 | undefined;
  let drained = false;
  events.on('hook.end', (e) => {
    outcome ??= e.ok ? 0 : 1;
  });
  const fail = (message: string): void => {
    if (outcome !== undefined) return;
    outcome = 1;
    log(message, 'ERROR');
  };
  // Late errors are reported a few times, then no more: when the unit agent is gone (its end
  // of stderr closed, the tools refusing), reporting one fails, and that failure must not be
  // reported again and again by a process that would then never end.
  let lateReports = 0;
  const stray = (what: string) => (reason: unknown) => {
    if (outcome === undefined) {
      fail(`hook ${hook} failed: ${what}: ${describeError(reason)}`);
      process.exit(1);
    }
    if (++lateReports > MAX_LATE_REPORTS) return;
    log(`hook ${hook}: ${what} after the hook ended, ignored: ${describeError(reason)}`, 'WARNING');
  };
  process.on('unhandledRejection', stray('an unhandled promise rejection'));
  process.on('uncaughtException', stray('an uncaught exception'));
  process.once('beforeExit', () => {
    drained = true;
    // The hook ended and nothing is left to run, so no late rejection or throw can come: end
    // now, through the 'exit' handlers below, and skip Node's teardown of the environment and
    // the heap (a process.exit does not free what the process is about to give back anyway).
    // Not when the charm listens to beforeExit itself: its listener may schedule more work.
    if (outcome !== undefined && process.listenerCount('beforeExit') === 0) process.exit(outcome);
  });
  process.on('exit', (code) => {
    if (outcome === undefined) {
      fail(
        drained
          ? `hook ${hook} did not finish: a handler's promise never settled and nothing was left to wait for; nothing was committed`
          : `hook ${hook} did not finish: the process exited (process.exit(${code}) called by a handler?) before the hook committed; nothing was committed`,
      );
    } else if (code !== outcome) {
      log(`hook ${hook}: process.exit(${code}) after the hook ended, ignored`, 'WARNING');
    }
    process.exitCode = outcome;
  });
}

/** Late errors (after the hook ended) reported per process at most. */
const MAX_LATE_REPORTS = 5;

/**
 * Write to stderr, where a write that fails (EPIPE: the unit agent's end is closed) is dropped
 * instead of coming back as an uncaught exception: there is nowhere left to say it.
 */
function writeStderr(text: string): void {
  const stderr = process.stderr;
  if (stderr.listenerCount('error') === 0) stderr.on('error', () => {});
  stderr.write(text);
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The global name `juju-reactive pack` defines (esbuild `define`) to the charm's metadata as a
 * JSON string, so that a packed charm neither reads nor parses metadata.yaml on each hook.
 * Unbundled runs never see it defined.
 */
export const PACKED_METADATA = '__JUJU_REACTIVE_METADATA__';

declare const __JUJU_REACTIVE_METADATA__: string | undefined;

function packedMetadata(): CharmMetadata | undefined {
  return typeof __JUJU_REACTIVE_METADATA__ === 'string'
    ? (JSON.parse(__JUJU_REACTIVE_METADATA__) as CharmMetadata)
    : undefined;
}
