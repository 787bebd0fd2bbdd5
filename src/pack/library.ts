// Where this copy of juju-reactive lives on disk, and its version: what `init` scaffolds
// against, what `--version` prints, and where the bundler finds the library's own modules.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root of this copy of the library: the nearest directory above this module with a
 * package.json named `juju-reactive` (the repository, or `node_modules/juju-reactive`).
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (name === 'juju-reactive') return dir;
    }
    const up = dirname(dir);
    if (up === dir)
      throw new Error('cannot find the package.json of juju-reactive above this module');
    dir = up;
  }
}

/** The version of this copy of the library, from its package.json. */
export function libraryVersion(): string {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    version?: unknown;
  };
  return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
}
