// JSON values from operators and from leader settings: parsed with bounds, merged with
// JSON merge-patch (RFC 7396, what MySQL's JSON_MERGE_PATCH does), encoded canonically.
// Objects are built with Object.fromEntries, so a key named `__proto__` stays a plain key.
import type { JsonValue } from 'juju-reactive';
import { TagError } from './errors.js';

/** Deepest nesting accepted in a tag value (arrays and objects count one level each). */
export const MAX_VALUE_DEPTH = 16;
/** Longest `value` parameter accepted, in characters of JSON text. */
export const MAX_VALUE_TEXT = 4096;

type JsonObject = { readonly [key: string]: JsonValue };

/** Whether a JSON value is an object (not null, not an array). */
export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Nesting depth of a value: 0 for a scalar, 1 for `[]`/`{}` of scalars. */
export function depthOf(value: JsonValue): number {
  let deepest = 0;
  const stack: Array<[JsonValue, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [JsonValue, number];
    if (v === null || typeof v !== 'object') {
      deepest = Math.max(deepest, d);
      continue;
    }
    deepest = Math.max(deepest, d + 1);
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return deepest;
}

function allNumbersFinite(value: JsonValue): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (value === null || typeof value !== 'object') return true;
  return (Array.isArray(value) ? value : Object.values(value)).every(allNumbersFinite);
}

/**
 * An action's `value` parameter: JSON text (so every JSON type can be written), at most
 * {@link MAX_VALUE_TEXT} characters and {@link MAX_VALUE_DEPTH} levels deep.
 * `null` removes a tag; `true` is a boolean; `"true"` (with the quotes) a string; `1` a number.
 * A parameter that is not a string is refused: Juju hands the action what `juju run` parsed,
 * and without `--string-args` the CLI parses `value=true` as YAML before the charm sees it.
 * @example decodeValueParam('"US East"') // 'US East'
 */
export function decodeValueParam(param: unknown): JsonValue {
  if (typeof param !== 'string') {
    throw new TagError(
      'ValueError',
      `value must be JSON text (a string), but is ${param === null ? 'null' : typeof param}; run the action with --string-args, e.g. value='"US East"' or value=null`,
    );
  }
  if (param.length > MAX_VALUE_TEXT) {
    throw new TagError(
      'LimitError',
      `value is ${param.length} characters of JSON text; at most ${MAX_VALUE_TEXT} are accepted`,
    );
  }
  let value: JsonValue;
  try {
    value = JSON.parse(param) as JsonValue;
  } catch {
    throw new TagError(
      'ValueError',
      `value is not JSON text: a string needs double quotes (value='"US East"'), and null, true, false and numbers are written bare`,
    );
  }
  if (depthOf(value) > MAX_VALUE_DEPTH) {
    throw new TagError('LimitError', `value is nested deeper than ${MAX_VALUE_DEPTH} levels`);
  }
  if (!allNumbersFinite(value)) {
    // JSON.parse reads 1e400 as Infinity, which JSON.stringify would write back as null.
    throw new TagError('ValueError', 'value holds a number too large for a double');
  }
  return value;
}

/**
 * RFC 7396 JSON merge-patch, as MySQL's JSON_MERGE_PATCH (which MySQL Shell's
 * MetadataStorage::set_table_tag uses, modules/adminapi/common/metadata_storage.cc):
 * an object patch merges into an object target (keys added or replaced, a `null` member
 * deletes that key, recursively); an object patch onto a non-object starts from `{}`;
 * any other patch replaces the target.
 */
export function mergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return patch;
  const merged = new Map<string, JsonValue>(isJsonObject(target) ? Object.entries(target) : []);
  for (const [key, member] of Object.entries(patch)) {
    if (member === null) merged.delete(key);
    else merged.set(key, mergePatch(merged.get(key), member));
  }
  return Object.fromEntries(merged) as JsonObject;
}

/** Compare strings by Unicode code point (UTF-8 byte order, as std::map<std::string> sorts). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0) ?? 0;
    const cy = y.value.codePointAt(0) ?? 0;
    if (cx !== cy) return cx - cy;
  }
}

/** A copy with object keys sorted by code point at every level. */
export function sortedKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (!isJsonObject(value)) return value;
  const keys = Object.keys(value).sort(compareCodePoints);
  return Object.fromEntries(keys.map((k) => [k, sortedKeys(value[k] as JsonValue)])) as JsonObject;
}

/**
 * Canonical ASCII JSON: keys sorted by code point, every non-ASCII character as `\uXXXX`.
 * Safe as a leader-settings value in argv and as a JavaScript literal in a MySQL Shell script.
 */
export function encodeCanonical(value: JsonValue): string {
  return JSON.stringify(sortedKeys(value)).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
