// A hook bundle made from inline source, as `pack` makes one (minified), and run as a unit agent
// runs a hook (a fresh node, an empty environment): for tests of what a bundle does at run time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleCharmEntry } from '../../src/testing/charm-dir.js';

export interface InlineBundle {
  /** The bundle's start file. */
  readonly start: string;
  /** Remove the bundle's temp dir. */
  remove(): void;
}

/**
 * Bundle `contents` in a new temp dir named after `prefix`. Imports resolve from `resolveDir`
 * (default the temp dir: builtins only).
 */
export async function inlineBundle(
  prefix: string,
  contents: string,
  resolveDir?: string,
): Promise<InlineBundle> {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  try {
    const { start } = await bundleCharmEntry({
      entry: { contents, resolveDir: resolveDir ?? dir },
      outdir: join(dir, 'dist'),
      minify: true,
    });
    return { start, remove: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Run a bundle's start file with an empty environment: its stderr and its stdout as JSON. */
export function runBundle(start: string, args: readonly string[] = []) {
  const run = spawnSync(process.execPath, [start, ...args], { encoding: 'utf8', env: {} });
  return { stderr: run.stderr, out: JSON.parse(run.stdout) as unknown };
}
