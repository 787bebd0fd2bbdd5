// The docs test: every fenced block of README.md, docs/*.md, interfaces/*/README.md and
// examples/*/README.md is run, or marked with the reason it cannot be (test/docs/blocks.ts,
// docs/contributing-docs.md). ts blocks are compiled together in one strict tsc run and run
// against the PACKED library, in one project made by `juju-reactive init` (shared by all
// blocks); shell blocks run as commands, a doc's blocks in order in one directory that carries
// over. An unmarked block that fails fails this test; the closing note gives the counts.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, type PackedProject, packedProject, REPO } from '../pack/packed-project.js';
import {
  type DocBlock,
  docFiles,
  parseBlocks,
  shellScript,
  type TsProgram,
  tsPrograms,
} from './blocks.js';

const DOCS = docFiles(REPO);
const BLOCKS = new Map<string, DocBlock[]>(
  DOCS.map((doc) => [doc, parseBlocks(doc, readFileSync(join(REPO, doc), 'utf8'))]),
);
const PROGRAMS = new Map<string, TsProgram[]>(
  DOCS.map((doc) => [doc, tsPrograms(BLOCKS.get(doc) ?? [])]),
);

/** Where a program lives in the docs project. */
function pathOf(program: TsProgram): string {
  if (program.first.file !== undefined) return program.first.file;
  const slug = program.first.doc.replace(/\.md$/, '').replace(/[^\w-]+/g, '-');
  const test = /from 'vitest'/.test(program.code) ? '.test' : '';
  return `docs-blocks/${slug}/line-${program.first.line}${test}.ts`;
}

type Mode = 'node' | 'vitest' | 'compile-only';
function modeOf(program: TsProgram): Mode {
  const path = pathOf(program);
  if (path.endsWith('.test.ts')) return 'vitest';
  if (program.first.file !== undefined) return 'compile-only';
  if (program.blocks.some((b) => b.compileOnly !== undefined)) return 'compile-only';
  return 'node';
}

/** The doc line a line of a program's file comes from. */
function docLine(program: TsProgram, fileLine: number): string {
  let line = fileLine;
  for (const block of program.blocks) {
    const lines = block.code.split('\n').length;
    if (line <= lines) return `${block.doc}:${block.line + line}`;
    line -= lines;
  }
  return `${program.first.doc}:${program.first.line}`;
}

let packed: PackedProject;

/**
 * The copy of the repository `in-repo` blocks start in: its tracked and untracked (not ignored)
 * files, its node_modules linked, and the dist/ of the packed library.
 */
function repoCopy(): string {
  return join(packed.root, 'repository');
}
function copyRepo(): void {
  rmSync(repoCopy(), { recursive: true, force: true });
  const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO,
    encoding: 'utf8',
  }).stdout.split('\0');
  for (const file of files) {
    if (file === '' || !existsSync(join(REPO, file))) continue;
    mkdirSync(dirname(join(repoCopy(), file)), { recursive: true });
    cpSync(join(REPO, file), join(repoCopy(), file));
  }
  symlinkSync(join(REPO, 'node_modules'), join(repoCopy(), 'node_modules'));
  // dist/ from the tarball: the repository's own dist/ may be rebuilding (another file packing).
  const untar = spawnSync(
    'tar',
    ['-xzf', packed.tarball, '-C', repoCopy(), '--strip-components=1', 'package/dist'],
    { encoding: 'utf8' },
  );
  if (untar.status !== 0) throw new Error(`tar: ${untar.stderr}`);
}
const diagnostics = new Map<string, string[]>();
let vitestResults = new Map<string, { status: string; messages: string[] }>();
const executed = new Map<string, number>();
const started = Date.now();

function count(doc: string): void {
  executed.set(doc, (executed.get(doc) ?? 0) + 1);
}

beforeAll(async () => {
  // DOCS_TEST_REUSE=<dir>: keep the packed project in <dir> between runs (while editing docs;
  // it then tests the library as packed the first time). CI never sets it.
  const reuse = process.env['DOCS_TEST_REUSE'];
  const saved = reuse === undefined ? undefined : join(reuse, 'packed.json');
  if (saved !== undefined && existsSync(saved)) {
    packed = JSON.parse(readFileSync(saved, 'utf8')) as PackedProject;
    rmSync(join(packed.project, 'docs-blocks'), { recursive: true, force: true });
    rmSync(join(packed.project, '.docs-out'), { recursive: true, force: true });
    for (const dir of ['hello', 'build'])
      rmSync(join(packed.project, dir), { recursive: true, force: true });
  } else {
    packed = await packedProject('jr-docs-');
    if (saved !== undefined) {
      mkdirSync(dirname(saved), { recursive: true });
      writeFileSync(saved, JSON.stringify(packed));
    }
  }
  const { project, tarball } = packed;
  // Shell blocks start in the project; getting-started.md's first step expects the tarball there.
  copyFileSync(tarball, join(project, relative(packed.root, tarball)));

  if ([...BLOCKS.values()].flat().some((b) => b.inRepo && b.notRun === undefined)) copyRepo();

  const all = [...PROGRAMS.values()].flat();
  for (const program of all) {
    const path = join(project, pathOf(program));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${program.code}\n`);
  }
  // One strict tsc run over the project and every block, emitting what node runs.
  writeFileSync(
    join(project, 'tsconfig.docs.json'),
    JSON.stringify({
      extends: './tsconfig.json',
      compilerOptions: { noEmit: false, outDir: '.docs-out', rootDir: '.' },
      include: ['src', 'test', 'docs-blocks'],
    }),
  );
  const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.docs.json', '--pretty', 'false'], {
    cwd: project,
    env: cleanEnv(),
    encoding: 'utf8',
    timeout: 300_000,
  });
  for (const line of tsc.stdout.split('\n')) {
    const m = /^(.+?)\((\d+),\d+\): error (TS\d+: .*)$/.exec(line);
    if (m === null) continue;
    const program = all.find((p) => pathOf(p) === m[1]);
    const key = program === undefined ? (m[1] ?? '') : pathOf(program);
    const where = program === undefined ? `${m[1]}:${m[2]}` : docLine(program, Number(m[2]));
    diagnostics.set(key, [...(diagnostics.get(key) ?? []), `${where}: ${m[3]}`]);
  }
  if (tsc.status !== 0 && diagnostics.size === 0) throw new Error(`tsc failed:\n${tsc.stdout}`);

  // One vitest run for every block that is a test.
  const tests = all.filter((p) => modeOf(p) === 'vitest').map(pathOf);
  if (tests.length > 0) {
    const out = join(project, '.docs-vitest.json');
    spawnSync('npx', ['vitest', 'run', '--reporter=json', `--outputFile=${out}`, ...tests], {
      cwd: project,
      env: cleanEnv(),
      encoding: 'utf8',
      timeout: 300_000,
    });
    const report = existsSync(out)
      ? (JSON.parse(readFileSync(out, 'utf8')) as {
          testResults: {
            name: string;
            status: string;
            message: string;
            assertionResults: { failureMessages: string[] }[];
          }[];
        })
      : { testResults: [] };
    vitestResults = new Map(
      report.testResults.map((r) => [
        relative(project, r.name),
        {
          status: r.status,
          messages: [r.message, ...r.assertionResults.flatMap((a) => a.failureMessages)].filter(
            (m) => m !== '',
          ),
        },
      ]),
    );
  }
}, 900_000);

afterAll(() => {
  const rows = DOCS.map((doc) => {
    const blocks = BLOCKS.get(doc) ?? [];
    const code = blocks.filter((b) => b.kind !== 'data');
    const programs = PROGRAMS.get(doc) ?? [];
    const compiled = programs.filter((p) => modeOf(p) === 'compile-only').flatMap((p) => p.blocks);
    return `${doc}: ${executed.get(doc) ?? 0} executed, ${compiled.length} compiled only, ${code.filter((b) => b.notRun !== undefined).length} marked not-run, ${blocks.length - code.length} data`;
  });
  const total = [...executed.values()].reduce((a, b) => a + b, 0);
  const marked = [...BLOCKS.values()].flat().filter((b) => b.notRun !== undefined).length;
  console.log(
    `docs blocks (${Math.round((Date.now() - started) / 1000)} s): ${total} executed, ${marked} marked not-run\n  ${rows.join('\n  ')}`,
  );
  if (packed !== undefined && process.env['DOCS_TEST_REUSE'] === undefined)
    rmSync(packed.root, { recursive: true, force: true });
});

for (const doc of DOCS) {
  const programs = PROGRAMS.get(doc) ?? [];
  const shells = (BLOCKS.get(doc) ?? []).filter(
    (b) => b.kind === 'shell' && b.notRun === undefined,
  );
  if (programs.length === 0 && shells.length === 0) continue;
  describe(doc, () => {
    for (const program of programs) {
      const mode = modeOf(program);
      it(`${program.first.doc}:${program.first.line} (ts, ${mode === 'node' ? 'run' : mode})`, () => {
        expect(diagnostics.get(pathOf(program)) ?? []).toEqual([]);
        if (mode === 'vitest') {
          const result = vitestResults.get(pathOf(program));
          expect(result?.messages ?? ['no vitest result']).toEqual([]);
          expect(result?.status).toBe('passed');
        } else if (mode === 'node') {
          const js = join('.docs-out', pathOf(program).replace(/\.ts$/, '.js'));
          const run = spawnSync('node', [js], {
            cwd: packed.project,
            env: cleanEnv(),
            encoding: 'utf8',
            timeout: 120_000,
          });
          expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
        }
        if (mode !== 'compile-only') for (const _ of program.blocks) count(doc);
      }, 180_000);
    }

    // A doc's shell blocks run in order, in one directory that carries over (`cd` holds).
    const cwds = new Map<boolean, string>();
    for (const block of shells) {
      it(`${block.doc}:${block.line} (${block.lang}${block.inRepo ? ', in the repository' : ''})`, () => {
        const cwd = cwds.get(block.inRepo) ?? (block.inRepo ? repoCopy() : packed.project);
        const pwdFile = join(packed.root, 'pwd');
        const script = `set -euo pipefail\n${shellScript(block)}\npwd > '${pwdFile}'\n`;
        const run = spawnSync('bash', ['-c', script], {
          cwd,
          env: cleanEnv(),
          encoding: 'utf8',
          timeout: 600_000,
        });
        expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
        cwds.set(block.inRepo, readFileSync(pwdFile, 'utf8').trim());
        count(doc);
      }, 600_000);
    }
  });
}

describe('the docs blocks', () => {
  it('are each run, compiled, marked not-run with a reason, or data', () => {
    const blocks = [...BLOCKS.values()].flat();
    expect(blocks.length).toBeGreaterThan(50);
    for (const block of blocks) {
      const covered =
        block.kind === 'data' ||
        block.notRun !== undefined ||
        [...PROGRAMS.values()].flat().some((p) => p.blocks.includes(block)) ||
        block.kind === 'shell';
      expect(covered, `${block.doc}:${block.line}`).toBe(true);
    }
  });
});
