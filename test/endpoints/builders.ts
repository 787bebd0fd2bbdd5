// Builders for endpoint tests: a peer world of N units and small Endpoint subclasses.
import { Endpoint } from '../../src/endpoints/endpoint.js';
import type { RelationData } from '../../src/juju/hook-tools.js';
import { StubHookTools, type StubRelation, stubWorld } from '../helpers/stub-tools.js';

/** A bare peer endpoint class for the `test-peers` interface. */
export class TestPeers extends Endpoint {
  static override readonly interfaceName = 'test-peers';
}

/** A provides/requires endpoint class for the `http` interface. */
export class HttpEndpoint extends Endpoint {
  static override readonly interfaceName = 'http';
}

/** Units mysql/1 .. mysql/n (this unit is mysql/0), each with the given bag. */
export function peerUnits(
  n: number,
  bag: (i: number) => RelationData = () => ({}),
): Record<string, RelationData> {
  const units: Record<string, RelationData> = {};
  for (let i = 1; i <= n; i++) units[`mysql/${i}`] = bag(i);
  return units;
}

export function peerRelation(
  units: Record<string, RelationData>,
  extra: Partial<StubRelation> = {},
): StubRelation {
  return { endpoint: 'cluster', app: 'mysql', units, ...extra };
}

export function peerTools(relations: Record<string, StubRelation>, leader = false): StubHookTools {
  return new StubHookTools(stubWorld({ unit: 'mysql/0', leader, relations }));
}

export const peersMeta = {
  name: 'mysql',
  endpoints: [{ name: 'cluster', role: 'peers' as const, interface: 'test-peers' }],
};
