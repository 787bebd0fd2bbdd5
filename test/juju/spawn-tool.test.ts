// spawnTool runs a hook tool as child_process.spawnSync would, without loading child_process
// (and node:net with it) into the hook process. Each case runs the same tool both ways and
// expects the same result; the last one runs a hook bundle and lists the builtins it loaded.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LEAN_SPAWN_NODE_MAJORS,
  type SpawnToolOptions,
  spawnTool,
} from '../../src/juju/spawn-tool.js';
import { bundleCharmEntry } from '../../src/testing/charm-dir.js';

const bin = mkdtempSync(join(tmpdir(), 'spawn-tool-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

function tool(name: string, body: string): void {
  const path = join(bin, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

// echo-tool: prints its argv, its stdin and one variable, a line on stderr, exits with $EXIT.
tool(
  'echo-tool',
  'printf "args:%s\\n" "$*"; printf "stdin:"; cat; printf "\\nvar:%s\\n" "$ONLY_VAR"; echo "to stderr" >&2; exit "$EXIT"',
);
tool('hang-tool', 'exec sleep 1000');
tool('chatty-tool', 'exec yes');

const options = (extra: Partial<SpawnToolOptions> = {}): SpawnToolOptions => ({
  env: { PATH: [bin, process.env['PATH']].join(delimiter), ONLY_VAR: 'seen', EXIT: '0' },
  input: '',
  maxBuffer: 1024 * 1024,
  timeoutMs: 10_000,
  ...extra,
});

/** What child_process.spawnSync gives for the same call, in spawnTool's shape. */
function reference(file: string, args: string[], o: SpawnToolOptions) {
  const child = spawnSync(file, args, {
    env: o.env,
    input: o.input,
    encoding: 'utf8',
    maxBuffer: o.maxBuffer,
    timeout: o.timeoutMs,
    killSignal: 'SIGKILL',
  });
  const error = child.error as NodeJS.ErrnoException | undefined;
  return {
    status: child.status,
    signal: child.signal,
    stdout: child.stdout ?? '',
    stderr: child.stderr ?? '',
    ...(error === undefined ? {} : { error: { code: error.code, message: error.message } }),
  };
}

describe('spawnTool gives what child_process.spawnSync gives', () => {
  it('argv, stdin, the whole given environment (nothing else), stdout, stderr and exit code', () => {
    const o = options({ input: 'data on stdin', env: { ...options().env, EXIT: '3' } });
    const run = spawnTool('echo-tool', ['-r', 'cluster:0', 'a b'], o);
    expect(run).toEqual(reference('echo-tool', ['-r', 'cluster:0', 'a b'], o));
    expect(run).toEqual({
      status: 3,
      signal: null,
      stdout: 'args:-r cluster:0 a b\nstdin:data on stdin\nvar:seen\n',
      stderr: 'to stderr\n',
    });
  });

  it('a tool reads end-of-file at once when there is no input', () => {
    const run = spawnTool('echo-tool', [], options());
    expect(run.stdout).toBe('args:\nstdin:\nvar:seen\n');
    expect(run).toEqual(reference('echo-tool', [], options()));
  });

  it('a tool not on PATH: ENOENT, no status', () => {
    const run = spawnTool('no-such-tool', [], options());
    expect(run.error?.code).toBe('ENOENT');
    expect(run.status).toBeNull();
    expect(run).toEqual(reference('no-such-tool', [], options()));
  });

  it('a tool that does not end is killed with SIGKILL at the timeout: ETIMEDOUT', () => {
    const o = options({ timeoutMs: 200 });
    const run = spawnTool('hang-tool', [], o);
    expect(run).toMatchObject({ status: null, signal: 'SIGKILL', error: { code: 'ETIMEDOUT' } });
    expect(run).toEqual(reference('hang-tool', [], o));
  });

  it('a tool that prints more than maxBuffer is stopped: ENOBUFS', () => {
    const run = spawnTool('chatty-tool', [], options({ maxBuffer: 4096 }));
    expect(run).toMatchObject({ status: null, signal: 'SIGKILL', error: { code: 'ENOBUFS' } });
    expect(reference('chatty-tool', [], options({ maxBuffer: 4096 }))).toMatchObject({
      status: null,
      signal: 'SIGKILL',
      error: { code: 'ENOBUFS' },
    });
    expect(run.stdout.length).toBeLessThanOrEqual(4096 + 65536);
  });

  it('a NUL byte in an argument is refused as child_process refuses it', () => {
    expect(() => spawnTool('echo-tool', ['a\0b'], options())).toThrow(
      /must be a string without null bytes/,
    );
  });
});

describe('a hook process', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spawn-tool-hook-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs its hook tools without loading node:child_process or node:net', async () => {
    // A program that calls a hook tool the way ProcessHookTools does, bundled as a hook.
    // It writes with fs.writeSync: process.stdout on a pipe would itself load node:net.
    const entry = `import { writeSync } from 'node:fs';
import { spawnTool } from ${JSON.stringify(
      new URL('../../src/juju/spawn-tool.ts', import.meta.url).pathname,
    )};
const run = spawnTool('echo-tool', ['x'], {
  env: { PATH: process.env.PATH, ONLY_VAR: 'v' }, input: '', maxBuffer: 65536, timeoutMs: 10000,
});
writeSync(1, JSON.stringify({
  stdout: run.stdout,
  loaded: process.moduleLoadList.filter((m) => /^NativeModule (child_process|net)$/.test(m)),
}));
`;
    const bundle = await bundleCharmEntry({
      entry: { contents: entry, resolveDir: dir },
      outdir: join(dir, 'dist'),
    });
    const run = spawnSync(process.execPath, [bundle.start], {
      env: { PATH: [bin, process.env['PATH']].join(delimiter) },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    // On a Node whose binding was checked; on any other, child_process runs the tool.
    const lean = LEAN_SPAWN_NODE_MAJORS.has(Number(process.versions.node.split('.')[0]));
    expect(JSON.parse(run.stdout)).toEqual({
      stdout: 'args:x\nstdin:\nvar:v\n',
      loaded: lean ? [] : expect.arrayContaining(['NativeModule child_process']),
    });

    // Where process.binding would print a deprecation warning, child_process runs the tool.
    const pending = spawnSync(process.execPath, [bundle.start], {
      env: { PATH: [bin, process.env['PATH']].join(delimiter), NODE_PENDING_DEPRECATION: '1' },
      encoding: 'utf8',
    });
    expect(pending.stderr).toBe('');
    expect(JSON.parse(pending.stdout)).toEqual({
      stdout: 'args:x\nstdin:\nvar:v\n',
      loaded: expect.arrayContaining(['NativeModule child_process']),
    });
  });
});
