// main(): the entry point of a charm process under a Juju unit agent. Reads the hook context
// from the environment, runs the hook with the process hook tools and the file state store,
// and sets the exit code. Outside Juju it prints one clear message instead of a stack trace.
import { readHookContext } from '../juju/hook-context.js';
import { type CharmMetadata, readMetadata } from '../juju/metadata.js';
import { ProcessHookTools } from '../juju/process-hook-tools.js';
import { Redactor } from '../juju/redact.js';
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
  });
  process.exitCode = result.exitCode;
  return result;
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
