// The digest of a bag of strings (leader settings): sha256 of its JSON text as it is, keys in the
// bag's own order (no sorted copy): equal bags in the same order digest the same. Kept per bag
// object: the hook session answers leader-get with the same object for the whole hook, so one
// digest serves every ask; and a bag copied from one that never changes carries its digest.
import { sha256Hex } from './sha256.js';

/** A bag of string values, as leader-get answers. */
export type StringBag = Readonly<Record<string, string>>;

const digests = new WeakMap<StringBag, string>();

/**
 * The digest of `bag` (64 hex digits), made once per bag object. A bag changed after its first
 * digest keeps that digest: treat a bag you digest as read-only.
 */
export function bagDigest(bag: StringBag): string {
  let digest = digests.get(bag);
  if (digest === undefined) {
    // The text is hashed as it is (hashValue would encode it again as a JSON string: a second
    // copy, escaped, of a bag of kilobytes).
    digest = sha256Hex(JSON.stringify(bag));
    digests.set(bag, digest);
  }
  return digest;
}

/**
 * A fresh copy of `bag` (the caller may change it) whose digest is `bag`'s, made once for
 * `bag`: for a bag that is never changed once made (the simulator's committed leader settings,
 * replaced, never written to, by each leader-set), copied for every hook that reads it. The
 * copy has the same keys in the same order, so the same JSON text.
 */
export function copyOfBag(bag: StringBag): Record<string, string> {
  const copy = { ...bag };
  digests.set(copy, bagDigest(bag));
  return copy;
}
