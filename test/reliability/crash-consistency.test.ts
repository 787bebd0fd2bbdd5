// SIGKILL a process that keeps rewriting the unit state file, at random points, many times:
// the file must always load, and hold one whole snapshot, never a mix or a fragment.
// Runs: JR_CRASH_RUNS (default 500).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStateStore } from '../../src/state/file-store.js';
import { mulberry32 } from '../../src/testing/random.js';

const RUNS = Number(process.env.JR_CRASH_RUNS ?? 500);
const dir = mkdtempSync(join(tmpdir(), 'jr-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function killAfter(script: string, path: string, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.once('error', reject);
    child.once('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited on its own (${signal})`)),
    );
  });
}

describe('crash consistency of the file state store', () => {
  it(`always holds one whole snapshot after ${RUNS} SIGKILLs at random points`, async () => {
    const script = join(dir, 'writer.mjs');
    buildSync({
      entryPoints: [fileURLToPath(new URL('./crash-writer.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: script,
      logLevel: 'silent',
    });
    const path = join(dir, 'state.json');
    const random = mulberry32(Number(process.env.JR_CRASH_SEED ?? 20261121));
    const seen = { a: 0, b: 0, empty: 0 };
    const inconsistent: string[] = [];
    const temps = () => readdirSync(dir).filter((f) => f.includes('.tmp-')).length;
    let midWrite = 0;
    let leftovers = 0;
    for (let run = 0; run < RUNS; run++) {
      await killAfter(script, path, Math.floor(random() * 25));
      // A temp file here is a kill that landed in the middle of a write.
      if (temps() > 0) midWrite++;
      try {
        const loaded = new FileStateStore(path).load();
        // load() removes the temp file of a writer that is gone.
        leftovers += temps();
        const tag = loaded.data.tag;
        if (loaded.flags.length === 0) seen.empty++;
        else if (
          (tag === 'a' || tag === 'b') &&
          loaded.flags[0] === `tag.${tag}` &&
          loaded.data.payload === tag.repeat(200_000)
        )
          seen[tag]++;
        else inconsistent.push(`run ${run}: mixed snapshot`);
      } catch (error) {
        inconsistent.push(`run ${run}: ${(error as Error).message}`);
      }
    }
    console.log(
      `crash consistency: ${RUNS} runs killed, ${inconsistent.length} inconsistent, final states a=${seen.a} b=${seen.b} empty=${seen.empty}, ${midWrite} killed mid-write, ${leftovers} temp files left after the next load`,
    );
    expect(inconsistent).toEqual([]);
    // The kills must land both before and after commits, or the test proves nothing.
    expect(seen.a + seen.b).toBeGreaterThan(RUNS / 4);
    expect(midWrite).toBeGreaterThan(RUNS / 10);
    expect(leftovers).toBe(0);
  }, 600_000);
});
