// The files a hook bundle starts from: the START_FILE that `dispatch` runs (checks Node, then
// runs the bundled charm through V8's code cache) and the legacy ES-module starter. Text only.
import { createHash } from 'node:crypto';

/** What `dispatch` runs, inside the bundle dir: checks the Node version, then runs main.cjs. */
export const START_FILE = 'charm.cjs';
/** The bundled entry of a hook bundle (the charm's `src/main.ts`), inside the bundle dir. */
export const MAIN_FILE = 'main.cjs';
/** For dispatch scripts written before START_FILE: loads it through Node's ES-module loader. */
export const LEGACY_START_FILE = 'charm.mjs';
/** Where packages loaded on first use go, inside the bundle dir. */
export const CHUNKS = 'chunks';

/** Where a unit keeps V8's code cache of its bundle, inside its charm dir. */
export const CODE_CACHE_FILE = '.juju-reactive-cache/main.cjs.v8';
/** The code cache `pack` makes (every function of MAIN_FILE compiled), inside the bundle dir. */
export const PACKED_CODE_CACHE_FILE = `${MAIN_FILE}.v8`;
/**
 * The first line of a code cache file starts with this, then the id of the bundle it was made
 * from (see {@link bundleId}), a colon, the kinds of hook that ran with it (space separated,
 * e.g. `hooks/install actions/backup`; `*` for a cache made at pack time, which holds every
 * function) and a newline; V8's data follows.
 */
export const CODE_CACHE_HEADER = 'juju-reactive code cache 2:';
/** The kind list of a cache that holds every function of the bundle (made by `pack`). */
export const EVERY_KIND = '*';
/**
 * Next to CODE_CACHE_FILE, with this added to its name: the kinds of hook that ran once from
 * PACKED_CODE_CACHE_FILE (first line as CODE_CACHE_HEADER's, no V8 data). PACKED_REJECTED in
 * the list: this unit's Node rejected that cache.
 */
export const SEEN_SUFFIX = '.seen';
/** In the SEEN_SUFFIX file: the unit's Node rejects the cache `pack` made. */
export const PACKED_REJECTED = '!';
/** Kinds of hook a cache learns from (a rewrite each): enough for any charm's hooks. */
export const MAX_CACHED_KINDS = 64;
/**
 * JavaScript (ES5, for the start file and the pack-time cache maker alike) that compiles
 * MAIN_FILE, at the path in `file`, into `script`, wrapped as Node wraps a CommonJS module, with
 * V8's cached data from the expression `cachedData` when it gives any. One text for both: V8
 * accepts a cache only for a source of the same length, compiled with the same options.
 */
export function compileMainJs(cachedData: string): string {
  return `var options = { filename: file };
  var cachedData = ${cachedData};
  if (cachedData) options.cachedData = cachedData;
  if (vm.constants && vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER) {
    options.importModuleDynamically = vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  }
  var script = new vm.Script(${JSON.stringify('(function (exports, require, module, __filename, __dirname) {')} + fs.readFileSync(file, 'utf8') + ${JSON.stringify('\n})')}, options);`;
}

/** The id of a bundle: a digest of MAIN_FILE's text, kept in every code cache made from it. */
export function bundleId(mainText: string): string {
  return createHash('sha256').update(mainText).digest('hex').slice(0, 16);
}

/**
 * The START_FILE. Refuses a Node.js older than 20 with one clear line (plain old syntax, so any
 * Node parses it; checking here costs no second process, a `node --version` in dispatch costs
 * about 3 ms). Then runs MAIN_FILE through V8's code cache (Node 22's
 * module.enableCompileCache() does the same; Node 20 has no such thing). V8's cache holds the
 * functions compiled when it was made; what it lacks, a hook compiles as it first calls it.
 * - `pack` ships PACKED_CODE_CACHE_FILE, made by the Node the hooks run with, holding every
 *   function of the bundle: the first hook of each kind (JUJU_DISPATCH_PATH) compiles nothing.
 *   It is nearly twice the size of what one kind of hook runs (the example: 817 against
 *   458 KB), and reading it costs a few ms more than a cache of just that.
 * - So the second hook of a kind compiles what it runs and adds it to the unit's own cache,
 *   CODE_CACHE_FILE, whose first line lists the kinds it holds; from the third on, that lean
 *   cache serves. A kind that runs once (install, start) never pays the compile. At most
 *   MAX_CACHED_KINDS rewrites in a unit's life.
 * - A unit whose Node rejects the pack's cache (another Node) notes that once (next to its
 *   cache, see SEEN_SUFFIX) and from then on learns every kind on its first hook.
 * Each cache names the bundle it was made from (`bundle`, from {@link bundleId}). V8 checks
 * only the length of the source: after `juju refresh` to a bundle of the same length (a
 * version string bumped), it would run the old bundle's code. Juju keeps files a charm wrote in
 * its charm dir across a refresh (worker/uniter/charm/manifest_deployer.go removes only the
 * old charm's own files), so the unit's cache outlives the bundle it was made from.
 */
export function startSource(
  bundle: string,
  charmName: string | undefined,
  sourceMaps = false,
): string {
  const who = JSON.stringify(charmName ?? 'juju-reactive charm');
  return `'use strict';
// Generated by juju-reactive: the file \`dispatch\` runs. Checks the Node.js version, then runs
// ./${MAIN_FILE} through V8's code cache (./${PACKED_CODE_CACHE_FILE}, or the unit's own
// $JUJU_CHARM_DIR/${CODE_CACHE_FILE}).
var BUNDLE = ${JSON.stringify(bundle)};
var major = Number(process.versions.node.split('.')[0]);
if (major >= 20) {
  ${sourceMaps ? 'mapStacks();\n  ' : ''}runMain();
} else {
  process.stderr.write(${who} + ': needs Node.js 20 or later, found ' + process.version + ' (' + process.execPath + ')\\n');
  process.exitCode = 1;
}

${CACHED_RUN_MAIN}${sourceMaps ? MAP_STACKS : ''}`;
}

/** Runs MAIN_FILE through V8's code cache (see {@link startSource}). */
const CACHED_RUN_MAIN = `function runMain() {
  var fs = require('node:fs');
  var path = require('node:path');
  var vm = require('node:vm');
  var file = path.join(__dirname, '${MAIN_FILE}');
  var charmDir = process.env.JUJU_CHARM_DIR;
  var cacheFile = charmDir ? path.join(charmDir, '${CODE_CACHE_FILE}') : undefined;
  // The kind of hook this is (hooks/install, actions/backup), if it is a plain word.
  var kind = /^[A-Za-z0-9_./-]{1,200}$/.test(process.env.JUJU_DISPATCH_PATH || '') ? process.env.JUJU_DISPATCH_PATH : '';
  var prefix = '${CODE_CACHE_HEADER}' + BUNDLE + ':';
  // A cache file's kinds and V8 data, if it was made from this bundle.
  function readCache(name) {
    try {
      var data = fs.readFileSync(name);
      var end = data.indexOf(10);
      if (end <= 0 || data.toString('latin1', 0, end).indexOf(prefix) !== 0) return undefined;
      return { kinds: data.toString('latin1', prefix.length, end).split(' ').filter(Boolean), data: data.subarray(end + 1) };
    } catch (e) {
      return undefined;
    }
  }
  // Atomically replace \`name\` with \`bytes\` at exit. A full disk: never leave the partial temp
  // file (it would fill the disk for good).
  function writeAtExit(name, bytes) {
    process.once('exit', function () {
      var temp = name + '.' + process.pid;
      try {
        fs.mkdirSync(path.dirname(name), { recursive: true });
        fs.writeFileSync(temp, bytes());
        fs.renameSync(temp, name);
      } catch (e) {
        try {
          fs.unlinkSync(temp);
        } catch (e2) {}
      }
    });
  }
  var unit = cacheFile && readCache(cacheFile);
  var cache = unit;
  var packed;
  var seenFile = cacheFile && cacheFile + '${SEEN_SUFFIX}';
  var seen = [];
  if (!(unit && kind !== '' && unit.kinds.indexOf(kind) >= 0)) {
    // Not learned yet: the first hook of a kind runs from the cache pack made (unless this
    // unit's Node rejected it, '${PACKED_REJECTED}'); its second one learns it.
    seen = (seenFile && readCache(seenFile) || { kinds: [] }).kinds;
    if (seen.indexOf('${PACKED_REJECTED}') < 0 && (kind === '' || seen.indexOf(kind) < 0)) {
      packed = readCache(path.join(__dirname, '${PACKED_CODE_CACHE_FILE}'));
      if (packed) cache = packed;
    }
  }
  ${compileMainJs('cache && cache.data')}
  if (packed && seenFile) {
    var mark = script.cachedDataRejected ? '${PACKED_REJECTED}' : kind;
    if (mark !== '' && seen.length < ${MAX_CACHED_KINDS}) {
      writeAtExit(seenFile, function () {
        return Buffer.from(prefix + seen.concat([mark]).join(' ') + '\\n', 'latin1');
      });
    }
  } else if (cacheFile) {
    var stale = !cache || script.cachedDataRejected;
    var kinds = stale ? [] : cache.kinds;
    var learn = kind !== '' && kinds.indexOf(kind) < 0 && kinds.length < ${MAX_CACHED_KINDS};
    if (stale || learn) {
      writeAtExit(cacheFile, function () {
        var head = prefix + kinds.concat(learn ? [kind] : []).join(' ') + '\\n';
        return Buffer.concat([Buffer.from(head, 'latin1'), script.createCachedData()]);
      });
    }
  }
  var module = { exports: {}, id: file, filename: file };
  // This file's own require serves ${MAIN_FILE}: both are in this dir (createRequire would load
  // node:module, and Node's ES-module loader with it, on every hook).
  script.runInThisContext().call(module.exports, module.exports, require, module, file, __dirname);
}
`;

/**
 * For bundles with a source map (the simulator's): stack traces name the charm's own
 * `src/<file>.ts:<line>`. Nothing is read until a stack is formatted, and then only the map's
 * mappings up to the frame's line are decoded (Node's own SourceMap decodes the whole map, about
 * 60 ms for the example charm, and its --enable-source-maps would also bypass the code cache).
 */
const MAP_STACKS = `
function mapStacks() {
  var path = require('node:path');
  var file = path.join(__dirname, '${MAIN_FILE}');
  var map;
  var digits = {};
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach(function (c, i) {
    digits[c] = i;
  });
  // The original [source, line, column] of a generated position (0-based), or null.
  function lookup(line, column) {
    var m = map.mappings, genLine = 0, genCol = 0, src = 0, oLine = 0, oCol = 0;
    var found = null, seg = [], value = 0, shift = 0;
    for (var i = 0; i <= m.length; i++) {
      var ch = i < m.length ? m.charAt(i) : ';';
      if (ch === ',' || ch === ';') {
        if (seg.length > 0) {
          genCol += seg[0];
          if (seg.length >= 4) {
            src += seg[1];
            oLine += seg[2];
            oCol += seg[3];
            if (genLine === line && (genCol <= column || found === null)) found = [src, oLine, oCol];
          }
        }
        seg = [];
        if (ch === ';') {
          if (genLine === line) return found;
          genLine++;
          genCol = 0;
        }
        continue;
      }
      var digit = digits[ch];
      value += (digit & 31) << shift;
      if (digit & 32) {
        shift += 5;
      } else {
        seg.push(value & 1 ? -(value >>> 1) : value >>> 1);
        value = 0;
        shift = 0;
      }
    }
    return found;
  }
  Error.prepareStackTrace = function (error, frames) {
    var lines = frames.map(function (frame) {
      if (frame.getFileName() !== file || frame.getLineNumber() === null) return '    at ' + frame;
      if (map === undefined) {
        try {
          map = JSON.parse(require('node:fs').readFileSync(file + '.map', 'utf8'));
        } catch (e) {
          map = null;
        }
      }
      var at = map && lookup(frame.getLineNumber() - 1, frame.getColumnNumber() - 1);
      var source = at && map.sources[at[0]];
      if (!source) return '    at ' + frame;
      var where = path.resolve(__dirname, source) + ':' + (at[1] + 1) + ':' + (at[2] + 1);
      var name = frame.getFunctionName();
      return '    at ' + (name ? name + ' (' + where + ')' : where);
    });
    return String(error) + (lines.length ? '\\n' + lines.join('\\n') : '');
  };
}
`;

export const LEGACY_START = `// Generated by juju-reactive. Runs the charm through ./${START_FILE}; let dispatch run that file
// instead: it skips Node's ES-module loader (about 5 ms per hook).
import './${START_FILE}';
`;
