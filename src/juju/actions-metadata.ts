// Action definitions from actions.yaml (or charmcraft.yaml's `actions:`), turned into the JSON
// Schema object Juju itself validates params against (internal/charm/actions.go ReadActionsYaml).
// Rejects what Juju rejects, naming the file and the field.
import { isYamlMap, MetadataError, parseYamlRoot, type YamlMap } from './metadata.js';

/** A JSON Schema document (draft 4), as plain data. */
export type JsonSchema = { readonly [key: string]: unknown };

/** One action the charm declares. */
export interface ActionMetadata {
  /** The action name, e.g. `backup`. */
  readonly name: string;
  /** `description` ("No description" when none, as Juju says). */
  readonly description: string;
  /**
   * The params schema Juju builds: `{type: object, title, description, properties: <params>,
   * required, additionalProperties (false unless the action says otherwise), ...}`.
   */
  readonly schema: JsonSchema;
  /** `parallel`: whether Juju may run it alongside other tasks (default false). */
  readonly parallel: boolean;
  /** `execution-group` ('' by default). */
  readonly executionGroup: string;
}

/** internal/charm/actions.go `actionNameRule`. */
const ACTION_NAME_RE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/** internal/charm/actions.go `prohibitedSchemaKeys`. */
const PROHIBITED_SCHEMA_KEYS = ['$ref', '$schema'];
/** Deepest params schema accepted; a deeper one is refused rather than walked. */
const MAX_SCHEMA_DEPTH = 32;

/**
 * Parse actions.yaml text (top-level action names) or, with `section: 'actions'`, the
 * `actions:` section of charmcraft.yaml. Throws {@link MetadataError} naming the field.
 * @example parseActions('backup:\n  params:\n    target: {type: string}\n  required: [target]\n', 'actions.yaml')
 */
export function parseActions(
  text: string,
  fileName: string,
  section?: 'actions',
): Readonly<Record<string, ActionMetadata>> {
  const root = parseYamlRoot(text, fileName);
  const prefix = section === undefined ? '' : `${section}.`;
  let actions: unknown = root;
  if (section !== undefined) {
    actions = root[section] ?? {};
    if (actions === null) actions = {};
    if (!isYamlMap(actions)) throw new MetadataError(fileName, section, 'must be a mapping');
  }
  const out: Record<string, ActionMetadata> = {};
  for (const [name, spec] of Object.entries(actions as YamlMap)) {
    out[name] = parseAction(name, spec, `${prefix}${name}`, fileName);
  }
  return out;
}

function parseAction(name: string, spec: unknown, path: string, file: string): ActionMetadata {
  if (!ACTION_NAME_RE.test(name)) {
    throw new MetadataError(
      file,
      path,
      'is a bad action name: use lowercase letters, digits and hyphens',
    );
  }
  if (name.startsWith('juju-')) {
    throw new MetadataError(
      file,
      path,
      'cannot be used: action names starting with "juju-" are reserved',
    );
  }
  const body = spec === null || spec === undefined ? {} : spec;
  if (!isYamlMap(body)) throw new MetadataError(file, path, 'must be a mapping');
  let description = 'No description';
  let parallel = false;
  let executionGroup = '';
  const schema: Record<string, unknown> = {
    description,
    type: 'object',
    title: name,
    properties: {},
    additionalProperties: false,
  };
  for (const [key, value] of Object.entries(body)) {
    const field = `${path}.${key}`;
    switch (key) {
      case 'description':
      case 'title':
        if (typeof value !== 'string') throw new MetadataError(file, field, 'must be a string');
        schema[key] = value;
        if (key === 'description') description = value;
        break;
      case 'required':
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
          throw new MetadataError(file, field, 'must be a YAML list of param names');
        }
        schema[key] = value;
        break;
      case 'parallel':
        if (typeof value !== 'boolean')
          throw new MetadataError(file, field, 'must be true or false');
        parallel = value;
        break;
      case 'execution-group':
        if (typeof value !== 'string') throw new MetadataError(file, field, 'must be a string');
        executionGroup = value;
        break;
      case 'params':
        if (value !== null && !isYamlMap(value)) {
          throw new MetadataError(file, field, 'must be a mapping of param name to JSON Schema');
        }
        schema['properties'] = cleanse(value ?? {}, field, file, 0);
        break;
      default:
        schema[key] = cleanse(value, field, file, 0);
    }
  }
  return { name, description, schema, parallel, executionGroup };
}

/** Juju's `cleanse`: refuse `$ref`/`$schema` anywhere; bound the depth. */
function cleanse(value: unknown, path: string, file: string, depth: number): unknown {
  if (depth > MAX_SCHEMA_DEPTH) {
    throw new MetadataError(file, path, `nests deeper than ${MAX_SCHEMA_DEPTH} levels`);
  }
  if (Array.isArray(value)) return value.map((v, i) => cleanse(v, `${path}.${i}`, file, depth + 1));
  if (!isYamlMap(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (PROHIBITED_SCHEMA_KEYS.includes(key)) {
      throw new MetadataError(file, `${path}.${key}`, 'is a schema key Juju does not accept');
    }
    out[key] = cleanse(v, `${path}.${key}`, file, depth + 1);
  }
  return out;
}
