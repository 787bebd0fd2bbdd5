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
  return new Proxy({} as Record<string, unknown>, new PublishHandler(target, json));
}

// The views' traps are methods of one handler object per view, not closures made per view:
// a hook makes a view each time a handler reads `toPublish` or `received`.

/** The traps of a publish view. */
class PublishHandler implements ProxyHandler<Record<string, unknown>> {
  constructor(
    private readonly target: PublishTarget,
    private readonly json: boolean,
  ) {}

  private read(): RelationData {
    const { session, relationId, entity, app } = this.target;
    const bag = session.relationGet(relationId, entity, app);
    if (bag.isErr()) throw bag.error;
    return bag.value;
  }

  /** One key at a time: the session may answer this unit's own bag from what it published. */
  private readKey(key: string): string | undefined {
    const { session, relationId, entity, app } = this.target;
    const value = session.publishedValue(relationId, entity, app, key);
    if (value.isErr()) throw value.error;
    return value.value;
  }

  private write(key: string, value: unknown): void {
    const target = this.target;
    let encoded: string | null;
    if (value === undefined || value === null) encoded = null;
    else if (this.json) encoded = encodeValue(value);
    else if (typeof value === 'string') encoded = value;
    else
      throw new TypeError(
        `${target.what}: raw values must be strings (got ${typeof value} for ${key}); use the JSON view to publish other types`,
      );
    const staged = target.session.relationSet(target.relationId, { [key]: encoded }, target.app);
    if (staged.isErr()) throw staged.error;
  }

  get(_t: Record<string, unknown>, key: string | symbol): unknown {
    if (typeof key !== 'string') return undefined;
    const raw = this.readKey(key);
    return raw === undefined ? undefined : this.json ? decodeValue(raw) : raw;
  }

  set(_t: Record<string, unknown>, key: string | symbol, value: unknown): boolean {
    if (typeof key !== 'string') return false;
    this.write(key, value);
    return true;
  }

  deleteProperty(_t: Record<string, unknown>, key: string | symbol): boolean {
    if (typeof key === 'string') this.write(key, null);
    return true;
  }

  has(_t: Record<string, unknown>, key: string | symbol): boolean {
    if (typeof key !== 'string') return false;
    const { session, relationId, entity, app } = this.target;
    const has = session.publishedHas(relationId, entity, app, key);
    if (has.isErr()) throw has.error;
    return has.value;
  }

  ownKeys(): string[] {
    return Object.keys(this.read()).sort();
  }

  getOwnPropertyDescriptor(
    _t: Record<string, unknown>,
    key: string | symbol,
  ): PropertyDescriptor | undefined {
    if (typeof key !== 'string') return undefined;
    const raw = this.readKey(key);
    if (raw === undefined) return undefined;
    return {
      configurable: true,
      enumerable: true,
      writable: true,
      value: this.json ? decodeValue(raw) : raw,
    };
  }
}

/** A read-only view of a remote bag. Writing to it throws with what to do instead. */
export function receivedView(
  load: () => RelationData,
  json: boolean,
  what: string,
): Readonly<Record<string, unknown>> {
  return new Proxy({} as Record<string, unknown>, new ReceivedHandler(load, json, what));
}

/** The traps of a received view. */
class ReceivedHandler implements ProxyHandler<Record<string, unknown>> {
  constructor(
    private readonly load: () => RelationData,
    private readonly json: boolean,
    private readonly what: string,
  ) {}

  private refuse(): never {
    throw new TypeError(
      `${this.what} is read-only: it is data another unit published. Publish this unit's own data with relation.toPublish.`,
    );
  }

  private value(raw: string | undefined): unknown {
    return raw === undefined ? undefined : this.json ? decodeValue(raw) : raw;
  }

  get(_t: Record<string, unknown>, key: string | symbol): unknown {
    return typeof key === 'string' ? this.value(own(this.load(), key)) : undefined;
  }
  set(): boolean {
    return this.refuse();
  }
  deleteProperty(): boolean {
    return this.refuse();
  }
  defineProperty(): boolean {
    return this.refuse();
  }
  has(_t: Record<string, unknown>, key: string | symbol): boolean {
    return typeof key === 'string' && Object.hasOwn(this.load(), key);
  }
  ownKeys(): string[] {
    return Object.keys(this.load()).sort();
  }
  getOwnPropertyDescriptor(
    _t: Record<string, unknown>,
    key: string | symbol,
  ): PropertyDescriptor | undefined {
    if (typeof key !== 'string') return undefined;
    const raw = own(this.load(), key);
    if (raw === undefined) return undefined;
    return { configurable: true, enumerable: true, writable: false, value: this.value(raw) };
  }
}
