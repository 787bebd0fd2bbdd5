// `juju-reactive init <dir>`: scaffold a charm project a newcomer can build on, from the
// templates shipped with the package (templates/init): package.json, a strict tsconfig,
// charmcraft.yaml, src/charm.ts, src/main.ts and a simulator test. Writes only into <dir>,
// which must be new or empty.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { libraryVersion, packageRoot } from '../pack/library.js';
import { type OptionSpec, parseDirCommand, stringOption, UsageError } from './args.js';
import type { Command } from './command.js';

const OPTIONS: OptionSpec = {
  name: { type: 'string' },
  library: { type: 'string' },
};

const HELP = `usage: juju-reactive init <dir> [options]

Create a charm project in <dir> (new or empty): package.json, tsconfig.json (strict),
charmcraft.yaml, src/charm.ts, src/main.ts and test/charm.test.ts. Then:
  cd <dir> && npm install && npm test && npm run pack

options:
      --name <name>      the charm's name (default: the dir's name)
      --library <spec>   the juju-reactive dependency: a version range, a tarball or a path
                         (default ^<this version>)
  -h, --help             this help
`;

/** Template file (under templates/init) → the project file it becomes. */
const FILES: readonly (readonly [string, string])[] = [
  ['package.json.tmpl', 'package.json'],
  ['tsconfig.json.tmpl', 'tsconfig.json'],
  ['charmcraft.yaml.tmpl', 'charmcraft.yaml'],
  ['gitignore.tmpl', '.gitignore'],
  ['README.md.tmpl', 'README.md'],
  ['src/charm.ts.tmpl', 'src/charm.ts'],
  ['src/main.ts.tmpl', 'src/main.ts'],
  ['test/charm.test.ts.tmpl', 'test/charm.test.ts'],
];

/** A charm name as charmcraft accepts it: lowercase letters, digits and dashes. */
const CHARM_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The versions the project's dev tools get: the ones this library is built and tested with. */
function devVersions(): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    devDependencies?: Record<string, string>;
  };
  const of = (name: string, fallback: string) =>
    `^${(manifest.devDependencies?.[name] ?? fallback).replace(/^[\^~]/, '')}`;
  return {
    __TYPES_NODE__: of('@types/node', '20.0.0'),
    __TYPESCRIPT__: of('typescript', '5.9.0'),
    __VITEST__: of('vitest', '4.1.0'),
  };
}

/**
 * Write a new charm project into `dir`; returns the files written (relative to it).
 * @example
 * initProject('hello', { library: 'file:../juju-reactive-0.1.0.tgz' });
 */
export function initProject(
  dir: string,
  options: { readonly name?: string; readonly library?: string } = {},
): string[] {
  const target = resolve(dir);
  const name = options.name ?? basename(target);
  if (!CHARM_NAME.test(name)) {
    throw new UsageError(
      `"${name.slice(0, 60)}" is not a charm name (lowercase letters, digits and dashes, starting with a letter); pass --name`,
    );
  }
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new UsageError(
      `${target} is not empty: init writes a new project into a new or empty dir`,
    );
  }
  const library = options.library ?? `^${libraryVersion()}`;
  if (/["\\\n]/.test(library))
    throw new UsageError('--library must not contain quotes or newlines');
  const values: Record<string, string> = { __NAME__: name, __LIBRARY__: library, ...devVersions() };
  const templates = join(packageRoot(), 'templates', 'init');
  const created = !existsSync(target);
  try {
    for (const [from, to] of FILES) {
      let text = readFileSync(join(templates, from), 'utf8');
      for (const [key, value] of Object.entries(values)) text = text.replaceAll(key, value);
      mkdirSync(dirname(join(target, to)), { recursive: true });
      writeFileSync(join(target, to), text, { flag: 'wx' });
    }
  } catch (error) {
    if (created) rmSync(target, { recursive: true, force: true });
    throw error;
  }
  return FILES.map(([, to]) => to);
}

/** `juju-reactive init`. */
export const initCommand: Command = {
  name: 'init',
  summary: 'create a new charm project (TypeScript, simulator test, pack script)',
  help: HELP,
  run: async (argv, io) => {
    const parsed = parseDirCommand(argv, OPTIONS, 'init needs the dir of the new project');
    if (parsed === undefined) {
      io.stdout(HELP);
      return 0;
    }
    const { values, dir } = parsed;
    const name = stringOption(values['name']);
    const library = stringOption(values['library']);
    const files = initProject(dir, {
      ...(name === undefined ? {} : { name }),
      ...(library === undefined ? {} : { library }),
    });
    const where = relative(process.cwd(), resolve(dir)) || '.';
    io.stdout(
      `created ${where}/: ${files.join(', ')}\n` +
        `next: cd ${where} && npm install && npm test && npm run pack\n`,
    );
    return 0;
  },
};
