// Fenced blocks of the docs, and how the docs test treats each (docs/contributing-docs.md):
// `ts`/`typescript` blocks are compiled and run, `sh`/`bash`/`shell`/`console` blocks are run as
// commands, every other block is data. Markers, HTML comments on the lines right above the
// opening fence, change that:
//   <!-- not-run: <reason> -->       neither compiled nor run (the reason is required)
//   <!-- compile-only: <reason> -->  ts: compiled with the others (strict tsc), not run
//   <!-- continues -->               ts: appended to the previous ts block of the same file,
//                                    they compile and run as one program
//   <!-- file: <path> -->            ts: this block is that file of the docs project (a path
//                                    relative to it, e.g. src/charm.ts); compiled; a *.test.ts
//                                    file runs with the project's vitest
//   <!-- in-repo -->                 shell: a repository command, run at the root of a copy of
//                                    this repository (its files, node_modules linked, dist built)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** How the docs test treats a block. */
export type BlockKind = 'ts' | 'shell' | 'data';

/** One fenced block of a markdown file. */
export interface DocBlock {
  /** The markdown file, relative to the repository. */
  readonly doc: string;
  /** The 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  readonly kind: BlockKind;
  readonly code: string;
  /** `<!-- not-run: reason -->`. */
  readonly notRun?: string;
  /** `<!-- compile-only: reason -->`. */
  readonly compileOnly?: string;
  /** `<!-- continues -->`. */
  readonly continues: boolean;
  /** `<!-- file: path -->`. */
  readonly file?: string;
  /** `<!-- in-repo -->`. */
  readonly inRepo: boolean;
}

const TS = new Set(['ts', 'typescript']);
const SHELL = new Set(['sh', 'bash', 'shell', 'console']);
const MARKER =
  /^\s*<!--\s*(not-run|compile-only|continues|file|in-repo)\s*(?::\s*(.*?))?\s*-->\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/;

/** The kind a fence language gives. */
export function kindOf(lang: string): BlockKind {
  if (TS.has(lang)) return 'ts';
  if (SHELL.has(lang)) return 'shell';
  return 'data';
}

/** Every fenced block of one markdown text, with its markers; throws on a malformed marker. */
export function parseBlocks(doc: string, text: string): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (open === null) continue;
    const [, indent = '', fence = '```', lang = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j] ?? '';
      if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, '') === '') break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line);
    }
    const markers = new Map<string, string>();
    for (let k = i - 1; k >= 0; k--) {
      const line = lines[k] ?? '';
      if (!line.trim().startsWith('<!--')) break;
      const marker = MARKER.exec(line);
      if (marker === null) {
        if (/^\s*<!--\s*(not[-_ ]?run|compile[-_ ]?only|continue|file\b|in[-_ ]?repo)/i.test(line))
          throw new Error(`${doc}:${k + 1}: malformed docs-test marker: ${line.trim()}`);
        break;
      }
      markers.set(marker[1] ?? '', marker[2] ?? '');
    }
    const block = toBlock(doc, i + 1, lang, body.join('\n'), markers);
    blocks.push(block);
    i = j;
  }
  return blocks;
}

function toBlock(
  doc: string,
  line: number,
  lang: string,
  code: string,
  markers: Map<string, string>,
): DocBlock {
  const where = `${doc}:${line}`;
  const kind = kindOf(lang);
  const notRun = markers.get('not-run');
  const compileOnly = markers.get('compile-only');
  const file = markers.get('file');
  if (notRun !== undefined && notRun === '') throw new Error(`${where}: not-run needs a reason`);
  if (compileOnly !== undefined && compileOnly === '')
    throw new Error(`${where}: compile-only needs a reason`);
  if (
    kind !== 'ts' &&
    (compileOnly !== undefined || file !== undefined || markers.has('continues'))
  )
    throw new Error(`${where}: compile-only, continues and file: apply to ts blocks only`);
  if (kind !== 'shell' && markers.has('in-repo'))
    throw new Error(`${where}: in-repo applies to shell blocks only`);
  if (file !== undefined && (file === '' || file.startsWith('/') || file.includes('..')))
    throw new Error(`${where}: file: needs a path inside the project`);
  return {
    doc,
    line,
    lang,
    kind,
    code,
    continues: markers.has('continues'),
    inRepo: markers.has('in-repo'),
    ...(notRun === undefined ? {} : { notRun }),
    ...(compileOnly === undefined ? {} : { compileOnly }),
    ...(file === undefined ? {} : { file }),
  };
}

/** The markdown files the docs test covers, relative to `repo`, in a stable order. */
export function docFiles(repo: string): string[] {
  const md = (dir: string) =>
    readdirSync(join(repo, dir))
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => `${dir}/${f}`);
  const readmes = (dir: string) =>
    readdirSync(join(repo, dir), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => `${dir}/${d.name}/README.md`)
      .filter((f) => {
        try {
          readFileSync(join(repo, f));
          return true;
        } catch {
          return false;
        }
      })
      .sort();
  return ['README.md', ...md('docs'), ...readmes('interfaces'), ...readmes('examples')];
}

/** A ts program: one block, or a block with the blocks marked `continues` after it. */
export interface TsProgram {
  readonly first: DocBlock;
  readonly blocks: readonly DocBlock[];
  readonly code: string;
}

/** Group a file's runnable ts blocks into programs (`continues` appends to the previous one). */
export function tsPrograms(blocks: readonly DocBlock[]): TsProgram[] {
  const programs: { first: DocBlock; blocks: DocBlock[] }[] = [];
  for (const block of blocks) {
    if (block.kind !== 'ts' || block.notRun !== undefined) continue;
    const last = programs.at(-1);
    if (block.continues) {
      if (last === undefined || last.first.doc !== block.doc)
        throw new Error(`${block.doc}:${block.line}: continues, but no ts block comes before it`);
      last.blocks.push(block);
    } else programs.push({ first: block, blocks: [block] });
  }
  return programs.map((p) => ({ ...p, code: p.blocks.map((b) => b.code).join('\n') }));
}

/** The commands of a shell block: a `console` block's `$ ` lines, a script's whole text. */
export function shellScript(block: DocBlock): string {
  if (block.lang !== 'console') return block.code;
  return block.code
    .split('\n')
    .filter((line) => line.startsWith('$ '))
    .map((line) => line.slice(2))
    .join('\n');
}
