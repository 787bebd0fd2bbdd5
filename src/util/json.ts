// JSON helpers shared by state and endpoints: a stable (sorted-key) encoding, so equal
// values always encode to equal strings, a hash built on it, and the bounds on what is decoded
// from other units. Never recurses on a value's depth: values may come from other units.
import { sha256Hex } from './sha256.js';

/** Any value JSON can carry. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** Deepest nesting of arrays and objects decoded from relation data; deeper values stay strings. */
export const MAX_DECODE_DEPTH = 64;
/** Longest relation value decoded as JSON (4 MiB of characters); longer values stay strings. */
export const MAX_DECODE_CHARS = 4 * 1024 * 1024;

/**
 * Why a JSON text must not be decoded: nested deeper than MAX_DECODE_DEPTH or longer than
 * MAX_DECODE_CHARS. `undefined` when it is within bounds. One linear scan, no recursion.
 */
export function jsonBoundsProblem(text: string): string | undefined {
  if (text.length > MAX_DECODE_CHARS)
    return `is ${text.length} characters long, more than ${MAX_DECODE_CHARS} are not decoded`;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_DECODE_DEPTH)
        return `is nested deeper than ${MAX_DECODE_DEPTH} levels and is not decoded`;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

/**
 * JSON.stringify with object keys sorted at every level. `undefined` members are dropped,
 * `undefined` array items become `null`, `toJSON` is honoured. Iterative: any depth encodes
 * without growing the call stack. Throws a TypeError for a circular value.
 */
export function stableStringify(value: unknown): string {
  // Fast path: a sorted copy built by recursion bounded to FAST_DEPTH, encoded by V8.
  // Deeper (or circular) values take the iterative path below, which has no depth limit.
  const sorted = sortedCopy(value, 0);
  if (sorted !== TOO_DEEP) return JSON.stringify(sorted) ?? 'null';
  return iterativeStringify(value);
}

/** Deepest nesting the recursive fast path of stableStringify handles. */
const FAST_DEPTH = 100;
const TOO_DEEP: unique symbol = Symbol('too deep');

function sortedCopy(value: unknown, depth: number): unknown {
  const v = toJsonValue(value);
  if (v === null || typeof v !== 'object') return v;
  if (depth >= FAST_DEPTH) return TOO_DEEP;
  if (Array.isArray(v)) {
    const out: unknown[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const item = sortedCopy(v[i], depth + 1);
      if (item === TOO_DEEP) return TOO_DEEP;
      out[i] = item;
    }
    return out;
  }
  // Built in sorted order: enumerates array-index keys first, as encodingOrder does.
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(v).sort()) {
    const member = sortedCopy((v as Record<string, unknown>)[key], depth + 1);
    if (member === TOO_DEEP) return TOO_DEEP;
    out[key] = member;
  }
  return out;
}

function iterativeStringify(value: unknown): string {
  const out: string[] = [];
  // Open containers, to refuse a circular value (DFS order: exactly the ancestors of an item).
  const open = new Set<object>();
  // Work items: a value to encode, or text to emit (closing a container when `leave` is set).
  const work: ({ readonly v: unknown } | { readonly text: string; readonly leave?: object })[] = [
    { v: value },
  ];
  for (let item = work.pop(); item !== undefined; item = work.pop()) {
    if ('text' in item) {
      out.push(item.text);
      if (item.leave) open.delete(item.leave);
      continue;
    }
    const v = toJsonValue(item.v);
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') {
      out.push('null'); // only reached for array items and the top level
      continue;
    }
    if (v === null || typeof v !== 'object') {
      out.push(JSON.stringify(v));
      continue;
    }
    if (open.has(v))
      throw new TypeError('cannot encode a circular value as JSON: it contains itself');
    open.add(v);
    if (Array.isArray(v)) {
      out.push('[');
      work.push({ text: ']', leave: v });
      for (let i = v.length - 1; i >= 0; i--) {
        work.push({ v: v[i] });
        if (i > 0) work.push({ text: ',' });
      }
      continue;
    }
    const record = v as Record<string, unknown>;
    const keys = encodingOrder(
      Object.keys(record).filter((k) => {
        const member = toJsonValue(record[k]);
        return member !== undefined && typeof member !== 'function' && typeof member !== 'symbol';
      }),
    );
    out.push('{');
    work.push({ text: '}', leave: v });
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      work.push({ v: record[key] });
      work.push({ text: `${i > 0 ? ',' : ''}${JSON.stringify(key)}:` });
    }
  }
  return out.join('');
}

const ARRAY_INDEX = /^(0|[1-9][0-9]{0,9})$/;
const isIndex = (k: string): boolean => ARRAY_INDEX.test(k) && Number(k) < 4294967295;

/**
 * Sorted keys, in the order an object built from them enumerates: array-index keys first, in
 * numeric order, then the rest sorted. Keeps every encoding (and stored hash) as it was when
 * this encoding was made by building sorted objects.
 */
function encodingOrder(keys: string[]): string[] {
  const indexes = keys.filter(isIndex).sort((a, b) => Number(a) - Number(b));
  const names = keys.filter((k) => !isIndex(k)).sort();
  return indexes.length === 0 ? names : [...indexes, ...names];
}

function toJsonValue(value: unknown): unknown {
  if (value !== null && typeof value === 'object') {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return toJSON.call(value);
  }
  if (typeof value === 'bigint') throw new TypeError('cannot encode a BigInt as JSON');
  // Boxed primitives encode as their value, as JSON.stringify does.
  if (value instanceof Number || value instanceof String || value instanceof Boolean)
    return value.valueOf();
  return value;
}

/** sha256 of the stable encoding: equal values, equal hashes. */
export function hashValue(value: unknown): string {
  return sha256Hex(stableStringify(value));
}
