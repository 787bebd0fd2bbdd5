// Automatic endpoint flags, managed at hook start: joined, changed, changed.<key>, departed,
// broken. Outside its own relation hooks an already-joined endpoint reads no relation data.
// Values seen last are kept as hashes (never raw values: they may be passwords).
import { hookKind } from '../juju/hook-context.js';
import type { RelationData } from '../juju/hook-tools.js';
import { type FlagSet, isFlagName } from '../reactive/flags.js';
import { hashValue } from '../util/json.js';
import type { Endpoint } from './endpoint.js';
import { decodeProblem, decodeValue } from './views.js';

/** seen[relationId][unit or 'app:<name>'][key] = hash of the decoded value. */
type Seen = Record<string, Record<string, Record<string, string>>>;

/**
 * Set and clear `endpoint.<name>.joined`, `.changed`, `.changed.<key>`, `.departed` and
 * `.broken` for one bound endpoint, at hook start, from this hook's context and the values
 * seen last (hashes in the unit state).
 */
export function manageAutomaticFlags(endpoint: Endpoint): void {
  const rt = endpoint.runtime;
  const ctx = rt.context;
  const name = endpoint.endpointName;
  const flag = (s: string): string => `endpoint.${name}.${s}`;
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
    const wasJoined = rt.flags.isSet(flag('joined'));
    const joined = endpoint.isJoined;
    if (joined && !wasJoined) scanAll(endpoint);
    rt.flags.toggle(flag('joined'), joined);
    // charms.reactive PR #209: `departed` is cleared by any other hook that finds it joined.
    if (joined) rt.flags.clear(flag('departed'));
    return;
  }

  const seenKey = endpoint.stateKey('seen');
  const seen = (rt.state.get(seenKey) as Seen | undefined) ?? {};
  const relationId = ownRelation.id;
  const changedKeys = new Set<string>();

  switch (event) {
    case 'joined':
    case 'changed':
    case 'created': {
      if (ctx.remoteUnit) {
        const bag = rt.juju.relationGetCommitted(relationId, ctx.remoteUnit);
        if (bag.isErr()) throw bag.error;
        compare(endpoint, seen, relationId, ctx.remoteUnit, bag.value, changedKeys);
      } else if (ctx.remoteApp && event === 'changed') {
        const bag = rt.juju.relationGetCommitted(relationId, ctx.remoteApp, true);
        if (bag.isErr()) throw bag.error;
        compare(endpoint, seen, relationId, `app:${ctx.remoteApp}`, bag.value, changedKeys);
      }
      break;
    }
    case 'departed': {
      const unit = ctx.remoteUnit;
      if (unit) {
        // Juju keeps a departing unit's data readable during -departed.
        const bag = rt.juju.relationGetCommitted(relationId, unit);
        const data = bag.isOk() ? bag.value : {};
        for (const key of Object.keys(seen[relationId]?.[unit] ?? {})) changedKeys.add(key);
        for (const key of Object.keys(data)) changedKeys.add(key);
        delete seen[relationId]?.[unit];
        endpoint.recordDeparted({ unitName: unit, relationId, data });
      }
      rt.flags.set(flag('departed'));
      rt.flags.set(flag('changed'));
      break;
    }
    case 'broken': {
      for (const unitSeen of Object.values(seen[relationId] ?? {}))
        for (const key of Object.keys(unitSeen)) changedKeys.add(key);
      delete seen[relationId];
      rt.flags.set(flag('broken'));
      break;
    }
  }
  if (seen[relationId] && Object.keys(seen[relationId]).length === 0) delete seen[relationId];
  rt.state.set(seenKey, seen);
  setChangedFlags(rt.flags, name, changedKeys);

  const joined = endpoint.isJoined;
  rt.flags.toggle(flag('joined'), joined);
  if (joined && event !== 'departed') rt.flags.clear(flag('departed'));
  if (joined && event !== 'broken') rt.flags.clear(flag('broken'));
}

/** Read every unit of every relation and record what changed (used when not yet joined). */
function scanAll(endpoint: Endpoint): void {
  const rt = endpoint.runtime;
  const units = endpoint.allJoinedUnits;
  if (units.length === 0) return;
  const seenKey = endpoint.stateKey('seen');
  const seen = (rt.state.get(seenKey) as Seen | undefined) ?? {};
  const changedKeys = new Set<string>();
  for (const unit of units)
    compare(endpoint, seen, unit.relationId, unit.unitName, unit.rawData(), changedKeys);
  rt.state.set(seenKey, seen);
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
  seen: Seen,
  relationId: string,
  who: string,
  bag: RelationData,
  changed: Set<string>,
): void {
  // Keys are remote data (`__proto__`, `constructor`): kept in Maps and null-prototype records.
  const before = new Map(Object.entries(seen[relationId]?.[who] ?? {}));
  const now = new Map<string, string>();
  for (const [key, raw] of Object.entries(bag)) {
    // decodeValue is bounded (depth, size): a value beyond the bounds is hashed as its string.
    const hash = hashValue(decodeValue(raw));
    now.set(key, hash);
    if (before.get(key) === hash) continue;
    changed.add(key);
    // Reported when first seen (a new value), not on every hook that sees it again.
    const problem = decodeProblem(raw);
    if (problem !== undefined)
      endpoint.runtime.log.warning(`${who} on ${relationId}: ${key} ${problem}; read as a string`);
  }
  for (const key of before.keys()) if (!now.has(key)) changed.add(key);
  const byUnit = seen[relationId] ?? dataRecord<Record<string, string>>();
  byUnit[who] = Object.assign(dataRecord<string>(), Object.fromEntries(now));
  seen[relationId] = byUnit;
}

/** A record whose keys are plain data: no prototype, so `__proto__` is an ordinary key. */
function dataRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
