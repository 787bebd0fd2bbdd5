// Where tags live in Juju: application leader settings, one key per scope, each value the
// scope's canonical JSON. Leader settings belong to the application, so they survive a leader
// change; only the leader writes them. Values read back are untrusted and parsed with bounds.
import type { JsonValue } from 'juju-reactive';
import { depthOf, isJsonObject, MAX_VALUE_DEPTH } from './json-value.js';
import { isBuiltInTag, isTagIdentifier } from './option.js';
import {
  applyTagOption,
  encodeTags,
  MAX_SCOPE_BYTES,
  type TagChange,
  type TagMap,
} from './tag-set.js';

/** Leader-settings key of the cluster-level (`global`) tags. */
export const GLOBAL_TAGS_KEY = 'adminapi-tags-global';
/** Prefix of the per-unit keys: `adminapi-tags-unit-mysql-1` holds the tags of `mysql/1`. */
export const UNIT_TAGS_KEY_PREFIX = 'adminapi-tags-unit-';

/** Whose tags: the cluster's, or one unit's instance. */
export type TagScope =
  | { readonly kind: 'global' }
  | { readonly kind: 'unit'; readonly unit: string };

// juju/names application.go: ApplicationSnippet and NumberSnippet. Every `-`-separated part of
// an application name holds a letter, so `mysql-1` is never an application name and
// `<app>-<n>` maps back to `<app>/<n>` without ambiguity.
const APPLICATION = '[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*';
const UNIT_NAME = new RegExp(`^(${APPLICATION})/(0|[1-9][0-9]*)$`);
const UNIT_KEY = new RegExp(`^${UNIT_TAGS_KEY_PREFIX}(${APPLICATION})-(0|[1-9][0-9]*)$`);

/**
 * The leader-settings key of a scope. Keys use `[a-z0-9-]` only (no `/`, `.` or `:`), which
 * `leader-set key=value` (juju/juju worker/uniter/runner/jujuc/leader-set.go, keyvalues.Parse)
 * and every Juju settings store take as they are.
 */
export function tagsKey(scope: TagScope): string {
  if (scope.kind === 'global') return GLOBAL_TAGS_KEY;
  const m = UNIT_NAME.exec(scope.unit);
  if (!m) throw new Error(`tagsKey(): ${JSON.stringify(scope.unit)} is not a Juju unit name`);
  return `${UNIT_TAGS_KEY_PREFIX}${m[1]}-${m[2]}`;
}

/** The unit whose tags a key holds, or undefined for any other key. */
export function unitOfTagsKey(key: string): string | undefined {
  const m = UNIT_KEY.exec(key);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/** Tags read from leader settings, plus what had to be ignored (for the caller to log once). */
export interface StoredTags {
  readonly global: TagMap;
  /** By unit name. Units without tags are absent. */
  readonly units: ReadonlyMap<string, TagMap>;
  /** One line per ignored value or entry; never holds a value, only keys and names. */
  readonly problems: readonly string[];
}

/**
 * Parse one stored scope. A value that is not a JSON object, is too large or too deep counts
 * as no tags; an entry whose name is not a tag name is dropped. Each is reported in `problems`.
 * A built-in whose value is not a boolean is kept as it is, as in MySQL's metadata: routing
 * (routing.ts) ignores it the way MySQL Router does.
 */
export function decodeScope(key: string, text: string, problems: string[]): TagMap {
  const tags = new Map<string, JsonValue>();
  if (Buffer.byteLength(text) > MAX_SCOPE_BYTES) {
    problems.push(`${key}: ignored, longer than ${MAX_SCOPE_BYTES} bytes`);
    return tags;
  }
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(text) as JsonValue;
  } catch {
    problems.push(`${key}: ignored, not JSON`);
    return tags;
  }
  if (!isJsonObject(parsed)) {
    problems.push(`${key}: ignored, not a JSON object`);
    return tags;
  }
  if (depthOf(parsed) > MAX_VALUE_DEPTH + 1) {
    problems.push(`${key}: ignored, nested deeper than ${MAX_VALUE_DEPTH} levels`);
    return tags;
  }
  for (const [name, value] of Object.entries(parsed)) {
    if (!isTagIdentifier(name) || (name.startsWith('_') && !isBuiltInTag(name))) {
      problems.push(`${key}: dropped an entry whose name is not a tag name`);
    } else {
      tags.set(name, value);
    }
  }
  return tags;
}

/** Every scope's tags in a leader-settings snapshot (`leader-get`). */
export function readStoredTags(settings: Readonly<Record<string, string>>): StoredTags {
  const problems: string[] = [];
  const global = Object.hasOwn(settings, GLOBAL_TAGS_KEY)
    ? decodeScope(GLOBAL_TAGS_KEY, settings[GLOBAL_TAGS_KEY] ?? '', problems)
    : new Map<string, JsonValue>();
  const units = new Map<string, TagMap>();
  for (const [key, text] of Object.entries(settings)) {
    const unit = unitOfTagsKey(key);
    if (unit === undefined) continue;
    const tags = decodeScope(key, text, problems);
    if (tags.size > 0) units.set(unit, tags);
  }
  return { global, units, problems };
}

/** The tags of one scope in a leader-settings snapshot. */
export function scopeTags(
  settings: Readonly<Record<string, string>>,
  scope: TagScope,
  problems: string[] = [],
): TagMap {
  const key = tagsKey(scope);
  const text = Object.hasOwn(settings, key) ? settings[key] : undefined;
  return text === undefined || text === '' ? new Map() : decodeScope(key, text, problems);
}

/** A tag write as leader settings to stage: the key, its new text or null to delete it. */
export interface TagSettingsWrite {
  readonly change: TagChange;
  readonly settings: Readonly<Record<string, string | null>>;
}

/**
 * Apply `option` = `value` to a scope held in leader settings: every MySQL Shell rule
 * (applyTagOption), then the leader-settings change to stage (`leaderSet(rt, write.settings)`).
 * An empty scope deletes its key. Throws a TagError on a rule violation.
 * @example writeTagOption(leaderGet(rt), { kind: 'unit', unit: 'mysql/1' }, 'tag:_hidden', true)
 */
export function writeTagOption(
  settings: Readonly<Record<string, string>>,
  scope: TagScope,
  option: string,
  value: JsonValue,
): TagSettingsWrite {
  const change = applyTagOption(scopeTags(settings, scope), option, value);
  const key = tagsKey(scope);
  return {
    change,
    settings: { [key]: change.tags.size === 0 ? null : encodeTags(change.tags) },
  };
}

/**
 * Leader settings to delete so that only units in `present` keep instance tags: call it from
 * the leader when a unit departs (the `-departed` hook) or on any leader hook, with the
 * units Juju still reports (relation-list plus this unit, or goal-state).
 */
export function pruneTagSettings(
  settings: Readonly<Record<string, string>>,
  present: Iterable<string>,
): Record<string, null> {
  const keep = new Set(present);
  const deletions: Record<string, null> = {};
  for (const key of Object.keys(settings).sort()) {
    const unit = unitOfTagsKey(key);
    if (unit !== undefined && !keep.has(unit)) deletions[key] = null;
  }
  return deletions;
}
