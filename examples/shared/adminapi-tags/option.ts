// Parsing `namespace:name` options and converting built-in tag values, as MySQL Shell's
// AdminAPI does in Base_cluster_impl::validate_set_option_namespace
// (mysql/mysql-shell modules/adminapi/common/base_cluster_impl.cc). Pure: no I/O.
import type { JsonValue } from 'juju-reactive';
import { TagError } from './errors.js';

/** The built-in tags MySQL Router obeys (k_supported_set_option_tags, base_cluster_impl.cc). */
export const BUILT_IN_TAGS = ['_hidden', '_disconnect_existing_sessions_when_hidden'] as const;
/** The name of a built-in tag. */
export type BuiltInTag = (typeof BUILT_IN_TAGS)[number];

/** `_hidden`: exclude the instance from the destinations for new connections. */
export const HIDDEN_TAG: BuiltInTag = '_hidden';
/** `_disconnect_existing_sessions_when_hidden`: also close existing connections (default true). */
export const DISCONNECT_TAG: BuiltInTag = '_disconnect_existing_sessions_when_hidden';

/**
 * Whether `name` is an ASCII identifier: a letter or `_`, then letters, digits or `_`
 * (shcore::is_valid_identifier, mysqlshdk/libs/utils/utils_general.cc, with the "C" locale's
 * std::isalpha/std::isalnum: ASCII only).
 */
export function isTagIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/** Whether `name` is one of the two built-in tags (exact case). */
export function isBuiltInTag(name: string): name is BuiltInTag {
  return (BUILT_IN_TAGS as readonly string[]).includes(name);
}

/**
 * The tag name of a `tag:<name>` option, checked in MySQL Shell's order:
 * 1. split once at the first `:` (shcore::str_split(option, ":", 1)); no colon at all is not a
 *    tag option, and this module supports no other option: `Option '<option>' not supported.`
 *    (the text of Set_option / Set_instance_option for an unknown option,
 *    modules/adminapi/cluster/set_option.cc and set_instance_option.cc);
 * 2. an empty namespace or name: `'<option>' is not a valid identifier.`;
 * 3. a namespace other than `tag` (exact case), before the name is looked at:
 *    `Namespace '<ns>' not supported.`;
 * 4. a name that is not an ASCII identifier: `'<name>' is not a valid tag identifier.`;
 * 5. a name starting with `_` that is not a built-in tag: `'<name>' is not a valid built-in tag.`
 * Every failure is a {@link TagError} of kind `ArgumentError`.
 * @example parseTagOption('tag:_hidden') // '_hidden'
 */
export function parseTagOption(option: string): string {
  const colon = option.indexOf(':');
  if (colon < 0) throw new TagError('ArgumentError', `Option '${option}' not supported.`);
  const namespace = option.slice(0, colon);
  const name = option.slice(colon + 1);
  if (namespace === '' || name === '') {
    throw new TagError('ArgumentError', `'${option}' is not a valid identifier.`);
  }
  if (namespace !== 'tag') {
    throw new TagError('ArgumentError', `Namespace '${namespace}' not supported.`);
  }
  if (!isTagIdentifier(name)) {
    throw new TagError('ArgumentError', `'${name}' is not a valid tag identifier.`);
  }
  if (name.startsWith('_') && !isBuiltInTag(name)) {
    throw new TagError('ArgumentError', `'${name}' is not a valid built-in tag.`);
  }
  return name;
}

/**
 * shcore's type name of a JSON value (type_name(), mysqlshdk/scripting/types.cc): what the
 * AdminAPI bridge makes of a JSON value given from JavaScript.
 */
export function shellTypeName(value: JsonValue): string {
  if (value === null) return 'Null';
  if (typeof value === 'boolean') return 'Bool';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'Float';
  return Array.isArray(value) ? 'Array' : 'Map';
}

/**
 * shcore::Value::as_bool() on a string (mysqlshdk/scripting/types.cc), which calls
 * shcore::lexical_cast<bool> (mysqlshdk/libs/utils/utils_general.h): `true`/`false` in any ASCII
 * letter case; otherwise `std::stringstream >> bool` without boolalpha, which reads a `long`
 * (leading white space skipped, optional sign, decimal digits) that must be 0 or 1 and must
 * consume the whole string. bool counts as unsigned there, so a string whose first character
 * is `-` is refused before reading (" -0" is read, "-0" is not).
 */
function stringAsBool(text: string): boolean | undefined {
  if (/^[Tt][Rr][Uu][Ee]$/.test(text)) return true;
  if (/^[Ff][Aa][Ll][Ss][Ee]$/.test(text)) return false;
  if (text.startsWith('-')) return undefined;
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(text);
  if (!m) return undefined;
  const digits = (m[2] ?? '').replace(/^0+/, '');
  if (digits === '') return false;
  if (digits === '1' && m[1] !== '-') return true;
  return undefined;
}

/**
 * The value MySQL Shell stores for a tag: built-in tags are converted to Bool
 * (booleans as they are, numbers non-zero, strings per {@link stringAsBool}); anything else is
 * a `TypeError` `Built-in tag '<name>' is expected to be of type Bool, but is <Type>`
 * (no final period). `null` (removal) and custom tags pass unchanged.
 * @example tagValue('_hidden', '1') // true
 */
export function tagValue(name: string, value: JsonValue): JsonValue {
  if (value === null || !isBuiltInTag(name)) return value;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') {
    const converted = stringAsBool(value);
    if (converted !== undefined) return converted;
  }
  throw new TagError(
    'TypeError',
    `Built-in tag '${name}' is expected to be of type Bool, but is ${shellTypeName(value)}`,
  );
}
