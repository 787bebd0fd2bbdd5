// In a hook bundle an Err of ts-results-es formats where it was made only when that is read:
// a hook that makes no Err formats no stack (the module's own Err.EMPTY cost every hook ~1 ms),
// and what unwrap() and .stack say is unchanged.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lazyErrStack } from '../../src/pack/lazy-err-stack.js';
import { type InlineBundle, inlineBundle, runBundle } from './inline-bundle.js';

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

let bundle: InlineBundle;
beforeAll(async () => {
  // Resolved from this repository, where ts-results-es is installed.
  bundle = await inlineBundle(
    'lazy-err-stack',
    ENTRY,
    fileURLToPath(new URL('../..', import.meta.url)),
  );
});
afterAll(() => bundle.remove());

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
    const run = runBundle(bundle.start);
    expect(run.stderr).toBe('');
    expect(run.out).toEqual({
      atImport: 0,
      afterMaking: 0,
      stackNamesMaker: true,
      afterReading: 1,
      unwrapNamesMaker: true,
      ownKeys: ['_stack', 'error'],
    });
  });
});
