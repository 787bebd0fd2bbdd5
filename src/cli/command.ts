// What every `juju-reactive` subcommand is: a name, its help text, and a run function that
// writes to the streams it is given and returns the exit code.

/** Where the CLI writes. Tests pass their own; the command uses the process streams. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** One subcommand of `juju-reactive`. */
export interface Command {
  /** The word that selects it: `juju-reactive <name>`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full help text (`juju-reactive <name> --help`), ending with a newline. */
  readonly help: string;
  /** Run with the arguments after the command name; throw a UsageError for a bad command line. */
  run(argv: readonly string[], io: CliIo): Promise<number>;
}
