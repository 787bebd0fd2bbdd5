// Copy a consistent dump of a source into a server: `mariadb-dump --single-transaction
// --master-data=1 --gtid` piped into the `mariadb` client, with binary logging off for the load.
// Credentials go through option files (--defaults-file, mode 0600, in a 0700 temp dir removed
// afterwards), never argv or the environment. MariaDB 10.11 names: --master-data (not
// --source-data), --gtid "used together with --master-data=1 ... will set the GTID position"
// (https://mariadb.com/docs/server/ref/mdb/cli/mariadb-dump/gtid), which the dump writes as
// SET GLOBAL gtid_slave_pos.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redactor } from 'juju-reactive';
import type { ServerConnection } from './sql.js';

/** Where the client programs are. */
export interface DumpTools {
  readonly dump: string;
  readonly client: string;
}

/** The Debian/Ubuntu paths of MariaDB 10.11's clients. */
export const DEFAULT_DUMP_TOOLS: DumpTools = {
  dump: '/usr/bin/mariadb-dump',
  client: '/usr/bin/mariadb',
};

const STDERR_LIMIT = 4096;

/** An option-file value: double-quoted, with backslash and quote escaped (no newlines). */
function optionValue(value: string): string {
  if (/[\r\n\0]/.test(value)) throw new Error('refused a credential containing a line break');
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function optionFile(path: string, to: ServerConnection): void {
  const text = [
    '[client]',
    ...(to.socketPath === undefined
      ? [`host=${optionValue(to.host)}`, `port=${to.port}`]
      : [`socket=${optionValue(to.socketPath)}`]),
    `user=${optionValue(to.user)}`,
    `password=${optionValue(to.password)}`,
    '',
  ].join('\n');
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/**
 * Dump `databases` from `source` (with its GTID position) and load them into `target` with
 * sql_log_bin=0, so the load adds no GTID of the target's own. Resolves when the load finished;
 * rejects with the tools' (redacted, bounded) stderr otherwise.
 */
export async function copyDump(
  source: ServerConnection,
  target: ServerConnection,
  databases: readonly string[],
  tools: DumpTools = DEFAULT_DUMP_TOOLS,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'jr-dump-'));
  chmodSync(dir, 0o700);
  const redactor = new Redactor();
  redactor.add(source.password);
  redactor.add(target.password);
  try {
    const sourceFile = join(dir, 'source.cnf');
    const targetFile = join(dir, 'target.cnf');
    optionFile(sourceFile, source);
    optionFile(targetFile, target);
    const env = { ...process.env };
    delete env.MYSQL_PWD;
    const dump = spawn(
      tools.dump,
      [
        `--defaults-file=${sourceFile}`,
        '--single-transaction',
        '--master-data=1',
        '--gtid',
        '--routines',
        '--triggers',
        '--events',
        '--databases',
        ...databases,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env },
    );
    const load = spawn(tools.client, [`--defaults-file=${targetFile}`, '--batch'], {
      stdio: ['pipe', 'ignore', 'pipe'],
      env,
    });
    // A client that exits early (bad credentials) closes its stdin: its exit code reports that.
    load.stdin.on('error', () => {});
    load.stdin.write('SET SESSION sql_log_bin=0;\n');
    dump.stdout.pipe(load.stdin);
    const [dumpResult, loadResult] = await Promise.all([finished(dump), finished(load)]);
    if (dumpResult.code !== 0) {
      throw new Error(
        `mariadb-dump exited ${dumpResult.code}: ${redactor.redact(dumpResult.stderr)}`,
      );
    }
    if (loadResult.code !== 0) {
      throw new Error(
        `loading the dump exited ${loadResult.code}: ${redactor.redact(loadResult.stderr)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function finished(child: ReturnType<typeof spawn>): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < STDERR_LIMIT) stderr += chunk.toString('utf8').slice(0, STDERR_LIMIT);
    });
    child.once('error', (error) => resolve({ code: -1, stderr: error.message }));
    child.once('close', (code) => resolve({ code: code ?? -1, stderr: stderr.trim() }));
  });
}
