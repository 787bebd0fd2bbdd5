// The simulated fleet as the charm's units see it: a server per unit (added when a unit first
// appears), replication moving once per hook (before the hook looks at it, as it moves between
// two hooks of a real deployment), seen through the units the hook names.
import type { HookRuntime } from 'juju-reactive';
import type { TopologyServer } from '../charm-state.js';
import { scopedBackend } from './scoped.js';
import type { SimulatedReplicationBackend } from './simulated.js';
import type { SimulatedFleet } from './simulated-fleet.js';
import type { ReplicationBackend } from './types.js';

/** A `backendFor` over `fleet` for the charm's options. */
export function simulatedUnitBackends(
  fleet: SimulatedFleet,
  backend: SimulatedReplicationBackend,
): (rt: HookRuntime, servers: readonly TopologyServer[]) => ReplicationBackend {
  const ticked = new WeakSet<HookRuntime>();
  return (rt, servers) => {
    for (const s of servers) fleet.add(s.unit, s.address);
    if (!ticked.has(rt)) {
      ticked.add(rt);
      fleet.tick();
    }
    return scopedBackend(
      backend,
      servers.map((s) => s.unit),
    );
  };
}
