// Reading what the mysql-innodb-cluster leader published on its `view` relation, for the
// example's view tests.
import type { ClusterMember } from 'juju-reactive/interfaces/cluster-view';
import type { Model } from 'juju-reactive/testing';

/** The members in the `view` relation's application bag, as the client receives them. */
export function publishedMembers(model: Model): ClusterMember[] {
  const [relation] = model.relationIds('mysql', 'view');
  return JSON.parse(
    model.relationData(relation ?? '', 'mysql')['members'] ?? '[]',
  ) as ClusterMember[];
}
