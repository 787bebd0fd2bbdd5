// Charm dirs: load a charm definition from `<dir>/src/charm.ts` for in-process runs, and bundle
// a charm dir for process runs with the packer's bundler (src/pack/bundle.ts). Never runs the
// charm's code itself.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Charm } from '../charm/charm.js';
import { bundleCharmEntry, type CharmBundle } from '../pack/bundle.js';

export { type BundleOptions, bundleCharmEntry, type CharmBundle } from '../pack/bundle.js';
export { libraryModule, libraryPlugin } from '../pack/plugins.js';
export {
  CODE_CACHE_FILE,
  LEGACY_START_FILE,
  MAIN_FILE,
  START_FILE,
} from '../pack/start-file.js';

/** The charm module of a charm dir: `src/charm.ts` (or `.js`/`.mjs`). */
export function charmEntry(charmDir: string): string {
  for (const name of ['src/charm.ts', 'src/charm.mts', 'src/charm.js', 'src/charm.mjs']) {
    const path = resolve(charmDir, name);
    if (existsSync(path)) return path;
  }
  throw new Error(
    `${charmDir} has no src/charm.ts: a charm dir holds metadata.yaml, src/charm.ts exporting ` +
      '`charm` (or a `createCharm()` factory), and dispatch',
  );
}

function pickDefinition(moduleRef: string): string {
  return (
    `const __definition = ${moduleRef}.charm ?? (typeof ${moduleRef}.createCharm === 'function' ? ${moduleRef}.createCharm() : ${moduleRef}.default);\n` +
    'if (__definition === undefined) {\n' +
    "  process.stderr.write('juju-reactive: src/charm.ts exports neither `charm` nor `createCharm()`\\n');\n" +
    '  process.exit(1);\n' +
    '}\n'
  );
}

/**
 * Bundle a charm dir's `src/charm.ts` with an entry that calls `main(charm)` into `outdir`
 * (the unit's `dist/`): `dist/charm.cjs` is the file its `dispatch` runs.
 */
export async function bundleCharm(charmDir: string, outdir: string): Promise<CharmBundle> {
  const entry = charmEntry(charmDir);
  const source =
    "import { main } from 'juju-reactive';\n" +
    `import * as charmModule from ${JSON.stringify(entry)};\n` +
    pickDefinition('charmModule') +
    'await main(__definition);\n';
  // Source maps: a failing handler's stack names the charm's src/<file>.ts:<line>.
  return bundleCharmEntry({
    entry: { contents: source, resolveDir: charmDir },
    outdir,
    sourceMaps: true,
  });
}

function isCharm(value: unknown): value is Charm {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    Array.isArray(v['handlers']) &&
    Array.isArray(v['triggers']) &&
    Array.isArray(v['endpoints']) &&
    Array.isArray(v['layers'])
  );
}

/**
 * Import the charm definition of a charm dir, for in-process runs. Under a TypeScript-aware
 * runner (vitest, tsx) `src/charm.ts` is imported as it is; under plain node it is bundled first.
 */
export async function importCharm(charmDir: string): Promise<Charm> {
  const entry = charmEntry(charmDir);
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_UNKNOWN_FILE_EXTENSION' && code !== 'ERR_MODULE_NOT_FOUND') throw error;
    const dir = mkdtempSync(join(tmpdir(), 'juju-reactive-charm-'));
    try {
      const bundled = await bundleCharmEntry({
        entry: { contents: `export * from ${JSON.stringify(entry)};\n`, resolveDir: charmDir },
        outdir: join(dir, 'dist'),
        kind: 'module',
        sourceMaps: true,
      });
      // The bundle's map is inline; Node reads it at import when source maps are on.
      process.setSourceMapsEnabled(true);
      loaded = (await import(pathToFileURL(bundled.main).href)) as Record<string, unknown>;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const factory = loaded['createCharm'];
  const definition =
    loaded['charm'] ?? (typeof factory === 'function' ? factory() : loaded['default']);
  if (!isCharm(definition)) {
    throw new Error(
      `${entry} must export \`charm\` (a Charm) or \`createCharm()\` returning one; ` +
        'importing it must have no side effects (no main() call)',
    );
  }
  return definition;
}
