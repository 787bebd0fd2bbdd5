#!/usr/bin/env node
// The `juju-reactive` command: picks the subcommand (init, simulate, pack, serve, demo) and turns
// every failure into one line on stderr: exit 2 for a bad command line, 1 for a failed run.
// Never prints a stack trace.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { libraryVersion } from '../pack/library.js';
import { UsageError } from './args.js';
import type { CliIo, Command } from './command.js';
import { initCommand } from './init.js';
import { packCommand } from './pack.js';
import { SERVE_USAGE } from './serve-usage.js';
import { simulateCommand } from './simulate.js';

export type { CliIo } from './command.js';

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

const DEMO = `juju-reactive lets you write Juju charms in TypeScript in the reactive, flag-driven style: \
hooks set and clear flags from what Juju reports, and every handler whose flags hold runs, in \
registration order, with relation data, leader settings, secrets and flags committed only when \
the whole hook succeeds. Interfaces subclass Endpoint to turn untrusted relation data into typed, \
schema-checked views and automatic flags; the mysql-innodb-cluster peer interface is the \
flagship. And juju-reactive/testing runs many units of a real charm in one process (or as real \
hook processes) with Juju's hook ordering, so you can watch a cluster converge in a unit test: \
try \`juju-reactive simulate <charm-dir> --units 3 --seed 1\`.
`;

const demoCommand: Command = {
  name: 'demo',
  summary: 'what this library is, in one paragraph',
  help: 'usage: juju-reactive demo\n\nWhat this library is, in one paragraph.\n',
  run: async (argv, io) => {
    if (argv.length > 0 && argv[0] !== '--help' && argv[0] !== '-h') {
      throw new UsageError(`demo takes no arguments, got "${argv[0]}"`);
    }
    io.stdout(argv.length > 0 ? demoCommand.help : DEMO);
    return 0;
  },
};

const serveCommand: Command = {
  name: 'serve',
  summary: "a local control plane: Mysos' cluster API and a live dashboard over simulated models",
  help: SERVE_USAGE,
  // Loaded on use: the HTTP framework stays out of every other command's start-up.
  run: async (argv, io) => (await import('./serve.js')).serve(argv, io),
};

/** Every subcommand, in the order the help lists them. */
const COMMANDS: readonly Command[] = [
  initCommand,
  simulateCommand,
  packCommand,
  serveCommand,
  demoCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `usage: juju-reactive <command> [options]

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

options:
  -h, --help     this help (\`juju-reactive <command> --help\` for a command's)
  -V, --version  print the version of juju-reactive
`;
}

/** Run the CLI; returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  try {
    switch (name) {
      case undefined:
        io.stderr(usage());
        return 2;
      case '-h':
      case '--help':
        io.stdout(usage());
        return 0;
      case '-V':
      case '--version':
        io.stdout(`${libraryVersion()}\n`);
        return 0;
      case 'help': {
        const topic = COMMANDS.find((c) => c.name === rest[0]);
        io.stdout(topic?.help ?? usage());
        return 0;
      }
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (command === undefined) {
      throw new UsageError(
        `unknown command "${name.slice(0, 60)}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})`,
      );
    }
    return await command.run(rest, io);
  } catch (error) {
    const message = oneLine(error);
    if (error instanceof UsageError) {
      const help = name !== undefined && COMMANDS.some((c) => c.name === name) ? ` ${name}` : '';
      io.stderr(`juju-reactive: ${message} (see juju-reactive${help} --help)\n`);
      return 2;
    }
    io.stderr(`juju-reactive: ${message}\n`);
    return 1;
  }
}

/** An error's message as one line (a message over several lines keeps them, joined). */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ').trim() || 'failed';
}

function isMainModule(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMainModule()) {
  process.exitCode = await runCli(process.argv.slice(2));
}
