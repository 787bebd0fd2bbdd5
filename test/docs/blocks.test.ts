// The docs test's reading of markdown: fences, languages and the markers of
// docs/contributing-docs.md.
import { describe, expect, it } from 'vitest';
import { parseBlocks, shellScript, tsPrograms } from './blocks.js';

const md = (...lines: string[]) => lines.join('\n');

describe('parseBlocks', () => {
  it('classifies blocks by language and reads the markers right above the fence', () => {
    const blocks = parseBlocks(
      'x.md',
      md(
        '```ts',
        'const a = 1;',
        '```',
        '<!-- continues -->',
        '```ts',
        'console.log(a);',
        '```',
        '<!-- not-run: needs a controller -->',
        '```sh',
        'juju deploy x',
        '```',
        '<!-- in-repo -->',
        '```console',
        '$ npm start',
        'output line',
        '```',
        '```yaml',
        'a: 1',
        '```',
        '<!-- file: src/charm.ts -->',
        '<!-- compile-only: runs under Juju only -->',
        '```typescript',
        'export {};',
        '```',
      ),
    );
    expect(blocks.map((b) => [b.line, b.kind])).toEqual([
      [1, 'ts'],
      [5, 'ts'],
      [9, 'shell'],
      [13, 'shell'],
      [17, 'data'],
      [22, 'ts'],
    ]);
    expect(blocks[1]?.continues).toBe(true);
    expect(blocks[2]?.notRun).toBe('needs a controller');
    expect(blocks[3]?.inRepo).toBe(true);
    expect(blocks[5]).toMatchObject({ file: 'src/charm.ts', compileOnly: 'runs under Juju only' });
    expect(shellScript(blocks[3] as never)).toBe('npm start');
    const programs = tsPrograms(blocks);
    expect(programs.map((p) => p.code)).toEqual(['const a = 1;\nconsole.log(a);', 'export {};']);
  });

  it.each([
    ['<!-- not-run -->', /not-run needs a reason/],
    ['<!-- not-run: -->', /not-run needs a reason/],
    ['<!-- notrun: x -->', /malformed docs-test marker/],
    ['<!-- file: ../outside.ts -->', /file: needs a path inside the project/],
  ])('refuses a malformed marker: %s', (marker, error) => {
    expect(() => parseBlocks('x.md', md(marker, '```ts', 'x', '```'))).toThrow(error);
  });

  it('refuses ts markers on shell blocks, and a continues with nothing before it', () => {
    expect(() => parseBlocks('x.md', md('<!-- continues -->', '```sh', 'ls', '```'))).toThrow(
      /apply to ts blocks only/,
    );
    expect(() => parseBlocks('x.md', md('<!-- in-repo -->', '```ts', 'x', '```'))).toThrow(
      /in-repo applies to shell blocks only/,
    );
    const lone = parseBlocks('x.md', md('<!-- continues -->', '```ts', 'x', '```'));
    expect(() => tsPrograms(lone)).toThrow(/x\.md:2: continues, but no ts block comes before it/);
  });
});
