// The peer summaries one endpoint keeps in the unit state, with the counts over them
// (aggregate.ts), for one hook: each summary decoded at most once, and only when needed (to
// hand it out, or to count it out when it is replaced); every write moves the counts by the
// one summary it changes, so they always equal a count from scratch.
import type { UnitState } from 'juju-reactive';
import {
  aggregateOf,
  count,
  digestText,
  loadAggregate,
  type PeerAggregate,
  saveAggregate,
} from './aggregate.js';
import { encode, type PeerSummary, SummaryStore } from './summaries.js';

/** A relation as far as the counts need it: its id and the units Juju lists in it. */
export interface ListedRelation {
  readonly relationId: string;
  readonly joinedUnitNames: readonly string[];
}

/** One hook's view of the kept summaries and their counts. */
export class KeptSummaries {
  private readonly store: SummaryStore;
  private readonly decoded = new Map<string, PeerSummary>();
  /** null until loaded; undefined when none are stored (or they were dropped). */
  private counts: PeerAggregate | undefined | null = null;
  /** The counts were found to be those of the joined peers in this hook. */
  private checked = false;
  /** The counts' digest as the hook found them: null until loaded, undefined when unknown. */
  private startDigest: string | undefined | null = null;
  /** Moves with every change of the counts in this hook (for views made from them). */
  version = 0;

  constructor(
    private readonly state: UnitState,
    /** e.g. `endpoint.cluster.peer.` */
    prefix: string,
    /** e.g. `endpoint.cluster.peer-counts` */
    private readonly countsKey: string,
    /**
     * e.g. `endpoint.cluster.peer-address.`: one key per address a summary holds, the number
     * of summaries holding it as value. Part of the counts: moved and rebuilt with them.
     */
    private readonly addressPrefix: string,
  ) {
    this.store = new SummaryStore(state, prefix);
  }

  /** A peer's summary as kept (decoded once per hook), or undefined when none is readable. */
  get(relationId: string, unit: string): PeerSummary | undefined {
    const id = SummaryStore.id(relationId, unit);
    const known = this.decoded.get(id);
    if (known !== undefined) return known;
    const stored = this.store.get(relationId, unit);
    if (stored !== undefined) this.decoded.set(id, stored);
    return stored;
  }

  /**
   * Keep a peer's new summary, and move the counts from its old one (decoded only for that).
   * A stored summary that cannot be decoded cannot be counted out: the counts are dropped,
   * and the next hook that needs them counts from scratch.
   */
  set(relationId: string, unit: string, summary: PeerSummary): void {
    const id = SummaryStore.id(relationId, unit);
    const agg = this.loaded();
    if (agg !== undefined) {
      const old = this.store.has(relationId, unit) ? this.get(relationId, unit) : null;
      if (old === undefined) this.drop();
      else if (old !== null && sameSummary(old, summary)) return;
      else {
        if (old !== null) count(agg, id, old, -1);
        count(agg, id, summary, 1);
        if (old?.address !== summary.address) {
          this.moveAddress(old?.address, -1);
          this.moveAddress(summary.address, 1);
        }
        this.version++;
        saveAggregate(this.state, this.countsKey, agg);
      }
    }
    this.decoded.set(id, summary);
    this.store.set(relationId, unit, summary);
  }

  /** Drop a peer's summary (it departed), and count it out. */
  delete(relationId: string, unit: string): void {
    if (!this.store.has(relationId, unit)) return;
    const agg = this.loaded();
    if (agg !== undefined) {
      const old = this.get(relationId, unit);
      if (old === undefined) this.drop();
      else {
        count(agg, SummaryStore.id(relationId, unit), old, -1);
        this.moveAddress(old.address, -1);
        this.version++;
        saveAggregate(this.state, this.countsKey, agg);
      }
    }
    this.decoded.delete(SummaryStore.id(relationId, unit));
    this.store.unset(relationId, unit);
  }

  /**
   * The counts, when they are those of the joined peers. With `verifyMembers` every listed peer
   * must have a summary (looked up, not decoded) and the number must match; without it, the
   * number only. Once checked in a hook, every change of a summary moves them.
   *
   * The number is enough while the relations are the same: Juju changes the members a hook
   * sees only when a -joined or -departed hook of the relation completes (worker/uniter/
   * relation/state.go UpdateStateForHook, after the hook succeeded; the hook context lists
   * those members: worker/uniter/runner/context/contextfactory.go getContextRelations), and
   * each such hook moves the counts by its remote unit and commits them with itself. So the
   * members a hook sees are those of the last committed counts, give or take that one unit.
   * Callers verify the members where a relation may have appeared or gone (-created,
   * -broken).
   */
  countsOf(
    relations: readonly ListedRelation[],
    verifyMembers: boolean,
  ): PeerAggregate | undefined {
    const agg = this.loaded();
    if (agg === undefined) return undefined;
    if (this.checked && !verifyMembers) return agg;
    let joined = 0;
    for (const relation of relations) {
      if (!verifyMembers) {
        joined += relation.joinedUnitNames.length;
        continue;
      }
      for (const unit of relation.joinedUnitNames) {
        joined++;
        if (!this.store.has(relation.relationId, unit)) return undefined;
      }
    }
    if (joined !== agg.n) return undefined;
    this.checked = true;
    return agg;
  }

  /**
   * Count from scratch: `fill` makes every joined peer's summary right (writes through
   * {@link set} move no counts meanwhile) and returns them by peer id; every other summary goes.
   */
  recount(fill: () => ReadonlyMap<string, PeerSummary>): PeerAggregate {
    if (this.startDigest === null) this.startDigest = undefined;
    this.counts = undefined;
    const summaries = fill();
    this.store.retain(new Set(summaries.keys()));
    const agg = aggregateOf(summaries);
    for (const key of this.state.keys(this.addressPrefix)) this.state.unset(key);
    for (const summary of summaries.values()) this.moveAddress(summary.address, 1);
    this.version++;
    this.counts = agg;
    this.checked = true;
    saveAggregate(this.state, this.countsKey, agg);
    return agg;
  }

  /**
   * Whether a kept summary holds `address`, by the counts' address index (no summary decoded).
   * Valid when the counts are: after {@link countsOf} answered, or a {@link recount}.
   */
  holdsAddress(address: string): boolean {
    return this.state.has(this.addressPrefix + address);
  }

  /**
   * The counts' digest (as text) when this hook first loaded them, before any summary moved;
   * undefined when none were kept, or they were counted from scratch before being loaded.
   */
  digestAtStart(): string | undefined {
    this.loaded();
    return this.startDigest ?? undefined;
  }

  /** The counts as stored (loaded once per hook). */
  private loaded(): PeerAggregate | undefined {
    if (this.counts === null) {
      this.counts = loadAggregate(this.state, this.countsKey);
      this.startDigest = this.counts === undefined ? undefined : digestText(this.counts.digest);
    }
    return this.counts;
  }

  /** One more (`by` 1) or one fewer (-1) summary holds `address`. */
  private moveAddress(address: string | undefined, by: 1 | -1): void {
    if (address === undefined) return;
    const key = this.addressPrefix + address;
    const held = this.state.get(key);
    const next = (typeof held === 'number' ? held : 0) + by;
    if (next > 0) this.state.set(key, next);
    else this.state.unset(key);
  }

  private drop(): void {
    this.version++;
    this.counts = undefined;
    this.checked = false;
    this.state.unset(this.countsKey);
  }
}

/** Two summaries store the same (a refresh that changed nothing moves no count). */
function sameSummary(a: PeerSummary, b: PeerSummary): boolean {
  return JSON.stringify(encode(a)) === JSON.stringify(encode(b));
}
