// The leadership layer: flags leadership.is_leader, leadership.set.<key>,
// leadership.changed.<key> and leadership.changed, managed at every hook start from
// is-leader and leader-get against the values seen last hook (kept as hashes, never values).
import type { Layer } from '../charm/charm.js';
import type { HookRuntime } from '../charm/runtime.js';
import type { PendingValue } from '../juju/hook-session.js';
import { bagDigest } from '../util/bag-digest.js';
import { hashValue } from '../util/json.js';

const SEEN_KEY = 'leadership.seen';
/**
 * The hash of all the leader settings `leadership.seen` was made from. When this hook's
 * settings hash the same, no key changed: the per-key hashes (one per key, and a charm may
 * keep a key per unit) are neither computed nor read. leaderSet() drops it (its keys' hashes
 * change), so the next hook compares key by key.
 */
const SEEN_ALL_KEY = 'leadership.seen-all';

/** Register with `charm.use(leadership)`. */
export const leadership: Layer = {
  name: 'leadership',
  setup(rt: HookRuntime): void {
    rt.flags.toggle('leadership.is_leader', rt.isLeader());
    const current = rt.juju.leaderGetCommitted();
    if (current.isErr()) throw current.error;
    // One hash of the bag as leader-get answered it, keys in the order given (no sorted copy):
    // the same settings in the same order hash the same; the same settings answered in another
    // order only take the key-by-key path, which is exact either way.
    const all = digestOf(current.value);
    const unchanged = rt.state.get(SEEN_ALL_KEY) === all;
    const changed = unchanged ? new Set<string>() : changedKeys(rt, current.value);
    // Walk the flags as well as the keys: a key deleted in an earlier hook is in neither
    // `seen` nor `now`, but its changed flag must still be cleared.
    for (const flag of rt.flags.list('leadership.changed.')) {
      if (!changed.has(flag.slice('leadership.changed.'.length))) rt.flags.clear(flag);
    }
    // The set flags are right when they are exactly one per key (the usual hook): compared
    // with the list made once per settings digest, not key by key.
    const setFlags = rt.flags.list('leadership.set.');
    const setFlagsRight = sameStrings(setFlags, setFlagsOf(all, current.value));
    const keys = setFlagsRight ? [] : Object.keys(current.value);
    let kept = 0;
    if (!setFlagsRight) {
      for (const flag of setFlags) {
        if (!Object.hasOwn(current.value, flag.slice('leadership.set.'.length)))
          rt.flags.clear(flag);
        else kept++;
      }
    }
    for (const key of [...changed].sort()) rt.flags.set(`leadership.changed.${key}`);
    // Every key has its flag already when as many flags are left as there are keys.
    if (kept !== keys.length) for (const key of keys.sort()) rt.flags.set(`leadership.set.${key}`);
    const anyChanged = changed.size > 0;
    rt.flags.toggle('leadership.changed', anyChanged);
    rt.state.set(SEEN_ALL_KEY, all);
  },
};

/**
 * `leadership.set.<key>` for every key of the settings with this digest, sorted as FlagSet.list
 * sorts: made once per digest (the same digest, the same JSON text, so the same keys).
 */
const setFlagLists = new Map<string, readonly string[]>();
/** Digests whose flag lists are kept at most (a process with many applications makes more). */
const MAX_SET_FLAG_LISTS = 16;

function setFlagsOf(digest: string, settings: Readonly<Record<string, string>>): readonly string[] {
  let flags = setFlagLists.get(digest);
  if (flags === undefined) {
    flags = Object.keys(settings)
      .map((key) => `leadership.set.${key}`)
      .sort();
    if (setFlagLists.size >= MAX_SET_FLAG_LISTS) setFlagLists.clear();
    setFlagLists.set(digest, flags);
  }
  return flags;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Keys whose value differs from the hash seen last (and records this hook's hashes). */
function changedKeys(rt: HookRuntime, settings: Readonly<Record<string, string>>): Set<string> {
  const seen = (rt.state.get(SEEN_KEY) as Record<string, string> | undefined) ?? {};
  const now: Record<string, string> = {};
  for (const [k, v] of Object.entries(settings)) now[k] = hashValue(v);
  const changed = new Set<string>();
  for (const key of new Set([...Object.keys(seen), ...Object.keys(now)])) {
    if (seen[key] !== now[key]) changed.add(key);
  }
  rt.state.set(SEEN_KEY, now);
  return changed;
}

/**
 * Write leader settings (leader only). Flags update at once so handlers react in this hook;
 * Juju sees the settings when the hook commits. Throws on a non-leader: guard the handler
 * with when('leadership.is_leader').
 * @example leaderSet(rt, { 'cluster-created': 'true' });
 */
export function leaderSet(rt: HookRuntime, settings: Readonly<Record<string, PendingValue>>): void {
  const staged = rt.juju.leaderSet(settings);
  if (staged.isErr()) {
    if (staged.error.kind === 'not-leader') {
      throw new Error(
        `leaderSet() called on ${rt.unitName}, which is not the leader; guard the handler with when('leadership.is_leader')`,
      );
    }
    throw staged.error;
  }
  const seen = { ...((rt.state.get(SEEN_KEY) as Record<string, string> | undefined) ?? {}) };
  for (const [key, value] of Object.entries(settings)) {
    const present = value !== undefined && value !== null && value !== '';
    const hash = present ? hashValue(value) : undefined;
    if (seen[key] !== hash) {
      rt.flags.set(`leadership.changed.${key}`);
      rt.flags.set('leadership.changed');
    }
    rt.flags.toggle(`leadership.set.${key}`, present);
    if (hash === undefined) delete seen[key];
    else seen[key] = hash;
  }
  rt.state.set(SEEN_KEY, seen);
  rt.state.unset(SEEN_ALL_KEY);
}

/**
 * The digest of a leader-settings bag, made once per bag object: the hook session answers
 * leader-get with the same object until this hook writes leader settings, so the layer's digest
 * of the bag at hook start serves every later ask (hashing a large bag in a hook costs ms).
 * Keys in the order leader-get gave them (no sorted copy): an equal bag answered in another
 * order digests differently, which can only cost a handler a pass, never skip one.
 */
const digestOf = bagDigest;

/**
 * A digest of the leader settings as this hook sees them (with its own pending leaderSet):
 * equal settings, equal digests. For a handler that skips work already done for the same
 * settings: it keeps the digest in unit state, not the settings (which may hold credentials).
 * @example if (rt.state.get('my.done') === leaderSettingsDigest(rt)) return;
 */
export function leaderSettingsDigest(rt: HookRuntime): string {
  const settings = rt.juju.leaderGet();
  if (settings.isErr()) throw settings.error;
  return digestOf(settings.value);
}

/** Leader settings as this hook sees them (including its own pending leaderSet). */
export function leaderGet(rt: HookRuntime): Record<string, string>;
export function leaderGet(rt: HookRuntime, key: string): string | undefined;
export function leaderGet(
  rt: HookRuntime,
  key?: string,
): Record<string, string> | string | undefined {
  const settings = rt.juju.leaderGet();
  if (settings.isErr()) throw settings.error;
  return key === undefined ? settings.value : settings.value[key];
}
