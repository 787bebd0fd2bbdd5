// Builders for running one hook in a test: a HookContext and metadata with sensible
// defaults, and runHook wired to a StubHookTools and a MemoryStateStore.
import { Charm } from '../../src/charm/charm.js';
import { type HookResult, runHook } from '../../src/charm/run-hook.js';
import type { HookContext } from '../../src/juju/hook-context.js';
import type { CharmMetadata } from '../../src/juju/metadata.js';
import { RuntimeEvents } from '../../src/reactive/events.js';
import { MemoryStateStore } from '../../src/state/memory-store.js';
import { StubHookTools } from './stub-tools.js';

export function hookContext(partial: Partial<HookContext> = {}): HookContext {
  const unitName = partial.unitName ?? 'mysql/0';
  return {
    unitName,
    applicationName: unitName.split('/')[0] ?? 'mysql',
    unitNumber: Number(unitName.split('/')[1] ?? 0),
    hookName: 'update-status',
    charmDir: '/nonexistent-charm-dir',
    ...partial,
  };
}

export function peerMetadata(endpoint = 'cluster', iface = 'mysql-innodb-cluster'): CharmMetadata {
  return { name: 'mysql', endpoints: [{ name: endpoint, role: 'peers', interface: iface }] };
}

export interface HookHarness {
  readonly tools: StubHookTools;
  readonly store: MemoryStateStore;
  readonly events: RuntimeEvents;
  /** Run one hook; context fields default to update-status on mysql/0. */
  run(hook: Partial<HookContext> & { hookName: string }): Promise<HookResult>;
}

/** One unit: the charm, its stub world and state store, persisted across run() calls. */
export function hookHarness(
  charm: Charm,
  options: { tools?: StubHookTools; metadata?: CharmMetadata } = {},
): HookHarness {
  const tools = options.tools ?? new StubHookTools();
  const store = new MemoryStateStore();
  const events = new RuntimeEvents();
  return {
    tools,
    store,
    events,
    run: (hook) =>
      runHook({
        charm,
        context: hookContext({ unitName: tools.world.unit, ...hook }),
        metadata: options.metadata ?? { name: 'test', endpoints: [] },
        tools,
        store,
        events,
      }),
  };
}

export { Charm };

/** Run the `juju-reactive` command in process and capture what it printed. */
export async function runCliCaptured(
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  // Loaded on use: the CLI pulls in esbuild, which most suites never need.
  const { runCli } = await import('../../src/cli/main.js');
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return { code, stdout, stderr };
}
