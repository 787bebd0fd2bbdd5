// tempDir is os.tmpdir() without loading node:os into every hook: the same answer for every
// setting of the variables os.tmpdir() reads (Node's lib/os.js, tmpdir), checked against it.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../src/juju/process-hook-tools.js';

const CASES: Record<string, string>[] = [
  {},
  { TMPDIR: '/var/tmp' },
  { TMPDIR: '/var/tmp/' },
  { TMPDIR: '/' },
  { TMPDIR: '', TMP: '/x/' },
  { TMP: '/y', TEMP: '/z' },
  { TEMP: '/only-temp//' },
];

describe('tempDir', () => {
  it('answers what os.tmpdir() answers (TMPDIR, TMP, TEMP, else /tmp; no trailing slash)', () => {
    for (const env of CASES) {
      // os.tmpdir() reads the process environment: ask a process that has exactly `env`.
      const run = spawnSync(process.execPath, ['-p', 'require("node:os").tmpdir()'], {
        env,
        encoding: 'utf8',
      });
      expect(tempDir(env), JSON.stringify(env)).toBe(run.stdout.trim());
    }
  });
});
