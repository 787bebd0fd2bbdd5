// The shared set-up of the ProcessHookTools tests (process-hook-tools*.test.ts): the
// simulator's own hook tools on a worker thread (ToolHostThread: they answer while the test's
// thread blocks in spawnSync), over a mysql peer cluster related to a router application.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Result } from 'ts-results-es';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { HookToolError } from '../../src/juju/hook-tool-error.js';
import type { CharmMetadata } from '../../src/juju/metadata.js';
import { type HookToolCall, ProcessHookTools } from '../../src/juju/process-hook-tools.js';
import { Redactor } from '../../src/juju/redact.js';
import type { OpenHook } from '../../src/testing/process/tool-host.js';
import { ToolHostThread } from '../../src/testing/process/tool-host-thread.js';

// A three-unit mysql peer cluster, mysql/0 leading, related to a one-unit router application.
const mysql = {
  name: 'mysql',
  endpoints: [
    { name: 'cluster', role: 'peers', interface: 'mysql-innodb-cluster' },
    { name: 'db-router', role: 'provides', interface: 'mysql-router' },
  ],
} as CharmMetadata;
const router = {
  name: 'router',
  endpoints: [{ name: 'db-router', role: 'requires', interface: 'mysql-router' }],
} as CharmMetadata;

export let host: ToolHostThread;
export let cluster = '';
export let dbRouter = '';
/** A temp dir of this file's (spy wrappers), made before all tests and removed after. */
let scratch = '';

export let open: OpenHook | undefined;
const faulted = new Set<string>();
/** host.failTool, cleared after the test. */
export const fail = async (
  tool: string,
  fault: { exitCode: number; stdout?: string; stderr?: string },
) => {
  faulted.add(tool);
  await host.failTool(tool, fault);
};

export interface Setup {
  tools: ProcessHookTools;
  hook: OpenHook;
  redactor: Redactor;
  reported: HookToolCall[];
}

/** Open a hook on `unit` (mysql/0, the leader, by default) and tools that call into it. */
export const setup = async (
  unit = 'mysql/0',
  env: Readonly<Record<string, string>> = {},
): Promise<Setup> => {
  const hook = await host.openHook(unit, { hook: 'update-status' });
  open = hook;
  await host.clearCalls();
  const redactor = new Redactor();
  const reported: HookToolCall[] = [];
  const tools = new ProcessHookTools({
    env: { ...hook.env, ...env },
    redactor,
    onCall: (call) => reported.push(call),
  });
  return { tools, hook, redactor, reported };
};

/** End the open hook as a hook exiting 0 does: its writes commit to the model. */
export const commit = async (): Promise<void> => {
  const hook = open;
  open = undefined;
  if (hook !== undefined) await host.endHook(hook.contextId);
};

export const argv = async () => (await host.calls()).map((c) => [c.tool, ...c.args]);

export const errorOf = (result: Result<unknown, HookToolError>): HookToolError => {
  if (result.isOk()) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
};

/**
 * Put a wrapper for `tool` first on PATH that logs the octal mode of its `--file` argument,
 * then runs the real tool: what the tool saw of ProcessHookTools' temp file.
 */
export const spyFileMode = (
  hook: OpenHook,
  tool: string,
): { env: Record<string, string>; modes: () => string[] } => {
  const dir = mkdtempSync(join(scratch, 'spy-'));
  const log = join(dir, 'modes');
  const real = join((hook.env['PATH'] ?? '').split(delimiter)[0] ?? '', tool);
  const script = `#!/bin/sh\nprev=\nfor a in "$@"; do [ "$prev" = --file ] && stat -c %a "$a" >> '${log}'; prev=$a; done\nexec '${real}' "$@"\n`;
  writeFileSync(join(dir, tool), script);
  chmodSync(join(dir, tool), 0o755);
  writeFileSync(log, '');
  return {
    env: { PATH: [dir, hook.env['PATH'] ?? ''].join(delimiter) },
    modes: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
  };
};

/**
 * Register this file's hooks: start the host and model before all tests, stop them after, and
 * after each test clear faults and drop the hook a test left open.
 */
export function useMysqlCluster(): void {
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'jr-process-hook-tools-'));
    host = await ToolHostThread.start();
    await host.deploy('mysql', mysql, {
      units: 3,
      configOptions: {
        'cluster-name': { type: 'string' },
        'max-connections': { type: 'int' },
        debug: { type: 'boolean' },
      },
      config: { 'cluster-name': 'c1', 'max-connections': 600, debug: false },
    });
    await host.deploy('router', router, { units: 1 });
    dbRouter = await host.model('relate', 'mysql:db-router', 'router:db-router');
    await host.model('settle');
    cluster = (await host.model('relationIds', 'mysql', 'cluster'))[0] ?? '';
    await host.model('setRelationData', 'mysql/2', cluster, { 'cluster-address': '10.0.0.2' });
    await host.model('setRelationData', 'mysql/1', cluster, { 'cluster-address': '10.0.0.1' });
    await host.model('setRelationData', 'mysql', cluster, { 'cluster-name': 'jujuCluster' });
    await host.model('setRelationData', 'router/0', dbRouter, { username: 'keystone' });
    await host.model('setRelationData', 'router', dbRouter, { prefix: 'ks' });
    await host.model('settle');
  }, 60_000);
  afterAll(async () => {
    await host?.close();
    if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
  });
  afterEach(async () => {
    for (const tool of faulted) await host.failTool(tool, undefined);
    faulted.clear();
    if (open !== undefined) await host.endHook(open.contextId, 'test over');
    open = undefined;
  });
}
