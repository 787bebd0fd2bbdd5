// copyDump with stand-in tools that record what they were given: credentials reach them only
// through a 0600 option file in a 0700 directory that is gone afterwards, never argv; the load
// runs with sql_log_bin=0; a failing tool's stderr is reported with the passwords masked.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyDump } from '../../../examples/mariadb-replication/src/backend/dump.js';

const SOURCE = { host: '127.0.0.10', port: 3306, user: 'jr_admin', password: 'src-"pw\\1' };
const TARGET = { host: '127.0.0.11', port: 3307, user: 'jr_admin', password: 'tgt-pw-2' };

describe('copying a dump from a source into a server', () => {
  let dir: string;
  const tool = (name: string, body: string): string => {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\nOUT=${dir}\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  };
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jr-dump-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('passes credentials in 0600 option files only, dumps with --master-data=1 --gtid, loads unbinlogged', async () => {
    const dump = tool(
      'dump',
      [
        'echo "$@" > $OUT/dump-argv',
        'cfg=$(echo "$1" | cut -d= -f2-)',
        'stat -c %a "$cfg" > $OUT/file-mode',
        'stat -c %a "$(dirname "$cfg")" > $OUT/dir-mode',
        'dirname "$cfg" > $OUT/cfg-dir',
        'cp "$cfg" $OUT/source-cnf',
        'echo "SET GLOBAL gtid_slave_pos=\'0-1-5\';"',
      ].join('\n'),
    );
    const client = tool('client', 'echo "$@" > $OUT/client-argv\ncat > $OUT/client-stdin');
    await copyDump(SOURCE, TARGET, ['app', 'jr_replication'], { dump, client });
    const argv = read('dump-argv') + read('client-argv');
    expect(argv).not.toContain(SOURCE.password);
    expect(argv).not.toContain(TARGET.password);
    expect(read('dump-argv').trim().split(' ').slice(1)).toEqual([
      '--single-transaction',
      '--master-data=1',
      '--gtid',
      '--routines',
      '--triggers',
      '--events',
      '--databases',
      'app',
      'jr_replication',
    ]);
    expect([read('file-mode').trim(), read('dir-mode').trim()]).toEqual(['600', '700']);
    expect(read('source-cnf')).toContain('password="src-\\"pw\\\\1"');
    expect(read('client-stdin')).toBe(
      "SET SESSION sql_log_bin=0;\nSET GLOBAL gtid_slave_pos='0-1-5';\n",
    );
    expect(existsSync(read('cfg-dir').trim()), 'option files removed').toBe(false);
  });

  it('reports a failing dump with its stderr, passwords masked, and still removes the option files', async () => {
    const dump = tool(
      'dump',
      'dirname "$(echo "$1" | cut -d= -f2-)" > $OUT/cfg-dir\necho "mariadb-dump: Got error: 1045: Access denied (tgt-pw-2)" >&2\nexit 2',
    );
    const client = tool('client', 'cat > /dev/null');
    const error = await copyDump(SOURCE, TARGET, ['app'], { dump, client }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      'mariadb-dump exited 2: mariadb-dump: Got error: 1045: Access denied (***)',
    );
    expect(existsSync(read('cfg-dir').trim())).toBe(false);
  });

  it('refuses a credential with a line break before writing any file', async () => {
    const tools = { dump: tool('dump', 'exit 0'), client: tool('client', 'exit 0') };
    await expect(copyDump({ ...SOURCE, password: 'a\nb' }, TARGET, ['app'], tools)).rejects.toThrow(
      'refused a credential containing a line break',
    );
  });
});
