// RelationMemory: what a unit knows of its relations between hooks, kept in its unit state and
// committed with each hook, so that a steady hook need not ask Juju what Juju's own rules fix:
// its own bag, the members of a relation, the relation ids of an endpoint. Every record comes
// from a Juju answer and changes only in the hooks that change what Juju answers; a hook kind
// that could change the answer otherwise (upgrade-charm) asks again.
import type { HookContext } from '../juju/hook-context.js';
import { hookKind } from '../juju/hook-context.js';
import {
  type CommitReport,
  type HookSession,
  type KnownBag,
  type KnownRelations,
  UNKNOWN_VALUE,
} from '../juju/hook-session.js';
import type { RelationData } from '../juju/hook-tools.js';
import { compareRelationIds, compareUnitNames } from '../juju/ordering.js';
import type { Redactor } from '../juju/redact.js';
import type { UnitState } from '../state/unit-state.js';
import { hashValue, type JsonValue } from '../util/json.js';
import { decodeValue } from './views.js';

/** The unit-state key the records live under. */
export const RELATION_MEMORY_KEY = 'juju-reactive.relations';

/**
 * Keys Juju itself writes into a unit's own bag, outside the unit's hooks: when the unit
 * enters a relation's scope, and when a config-changed hook commits (juju/juju
 * apiserver/facades/agent/uniter/uniter.go EnterScope and updateUnitNetworkInfoOperation;
 * worker/uniter/runner/context/context.go doFlush asks UpdateNetworkInfo for config-changed).
 * The record never vouches for them: reading or writing one reads the bag.
 */
export const JUJU_NETWORK_KEYS: ReadonlySet<string> = new Set([
  'egress-subnets',
  'ingress-address',
  'private-address',
]);

/** A key whose value may be a credential: kept as a hash, never as the value. */
const CREDENTIAL_KEY = /pass|secret|token|credential|private[-_.]?key|api[-_.]?key/i;
/** A Juju secret URI is a reference (reading it needs a grant), not a credential. */
const SECRET_URI = /^secret:(?:\/\/[0-9a-f-]{1,64}\/)?[0-9a-z]{1,64}$/;
/** Values longer than this are kept as hashes (the unit state stays small). */
const MAX_KEPT_VALUE = 1024;
/** relation-created exists from Juju 2.8 (worker/uniter/relation/resolver.go createdRelationsResolver). */
const RELATION_CREATED_SINCE: readonly [number, number] = [2, 8];

/** One key of a recorded bag: its value, or (credential-like or long) only its hash. */
interface StoredKey {
  k: string;
  v?: string;
  h?: string;
}

interface Stored {
  v: 1;
  /** relation-ids per endpoint. */
  ids: Record<string, string[]>;
  /** relation-list per relation id. */
  members: Record<string, string[]>;
  /** This unit's own bag per relation id, without the keys Juju writes itself. */
  own: Record<string, StoredKey[]>;
}

function empty(): Stored {
  return { v: 1, ids: {}, members: {}, own: {} };
}

const isStringList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string');

/** A record's entries (none when it is not a record). */
function table(x: unknown): [string, unknown][] {
  return x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.entries(x) : [];
}

/** The stored records, or empty ones when the stored value is not of this shape. */
function load(value: unknown): Stored {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return empty();
  const v = value as Record<string, unknown>;
  if (v.v !== 1) return empty();
  const out = empty();
  for (const [k, list] of table(v.ids)) if (isStringList(list)) out.ids[k] = list;
  for (const [k, list] of table(v.members)) if (isStringList(list)) out.members[k] = list;
  for (const [k, keys] of table(v.own)) {
    if (!Array.isArray(keys)) continue;
    const ok = keys.every(
      (e: unknown) =>
        e !== null &&
        typeof e === 'object' &&
        typeof (e as StoredKey).k === 'string' &&
        (typeof (e as StoredKey).v === 'string' || typeof (e as StoredKey).h === 'string'),
    );
    if (ok) out.own[k] = keys as StoredKey[];
  }
  return out;
}

/** A secret URI, as published raw or JSON-encoded (toPublish). */
function isSecretUri(raw: string): boolean {
  const value = decodeValue(raw);
  return typeof value === 'string' && SECRET_URI.test(value);
}

const hashOf = (raw: string): string => hashValue(`raw:${raw}`);

/** A record of this unit's own bag in one relation. */
class RecordedBag implements KnownBag {
  private readonly keys: Map<string, StoredKey>;
  constructor(entries: readonly StoredKey[]) {
    this.keys = new Map(entries.map((e) => [e.k, e]));
  }
  get(key: string): string | undefined | typeof UNKNOWN_VALUE {
    if (JUJU_NETWORK_KEYS.has(key)) return UNKNOWN_VALUE;
    const entry = this.keys.get(key);
    if (entry === undefined) return undefined;
    return entry.v ?? UNKNOWN_VALUE;
  }
  has(key: string): boolean | undefined {
    if (JUJU_NETWORK_KEYS.has(key)) return undefined;
    return this.keys.has(key);
  }
  holds(key: string, value: string): boolean | undefined {
    if (JUJU_NETWORK_KEYS.has(key)) return undefined;
    const entry = this.keys.get(key);
    if (entry === undefined) return false;
    return entry.v !== undefined ? entry.v === value : entry.h === hashOf(value);
  }
}

/**
 * The records each unit's last hook wrote, with their text (`JSON.stringify` of them), by unit
 * name: a unit's next hook in this process finds the text it loads here, and takes the records
 * instead of parsing the text again. Exact: used only when the loaded text is this very text
 * (a failed hook's state is not saved, so its next hook loads the older text and parses it;
 * a unit of the same name in another model holds another text). The records are frozen.
 */
const recorded = new Map<string, { readonly text: string; readonly stored: Stored }>();
/** Units remembered at most (a process running many models forgets and parses again). */
const MAX_RECORDED_UNITS = 4096;

function remember(unit: string, text: string, stored: Stored): void {
  if (recorded.size >= MAX_RECORDED_UNITS && !recorded.has(unit)) recorded.clear();
  for (const table of [stored.ids, stored.members]) {
    for (const list of Object.values(table)) Object.freeze(list);
    Object.freeze(table);
  }
  for (const keys of Object.values(stored.own)) {
    for (const key of keys) Object.freeze(key);
    Object.freeze(keys);
  }
  Object.freeze(stored.own);
  recorded.set(unit, { text, stored: Object.freeze(stored) });
}

function isSorted(list: readonly string[], compare: (a: string, b: string) => number): boolean {
  for (let i = 1; i < list.length; i++)
    if (compare(list[i - 1] as string, list[i] as string) > 0) return false;
  return true;
}

/**
 * `sorted` with `item` inserted where `compare` puts it (a copy): a peer joining a relation of N
 * units costs one search and one copy, not a sort of N names.
 */
function insertSorted(
  sorted: readonly string[],
  item: string,
  compare: (a: string, b: string) => number,
): string[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(sorted[mid] as string, item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  const out = sorted.slice(0, lo);
  out.push(item);
  for (let i = lo; i < sorted.length; i++) out.push(sorted[i] as string);
  return out;
}

const sameList = (a: readonly string[], b: readonly string[] | undefined): boolean =>
  b !== undefined && (a === b || (a.length === b.length && a.every((x, i) => x === b[i])));

/** Same keys in the same order, each with an equal list (so both encode to the same text). */
function sameTable<T>(
  a: Readonly<Record<string, readonly T[]>>,
  b: Readonly<Record<string, readonly T[]>>,
  same: (x: readonly T[], y: readonly T[] | undefined) => boolean,
): boolean {
  const keys = Object.keys(a);
  const others = Object.keys(b);
  if (keys.length !== others.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (key !== others[i] || !same(a[key] as readonly T[], b[key])) return false;
  }
  return true;
}

const sameKeys = (a: readonly StoredKey[], b: readonly StoredKey[] | undefined): boolean =>
  b !== undefined &&
  (a === b ||
    (a.length === b.length &&
      a.every((x, i) => {
        const y = b[i] as StoredKey;
        return x.k === y.k && x.v === y.v && x.h === y.h && 'v' in x === 'v' in y;
      })));

/** Records that encode to the same JSON text. */
function sameStored(a: Stored, b: Stored): boolean {
  return (
    sameTable(a.ids, b.ids, sameList) &&
    sameTable(a.members, b.members, sameList) &&
    sameTable(a.own, b.own, sameKeys)
  );
}

/** Whether `version` (e.g. `3.6.0`) is at least major.minor. */
function atLeast(version: string | undefined, [major, minor]: readonly [number, number]): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return false;
  const [maj, min] = [Number(m[1]), Number(m[2])];
  return maj > major || (maj === major && min >= minor);
}

/**
 * The unit's records of its relations, read at hook start from the unit state and written
 * back (into the same state, so they commit with the hook, or not at all) after the hook's
 * relation writes were committed. Plug it into the session with `useKnownRelations`.
 *
 * - relation-list: Juju answers with the units whose -joined this unit committed and whose
 *   -departed it has not, plus the unit of a -joined hook, minus the unit of a -departed hook
 *   (juju/juju worker/uniter/relation/state.go UpdateStateForHook, called by CommitHook once a
 *   hook succeeded; worker/uniter/runner/context/contextfactory.go HookContext:
 *   InvalidateMember for the remote unit, RemoveMember for a departing one).
 * - relation-ids: Juju lists the relations the unit joined (entered the scope of), and drops
 *   one when its -broken hook commits; a relation it joins while installed and alive runs
 *   relation-created before any other hook (worker/uniter/relation/statetracker.go
 *   SynchronizeScopes, CommitHook; worker/uniter/relation/resolver.go
 *   createdRelationsResolver; worker/uniter/resolver.go asks it first). Trusted from Juju 2.8.
 * - own bag: only this unit's hooks write it (relation-set, committed with the hook by
 *   worker/uniter/runner/context/context.go doFlush), except the keys in JUJU_NETWORK_KEYS.
 *   A record is taken from a read of the committed bag and dropped by any hook that writes
 *   the bag: the next hook that needs it reads once. (A file-stored unit state is saved before
 *   Juju commits the hook's relation-set; a hook killed in between leaves the state saved and
 *   the write lost. A record made from a read never depends on that write.)
 */
export class RelationMemory implements KnownRelations {
  private readonly stored: Stored;
  /** Every record may be used (not upgrade-charm). */
  private readonly trusted: boolean;
  /** Member and relation-id records may be used (no failed hook since they were made). */
  private readonly membershipTrusted: boolean;
  /** Relation-id records may be used (membership trusted, and Juju runs relation-created). */
  private readonly idsTrusted: boolean;
  private readonly event:
    | { readonly endpoint: string; readonly relationId: string; readonly kind: string }
    | undefined;
  private readonly bags = new Map<string, RecordedBag>();
  /** The text `stored` was read from, when it is exactly `JSON.stringify(stored)`. */
  private readonly storedText: string | undefined;

  constructor(
    private readonly state: UnitState,
    private readonly context: HookContext,
    private readonly redactor: Redactor,
    options: {
      /** The unit's last hook failed: Juju may have skipped it, committing its membership. */
      readonly afterFailure?: boolean;
    } = {},
  ) {
    // The records this unit's last hook wrote, when the state holds exactly their text: they
    // are what parsing that text gives (see `recorded`), without parsing it again.
    const text = state.text(RELATION_MEMORY_KEY);
    const kept = text === undefined ? undefined : recorded.get(context.unitName);
    if (kept !== undefined && kept.text === text) {
      this.stored = kept.stored;
      this.storedText = text;
    } else {
      this.stored = load(text === undefined ? undefined : JSON.parse(text));
    }
    // upgrade-charm re-reads everything: the unit may come from another charm or library
    // version whose records (if any) this version cannot vouch for.
    this.trusted = context.hookName !== 'upgrade-charm';
    // A skipped hook commits nothing of the charm's, relation-set included: own bags stay.
    this.membershipTrusted = this.trusted && options.afterFailure !== true;
    this.idsTrusted =
      this.membershipTrusted && atLeast(context.jujuVersion, RELATION_CREATED_SINCE);
    const kind = hookKind(context.hookName);
    this.event =
      kind.kind === 'relation' && context.relation !== undefined
        ? { endpoint: kind.endpoint, relationId: context.relation.id, kind: kind.event }
        : undefined;
  }

  relationIds(endpoint: string): readonly string[] | undefined {
    if (!this.idsTrusted) return undefined;
    const ids = this.stored.ids[endpoint];
    if (ids === undefined) return undefined;
    const own = this.event?.endpoint === endpoint ? this.event.relationId : undefined;
    return own === undefined || ids.includes(own) ? ids : [...ids, own].sort(compareRelationIds);
  }

  relationList(relationId: string): readonly string[] | undefined {
    if (!this.membershipTrusted) return undefined;
    const members = this.stored.members[relationId];
    if (members === undefined) return undefined;
    return this.membersDuringHook(relationId, members);
  }

  ownBag(relationId: string): KnownBag | undefined {
    if (!this.trusted) return undefined;
    let bag = this.bags.get(relationId);
    if (bag === undefined) {
      const keys = this.stored.own[relationId];
      if (keys === undefined) return undefined;
      bag = new RecordedBag(keys);
      this.bags.set(relationId, bag);
    }
    return bag;
  }

  /** Members as Juju lists them in this hook, from the members before it. */
  private membersDuringHook(relationId: string, before: readonly string[]): readonly string[] {
    const remote = this.context.remoteUnit;
    if (this.event?.relationId !== relationId || remote === undefined) return before;
    if (this.event.kind === 'joined' && !before.includes(remote))
      return insertSorted(before, remote, compareUnitNames);
    if (this.event.kind === 'departed') return before.filter((u) => u !== remote);
    return before;
  }

  /**
   * Record what this successful hook leaves behind, into the unit state (saved with the hook).
   * Call after the session committed; `report` says which bags it wrote.
   */
  afterCommit(session: HookSession, report: CommitReport): void {
    const seen = session.observedRelations();
    // Tables copied (forgetGone drops entries): the stored records are never changed.
    const before: Stored = this.membershipTrusted
      ? {
          v: 1,
          ids: this.stored.ids,
          members: { ...this.stored.members },
          own: { ...this.stored.own },
        }
      : { ...empty(), own: this.trusted ? { ...this.stored.own } : {} };
    const next = empty();
    const broken = this.event?.kind === 'broken' ? this.event.relationId : undefined;

    // relation-ids: Juju's answer, else the record carried over; -created adds, -broken drops.
    for (const endpoint of new Set([...Object.keys(before.ids), ...seen.ids.keys()])) {
      const answered = seen.ids.get(endpoint);
      const ids = answered ?? this.relationIds(endpoint) ?? before.ids[endpoint];
      if (ids === undefined) continue;
      // A record carried over (or answered from one) is sorted already, as it was stored.
      const left =
        broken !== undefined && ids.includes(broken) ? ids.filter((id) => id !== broken) : ids;
      // Shared, never changed: a stored list is frozen once written (see `remember`).
      next.ids[endpoint] = (
        isSorted(left, compareRelationIds) ? left : [...left].sort(compareRelationIds)
      ) as string[];
      if (answered !== undefined) this.forgetGone(before, endpoint, answered);
    }
    // relation-list: what this hook saw is what Juju holds once it commits the hook.
    for (const relationId of new Set([...Object.keys(before.members), ...seen.lists.keys()])) {
      if (relationId === broken) continue;
      const answered = seen.lists.get(relationId);
      const stored = before.members[relationId];
      const members =
        answered ?? (stored === undefined ? undefined : this.membersDuringHook(relationId, stored));
      if (members === undefined) continue;
      // A record carried over is sorted already (it was stored sorted), and so is the copy a
      // -joined or -departed hook made of it (membersDuringHook); Juju's answer is copied.
      next.members[relationId] = (
        answered === undefined ? members : [...members].sort(compareUnitNames)
      ) as string[];
    }
    // Own bags: a bag this hook wrote is read again by the next hook that needs it.
    const written = new Set(report.relationWrites.filter((w) => !w.app).map((w) => w.relationId));
    for (const relationId of new Set([...Object.keys(before.own), ...seen.ownBags.keys()])) {
      if (relationId === broken || written.has(relationId)) continue;
      const read = seen.ownBags.get(relationId);
      const keys = read === undefined ? before.own[relationId] : this.record(read);
      if (keys !== undefined) next.own[relationId] = keys;
    }
    const empties =
      Object.keys(next.ids).length +
      Object.keys(next.members).length +
      Object.keys(next.own).length;
    const unit = this.context.unitName;
    if (empties === 0) {
      this.state.unset(RELATION_MEMORY_KEY);
      recorded.delete(unit);
      return;
    }
    // Records equal to those read, from the text still in the state: that text is already
    // what they encode to (nothing to encode or write).
    const storedText = this.storedText;
    if (
      storedText !== undefined &&
      this.state.text(RELATION_MEMORY_KEY) === storedText &&
      sameStored(next, this.stored)
    )
      return;
    const text = JSON.stringify(next as unknown as JsonValue);
    this.state.setText(RELATION_MEMORY_KEY, text);
    remember(unit, text, next);
  }

  /** Relations of `endpoint` Juju no longer lists: drop their member and bag records. */
  private forgetGone(before: Stored, endpoint: string, ids: readonly string[]): void {
    const prefix = `${endpoint}:`;
    for (const table of [before.members, before.own])
      for (const id of Object.keys(table))
        if (id.startsWith(prefix) && !ids.includes(id)) delete table[id];
  }

  /** A bag as recorded: no key Juju writes itself; credential-like or long values hashed. */
  private record(bag: RelationData): StoredKey[] {
    const out: StoredKey[] = [];
    for (const key of Object.keys(bag).sort()) {
      if (JUJU_NETWORK_KEYS.has(key)) continue;
      const value = bag[key] as string;
      const secretLike =
        (CREDENTIAL_KEY.test(key) && !isSecretUri(value)) ||
        this.redactor.redact(value) !== value ||
        value.length > MAX_KEPT_VALUE;
      out.push(secretLike ? { k: key, h: hashOf(value) } : { k: key, v: value });
    }
    return out;
  }
}
