// Small builders shared by the adminapi-tags suites.
import type { JsonValue } from 'juju-reactive';
import { TagError, type TagMap } from '../../../examples/shared/adminapi-tags/index.js';

/** A scope's tags from a plain object. */
export function tags(entries: Record<string, JsonValue>): TagMap {
  return new Map(Object.entries(entries));
}

/** The TagError `fn` throws, as {kind, message}; fails the test when it throws nothing. */
export function failure(fn: () => unknown): { kind: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof TagError) return { kind: e.kind, message: e.message };
    throw e;
  }
  throw new Error('expected a TagError, but nothing was thrown');
}
