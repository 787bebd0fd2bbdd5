// Simulator bundles carry source maps: a failing handler's stack names the charm's own
// `src/charm.ts:<line>`, not a line of the bundle, in the hook's ERROR log (which the trace
// records; the timeline shows its first line only).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCharmEntry } from '../../src/pack/bundle.js';
import { Model } from '../../src/testing/index.js';

/** The charm; the handler throws on line THROW_LINE of src/charm.ts. */
const CHARM = `import { Charm } from 'juju-reactive';

export const charm = new Charm();

export function explode(): never {
  throw new Error('the disk is full');
}

charm.hook('install').run(function installPackages() {
  explode();
});
`;
const THROW_LINE = 6;

let root: string;
let charmDir: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'jr-maps-'));
  charmDir = join(root, 'boom');
  mkdirSync(join(charmDir, 'src'), { recursive: true });
  writeFileSync(join(charmDir, 'metadata.yaml'), 'name: boom\nsummary: fails\n');
  writeFileSync(join(charmDir, 'src', 'charm.ts'), CHARM);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('source maps in simulator bundles', () => {
  it('a hook run as a process logs the stack at src/charm.ts:<line> (in the ERROR log the trace records)', async () => {
    const model = new Model({ maxRetries: 0 });
    try {
      await model.deploy('boom', { charmDir, units: 1, processes: true });
      await model.settle();

      expect(model.unit('boom/0').error).toMatchObject({ hook: 'install' });
      const logged = model.trace.flatMap((e) =>
        e.kind === 'log' && e.level === 'ERROR' ? [e.message] : [],
      );
      const at = new RegExp(`src/charm\\.ts:${THROW_LINE}:\\d+`);
      expect(logged.join('\n')).toMatch(at);
      expect(logged.join('\n')).toMatch(/the disk is full/);
    } finally {
      await model.close();
    }
  }, 120_000);

  it('a module bundle (how plain node imports src/charm.ts) maps its stack back too', async () => {
    const outdir = join(root, 'module', 'dist');
    const bundle = await bundleCharmEntry({
      entry: { contents: "export * from './src/charm.ts';\n", resolveDir: charmDir },
      outdir,
      kind: 'module',
      sourceMaps: true,
    });
    expect(readFileSync(bundle.main, 'utf8')).toMatch(
      /\/\/# sourceMappingURL=data:application\/json;base64,/,
    );
    process.setSourceMapsEnabled(true);
    const loaded = (await import(pathToFileURL(bundle.main).href)) as { explode: () => never };

    let stack = '';
    try {
      loaded.explode();
    } catch (error) {
      stack = (error as Error).stack ?? '';
    }
    expect(stack).toMatch(new RegExp(`src/charm\\.ts:${THROW_LINE}:\\d+`));
  });
});
