// Charm dirs: load a charm definition from `<dir>/src/charm.ts` for in-process runs, and
// bundle it with a generated `main()` entry (esbuild) for process runs. `juju-reactive`
// imports resolve to this copy of the library. Never runs the charm's code itself.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import type { Charm } from '../charm/charm.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const LIBRARY_ROOT = resolve(HERE, '../..');

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

/** This library's module for an import specifier (`juju-reactive`, `juju-reactive/testing`, …). */
export function libraryModule(specifier: string): string {
  const sub = specifier.slice('juju-reactive'.length).replace(/^\//, '');
  const base =
    sub === ''
      ? 'src/index'
      : sub === 'testing'
        ? 'src/testing/index'
        : sub.startsWith('interfaces/')
          ? `${sub}/index`
          : `src/${sub}`;
  for (const ext of ['.ts', '.js']) {
    const path = join(LIBRARY_ROOT, base + ext);
    if (existsSync(path)) return path;
  }
  throw new Error(`cannot resolve ${specifier}: no ${base}.ts or .js under ${LIBRARY_ROOT}`);
}

/** esbuild plugin: `juju-reactive[/…]` resolves to this copy of the library. */
export const libraryPlugin: Plugin = {
  name: 'juju-reactive-library',
  setup(build) {
    build.onResolve({ filter: /^juju-reactive(\/.*)?$/ }, (args) => ({
      path: libraryModule(args.path),
    }));
  },
};

const REQUIRE_SHIM =
  "import { createRequire as __jrCreateRequire } from 'node:module'; const require = __jrCreateRequire(import.meta.url);";

/** Bundle `entrySource` (resolved from `resolveDir`) into one ESM file for node. */
async function bundle(entrySource: string, resolveDir: string, outfile: string): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    stdin: {
      contents: entrySource,
      resolveDir,
      sourcefile: 'juju-reactive-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    plugins: [libraryPlugin],
    banner: { js: REQUIRE_SHIM },
    logLevel: 'error',
  });
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
 * Bundle a charm dir's `src/charm.ts` with an entry that calls `main(charm)`: the file its
 * `dispatch` runs (`dist/charm.mjs` by convention).
 */
export async function bundleCharm(charmDir: string, outfile: string): Promise<void> {
  const entry = charmEntry(charmDir);
  const source =
    "import { main } from 'juju-reactive';\n" +
    `import * as charmModule from ${JSON.stringify(entry)};\n` +
    pickDefinition('charmModule') +
    'await main(__definition);\n';
  await bundle(source, charmDir, outfile);
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
      const out = join(dir, 'charm.mjs');
      await bundle(`export * from ${JSON.stringify(entry)};\n`, charmDir, out);
      loaded = (await import(pathToFileURL(out).href)) as Record<string, unknown>;
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
