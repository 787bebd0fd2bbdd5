// The one bundler of this project (esbuild): turns a charm entry into the bundle dir (a charm's
// dist/) that its dispatch runs. `juju-reactive pack`, the simulator's process mode and the
// process tests use it. Writes only inside the bundle dir it is given.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { Script } from 'node:vm';
import { PACKED_METADATA } from '../charm/main.js';
import type { CharmMetadata } from '../juju/metadata.js';
import { writePackedCodeCache } from './code-cache.js';
import { type Chunk, dependenciesPlugin, hookPlugin, libraryPlugin } from './plugins.js';
import {
  bundleId,
  CHUNKS,
  LEGACY_START,
  LEGACY_START_FILE,
  MAIN_FILE,
  START_FILE,
  startSource,
} from './start-file.js';

/** `import.meta` as a CommonJS script has it. */
const IMPORT_META: Readonly<Record<string, string>> = {
  'import.meta.url': '__jrImportMeta.url',
  'import.meta.filename': '__filename',
  'import.meta.dirname': '__dirname',
};

/**
 * Turn esbuild's ES-module output (no import or export statements left) into a CommonJS script:
 * the body runs in an async function, so a top-level `await main(charm)` keeps working, and a
 * rejection fails the process as an unhandled rejection (exit 1, error on stderr), as it would.
 */
function asCommonJs(output: string, file: string): { script: string; shift: number } {
  const shebang = output.startsWith('#!');
  const esm = shebang ? output.slice(output.indexOf('\n') + 1) : output;
  // Worked out on first read: pathToFileURL costs a hook start about 0.5 ms.
  const meta = esm.includes('__jrImportMeta')
    ? 'const __jrImportMeta = { get url() { return require("node:url").pathToFileURL(__filename).href; } };\n'
    : '';
  const head = `"use strict";\n${meta}(async () => {\n`;
  const script = `${head}${esm}\n})();\n`;
  try {
    new Script(script, { filename: file });
  } catch (error) {
    throw new Error(
      `the charm entry cannot run as a CommonJS hook bundle (${(error as Error).message}); ` +
        'it may use import.meta beyond url, filename and dirname',
    );
  }
  return { script, shift: head.split('\n').length - 1 - (shebang ? 1 : 0) };
}

/**
 * esbuild's source map of the bundled entry, moved by `shift` lines (the CommonJS wrapper's):
 * each `;` in `mappings` starts a generated line.
 */
function shiftSourceMap(mapText: string, shift: number): string {
  const map = JSON.parse(mapText) as { mappings: string; file?: string };
  map.mappings =
    shift >= 0 ? ';'.repeat(shift) + map.mappings : map.mappings.split(';').slice(-shift).join(';');
  map.file = MAIN_FILE;
  return JSON.stringify(map);
}

export interface BundleOptions {
  /** The entry module: a file, or source text whose imports resolve from `resolveDir`. */
  readonly entry: string | { readonly contents: string; readonly resolveDir: string };
  /** The bundle dir (a charm's `dist/`), replaced whole. */
  readonly outdir: string;
  /**
   * `hook` (default): the entry is a program (it calls `main(charm)`): START_FILE checks Node,
   * then runs MAIN_FILE, a CommonJS script; packages it imports dynamically go to chunks/.
   * `module`: the entry's exports, as an ES module `main.mjs` (for importing it).
   */
  readonly kind?: 'hook' | 'module';
  /** Metadata to embed: `main()` then reads no metadata.yaml on each hook. */
  readonly metadata?: CharmMetadata;
  /** Minify (names are kept: handler ids derive from function names). */
  readonly minify?: boolean;
  /**
   * Carry source maps, so that a failing handler's stack shows `src/<file>.ts:<line>` (the
   * simulator's bundles). A hook bundle gets `main.cjs.map`, read by its start file only when a
   * stack is formatted; a module bundle has its map inline.
   */
  readonly sourceMaps?: boolean;
  /**
   * A hook bundle's code cache (PACKED_CODE_CACHE_FILE, every function compiled): made by this
   * Node (the default: the Node that packs), by the Node at the path given (the one the hooks
   * will run), or not made (`false`). A unit whose Node is another one finds it rejected by V8
   * and learns a cache of its own, as it does without one.
   */
  readonly codeCache?: string | false;
}

/** What {@link bundleCharm} (or `bundleCharmEntry`) wrote. */
export interface CharmBundle {
  /** The file to run: `<outdir>/charm.cjs` (for `module`, the module). */
  readonly start: string;
  /** The bundled entry: `<outdir>/main.cjs` (for `module`, `main.mjs`). */
  readonly main: string;
  /** Every file written, relative to `outdir`, sorted, with its size in bytes. */
  readonly files: readonly {
    /** The file's path, relative to `outdir`. */
    readonly path: string;
    /** Its size in bytes. */
    readonly bytes: number;
  }[];
}

/**
 * Bundle a charm entry for Node 20, self-contained (no node_modules at run time):
 * `juju-reactive[/…]` resolves to this library, every dependency is inside. The one bundler of
 * this project: `juju-reactive pack`, the simulator's process mode and the process tests use it.
 * A hook bundle is what a unit starts on every hook, so it is built to start fast: CommonJS,
 * minified, code that a hook may not need (yaml, a database driver) in files of its own.
 * @example
 * await bundleCharmEntry({ entry: 'src/main.ts', outdir: 'build/dist', minify: true });
 */
export async function bundleCharmEntry(options: BundleOptions): Promise<CharmBundle> {
  const { build } = await import('esbuild');
  const outdir = resolve(options.outdir);
  for (const name of ['metadata.yaml', 'charmcraft.yaml', 'src', '.git']) {
    if (existsSync(join(outdir, name))) {
      throw new Error(
        `refusing to replace ${outdir}: it holds ${name}, so it is not a bundle dir; bundle into the charm's dist/ instead`,
      );
    }
  }
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const hook = (options.kind ?? 'hook') === 'hook';
  const entry = options.entry;
  const minify = options.minify ? { minify: true, keepNames: true } : {};
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    legalComments: 'none',
    logLevel: 'silent',
    ...minify,
  } as const;
  const entryOptions =
    typeof entry === 'string'
      ? { entryPoints: [entry] }
      : {
          stdin: {
            contents: entry.contents,
            resolveDir: entry.resolveDir,
            sourcefile: 'juju-reactive-entry.ts',
            loader: 'ts' as const,
          },
        };
  const define: Record<string, string> = {};
  if (options.metadata !== undefined) {
    define[PACKED_METADATA] = JSON.stringify(JSON.stringify(options.metadata));
  }

  if (!hook) {
    await build({
      ...common,
      ...entryOptions,
      ...(typeof entry === 'string' ? { entryPoints: { main: entry } } : { entryNames: 'main' }),
      format: 'esm',
      splitting: true,
      outdir,
      outExtension: { '.js': '.mjs' },
      chunkNames: `${CHUNKS}/[name]-[hash]`,
      ...(options.sourceMaps ? { sourcemap: 'inline' as const, sourcesContent: false } : {}),
      plugins: [libraryPlugin, dependenciesPlugin],
      banner: {
        js: "import { createRequire as __jrCreateRequire } from 'node:module'; const require = __jrCreateRequire(import.meta.url);",
      },
      define,
    });
    const main = join(outdir, 'main.mjs');
    return { start: main, main, files: listFiles(outdir) };
  }

  const chunks = new Map<string, Chunk>();
  const result = await build({
    ...common,
    ...entryOptions,
    format: 'esm',
    write: false,
    outfile: join(outdir, MAIN_FILE),
    ...(options.sourceMaps ? { sourcemap: 'external' as const, sourcesContent: false } : {}),
    plugins: [libraryPlugin, dependenciesPlugin, hookPlugin(chunks)],
    define: { ...define, ...IMPORT_META },
    metafile: true,
  });
  const output = Object.values(result.metafile.outputs)[0];
  const stray = output?.imports.filter((i) => !i.external || i.kind !== 'require-call') ?? [];
  if (output === undefined || output.exports.length > 0 || stray.length > 0) {
    throw new Error(
      'a hook entry is a program: it must export nothing, and every import must be bundled' +
        (stray.length > 0 ? ` (left: ${stray.map((i) => i.path).join(', ')})` : ''),
    );
  }
  const main = join(outdir, MAIN_FILE);
  const code = result.outputFiles?.find((f) => !f.path.endsWith('.map'));
  const { script, shift } = asCommonJs(code?.text ?? '', main);
  const map = result.outputFiles?.find((f) => f.path.endsWith('.map'));
  if (map === undefined) {
    writeFileSync(main, script);
  } else {
    writeFileSync(`${main}.map`, shiftSourceMap(map.text, shift));
    writeFileSync(main, `${script}//# sourceMappingURL=${MAIN_FILE}.map\n`);
  }
  for (const chunk of chunks.values()) {
    await build({
      ...common,
      stdin: {
        contents: `module.exports = require(${JSON.stringify(chunk.specifier)});`,
        resolveDir: chunk.resolveDir,
        loader: 'js',
      },
      format: 'cjs',
      outfile: join(outdir, CHUNKS, chunk.file),
      plugins: [dependenciesPlugin],
    });
  }
  const start = join(outdir, START_FILE);
  const id = bundleId(readFileSync(main, 'utf8'));
  writeFileSync(start, startSource(id, options.metadata?.name, options.sourceMaps === true));
  if (options.codeCache !== false)
    writePackedCodeCache(outdir, options.codeCache ?? process.execPath);
  writeFileSync(join(outdir, LEGACY_START_FILE), LEGACY_START);
  return { start, main, files: listFiles(outdir) };
}

/** Files under `dir`, relative, sorted, with sizes. */
export function listFiles(dir: string): { path: string; bytes: number }[] {
  const out: { path: string; bytes: number }[] = [];
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const path = sub === '' ? entry.name : join(sub, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push({ path, bytes: statSync(join(dir, path)).size });
    }
  };
  walk('');
  return out.sort((a, b) => a.path.localeCompare(b.path));
}
