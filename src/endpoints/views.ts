// Relation data views: plain-object proxies over one bag. Publish views stage writes in the
// hook session (JSON-encoded or raw); received views decode and refuse writes.
import type { HookSession } from '../juju/hook-session.js';
import type { RelationData } from '../juju/hook-tools.js';
import { jsonBoundsProblem, stableStringify } from '../util/json.js';

/** What a JSON text can start with, after JSON's own whitespace. */
const JSON_START = /^[ \t\n\r]*[{["0-9tfn-]/;
const NUMBER_START = /^[0-9-]/;
const JSON_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?[ \t\n\r]*$/;

/**
 * Decode a received value: JSON when it parses, the raw string otherwise. A value nested
 * deeper than MAX_DECODE_DEPTH (64) or longer than MAX_DECODE_CHARS (4 MiB) is not decoded
 * either: it stays the raw string (see {@link decodeProblem}).
 */
export function decodeValue(raw: string): unknown {
  // Most raw values (hostnames, words) cannot be JSON from their first character: answer
  // without the cost of a thrown SyntaxError. Same result as the parse attempt below.
  if (!JSON_START.test(raw)) return raw;
  // Values that start like a number but are not one (IP addresses, versions) are common in
  // relation data; they would throw too.
  if (NUMBER_START.test(raw) && !JSON_NUMBER.test(raw)) return raw;
  if (jsonBoundsProblem(raw) !== undefined) return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * Why decodeValue leaves a JSON-looking value undecoded (too deep or too long), for a log
 * line; `undefined` for every other value. Never quotes the value.
 */
export function decodeProblem(raw: string): string | undefined {
  return JSON_START.test(raw) ? jsonBoundsProblem(raw) : undefined;
}

/** Encode a published value: JSON with sorted object keys. */
export function encodeValue(value: unknown): string {
  return stableStringify(value);
}

/** A bag's own value for `key`: keys are data, so `constructor` or `__proto__` are just keys. */
function own(bag: RelationData, key: string): string | undefined {
  return Object.hasOwn(bag, key) ? bag[key] : undefined;
}

/** The bag a publish view writes to. */
export interface PublishTarget {
  /** The hook session that stages the writes. */
  readonly session: HookSession;
  /** The relation id. */
  readonly relationId: string;
  /** The unit name, or the application name when `app`. */
  readonly entity: string;
  /** True for the application bag. */
  readonly app: boolean;
  /** How to name the bag in error messages. */
  readonly what: string;
}

/**
 * A writable view of this unit's (or application's) bag. Assigning stages a write; assigning
 * `undefined`/`null` or deleting a key stages a deletion. With `json`, values are encoded
 * with sorted keys; without, values must be strings.
 */
export function publishView(target: PublishTarget, json: boolean): Record<string, unknown> {
  const read = (): RelationData => {
    const bag = target.session.relationGet(target.relationId, target.entity, target.app);
    if (bag.isErr()) throw bag.error;
    return bag.value;
  };
  // One key at a time: the session may answer this unit's own bag from what it published.
  const readKey = (key: string): string | undefined => {
    const value = target.session.publishedValue(target.relationId, target.entity, target.app, key);
    if (value.isErr()) throw value.error;
    return value.value;
  };
  const hasKey = (key: string): boolean => {
    const has = target.session.publishedHas(target.relationId, target.entity, target.app, key);
    if (has.isErr()) throw has.error;
    return has.value;
  };
  const write = (key: string, value: unknown): void => {
    let encoded: string | null;
    if (value === undefined || value === null) encoded = null;
    else if (json) encoded = encodeValue(value);
    else if (typeof value === 'string') encoded = value;
    else
      throw new TypeError(
        `${target.what}: raw values must be strings (got ${typeof value} for ${key}); use the JSON view to publish other types`,
      );
    const staged = target.session.relationSet(target.relationId, { [key]: encoded }, target.app);
    if (staged.isErr()) throw staged.error;
  };
  return new Proxy({} as Record<string, unknown>, {
    get: (_t, key) => {
      if (typeof key !== 'string') return undefined;
      const raw = readKey(key);
      return raw === undefined ? undefined : json ? decodeValue(raw) : raw;
    },
    set: (_t, key, value) => {
      if (typeof key !== 'string') return false;
      write(key, value);
      return true;
    },
    deleteProperty: (_t, key) => {
      if (typeof key === 'string') write(key, null);
      return true;
    },
    has: (_t, key) => typeof key === 'string' && hasKey(key),
    ownKeys: () => Object.keys(read()).sort(),
    getOwnPropertyDescriptor: (_t, key) => {
      if (typeof key !== 'string') return undefined;
      const raw = readKey(key);
      if (raw === undefined) return undefined;
      return {
        configurable: true,
        enumerable: true,
        writable: true,
        value: json ? decodeValue(raw) : raw,
      };
    },
  });
}

/** A read-only view of a remote bag. Writing to it throws with what to do instead. */
export function receivedView(
  load: () => RelationData,
  json: boolean,
  what: string,
): Readonly<Record<string, unknown>> {
  const refuse = (): never => {
    throw new TypeError(
      `${what} is read-only: it is data another unit published. Publish this unit's own data with relation.toPublish.`,
    );
  };
  const value = (raw: string | undefined): unknown =>
    raw === undefined ? undefined : json ? decodeValue(raw) : raw;
  return new Proxy({} as Record<string, unknown>, {
    get: (_t, key) => (typeof key === 'string' ? value(own(load(), key)) : undefined),
    set: refuse,
    deleteProperty: refuse,
    defineProperty: refuse,
    has: (_t, key) => typeof key === 'string' && Object.hasOwn(load(), key),
    ownKeys: () => Object.keys(load()).sort(),
    getOwnPropertyDescriptor: (_t, key) => {
      if (typeof key !== 'string') return undefined;
      const raw = own(load(), key);
      if (raw === undefined) return undefined;
      return { configurable: true, enumerable: true, writable: false, value: value(raw) };
    },
  });
}
