// The members of a source/replica topology as clients see them, from what a failover engine
// decided (its recorded source) and what it observed (which servers answered). Structural
// input: the mariadb-replication engine's clusterStatus() output fits it as it is.
import type { TopologyMember } from './members.js';

/** The decided topology: the recorded source and, per unit, whether it answered this check. */
export interface DecidedTopology {
  /** The unit whose server takes writes, as the engine last decided (null before setup). */
  readonly source: string | null | undefined;
  /** `spare`: in the application but not (yet) in the topology (a SPARE member). */
  readonly units: Readonly<
    Record<string, { readonly reachable: boolean; readonly spare?: boolean }>
  >;
}

/** Where each unit's server listens. */
export type Endpoints = Readonly<
  Record<string, { readonly address: string; readonly port: number }>
>;

/**
 * PRIMARY for the decided source, SPARE for a unit marked spare, SECONDARY for every other unit
 * that answered, FAULTY for one that did not. The source stays PRIMARY while the engine keeps
 * it (it may be failing its checks): the view changes when the engine decides, as Mysos keeps
 * its master until a promotion. A unit without an endpoint is left out.
 * @example
 * replicationMembers({ source: 'db/0', units: { 'db/0': { reachable: true } } }, { 'db/0': { address: '10.0.0.1', port: 3306 } })
 */
export function replicationMembers(
  topology: DecidedTopology,
  endpoints: Endpoints,
): TopologyMember[] {
  const members: TopologyMember[] = [];
  for (const [name, { reachable, spare }] of Object.entries(topology.units)) {
    const at = endpoints[name];
    if (at === undefined) continue;
    const role =
      name === topology.source
        ? 'PRIMARY'
        : spare === true
          ? 'SPARE'
          : reachable
            ? 'SECONDARY'
            : 'FAULTY';
    members.push({ name, address: at.address, port: at.port, role });
  }
  return members;
}
