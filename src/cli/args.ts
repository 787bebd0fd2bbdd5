// Command-line arguments: parse them strictly and turn every mistake into a UsageError, one line
// that says what is wrong. The CLI prints it and exits 2; it never reaches the user as a stack.
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A bad command line: the message is one line, shown as is, and the command exits 2. */
export class UsageError extends Error {
  /** Always `UsageError`. */
  override readonly name = 'UsageError';
}

/** The options a command accepts, in node:util `parseArgs` form. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** What {@link parseCommandArgs} returns: option values by name and the positionals. */
export interface ParsedArgs {
  /** Each given option: a string, a boolean, or (for `multiple`) a list of them. */
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  /** Arguments that are not options, in order. */
  readonly positionals: readonly string[];
}

/**
 * Parse `argv` strictly: an unknown option, a missing value or a value given to a flag throws a
 * UsageError naming it (node's own message, trimmed to its first line).
 * @example
 * const { values } = parseCommandArgs(['--units', '3'], { units: { type: 'string' } });
 */
export function parseCommandArgs(
  argv: readonly string[],
  options: OptionSpec,
  { positionals = true }: { readonly positionals?: boolean } = {},
): ParsedArgs {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: positionals, strict: true });
  } catch (error) {
    const first = (error as Error).message.split('\n')[0] ?? 'bad arguments';
    // node says "Unknown option '--x'. To specify a positional argument starting with a '-',
    // place it at the end of the command after '--', as in '-- \"--x\"": keep the first sentence.
    throw new UsageError(first.replace(/\. To specify a positional argument.*$/, ''));
  }
}

/** Bounds for {@link wholeNumber}. */
export interface NumberBounds {
  /** The smallest value accepted (default 0). */
  readonly min?: number;
  /** The largest value accepted (default Number.MAX_SAFE_INTEGER). */
  readonly max?: number;
}

/**
 * A whole-number option, decimal digits only, within bounds; `fallback` when not given.
 * `--units abc`, `--units 0` and `--units 99999999999999999999` are UsageErrors.
 */
export function wholeNumber(
  name: string,
  value: string | boolean | (string | boolean)[] | undefined,
  fallback: number,
  { min = 0, max = Number.MAX_SAFE_INTEGER }: NumberBounds = {},
): number {
  if (value === undefined) return fallback;
  const range = `a whole number from ${min} to ${max}`;
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value)) {
    throw new UsageError(`--${name} must be ${range}, got "${String(value).slice(0, 40)}"`);
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be ${range}, got ${value}`);
  }
  return n;
}

/** A string option (the last one given, when repeated). */
export function stringOption(value: string | boolean | (string | boolean)[] | undefined) {
  return typeof value === 'string' ? value : undefined;
}

/** Keys that would reach Object.prototype if used as a plain object's key. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * `--config key=value` pairs as config values: numbers and booleans as YAML reads them, anything
 * else a string. Keys are config option names (letters, digits, `-`, `_`, `.`); `__proto__` and
 * friends are refused. The result has no prototype.
 */
export function parseConfigPairs(pairs: readonly string[]): Record<string, unknown> {
  const config: Record<string, unknown> = Object.create(null);
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, Math.max(eq, 0));
    if (eq <= 0) throw new UsageError(`--config expects key=value, got "${pair.slice(0, 60)}"`);
    if (UNSAFE_KEYS.has(key) || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(key)) {
      throw new UsageError(`--config: "${key.slice(0, 60)}" is not a config option name`);
    }
    const raw = pair.slice(eq + 1);
    config[key] =
      raw === 'true'
        ? true
        : raw === 'false'
          ? false
          : /^-?\d{1,15}(\.\d{1,15})?$/.test(raw)
            ? Number(raw)
            : raw;
  }
  return config;
}

/** The options and the one dir argument of a command that takes a dir (`init`, `simulate`, `pack`). */
export interface DirCommandArgs {
  /** Each given option, as {@link parseCommandArgs} returns them. */
  readonly values: ParsedArgs['values'];
  /** The dir argument, as given. */
  readonly dir: string;
}

/**
 * Parse the arguments of a command that takes one dir and `options` (plus `-h, --help`):
 * undefined when help was asked for; a UsageError (`missing` as its message) when the dir is
 * missing, or when there is more than one argument.
 */
export function parseDirCommand(
  argv: readonly string[],
  options: OptionSpec,
  missing: string,
): DirCommandArgs | undefined {
  const { values, positionals } = parseCommandArgs(argv, {
    ...options,
    help: { type: 'boolean', short: 'h' },
  });
  if (values['help'] === true) return undefined;
  const [dir, extra] = positionals;
  if (dir === undefined) throw new UsageError(missing);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra.slice(0, 60)}"`);
  return { values, dir };
}
