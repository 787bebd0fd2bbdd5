// Which server to promote when the source has failed. Pure: same observation, same answer.
import { compareUnitNames } from 'juju-reactive';
import {
  type GtidPosition,
  mergePositions,
  parseGtidPosition,
  positionWeight,
} from '../topology/gtid.js';
import type { FailoverConfig } from './decide.js';
import { canTakeOver, isPromoted } from './health.js';
import type { Observation } from './observation.js';
import { statusOf } from './observation.js';
import type { TopologyRecord } from './record.js';

/** A ranked candidate, with why it ranks where it does (for the operator's log). */
export interface Candidate {
  readonly server: string;
  /** What it will hold once its relay log is applied: gtid_current_pos merged with Gtid_IO_Pos. */
  readonly willHold: GtidPosition;
  /** Already promoted by an earlier, interrupted run of this failover. */
  readonly promoted: boolean;
  readonly lagSeconds: number | undefined;
}

/**
 * Rank the servers that can take over from `source`, best first:
 * 0. servers not in `config.avoid` (hidden from clients) before those in it;
 * 1. replicas whose last known lag is within `maxLagSeconds` before those beyond it (a replica
 *    lagging beyond the bound is promoted only when no better one exists);
 * 2. the most advanced by GTID (relay log included: it is applied before promotion);
 * 3. one already promoted by an interrupted run (a retried hook sees the same ranking, so
 *    this only breaks the tie in its favour: it never promotes a second server);
 * 4. unit name, as Juju sorts them.
 */
export function rankCandidates(
  observation: Observation,
  record: TopologyRecord,
  source: string,
  config: Pick<FailoverConfig, 'maxLagSeconds' | 'avoid'>,
): Candidate[] {
  const { maxLagSeconds, avoid } = config;
  const candidates: Candidate[] = [];
  for (const server of Object.keys(observation)) {
    if (server === source || !canTakeOver(observation, server, source)) continue;
    const status = statusOf(observation, server);
    if (!status) continue;
    const willHold = mergePositions(
      parseGtidPosition(status.gtidCurrentPos),
      parseGtidPosition(status.replica?.relayLogged ?? ''),
    );
    candidates.push({
      server,
      willHold,
      promoted: isPromoted(status),
      lagSeconds: record.lastLag[server],
    });
  }
  const withinBound = (c: Candidate): boolean =>
    c.lagSeconds === undefined || c.lagSeconds <= maxLagSeconds;
  const avoided = (c: Candidate): boolean => avoid?.has(c.server) === true;
  return candidates.sort((a, b) => {
    if (avoided(a) !== avoided(b)) return avoided(a) ? 1 : -1;
    if (withinBound(a) !== withinBound(b)) return withinBound(a) ? -1 : 1;
    const wa = positionWeight(a.willHold);
    const wb = positionWeight(b.willHold);
    if (wa !== wb) return wa > wb ? -1 : 1;
    if (a.promoted !== b.promoted) return a.promoted ? -1 : 1;
    return compareUnitNames(a.server, b.server);
  });
}
