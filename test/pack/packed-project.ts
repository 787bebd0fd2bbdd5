// The library as a charm author gets it, made once per test file: `npm pack` this repository
// into a temp workspace, then a project made there by `juju-reactive init` with the tarball as
// its juju-reactive dependency, installed with npm. Shared by test/pack/consumer.test.ts and the
// docs test (test/docs/docs.test.ts), so both try exactly what a new user has.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCliCaptured } from '../helpers/hook.js';

/** The root of this repository. */
export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** The library's version, as package.json says. */
export const VERSION: string = (
  JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }
).version;

/** The environment for npm and the project's own tools: this test runner's settings removed. */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !/^(VITEST|NODE_OPTIONS$|NODE_ENV$|TEST$|npm_lifecycle_|npm_package_|npm_config_(prefix|global)$)/.test(
          key,
        ),
    ),
  );
}

/** Run a command in `cwd` with {@link cleanEnv}; its stdout, or an error with both outputs. */
export function run(command: string, args: readonly string[], cwd: string): string {
  const result = spawnSync(command, [...args], {
    cwd,
    env: cleanEnv(),
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} in ${cwd} exited ${result.status}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/**
 * `npm pack` rebuilds dist/ in the repository (prepack): test files that pack run one at a
 * time, or one would delete the dist/ the other is packing.
 */
function withPackLock<T>(fn: () => T): T {
  const lock = join(
    tmpdir(),
    `juju-reactive-pack-${createHash('sha256').update(REPO).digest('hex').slice(0, 12)}.lock`,
  );
  const deadline = Date.now() + 900_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock older than any pack is left by a killed run.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 900_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited 15 min for ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A packed library and a project installed from it. */
export interface PackedProject {
  /** The temp workspace: holds the tarball and the project. Remove it when done. */
  readonly root: string;
  /** `<root>/juju-reactive-<version>.tgz`. */
  readonly tarball: string;
  /** The paths `npm pack` put into the tarball. */
  readonly packedFiles: readonly string[];
  /** `<root>/<name>`: made by `juju-reactive init <name> --library file:../<tarball>`, installed. */
  readonly project: string;
}

/**
 * Pack this repository and make an installed project from the tarball, as getting-started.md
 * tells a new user to (slow: a build, an npm install). `prefix` names the temp workspace.
 */
export async function packedProject(prefix: string, name = 'hello'): Promise<PackedProject> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const packed = JSON.parse(
    withPackLock(() => run('npm', ['pack', '--json', '--pack-destination', root], REPO)).replace(
      /^[^[]*/,
      '',
    ),
  ) as { filename: string; files: { path: string }[] }[];
  const filename = packed[0]?.filename ?? 'missing.tgz';
  const project = join(root, name);
  // The dependency is relative to the project's package.json, as getting-started.md writes it.
  const init = await runCliCaptured('init', project, '--library', `file:../${filename}`);
  if (init.code !== 0) throw new Error(init.stderr);
  run('npm', ['install', '--no-audit', '--no-fund'], project);
  return {
    root,
    tarball: join(root, filename),
    packedFiles: packed[0]?.files.map((f) => f.path) ?? [],
    project,
  };
}
