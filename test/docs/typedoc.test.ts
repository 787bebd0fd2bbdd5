// The API reference (`npm run docs`, typedoc.json) titles each module with the import path a
// user types (issue 22, item 9: it said `src`, `src/testing`, ...): every entry point of
// package.json's exports is documented, under a `@module <import path>` tag in its source.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../pack/packed-project.js';

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, { types: string }>;
};
const typedoc = JSON.parse(readFileSync(join(REPO, 'typedoc.json'), 'utf8')) as {
  entryPoints: string[];
};

describe('the API reference', () => {
  const entries = Object.entries(pkg.exports).map(([subpath, { types }]) => ({
    importPath: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`,
    source: types.replace(/^\.\/dist\//, '').replace(/\.d\.ts$/, '.ts'),
  }));

  it('documents every entry point of package.json exports, and nothing else', () => {
    expect([...typedoc.entryPoints].sort()).toEqual(entries.map((e) => e.source).sort());
  });

  it.each(entries)('titles $source as $importPath', ({ importPath, source }) => {
    const text = readFileSync(join(REPO, source), 'utf8');
    const tags = [...text.matchAll(/@module\s+(\S+)/g)].map((m) => m[1]);
    expect(tags).toEqual([importPath]);
  });
});
