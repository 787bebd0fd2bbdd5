// Node builtins in a hook bundle: an ES-module import of one (named, default, namespace or
// dynamic) reaches the builtin itself, whichever shim the bundler gives it (a prototype for the
// plain ones like fs and crypto, the module as it is for events or process); import.meta is
// the bundled main file's.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InlineBundle, inlineBundle, runBundle } from './inline-bundle.js';

const ENTRY = `import { createHash } from 'node:crypto';
import fs, { existsSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { isIPv6 } from 'node:net';
import EventEmitter from 'node:events';
import process from 'node:process';
import { createRequire } from 'node:module';

const out = {};
out.hash = createHash('sha256').update('abc').digest('hex').slice(0, 8);
out.join = path.join('a', 'b');
out.ipv6 = isIPv6('::1');
out.defaultRead = fs.readFileSync(process.argv[2], 'utf8');
out.promises = typeof fs.promises.readFile;
out.exists = existsSync(process.argv[2]);
// A function replaced on the builtin afterwards is what the import then calls (a live binding).
createRequire(process.argv[2])('node:fs').existsSync = () => 'replaced';
out.live = existsSync('/');
const emitter = new EventEmitter();
emitter.on('x', (v) => { out.event = v; });
emitter.emit('x', 'heard');
let exited = false;
process.on('beforeExit', () => { exited = true; });
out.onWorks = process.listenerCount('beforeExit') === 1 && !exited;
out.dynamic = typeof (await import('node:os')).platform === 'function';
// import.meta in the CommonJS hook script: the bundled main file, as a URL and as a path.
out.metaUrl = import.meta.url === 'file://' + import.meta.filename;
out.metaFile = import.meta.filename.endsWith('/dist/main.cjs') && import.meta.dirname.endsWith('/dist');
writeSync(1, JSON.stringify(out));
`;

let bundle: InlineBundle;
beforeAll(async () => {
  bundle = await inlineBundle('builtins-bundle', ENTRY);
});
afterAll(() => bundle.remove());

describe('a hook bundle importing node builtins', () => {
  it('reaches each builtin itself through named, default, namespace and dynamic imports', () => {
    const run = runBundle(bundle.start, [bundle.start]);
    expect(run.stderr).toBe('');
    expect(run.out).toEqual({
      hash: 'ba7816bf',
      join: join('a', 'b'),
      ipv6: true,
      defaultRead: expect.stringContaining('use strict'),
      promises: 'function',
      exists: true,
      live: 'replaced',
      event: 'heard',
      onWorks: true,
      dynamic: true,
      metaUrl: true,
      metaFile: true,
    });
  });
});

describe('a hook bundle importing a builtin Node has not loaded at start', () => {
  const LAZY_ENTRY = `import { createHash } from 'node:crypto';
import * as os from 'node:os';
import { spawnSync } from 'node:child_process';
import { writeSync } from 'node:fs';
const loaded = () =>
  process.moduleLoadList.filter((m) => /^NativeModule (crypto|os|child_process)$/.test(m)).sort();
const out = { atStart: loaded() };
out.hasPlatform = 'platform' in os;
out.afterIn = loaded();
out.hash = createHash('sha256').update('abc').digest('hex').slice(0, 8);
out.afterHash = loaded();
out.spawn = typeof spawnSync;
writeSync(1, JSON.stringify(out));
`;

  it('loads it when the hook first reads from it (crypto costs a hook about 5 ms to load)', async () => {
    const lazy = await inlineBundle('builtins-lazy', LAZY_ENTRY);
    try {
      const run = runBundle(lazy.start);
      expect(run.stderr).toBe('');
      expect(run.out).toEqual({
        atStart: [],
        hasPlatform: true,
        afterIn: ['NativeModule os'],
        hash: 'ba7816bf',
        afterHash: ['NativeModule crypto', 'NativeModule os'],
        spawn: 'function',
      });
    } finally {
      lazy.remove();
    }
  });
});
