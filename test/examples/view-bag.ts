// Reading what the mysql-innodb-cluster leader published on its `view` relation, for the
// example's view tests.
import type { ClusterMember } from 'juju-reactive/interfaces/cluster-view';
import type { Model } from 'juju-reactive/testing';

/** The members in `app`'s `view` relation application bag, as the client receives them. */
export function publishedMembers(model: Model, app = 'mysql'): ClusterMember[] {
  const [relation] = model.relationIds(app, 'view');
  return JSON.parse(model.relationData(relation ?? '', app)['members'] ?? '[]') as ClusterMember[];
}
