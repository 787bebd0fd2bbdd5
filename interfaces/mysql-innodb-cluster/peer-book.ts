// One hook's view of the peer endpoint's summaries: the ones refreshed from the relation in
// this hook, the kept ones (decoded once), the views handed to handlers, and the counts over
// them. An endpoint instance, and so this book, lives for one hook.
import type { HookRuntime, RelatedUnit } from 'juju-reactive';
import { digestText, type PeerAggregate } from './aggregate.js';
import { KeptSummaries, type ListedRelation } from './kept-summaries.js';
import { PeerReader } from './peer-reader.js';
import type {
  ClusterPeerChanges,
  ClusterPeerCounts,
  ClusterPeerSummary,
  PeerClusterData,
} from './peer-units.js';
import { isReadySummary, type PeerSummary, SummaryStore } from './summaries.js';

/** A peer by name and relation. */
type Peer = Pick<RelatedUnit, 'unitName' | 'relationId'>;

/** What the book needs from its endpoint. */
export interface PeerBookHost {
  readonly runtime: HookRuntime;
  readonly endpointName: string;
  /** The endpoint's unit-state key for `name`. */
  stateKey(name: string): string;
  /** The joined peers Juju lists (relation-list), in unit order. */
  joinedUnits(): readonly RelatedUnit[];
  /** The endpoint's relations, with the units Juju lists in each. */
  relations(): readonly ListedRelation[];
  /** A new revision of this secret may be out in this hook. */
  secretMayHaveChanged(secretId: string): boolean;
}

/** One hook's summaries of the joined peers, and the counts over them. */
export class PeerBook {
  private reader: PeerReader | undefined;
  /** Summaries refreshed from the relation in this hook, by `relation id + ' ' + unit`. */
  private readonly refreshed = new Map<
    string,
    { readonly peer: Peer; readonly summary: PeerSummary }
  >();
  /** `summaries()` as last built in this hook; dropped when a summary is refreshed. */
  private summaryList: readonly ClusterPeerSummary[] | undefined;
  /** The summaries kept in the unit state, and the counts over them. */
  private keptSummaries: KeptSummaries | undefined;
  /** `counts()` as last made in this hook, and what from. */
  private countsView:
    | { readonly agg: PeerAggregate; readonly version: number; readonly view: ClusterPeerCounts }
    | undefined;
  /** Joined peers by unit name, made on first use. */
  private joinedByName: Map<string, RelatedUnit> | undefined;

  constructor(private readonly host: PeerBookHost) {}

  /** Every joined peer as last read, in unit order; a peer with no summary yet is read now. */
  summaries(): readonly ClusterPeerSummary[] {
    this.summaryList ??= this.host.joinedUnits().map((unit) => this.summaryOf(unit));
    return this.summaryList;
  }

  /** The counts over the same summaries (a frozen view, made again when they move). */
  counts(): ClusterPeerCounts {
    const agg = this.vouchedCounts();
    const made = this.countsView;
    if (made !== undefined && made.agg === agg && made.version === this.book.version)
      return made.view;
    const view: ClusterPeerCounts = Object.freeze({
      peers: agg.n,
      ready: agg.ready,
      clustered: agg.clustered,
      plaintextPasswords: agg.plaintext,
      digest: digestText(agg.digest),
      addresses: digestText(agg.addresses),
      readyAddresses: digestText(agg.readyAddresses),
      configureReadyAddresses: digestText(agg.configureReadyAddresses),
    });
    this.countsView = { agg, version: this.book.version, view };
    return view;
  }

  /** How the summaries moved in this hook so far (see ClusterPeerChanges). */
  changes(): ClusterPeerChanges {
    const refreshed = [...this.refreshed.values()].map((r) => summaryView(r.peer, r.summary, true));
    return { digestAtStart: this.book.digestAtStart(), refreshed };
  }

  /** Whether a joined peer's summary holds this valid address (no summary decoded). */
  holdsAddress(address: string): boolean {
    this.vouchedCounts();
    return this.book.holdsAddress(address);
  }

  /** The counts of the joined peers: the stored ones when they can be vouched for, else new. */
  private vouchedCounts(): PeerAggregate {
    return this.countsOf(false) ?? this.rebuild(this.host.joinedUnits(), false);
  }

  /** The stored counts when they are the joined peers' (see KeptSummaries.countsOf). */
  countsOf(verifyMembers: boolean): PeerAggregate | undefined {
    return this.book.countsOf(this.host.relations(), verifyMembers);
  }

  /** The joined peer named `unitName` (looked up by name once per hook). */
  joinedUnit(unitName: string): RelatedUnit | undefined {
    this.joinedByName ??= new Map(this.host.joinedUnits().map((u) => [u.unitName, u]));
    return this.joinedByName.get(unitName);
  }

  /** A peer's summary as the unit state holds it, decoded once per hook. */
  kept(unit: RelatedUnit): PeerSummary | undefined {
    return this.book.get(unit.relationId, unit.unitName);
  }

  /** Read a peer's summary from the relation now, and keep it. */
  refresh(unit: RelatedUnit, previous: PeerSummary | undefined): PeerSummary {
    const summary = this.reading.summarize(unit, previous, (id) =>
      this.host.secretMayHaveChanged(id),
    );
    this.remember(unit, summary);
    return summary;
  }

  /** Drop a peer's summary (it departed); the counts move with it. */
  forget(relationId: string, unitName: string): void {
    this.refreshed.delete(SummaryStore.id(relationId, unitName));
    this.summaryList = undefined;
    this.book.delete(relationId, unitName);
  }

  /**
   * A peer's current data, once per hook; warn once about what was rejected. What was read
   * replaces the peer's summary: it is at least as new.
   */
  readonly readPeer = (unit: RelatedUnit): PeerClusterData => {
    const data = this.reading.read(unit);
    this.reading.warn(unit, data.problems);
    this.remember(
      unit,
      this.reading.summarize(unit, undefined, () => true),
    );
    return data;
  };

  /** Log, once, what each kept summary says was rejected. */
  warnProblems(units: readonly RelatedUnit[]): void {
    for (const unit of units) {
      const summary = this.kept(unit);
      if (summary !== undefined) this.reading.warn(unit, summary.problems);
    }
  }

  /**
   * Every joined peer's summary made right, and the counts made again from scratch: a peer
   * with no (readable) summary is read, every peer when `rereadAll`; the summaries of units
   * that are not joined peers go. For when the counts cannot be vouched for.
   */
  rebuild(units: readonly RelatedUnit[], rereadAll: boolean): PeerAggregate {
    return this.book.recount(() => {
      const summaries = new Map<string, PeerSummary>();
      for (const unit of units) {
        const id = SummaryStore.id(unit.relationId, unit.unitName);
        const kept = this.kept(unit);
        const fresh = this.refreshed.get(id)?.summary;
        summaries.set(
          id,
          fresh ?? (rereadAll || kept === undefined ? this.refresh(unit, kept) : kept),
        );
      }
      return summaries;
    });
  }

  /** One joined peer's view: refreshed this hook, else kept, else read now. */
  private summaryOf(unit: RelatedUnit): ClusterPeerSummary {
    const fresh = this.refreshed.get(SummaryStore.id(unit.relationId, unit.unitName));
    if (fresh !== undefined) return summaryView(unit, fresh.summary, true);
    const kept = this.kept(unit);
    if (kept !== undefined) return summaryView(unit, kept, false);
    return summaryView(unit, this.refresh(unit, undefined), true);
  }

  /** Keep a peer's new summary (the counts move with it). */
  private remember(unit: RelatedUnit, summary: PeerSummary): void {
    this.refreshed.set(SummaryStore.id(unit.relationId, unit.unitName), { peer: unit, summary });
    this.summaryList = undefined;
    this.book.set(unit.relationId, unit.unitName, summary);
  }

  private get reading(): PeerReader {
    this.reader ??= new PeerReader(this.host.runtime, this.host.endpointName);
    return this.reader;
  }

  private get book(): KeptSummaries {
    this.keptSummaries ??= new KeptSummaries(
      this.host.runtime.state,
      this.host.stateKey('peer.'),
      this.host.stateKey('peer-counts'),
      this.host.stateKey('peer-address.'),
    );
    return this.keptSummaries;
  }
}

/** The public view of a kept summary. */
function summaryView(peer: Peer, summary: PeerSummary, readThisHook: boolean): ClusterPeerSummary {
  return {
    unitName: peer.unitName,
    relationId: peer.relationId,
    ...(summary.address === undefined ? {} : { address: summary.address }),
    ...(summary.user === undefined ? {} : { user: summary.user }),
    ready: isReadySummary(summary),
    ...(summary.passwordFrom === undefined ? {} : { passwordFrom: summary.passwordFrom }),
    configureReady: summary.configureReady,
    clustered: summary.clustered,
    problems: summary.problems,
    readThisHook,
  };
}
