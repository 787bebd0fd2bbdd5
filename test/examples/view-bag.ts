// Reading what the example leaders published on their `view` relation (and in an in-memory
// ZooKeeper), for the examples' view tests.
import type { ClusterMember } from 'juju-reactive/interfaces/cluster-view';
import type { Model } from 'juju-reactive/testing';
import type { ZkConnector } from '../../examples/shared/cluster-view-publish/index.js';
import type { ZkSession } from '../../src/discovery/zk-session.js';
import { FakeZk } from '../discovery/fake-zk.js';

/** A connector onto one shared in-memory ZooKeeper (every session is the same FakeZk). */
export function memoryZooKeeper(): { zk: FakeZk; connect: ZkConnector } {
  const zk = new FakeZk();
  const connect: ZkConnector = async () =>
    Object.assign(Object.create(zk) as ZkSession, { close: async () => undefined });
  return { zk, connect };
}

/** The members in `app`'s `view` relation application bag, as the client receives them. */
export function publishedMembers(model: Model, app = 'mysql'): ClusterMember[] {
  const [relation] = model.relationIds(app, 'view');
  return JSON.parse(model.relationData(relation ?? '', app)['members'] ?? '[]') as ClusterMember[];
}
