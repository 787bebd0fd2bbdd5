// The code cache `pack` ships with a hook bundle: V8's cache of MAIN_FILE with every function
// compiled, made by the Node the hooks will run, so a unit's first hook compiles nothing.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HOOK_NODE_OPTIONS } from './dispatch.js';
import {
  bundleId,
  CODE_CACHE_HEADER,
  compileMainJs,
  EVERY_KIND,
  MAIN_FILE,
  PACKED_CODE_CACHE_FILE,
} from './start-file.js';

/**
 * Run by the target Node (argv: bundle dir, bundle id). V8 compiles a function only when it is
 * first called, and its cache holds what was compiled; `--no-lazy` compiles every function at
 * once. It is set for the compile only: V8 keys a cache to the flags in force when it is made
 * (a flag at its default is not counted), and the hooks run without it.
 */
const MAKE_CACHE = `'use strict';
var fs = require('node:fs');
var path = require('node:path');
var vm = require('node:vm');
var v8 = require('node:v8');
var dir = process.argv[1];
var file = path.join(dir, ${JSON.stringify(MAIN_FILE)});
v8.setFlagsFromString('--no-lazy');
${compileMainJs('undefined')}
v8.setFlagsFromString('--lazy');
var head = Buffer.from(${JSON.stringify(CODE_CACHE_HEADER)} + process.argv[2] + ':${EVERY_KIND}\\n', 'latin1');
fs.writeFileSync(path.join(dir, ${JSON.stringify(PACKED_CODE_CACHE_FILE)}), Buffer.concat([head, script.createCachedData()]));
`;

/**
 * Write PACKED_CODE_CACHE_FILE into the bundle dir `dir`, made by `node` under the options the
 * dispatch runs hooks with (HOOK_NODE_OPTIONS) and no inherited environment (a NODE_OPTIONS of
 * the packing shell would change V8's flags, and with them the cache's key). Throws when that
 * Node cannot make it (not runnable here, or older than 20).
 */
export function writePackedCodeCache(dir: string, node: string): void {
  const target = join(dir, PACKED_CODE_CACHE_FILE);
  rmSync(target, { force: true });
  const id = bundleId(readFileSync(join(dir, MAIN_FILE), 'utf8'));
  const run = spawnSync(node, [...HOOK_NODE_OPTIONS.split(' '), '-e', MAKE_CACHE, dir, id], {
    env: {},
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status !== 0) {
    rmSync(target, { force: true });
    const why = run.error?.message ?? (run.stderr.trim().split('\n').pop() || `exit ${run.status}`);
    throw new Error(`cannot make the code cache of ${join(dir, MAIN_FILE)} with ${node}: ${why}`);
  }
}
