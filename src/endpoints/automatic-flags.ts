// Automatic endpoint flags, managed at hook start: joined, changed, changed.<key>, departed,
// broken. Outside its own relation hooks an already-joined endpoint reads no relation data.
// Values seen last are kept as hashes (never raw values: they may be passwords), one unit-state
// key per remote unit (or application), so that a relation hook reads and writes its remote
// unit's record only, whatever the number of units in the relation.
import { hookKind } from '../juju/hook-context.js';
import type { RelationData } from '../juju/hook-tools.js';
import { type FlagSet, isFlagName } from '../reactive/flags.js';
import { hashValue } from '../util/json.js';
import type { Endpoint } from './endpoint.js';
import { decodeProblem, decodeValue } from './views.js';

/** seen[relationId][unit or 'app:<name>'][key] = hash of the decoded value (an older layout). */
type Seen = Record<string, Record<string, Record<string, string>>>;
/** One remote unit's (or application's) record: key → hash of the decoded value. */
type SeenBag = Record<string, string>;

/** The unit-state key of what `who` (a unit, or `app:<name>`) last had in `relationId`. */
function seenKey(endpoint: Endpoint, relationId: string, who: string): string {
  return endpoint.stateKey(`seen.${relationId} ${who}`);
}

/** What `who` had when last seen (empty when never seen). */
function loadSeen(endpoint: Endpoint, relationId: string, who: string): SeenBag {
  const stored = endpoint.runtime.state.get(seenKey(endpoint, relationId, who));
  return stored !== null && typeof stored === 'object' && !Array.isArray(stored)
    ? (stored as SeenBag)
    : {};
}

/**
 * Move records kept in the older layout (one key for every unit of the endpoint) to one key
 * per unit. Runs once, in the first hook that needs them after an upgrade.
 */
function migrateSeen(endpoint: Endpoint): void {
  const state = endpoint.runtime.state;
  const legacy = endpoint.stateKey('seen');
  if (!state.has(legacy)) return;
  const seen = (state.get(legacy) as Seen | null) ?? {};
  for (const [relationId, byWho] of Object.entries(seen))
    for (const [who, bag] of Object.entries(byWho ?? {}))
      state.set(seenKey(endpoint, relationId, who), bag);
  state.unset(legacy);
}

/**
 * Set and clear `endpoint.<name>.joined`, `.changed`, `.changed.<key>`, `.departed` and
 * `.broken` for one bound endpoint, at hook start, from this hook's context and the values
 * seen last (hashes in the unit state).
 */
export function manageAutomaticFlags(endpoint: Endpoint): void {
  const rt = endpoint.runtime;
  const ctx = rt.context;
  const name = endpoint.endpointName;
  const ownRelation = ctx.relation?.name === name ? ctx.relation : undefined;
  const kind = hookKind(ctx.hookName);
  const event =
    ownRelation && kind.kind === 'relation' && kind.endpoint === name ? kind.event : undefined;

  if (!ownRelation || event === undefined) {
    // `joined` is re-checked on every hook (relation-ids, relation-list), as charms.reactive
    // does (endpoints.py, Endpoint._manage_flags): a relation can be gone without this unit
    // having run its -broken hook with the flag (a failed hook, state restored, an upgrade).
    // Relation data is read only when the endpoint was not joined before (the first hook
    // after an upgrade); otherwise only its own relation hooks read it.
    const wasJoined = rt.flags.isSet(`endpoint.${name}.joined`);
    const joined = endpoint.isJoined;
    if (joined && !wasJoined) scanAll(endpoint);
    rt.flags.toggle(`endpoint.${name}.joined`, joined);
    // charms.reactive PR #209: `departed` is cleared by any other hook that finds it joined.
    if (joined) rt.flags.clear(`endpoint.${name}.departed`);
    return;
  }

  migrateSeen(endpoint);
  const relationId = ownRelation.id;
  const changedKeys = new Set<string>();

  switch (event) {
    case 'joined':
    case 'changed':
    case 'created': {
      if (ctx.remoteUnit) {
        const bag = rt.juju.relationGetCommitted(relationId, ctx.remoteUnit);
        if (bag.isErr()) throw bag.error;
        compare(endpoint, relationId, ctx.remoteUnit, bag.value, changedKeys);
      } else if (ctx.remoteApp && event === 'changed') {
        const bag = rt.juju.relationGetCommitted(relationId, ctx.remoteApp, true);
        if (bag.isErr()) throw bag.error;
        compare(endpoint, relationId, `app:${ctx.remoteApp}`, bag.value, changedKeys);
      }
      break;
    }
    case 'departed': {
      const unit = ctx.remoteUnit;
      if (unit) {
        // Juju keeps a departing unit's data readable during -departed.
        const bag = rt.juju.relationGetCommitted(relationId, unit);
        const data = bag.isOk() ? bag.value : {};
        for (const key of Object.keys(loadSeen(endpoint, relationId, unit))) changedKeys.add(key);
        for (const key of Object.keys(data)) changedKeys.add(key);
        rt.state.unset(seenKey(endpoint, relationId, unit));
        endpoint.recordDeparted({ unitName: unit, relationId, data });
      }
      rt.flags.set(`endpoint.${name}.departed`);
      rt.flags.set(`endpoint.${name}.changed`);
      break;
    }
    case 'broken': {
      // The relation is gone: every record of it goes (the one hook that lists the keys).
      for (const key of rt.state.keys(endpoint.stateKey(`seen.${relationId} `))) {
        const unitSeen = rt.state.get(key);
        if (unitSeen !== null && typeof unitSeen === 'object' && !Array.isArray(unitSeen))
          for (const k of Object.keys(unitSeen)) changedKeys.add(k);
        rt.state.unset(key);
      }
      rt.flags.set(`endpoint.${name}.broken`);
      break;
    }
  }
  setChangedFlags(rt.flags, name, changedKeys);

  const joined = endpoint.isJoined;
  rt.flags.toggle(`endpoint.${name}.joined`, joined);
  if (joined && event !== 'departed') rt.flags.clear(`endpoint.${name}.departed`);
  if (joined && event !== 'broken') rt.flags.clear(`endpoint.${name}.broken`);
}

/** Read every unit of every relation and record what changed (used when not yet joined). */
function scanAll(endpoint: Endpoint): void {
  const rt = endpoint.runtime;
  const units = endpoint.allJoinedUnits;
  if (units.length === 0) return;
  migrateSeen(endpoint);
  const changedKeys = new Set<string>();
  for (const unit of units)
    compare(endpoint, unit.relationId, unit.unitName, unit.rawData(), changedKeys);
  setChangedFlags(rt.flags, endpoint.endpointName, changedKeys);
}

/**
 * Set `changed` and a `changed.<key>` per key. Keys are remote data: a key that cannot make
 * a flag name (trailing whitespace, the `{endpoint_name}` placeholder) sets `changed` only.
 */
function setChangedFlags(flags: FlagSet, name: string, changedKeys: ReadonlySet<string>): void {
  for (const key of [...changedKeys].sort()) {
    const flag = `endpoint.${name}.changed.${key}`;
    if (isFlagName(flag)) flags.set(flag);
  }
  if (changedKeys.size > 0) flags.set(`endpoint.${name}.changed`);
}

function compare(
  endpoint: Endpoint,
  relationId: string,
  who: string,
  bag: RelationData,
  changed: Set<string>,
): void {
  const state = endpoint.runtime.state;
  const key = seenKey(endpoint, relationId, who);
  // Keys are remote data (`__proto__`, `constructor`): kept in null-prototype records.
  const now = dataRecord<string>();
  const keys = Object.keys(bag);
  // decodeValue is bounded (depth, size): a value beyond the bounds is hashed as its string.
  for (const k of keys) now[k] = hashValue(decodeValue(bag[k] as string));
  const text = JSON.stringify(now);
  // The same record as the one kept (same keys, same order, same hashes): nothing changed.
  if (text === state.text(key)) return;
  const before = new Map(Object.entries(loadSeen(endpoint, relationId, who)));
  for (const k of keys) {
    if (before.get(k) === now[k]) continue;
    changed.add(k);
    // Reported when first seen (a new value), not on every hook that sees it again.
    const problem = decodeProblem(bag[k] as string);
    if (problem !== undefined)
      endpoint.runtime.log.warning(`${who} on ${relationId}: ${k} ${problem}; read as a string`);
  }
  for (const k of before.keys()) if (!Object.hasOwn(now, k)) changed.add(k);
  state.setText(key, text);
}

/** A record whose keys are plain data: no prototype, so `__proto__` is an ordinary key. */
function dataRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
