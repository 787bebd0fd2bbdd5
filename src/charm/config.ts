// Typed config: declare each option's type once; read the application's config as those types,
// checked against what Juju returned and against config.yaml's declared types.
import { type ConfigOptionType, configValueMatches } from '../juju/metadata.js';
import type { HookRuntime } from './runtime.js';

/** The TypeScript type of each config option type (a `secret` option holds a secret URI). */
export interface ConfigTypeMap {
  /** A string. */
  string: string;
  /** A whole number. */
  int: number;
  /** A number. */
  float: number;
  /** true or false. */
  boolean: boolean;
  /** A secret URI (`secret:...`); read its content with `rt.juju.secretGet(uri)`. */
  secret: string;
}

/** Option name to declared type, e.g. `{ port: 'int', 'cluster-name': 'string' }`. */
export type ConfigSpec = Readonly<Record<string, ConfigOptionType>>;

/** The config as the spec types it: an option without a value (and no default) is undefined. */
export type TypedConfig<S extends ConfigSpec> = {
  readonly [K in keyof S]: ConfigTypeMap[S[K]] | undefined;
};

/** A config value does not have the type its option declares. */
export class ConfigTypeError extends Error {
  /** Always `ConfigTypeError`. */
  override readonly name = 'ConfigTypeError';
  constructor(
    /** The option name. */
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}

const SECRET_URI_RE = /^secret:(\/\/[0-9a-f-]+\/)?[0-9a-v]{20}$/;

/**
 * Declare the config a charm reads, with each option's type; returns a reader for handlers.
 * The reader throws {@link ConfigTypeError} (failing the hook) when a value does not have its
 * type, or when config.yaml declares the option with another type. Values are never quoted.
 * @example
 * const config = defineConfig({ port: 'int', 'cluster-name': 'string', debug: 'boolean' });
 * charm.when('config.changed.port').run((rt) => openPort(config(rt).port ?? 3306));
 */
export function defineConfig<const S extends ConfigSpec>(
  spec: S,
): (rt: HookRuntime) => TypedConfig<S> {
  return (rt) => {
    const values = rt.config();
    const declared = rt.metadata.config;
    const out: Record<string, unknown> = {};
    for (const [name, type] of Object.entries(spec)) {
      const declaredType = declared?.[name]?.type;
      if (declared !== undefined && declaredType === undefined) {
        throw new ConfigTypeError(
          name,
          `config option ${name} is read by the charm but not declared in config.yaml`,
        );
      }
      if (declaredType !== undefined && declaredType !== type) {
        throw new ConfigTypeError(
          name,
          `config option ${name} is read as ${type} but config.yaml declares it ${declaredType}`,
        );
      }
      const value = values[name];
      if (value === undefined || value === null) {
        out[name] = undefined;
        continue;
      }
      if (!matches(type, value)) {
        throw new ConfigTypeError(
          name,
          `config option ${name} should be ${article(type)} but Juju returned ${describe(type, value)}`,
        );
      }
      out[name] = value;
    }
    return out as TypedConfig<S>;
  };
}

function matches(type: ConfigOptionType, value: unknown): boolean {
  return (
    configValueMatches(type, value) && (type !== 'secret' || SECRET_URI_RE.test(String(value)))
  );
}

function article(type: ConfigOptionType): string {
  return type === 'int' ? 'an int' : `a ${type}`;
}

function describe(type: ConfigOptionType, value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (type === 'secret' && typeof value === 'string') return 'a string that is not a secret URI';
  return `a ${typeof value}`;
}
