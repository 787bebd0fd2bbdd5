// In a hook bundle an Err of ts-results-es formats where it was made only when that is read:
// a hook that makes no Err formats no stack (the module's own Err.EMPTY cost every hook ~1 ms),
// and what unwrap() and .stack say is unchanged.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lazyErrStack } from '../../src/pack/lazy-err-stack.js';
import { bundleCharmEntry } from '../../src/testing/charm-dir.js';

const ENTRY = `import { writeSync } from 'node:fs';
import { Err, Ok } from 'ts-results-es';
let formatted = 0;
Error.prepareStackTrace = (error, frames) => {
  formatted++;
  return [String(error), ...frames.map((f) => '    at ' + f)].join('\\n');
};
const out = { atImport: formatted };
function makeTheErr() {
  return Err('boom');
}
const err = makeTheErr();
Ok(1);
out.afterMaking = formatted;
out.stackNamesMaker = err.stack.includes('makeTheErr');
out.afterReading = formatted;
try {
  err.unwrap();
} catch (e) {
  out.unwrapNamesMaker = e.message.includes('Tried to unwrap Error: boom') && e.message.includes('makeTheErr');
}
out.ownKeys = Object.keys(err).sort();
writeSync(1, JSON.stringify(out));
`;

let dir: string;
let start: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lazy-err-stack-'));
  start = (
    await bundleCharmEntry({
      // Resolved from this repository, where ts-results-es is installed.
      entry: { contents: ENTRY, resolveDir: fileURLToPath(new URL('../..', import.meta.url)) },
      outdir: join(dir, 'dist'),
      minify: true,
    })
  ).start;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ts-results-es in a hook bundle', () => {
  it('applies to the installed ts-results-es (both builds): a new version must be checked again', () => {
    // The CommonJS entry is dist/cjs/index.js.
    const require = createRequire(import.meta.url);
    const root = dirname(dirname(dirname(require.resolve('ts-results-es'))));
    for (const build of ['esm', 'cjs']) {
      const source = readFileSync(join(root, 'dist', build, 'result.js'), 'utf8');
      expect(lazyErrStack(source), build).toContain("Object.defineProperty(this, '_stack'");
    }
    expect(lazyErrStack('var x = 1;')).toBeUndefined();
  });

  it('formats no stack until one is read; then .stack and unwrap() name where the Err was made', () => {
    const run = spawnSync(process.execPath, [start], { encoding: 'utf8', env: {} });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      atImport: 0,
      afterMaking: 0,
      stackNamesMaker: true,
      afterReading: 1,
      unwrapNamesMaker: true,
      ownKeys: ['_stack', 'error'],
    });
  });
});
