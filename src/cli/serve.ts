// `juju-reactive serve`: start the local control plane (Mysos' cluster API and a live
// dashboard over simulated deployments of a charm), print its URL, run until interrupted.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseZkUrl, ZkUrlError } from '../discovery/zk-url.js';
import { startServer } from '../serve/server.js';
import { SERVE_USAGE } from './serve-usage.js';

export { SERVE_USAGE } from './serve-usage.js';

/** Where the command writes, and how it waits to be stopped. */
export interface ServeIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Resolves when the server should stop (default: SIGINT or SIGTERM). */
  readonly untilStopped?: Promise<void>;
}

class ServeUsageError extends Error {}

function number(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) > max) {
    throw new ServeUsageError(`--${name} must be a whole number from 0 to ${max}, got "${value}"`);
  }
  return Number(value);
}

/** Run `serve`; returns the exit code once the server stopped. */
export async function serve(argv: readonly string[], io: ServeIo): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    const parsed = parse(argv);
    values = parsed.values;
    if (parsed.positionals.length > 0) {
      throw new ServeUsageError(`unexpected argument "${parsed.positionals[0]}"`);
    }
    if (values.help === true) {
      io.stdout(SERVE_USAGE);
      return 0;
    }
  } catch (error) {
    io.stderr(
      `juju-reactive serve: ${(error as Error).message} (see juju-reactive serve --help)\n`,
    );
    return 2;
  }
  let port: number;
  let paceMs: number;
  try {
    port = number('port', values.port, 8080, 65535);
    paceMs = number('pace', values.pace, 40, 60_000);
    if (values.zk !== undefined) {
      // The discovery module's parser: its messages name the wrong part, never a password.
      try {
        parseZkUrl(values.zk);
      } catch (error) {
        if (error instanceof ZkUrlError) throw new ServeUsageError(`--zk: ${error.message}`);
        throw error;
      }
    }
  } catch (error) {
    io.stderr(
      `juju-reactive serve: ${(error as Error).message} (see juju-reactive serve --help)\n`,
    );
    return 2;
  }
  const server = await startServer({
    port,
    paceMs,
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values.charm === undefined ? {} : { charmDir: resolve(values.charm) }),
    ...(values.quiet === true ? {} : { log: (line: string) => io.stderr(`${line}\n`) }),
    ...(values.zk === undefined ? {} : { zk: values.zk }),
    warn: (line: string) => io.stderr(`juju-reactive serve: ${line}\n`),
  });
  io.stdout(`juju-reactive serve: listening on ${server.url}/ (Ctrl-C to stop)\n`);
  if (server.discovery !== undefined)
    io.stdout(`juju-reactive serve: publishing clusters to ${server.discovery.description}\n`);
  await (io.untilStopped ?? signalled());
  await server.close();
  return 0;
}

function signalled(): Promise<void> {
  return new Promise((resolveStop) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveStop();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      charm: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string', short: 'p' },
      pace: { type: 'string' },
      quiet: { type: 'boolean' },
      zk: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
