// The V8 code caches a hook bundle runs through (src/pack/start-file.ts): the one `pack` ships
// (every function compiled), and the one each unit learns, kind of hook by kind of hook. What a
// user relies on: the right code runs (never an older bundle's), and what each hook writes.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCharmEntry } from '../../src/pack/bundle.js';
import { writePackedCodeCache } from '../../src/pack/code-cache.js';
import { HOOK_NODE_OPTIONS } from '../../src/pack/dispatch.js';
import {
  bundleId,
  CODE_CACHE_FILE,
  CODE_CACHE_HEADER,
  EVERY_KIND,
  MAIN_FILE,
  PACKED_CODE_CACHE_FILE,
  PACKED_REJECTED,
  SEEN_SUFFIX,
  START_FILE,
} from '../../src/pack/start-file.js';

let root: string;
/** Two bundles of the same length, printing different versions. */
const bundles: Record<'old' | 'new', string> = { old: '', new: '' };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'jr-code-cache-'));
  for (const [name, version] of [
    ['old', '1.2.3'],
    ['new', '1.2.4'],
  ] as const) {
    const outdir = join(root, name, 'dist');
    await bundleCharmEntry({
      entry: {
        contents: `const version = (v) => 'version ' + v;\nprocess.stdout.write(version('${version}') + '\\n');\n`,
        resolveDir: root,
      },
      outdir,
    });
    bundles[name] = outdir;
  }
}, 60_000);
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

let units = 0;
/** A unit's charm dir, empty: the caches it keeps go here. */
function unitDir(): string {
  const dir = join(root, `unit-${units++}`);
  mkdirSync(dir);
  return dir;
}

/** One hook of `kind` on `unit` with the bundle in `dist`, run as dispatch runs it. */
function hook(dist: string, unit: string, kind: string, nodeOptions = HOOK_NODE_OPTIONS) {
  const run = spawnSync(
    process.execPath,
    [...nodeOptions.split(' ').filter(Boolean), join(dist, START_FILE)],
    { env: { JUJU_CHARM_DIR: unit, JUJU_DISPATCH_PATH: kind }, encoding: 'utf8' },
  );
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout.trim();
}

const prefix = (dist: string) =>
  `${CODE_CACHE_HEADER}${bundleId(readFileSync(join(dist, MAIN_FILE), 'utf8'))}:`;
const firstLine = (file: string) => readFileSync(file, 'latin1').split('\n')[0];
const unitCache = (unit: string) => join(unit, CODE_CACHE_FILE);
const seenFile = (unit: string) => `${unitCache(unit)}${SEEN_SUFFIX}`;

describe("the code cache pack ships (V8's, every function compiled)", () => {
  it('is made for the bundle beside it, under the options dispatch runs hooks with', () => {
    const dist = bundles.new;
    const packed = join(dist, PACKED_CODE_CACHE_FILE);
    expect(firstLine(packed)).toBe(`${prefix(dist)}${EVERY_KIND}`);
    expect(statSync(packed).size).toBeGreaterThan(1000);
  });

  it("runs a unit's first hook of each kind: nothing written but the kind's name (V8 accepted it)", () => {
    const dist = bundles.new;
    const unit = unitDir();
    expect(hook(dist, unit, 'hooks/install')).toBe('version 1.2.4');
    expect(existsSync(unitCache(unit))).toBe(false);
    // A rejected cache is noted as PACKED_REJECTED instead.
    expect(firstLine(seenFile(unit))).toBe(`${prefix(dist)}hooks/install`);
    expect(hook(dist, unit, 'hooks/start')).toBe('version 1.2.4');
    expect(firstLine(seenFile(unit))).toBe(`${prefix(dist)}hooks/install hooks/start`);
    expect(existsSync(unitCache(unit))).toBe(false);
  });

  it("learns a kind into the unit's own cache on its second hook, then keeps that cache as it is", () => {
    const dist = bundles.new;
    const unit = unitDir();
    hook(dist, unit, 'hooks/install');
    hook(dist, unit, 'hooks/install');
    expect(firstLine(unitCache(unit))).toBe(`${prefix(dist)}hooks/install`);
    const learned = statSync(unitCache(unit)).ino;
    hook(dist, unit, 'hooks/install');
    // Accepted, so not rewritten (a rewrite renames a new file into place: a new inode).
    expect(statSync(unitCache(unit)).ino).toBe(learned);
    // Another kind: its first hook runs from the pack's cache, its second adds it.
    hook(dist, unit, 'hooks/update-status');
    expect(statSync(unitCache(unit)).ino).toBe(learned);
    hook(dist, unit, 'hooks/update-status');
    expect(firstLine(unitCache(unit))).toBe(`${prefix(dist)}hooks/install hooks/update-status`);
    // Anything but a plain hook path is not learned from.
    const both = statSync(unitCache(unit)).ino;
    const seen = readFileSync(seenFile(unit), 'latin1');
    hook(dist, unit, 'hooks/x y');
    hook(dist, unit, 'hooks/x y');
    expect(statSync(unitCache(unit)).ino).toBe(both);
    expect(readFileSync(seenFile(unit), 'latin1')).toBe(seen);
  });

  it("rewrites the unit's own cache when it is not a code cache", () => {
    const dist = bundles.new;
    const unit = unitDir();
    hook(dist, unit, 'hooks/install');
    hook(dist, unit, 'hooks/install');
    writeFileSync(unitCache(unit), 'not a code cache');
    expect(hook(dist, unit, 'hooks/install')).toBe('version 1.2.4');
    expect(firstLine(unitCache(unit))).toBe(`${prefix(dist)}hooks/install`);
    expect(statSync(unitCache(unit)).size).toBeGreaterThan(1000);
  });

  it('is noted as rejected when it is cut short (a disk that filled while unpacking), and the hook runs', () => {
    const dist = join(root, 'truncated', 'dist');
    cpSync(bundles.new, dist, { recursive: true });
    const packed = join(dist, PACKED_CODE_CACHE_FILE);
    const whole = readFileSync(packed);
    writeFileSync(packed, whole.subarray(0, Math.floor(whole.length / 2)));
    const unit = unitDir();
    expect(hook(dist, unit, 'hooks/install')).toBe('version 1.2.4');
    expect(firstLine(seenFile(unit))).toBe(`${prefix(dist)}${PACKED_REJECTED}`);
    hook(dist, unit, 'hooks/install');
    expect(firstLine(unitCache(unit))).toBe(`${prefix(dist)}hooks/install`);
  });

  it('is noted once as rejected by a unit whose Node keys caches otherwise, which then learns each kind on its first hook', () => {
    const dist = bundles.new;
    const unit = unitDir();
    // V8 keys a cache to its flags: without HOOK_NODE_OPTIONS the pack's cache is rejected.
    expect(hook(dist, unit, 'hooks/install', '')).toBe('version 1.2.4');
    expect(firstLine(seenFile(unit))).toBe(`${prefix(dist)}${PACKED_REJECTED}`);
    expect(existsSync(unitCache(unit))).toBe(false);
    hook(dist, unit, 'hooks/install', '');
    expect(firstLine(unitCache(unit))).toBe(`${prefix(dist)}hooks/install`);
    hook(dist, unit, 'hooks/start', '');
    expect(firstLine(unitCache(unit))).toBe(`${prefix(dist)}hooks/install hooks/start`);
  });
});

describe('writePackedCodeCache', () => {
  it('refuses with the reason when the Node it is given cannot run here, and leaves no cache', () => {
    const dist = join(root, 'no-node', 'dist');
    cpSync(bundles.new, dist, { recursive: true });
    expect(() => writePackedCodeCache(dist, join(root, 'no-such-node'))).toThrow(
      /^cannot make the code cache of .*main\.cjs with .*no-such-node: .*ENOENT/,
    );
    expect(existsSync(join(dist, PACKED_CODE_CACHE_FILE))).toBe(false);
  });
});

describe('after a refresh to a bundle of the same length (V8 checks only the length)', () => {
  it('runs the new code, not the unit cache of the old bundle left in the charm dir (worker/uniter/charm/manifest_deployer.go keeps it)', () => {
    const oldText = readFileSync(join(bundles.old, MAIN_FILE), 'utf8');
    const newText = readFileSync(join(bundles.new, MAIN_FILE), 'utf8');
    expect(newText.length).toBe(oldText.length);
    expect(newText).not.toBe(oldText);
    const unit = unitDir();
    hook(bundles.old, unit, 'hooks/update-status');
    hook(bundles.old, unit, 'hooks/update-status');
    expect(hook(bundles.old, unit, 'hooks/update-status')).toBe('version 1.2.3');
    expect(firstLine(unitCache(unit))).toBe(`${prefix(bundles.old)}hooks/update-status`);
    // Two hooks of the same kind: the first from the pack's cache, the second learns.
    expect(hook(bundles.new, unit, 'hooks/update-status')).toBe('version 1.2.4');
    expect(hook(bundles.new, unit, 'hooks/update-status')).toBe('version 1.2.4');
    expect(firstLine(unitCache(unit))).toBe(`${prefix(bundles.new)}hooks/update-status`);
  });

  it("runs the new code when the pack's cache beside it was made from the old bundle", () => {
    const dist = join(root, 'mixed', 'dist');
    cpSync(bundles.new, dist, { recursive: true });
    cpSync(join(bundles.old, PACKED_CODE_CACHE_FILE), join(dist, PACKED_CODE_CACHE_FILE));
    const unit = unitDir();
    expect(hook(dist, unit, 'hooks/install')).toBe('version 1.2.4');
    // Not this bundle's: not used, so nothing noted; the unit learns from the first hook.
    expect(existsSync(seenFile(unit))).toBe(false);
    expect(firstLine(unitCache(unit))).toBe(`${prefix(dist)}hooks/install`);
  });
});
