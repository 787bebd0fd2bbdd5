// One scope's tags (the cluster's, or one instance's) and the rules for changing them:
// MySQL Shell's setOption/setInstanceOption on the `tag` namespace, applied to a plain map.
import type { JsonValue } from 'juju-reactive';
import { TagError } from './errors.js';
import { compareCodePoints, encodeCanonical, mergePatch } from './json-value.js';
import { parseTagOption, tagValue } from './option.js';

/** Tags of one scope, by name. Names are ASCII identifiers (option.ts). */
export type TagMap = ReadonlyMap<string, JsonValue>;

/** Most tags one scope may hold. */
export const MAX_TAGS_PER_SCOPE = 64;
/** Most bytes of canonical JSON one scope's tags may take (a leader-settings value). */
export const MAX_SCOPE_BYTES = 16_384;
/** Longest option accepted (`tag:` plus the name), checked before MySQL Shell's rules. */
export const MAX_OPTION_LENGTH = 256;

/** The result of one accepted tag write. */
export interface TagChange {
  readonly name: string;
  /** The value stored (after built-in conversion and merge-patch), or null when removed. */
  readonly stored: JsonValue;
  readonly tags: TagMap;
}

/**
 * Apply `option` = `value` to `tags`, as MySQL Shell does:
 * the option is checked (parseTagOption), a built-in value converted to Bool (tagValue);
 * `null` removes the tag, and removing an absent tag is not an error
 * (JSON_REMOVE in MetadataStorage::set_table_tag, modules/adminapi/common/metadata_storage.cc);
 * any other value is merged with JSON_MERGE_PATCH into `{"tags": {<name>: <value>}}`, so an
 * object value merges into an existing object value (an inner null deletes) and anything else
 * replaces it. The result must stay within {@link MAX_TAGS_PER_SCOPE} and
 * {@link MAX_SCOPE_BYTES}. Returns a new map; `tags` is not changed.
 * @example applyTagOption(new Map(), 'tag:location', 'US East').tags.get('location') // 'US East'
 */
export function applyTagOption(tags: TagMap, option: string, value: JsonValue): TagChange {
  const { name, value: converted } = checkTagWrite(option, value);
  const next = new Map(tags);
  if (converted === null) {
    next.delete(name);
    return { name, stored: null, tags: next };
  }
  const stored = mergePatch(tags.get(name), converted);
  next.set(name, stored);
  checkScopeBounds(next);
  return { name, stored, tags: next };
}

/**
 * The checks of a tag write that do not depend on what is stored: the option's length, MySQL
 * Shell's option rules (parseTagOption) and the built-in conversion (tagValue). Returns the tag
 * name and the value to send or merge (`null`: remove).
 */
export function checkTagWrite(
  option: string,
  value: JsonValue,
): { name: string; value: JsonValue } {
  if (option.length > MAX_OPTION_LENGTH) {
    throw new TagError(
      'LimitError',
      `option is ${option.length} characters long; at most ${MAX_OPTION_LENGTH} are accepted`,
    );
  }
  const name = parseTagOption(option);
  return { name, value: tagValue(name, value) };
}

/** Throw a LimitError when a scope holds too many tags or too many bytes. */
export function checkScopeBounds(tags: TagMap): void {
  if (tags.size > MAX_TAGS_PER_SCOPE) {
    throw new TagError(
      'LimitError',
      `a scope may hold at most ${MAX_TAGS_PER_SCOPE} tags; remove one first (value=null)`,
    );
  }
  const bytes = Buffer.byteLength(encodeTags(tags));
  if (bytes > MAX_SCOPE_BYTES) {
    throw new TagError(
      'LimitError',
      `the tags would take ${bytes} bytes; at most ${MAX_SCOPE_BYTES} are accepted per scope`,
    );
  }
}

/** Tag names in MySQL Shell's order: std::map<std::string> order, bytewise. */
export function sortedTagNames(tags: TagMap): string[] {
  return [...tags.keys()].sort(compareCodePoints);
}

/** Canonical JSON of a scope's tags: an object with names sorted, ASCII only. */
export function encodeTags(tags: TagMap): string {
  return encodeCanonical(
    Object.fromEntries(sortedTagNames(tags).map((n) => [n, tags.get(n) ?? null])),
  );
}
