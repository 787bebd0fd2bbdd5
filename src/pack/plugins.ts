// esbuild plugins of the one bundler: `juju-reactive[/…]` resolves to this copy of the library,
// yaml is loaded on first use, builtins are required, dynamically imported packages go to
// chunks/ files of their own. Resolution rules only; never writes a file.
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { lazyErrStack, TS_RESULTS_RESULT_FILE } from './lazy-err-stack.js';
import { CHUNKS } from './start-file.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The root this library's modules resolve from: the repository, or the package's dist/. */
const LIBRARY_ROOT = resolve(HERE, '../..');

/** This library's module for an import specifier (`juju-reactive`, `juju-reactive/testing`, …). */
export function libraryModule(specifier: string): string {
  const sub = specifier.slice('juju-reactive'.length).replace(/^\//, '');
  // The package's subpath exports: `.` is src/index; a folder (testing, client, interfaces/x)
  // is its index module; anything else (zod) a module of src/.
  const bases =
    sub === ''
      ? ['src/index']
      : sub.startsWith('interfaces/')
        ? [`${sub}/index`]
        : [`src/${sub}/index`, `src/${sub}`];
  for (const base of bases) {
    for (const ext of ['.ts', '.js']) {
      const path = join(LIBRARY_ROOT, base + ext);
      if (existsSync(path)) return path;
    }
  }
  const base = bases.join(' or ');
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

/**
 * Packages whose CommonJS build (what Node's `node` export condition selects) has an ES-module
 * build in the same package, which esbuild can scope-hoist: cheaper to load on every hook.
 */
const ESM_BUILDS: Readonly<Record<string, string>> = { yaml: 'browser/index.js' };

/**
 * What this library imports from yaml, served from a file of its own loaded on first use: the
 * library reads YAML files only off the hook path (a packed charm carries its metadata), and
 * yaml's code alone costs a hook about 6 ms to parse. A new yaml import in src/ fails the
 * bundle ("No matching export"): add it here.
 */
const LAZY_YAML = `let yaml;
const load = () => (yaml ??= require('yaml'));
export const parseDocument = (...args) => load().parseDocument(...args);
export const parse = (...args) => load().parse(...args);
export const stringify = (...args) => load().stringify(...args);
`;

const LIBRARY_SOURCES = join(LIBRARY_ROOT, 'src') + sep;
const NS_LAZY_YAML = 'juju-reactive-lazy-yaml';
const NS_BUILTIN = 'juju-reactive-builtin';
const NS_CHUNK = 'juju-reactive-chunk';
const BUILTINS = new Set(builtinModules);

const isBuiltin = (path: string) => BUILTINS.has(path.replace(/^node:/, ''));
const isBarePackage = (path: string) =>
  !path.startsWith('.') &&
  !isAbsolute(path) &&
  !isBuiltin(path) &&
  !/^juju-reactive(\/|$)/.test(path);

/** `mysql2/promise` -> `mysql2-promise.cjs`. */
const chunkName = (specifier: string) =>
  `${specifier.replace(/^@/, '').replace(/[^A-Za-z0-9._-]+/g, '-')}.cjs`;

/**
 * esbuild plugin: the library's own `yaml` import goes through LAZY_YAML; every other import
 * of an ESM_BUILDS package resolves to its ES-module build when present.
 */
export const dependenciesPlugin: Plugin = {
  name: 'juju-reactive-dependencies',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(ESM_BUILDS).join('|')})$`);
    build.onResolve({ filter }, async (args) => {
      if (args.pluginData === NS_LAZY_YAML || args.namespace === NS_LAZY_YAML) return undefined;
      if (
        args.path === 'yaml' &&
        args.kind === 'import-statement' &&
        args.importer.startsWith(LIBRARY_SOURCES) &&
        !args.importer.slice(LIBRARY_SOURCES.length).includes(`${sep}node_modules${sep}`)
      ) {
        return { path: 'yaml', namespace: NS_LAZY_YAML };
      }
      const manifest = await build.resolve(`${args.path}/package.json`, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: NS_LAZY_YAML,
      });
      const esm = ESM_BUILDS[args.path];
      if (manifest.errors.length > 0 || esm === undefined) return undefined;
      const path = join(dirname(manifest.path), esm);
      return existsSync(path) ? { path } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: NS_LAZY_YAML }, () => ({
      contents: LAZY_YAML,
      loader: 'js',
      resolveDir: LIBRARY_ROOT,
    }));
  },
};

/** A package a hook bundle loads on first use, from `chunks/<file>`. */
export interface Chunk {
  readonly specifier: string;
  readonly resolveDir: string;
  readonly file: string;
}

/**
 * Builtins whose module is a plain object of functions that do not use `this`: an ES-module
 * import of one reads it through a prototype (see {@link builtinShim}).
 */
const PLAIN_BUILTINS: ReadonlySet<string> = new Set([
  'child_process',
  'crypto',
  'dns',
  'fs',
  'fs/promises',
  'net',
  'os',
  'path',
  'querystring',
  'string_decoder',
  'url',
  'util',
  'v8',
  'vm',
  'zlib',
]);

/**
 * PLAIN_BUILTINS that Node has not loaded by the time a hook bundle starts (Node 20 and 22 load
 * fs, path, url, util and querystring while starting up): loading one costs a hook start from
 * 0.3 ms (os, vm) to 5 ms (crypto, which loads streams with it), so a hook bundle loads each
 * only when the hook first reads something from it (see {@link builtinShim}).
 */
const LAZY_BUILTINS: ReadonlySet<string> = new Set([
  'child_process',
  'crypto',
  'dns',
  'fs/promises',
  'net',
  'os',
  'string_decoder',
  'v8',
  'vm',
  'zlib',
]);

/**
 * The module an ES-module import of builtin `name` gets in a hook bundle. esbuild gives each
 * importing file its own copy of a CommonJS module's namespace, a getter per export (fs has
 * over 100, crypto over 70): about 1,100 getters made on every hook start for this library
 * alone. For PLAIN_BUILTINS the shim exports an object with no own properties whose prototype
 * is the builtin, so nothing is copied and every read reaches the builtin itself (as live as
 * the getters were). For LAZY_BUILTINS that prototype is a proxy which loads the builtin on the
 * first read (or `in` test) and then forwards every read to it: importing node:crypto costs
 * nothing until a hook calls one of its functions (esbuild's own check for `__esModule`, which
 * no builtin has, is answered without loading it). A default import is then that object: its
 * functions work as before, but Object.keys() of it is empty. Builtins whose module is a
 * function (events, stream, assert, module) or an object whose methods use `this` (process)
 * are exported as they are.
 */
function builtinShim(name: string): string {
  const load = `require(${JSON.stringify(`node:${name}`)})`;
  if (LAZY_BUILTINS.has(name)) {
    return `var loaded;
var load = () => (loaded ??= ${load});
module.exports = Object.create(new Proxy({}, {
  get: (_, key) => (key === '__esModule' ? undefined : load()[key]),
  has: (_, key) => key in load(),
}));`;
  }
  return PLAIN_BUILTINS.has(name)
    ? `module.exports = Object.create(${load});`
    : `module.exports = ${load};`;
}

/**
 * esbuild plugin for hook bundles. Node builtins are loaded with `require` (the bundle becomes a
 * CommonJS script: no ES-module loader, no ES-module facades of builtins). ts-results-es's Err
 * formats its stack when read (lazy-err-stack.ts). A package imported
 * dynamically (`await import('mysql2/promise')`), and yaml for the library, is bundled into a
 * file of its own under chunks/, required on first use: its code costs nothing until then.
 */
export function hookPlugin(chunks: Map<string, Chunk>): Plugin {
  return {
    name: 'juju-reactive-hook',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.namespace === NS_BUILTIN || args.namespace === NS_CHUNK) {
          return { path: args.path, external: true };
        }
        if (isBuiltin(args.path) && args.kind !== 'require-call') {
          return { path: args.path.replace(/^node:/, ''), namespace: NS_BUILTIN };
        }
        const lazy =
          (args.kind === 'dynamic-import' && isBarePackage(args.path)) ||
          (args.namespace === NS_LAZY_YAML && args.path === 'yaml');
        if (!lazy) return undefined;
        const existing = chunks.get(args.path);
        const chunk = existing ?? {
          specifier: args.path,
          resolveDir: args.resolveDir,
          file: chunkName(args.path),
        };
        chunks.set(args.path, chunk);
        return { path: chunk.file, namespace: NS_CHUNK };
      });
      build.onLoad({ filter: /.*/, namespace: NS_BUILTIN }, (args) => ({
        contents: builtinShim(args.path),
        loader: 'js',
      }));
      build.onLoad({ filter: /.*/, namespace: NS_CHUNK }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`./${CHUNKS}/${args.path}`)});`,
        loader: 'js',
      }));
      build.onLoad({ filter: TS_RESULTS_RESULT_FILE }, (args) => {
        const contents = lazyErrStack(readFileSync(args.path, 'utf8'));
        return contents === undefined ? undefined : { contents, loader: 'js' };
      });
    },
  };
}
