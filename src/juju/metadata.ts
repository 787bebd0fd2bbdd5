// Charm metadata and config options, read from metadata.yaml / config.yaml or charmcraft.yaml.
// Rejects a malformed file with an error that names the file and the field; never guesses.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { type ActionMetadata, parseActions } from './actions-metadata.js';

/** The metadata.yaml section an endpoint is declared in. */
export type EndpointRole = 'peers' | 'provides' | 'requires';

/** One endpoint declared under `peers`, `provides` or `requires`. */
export interface EndpointMetadata {
  /** The endpoint name, e.g. `cluster` (also the prefix of its relation ids and hooks). */
  readonly name: string;
  /** The section it is declared in. */
  readonly role: EndpointRole;
  /** The interface name, e.g. `mysql-innodb-cluster`: what endpoint classes bind by. */
  readonly interface: string;
  /** `limit`: the most relations the endpoint accepts. */
  readonly limit?: number;
  /** `scope`: `global` (default) or `container` (subordinates). */
  readonly scope?: 'global' | 'container';
  /** `optional`. */
  readonly optional?: boolean;
}

/**
 * What this library needs from metadata.yaml. Pass it as `new Charm({ metadata })` to save
 * reading the file on every hook.
 * @example
 * const metadata = parseMetadata('name: demo\npeers: { cluster: { interface: demo-peers } }', 'inline');
 */
export interface CharmMetadata {
  /** The charm name. */
  readonly name: string;
  /** The one-line summary. */
  readonly summary?: string;
  /** In file order within each role: peers, then provides, then requires. */
  readonly endpoints: readonly EndpointMetadata[];
  /** `storage:`, in file order. */
  readonly storage?: readonly StorageMetadata[];
  /** `resources:`, in file order. */
  readonly resources?: readonly ResourceMetadata[];
  /** Config options (config.yaml, or charmcraft.yaml's `config.options`), when read. */
  readonly config?: Readonly<Record<string, ConfigOption>>;
  /** Actions (actions.yaml, or charmcraft.yaml's `actions`), when read. */
  readonly actions?: Readonly<Record<string, ActionMetadata>>;
}

/** One store declared under `storage:` in metadata.yaml (or charmcraft.yaml). */
export interface StorageMetadata {
  /** The storage name, e.g. `data` (its hooks are `data-storage-attached` / `-detaching`). */
  readonly name: string;
  /** `filesystem` or `block`. */
  readonly type: 'filesystem' | 'block';
  /** `location`: where a filesystem is mounted. */
  readonly location?: string;
  /** `multiple.range`, e.g. `1-3` or `2+`: how many instances a unit may have. */
  readonly multiple?: string;
  /** `minimum-size`, e.g. `10G`. */
  readonly minimumSize?: string;
  /** `shared`, `read-only`. */
  readonly shared?: boolean;
  /** `read-only`. */
  readonly readOnly?: boolean;
  /** `description`. */
  readonly description?: string;
}

/** One resource declared under `resources:`. */
export interface ResourceMetadata {
  /** The resource name, as `resource-get <name>` takes it. */
  readonly name: string;
  /** `file` or `oci-image`. */
  readonly type: 'file' | 'oci-image';
  /** `filename` (required for `file` resources). */
  readonly filename?: string;
  /** `description`. */
  readonly description?: string;
}

/** The types a config option may declare. */
export type ConfigOptionType = 'string' | 'int' | 'float' | 'boolean' | 'secret';

/** One option under `options:` in config.yaml. */
export interface ConfigOption {
  /** The declared type. */
  readonly type: ConfigOptionType;
  /** The default value, checked against the type. */
  readonly default?: string | number | boolean;
  /** The description shown by `juju config`. */
  readonly description?: string;
}

/** A charm file is missing or malformed; `field` is the dotted path ('' for the whole file). */
export class MetadataError extends Error {
  /** Always `MetadataError`. */
  override readonly name = 'MetadataError';
  constructor(
    /** The file's path (or the name given to the parser). */
    readonly file: string,
    /** The dotted path of the offending field ('' for the whole file). */
    readonly field: string,
    message: string,
  ) {
    super(field === '' ? `${file}: ${message}` : `${file}: ${field} ${message}`);
  }
}

/** What Juju accepts as an endpoint (relation) name: juju/names relation.go, RelationSnippet. */
const ENDPOINT_NAME = /^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$/;

const ROLES: readonly EndpointRole[] = ['peers', 'provides', 'requires'];
const OPTION_TYPES: readonly ConfigOptionType[] = ['string', 'int', 'float', 'boolean', 'secret'];

/**
 * Parse metadata.yaml text (or charmcraft.yaml, which has the same keys at top level).
 * Throws {@link MetadataError} naming `fileName` and the offending field.
 */
export function parseMetadata(text: string, fileName: string): CharmMetadata {
  const root = parseRoot(text, fileName);
  const name = root['name'];
  if (typeof name !== 'string' || name === '') {
    throw new MetadataError(fileName, 'name', 'must be a non-empty string');
  }
  const summary = optionalString(root, 'summary', 'summary', fileName);

  const endpoints: EndpointMetadata[] = [];
  const seen = new Map<string, string>();
  for (const role of ROLES) {
    const section = optionalMap(root[role], role, fileName);
    for (const [endpoint, spec] of Object.entries(section)) {
      const path = `${role}.${endpoint}`;
      const earlier = seen.get(endpoint);
      if (earlier !== undefined) {
        throw new MetadataError(
          fileName,
          path,
          `reuses the endpoint name already declared in ${earlier}`,
        );
      }
      if (!ENDPOINT_NAME.test(endpoint)) {
        throw new MetadataError(
          fileName,
          path,
          `is not a valid endpoint name: use lowercase letters and digits, words joined by "-" or "_", starting with a letter (Juju: names.RelationSnippet)`,
        );
      }
      seen.set(endpoint, path);
      endpoints.push(parseEndpoint(endpoint, role, spec, path, fileName));
    }
  }
  const storage = parseStorage(root['storage'], fileName);
  const resources = parseResources(root['resources'], fileName);
  return {
    name,
    ...(summary === undefined ? {} : { summary }),
    endpoints,
    ...(storage.length === 0 ? {} : { storage }),
    ...(resources.length === 0 ? {} : { resources }),
  };
}

/** `storage:` (juju internal/charm/meta.go parseStorage: type is filesystem or block). */
function parseStorage(section: unknown, file: string): StorageMetadata[] {
  const out: StorageMetadata[] = [];
  for (const [name, spec] of Object.entries(optionalMap(section, 'storage', file))) {
    const path = `storage.${name}`;
    if (!/^[a-z][a-z0-9-]*$/.test(name)) {
      throw new MetadataError(
        file,
        path,
        'is not a valid storage name (lowercase letters, digits, hyphens)',
      );
    }
    if (!isMap(spec)) throw new MetadataError(file, path, 'must be a mapping with at least a type');
    const type = spec['type'];
    if (type !== 'filesystem' && type !== 'block') {
      throw new MetadataError(file, `${path}.type`, 'must be "filesystem" or "block"');
    }
    const entry: Record<string, unknown> = { name, type };
    const text = (key: string, as: string) => {
      const v = optionalString(spec, key, `${path}.${key}`, file);
      if (v !== undefined) entry[as] = v;
    };
    text('location', 'location');
    text('minimum-size', 'minimumSize');
    text('description', 'description');
    for (const [key, as] of [
      ['shared', 'shared'],
      ['read-only', 'readOnly'],
    ] as const) {
      const v = spec[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'boolean')
        throw new MetadataError(file, `${path}.${key}`, 'must be true or false');
      entry[as] = v;
    }
    const multiple = spec['multiple'];
    if (multiple !== undefined && multiple !== null) {
      const range = isMap(multiple) ? multiple['range'] : undefined;
      const rangeText = typeof range === 'number' ? String(range) : range;
      if (typeof rangeText !== 'string' || !/^(\d+|\d+-\d+|\d+\+)$/.test(rangeText)) {
        throw new MetadataError(file, `${path}.multiple.range`, 'must be <n>, <m>-<n> or <n>+');
      }
      entry['multiple'] = rangeText;
    }
    out.push(entry as unknown as StorageMetadata);
  }
  return out;
}

/** `resources:` (type file needs a filename). */
function parseResources(section: unknown, file: string): ResourceMetadata[] {
  const out: ResourceMetadata[] = [];
  for (const [name, spec] of Object.entries(optionalMap(section, 'resources', file))) {
    const path = `resources.${name}`;
    if (!isMap(spec)) throw new MetadataError(file, path, 'must be a mapping with at least a type');
    const type = spec['type'] ?? 'file';
    if (type !== 'file' && type !== 'oci-image') {
      throw new MetadataError(file, `${path}.type`, 'must be "file" or "oci-image"');
    }
    const filename = optionalString(spec, 'filename', `${path}.filename`, file);
    if (type === 'file' && (filename === undefined || filename === '')) {
      throw new MetadataError(file, `${path}.filename`, 'is required for a file resource');
    }
    const description = optionalString(spec, 'description', `${path}.description`, file);
    out.push({
      name,
      type,
      ...(filename === undefined ? {} : { filename }),
      ...(description === undefined ? {} : { description }),
    });
  }
  return out;
}

function parseEndpoint(
  name: string,
  role: EndpointRole,
  spec: unknown,
  path: string,
  file: string,
): EndpointMetadata {
  // Juju accepts the short form `requires: { db: mysql }`: the value is the interface.
  if (typeof spec === 'string' && spec !== '') return { name, role, interface: spec };
  if (!isMap(spec)) {
    throw new MetadataError(file, path, 'must be a mapping with at least an interface');
  }
  const iface = spec['interface'];
  if (typeof iface !== 'string' || iface === '') {
    throw new MetadataError(file, `${path}.interface`, 'must be a non-empty string');
  }
  const out: {
    name: string;
    role: EndpointRole;
    interface: string;
    limit?: number;
    scope?: 'global' | 'container';
    optional?: boolean;
  } = { name, role, interface: iface };
  const { limit, scope, optional } = spec;
  if (limit !== undefined && limit !== null) {
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
      throw new MetadataError(file, `${path}.limit`, 'must be a positive integer');
    }
    out.limit = limit;
  }
  if (scope !== undefined && scope !== null) {
    if (scope !== 'global' && scope !== 'container') {
      throw new MetadataError(file, `${path}.scope`, 'must be "global" or "container"');
    }
    out.scope = scope;
  }
  if (optional !== undefined && optional !== null) {
    if (typeof optional !== 'boolean') {
      throw new MetadataError(file, `${path}.optional`, 'must be true or false');
    }
    out.optional = optional;
  }
  return out;
}

/**
 * Read the charm's metadata from `charmDir`: metadata.yaml, else charmcraft.yaml.
 * Throws {@link MetadataError} when neither exists or the file is malformed.
 */
export function readMetadata(charmDir: string): CharmMetadata {
  for (const file of ['metadata.yaml', 'charmcraft.yaml']) {
    const path = join(charmDir, file);
    if (existsSync(path)) {
      const metadata = parseMetadata(readFileSync(path, 'utf8'), path);
      const config = readConfigOptions(charmDir);
      const actions = readActions(charmDir);
      return {
        ...metadata,
        ...(Object.keys(config).length === 0 ? {} : { config }),
        ...(Object.keys(actions).length === 0 ? {} : { actions }),
      };
    }
  }
  throw new MetadataError(
    join(charmDir, 'metadata.yaml'),
    '',
    `not found, and neither is charmcraft.yaml in ${charmDir}: ` +
      'a charm declares its name and endpoints in one of them',
  );
}

/**
 * Parse config options from config.yaml text (`options:`) or charmcraft.yaml text
 * (`config.options:`). A file without options gives `{}`.
 */
export function parseConfigOptions(
  text: string,
  fileName: string,
): Readonly<Record<string, ConfigOption>> {
  const root = parseRoot(text, fileName);
  let prefix = 'options';
  let section: unknown = root['options'];
  if (section === undefined && root['config'] !== undefined && root['config'] !== null) {
    const config = root['config'];
    if (!isMap(config)) throw new MetadataError(fileName, 'config', 'must be a mapping');
    prefix = 'config.options';
    section = config['options'];
  }
  const out: Record<string, ConfigOption> = {};
  for (const [name, spec] of Object.entries(optionalMap(section, prefix, fileName))) {
    out[name] = parseOption(spec, `${prefix}.${name}`, fileName);
  }
  return out;
}

function parseOption(spec: unknown, path: string, file: string): ConfigOption {
  if (!isMap(spec)) throw new MetadataError(file, path, 'must be a mapping with at least a type');
  const type = spec['type'];
  if (typeof type !== 'string' || !(OPTION_TYPES as readonly string[]).includes(type)) {
    throw new MetadataError(file, `${path}.type`, `must be one of ${OPTION_TYPES.join(', ')}`);
  }
  const optionType = type as ConfigOptionType;
  const description = optionalString(spec, 'description', `${path}.description`, file);
  const value = spec['default'];
  let defaultValue: string | number | boolean | undefined;
  if (value !== undefined && value !== null) {
    if (!defaultMatches(optionType, value)) {
      throw new MetadataError(file, `${path}.default`, `must be a ${DEFAULT_SHAPE[optionType]}`);
    }
    defaultValue = value;
  }
  return {
    type: optionType,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
    ...(description === undefined ? {} : { description }),
  };
}

const DEFAULT_SHAPE: Record<ConfigOptionType, string> = {
  string: 'string',
  secret: 'string (a secret URI)',
  int: 'whole number',
  float: 'number',
  boolean: 'boolean (true or false)',
};

function defaultMatches(
  type: ConfigOptionType,
  value: unknown,
): value is string | number | boolean {
  switch (type) {
    case 'string':
    case 'secret':
      return typeof value === 'string';
    case 'int':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
  }
}

/**
 * Read config options from `charmDir`: config.yaml, else charmcraft.yaml's `config.options`,
 * else `{}` (a charm without config).
 */
export function readConfigOptions(charmDir: string): Readonly<Record<string, ConfigOption>> {
  for (const file of ['config.yaml', 'charmcraft.yaml']) {
    const path = join(charmDir, file);
    if (existsSync(path)) return parseConfigOptions(readFileSync(path, 'utf8'), path);
  }
  return {};
}

/** The default value of every option that has one. */
export function configDefaults(
  options: Readonly<Record<string, ConfigOption>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(options)) {
    if (option.default !== undefined) out[name] = option.default;
  }
  return out;
}

function parseRoot(text: string, file: string): YamlMap {
  const doc = parseDocument(text, { prettyErrors: true });
  const error = doc.errors[0];
  if (error) throw new MetadataError(file, '', `is not valid YAML: ${error.message}`);
  const root: unknown = doc.toJS();
  if (root === null || root === undefined) return {};
  if (!isMap(root)) throw new MetadataError(file, '', 'must be a YAML mapping at the top level');
  return root;
}

function optionalMap(value: unknown, path: string, file: string): YamlMap {
  if (value === undefined || value === null) return {};
  if (!isMap(value)) throw new MetadataError(file, path, 'must be a mapping');
  return value;
}

function optionalString(map: YamlMap, key: string, path: string, file: string): string | undefined {
  const value = map[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new MetadataError(file, path, 'must be a string');
  return value;
}

function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Read action definitions from `charmDir`: actions.yaml, else charmcraft.yaml's `actions:`,
 * else `{}` (a charm without actions).
 */
export function readActions(charmDir: string): Readonly<Record<string, ActionMetadata>> {
  const actionsYaml = join(charmDir, 'actions.yaml');
  if (existsSync(actionsYaml)) return parseActions(readFileSync(actionsYaml, 'utf8'), actionsYaml);
  const charmcraft = join(charmDir, 'charmcraft.yaml');
  if (existsSync(charmcraft))
    return parseActions(readFileSync(charmcraft, 'utf8'), charmcraft, 'actions');
  return {};
}

/** A parsed YAML mapping. */
export type YamlMap = Record<string, unknown>;
/** Parse a charm file's text into its top-level mapping; throws {@link MetadataError}. */
export const parseYamlRoot: (text: string, file: string) => YamlMap = (text, file) =>
  parseRoot(text, file);
/** True for a YAML mapping (not null, not a list). */
export const isYamlMap: (value: unknown) => value is YamlMap = (value): value is YamlMap =>
  isMap(value);

/** True when `value` has the config option type's shape (a `secret` is any string here). */
export const configValueMatches: (
  type: ConfigOptionType,
  value: unknown,
) => value is string | number | boolean = (type, value): value is string | number | boolean =>
  defaultMatches(type, value);
