// The one member builder of the discovery, client and cluster-view tests.
import type { ClusterMember } from '../../src/discovery/view.js';

/** A member with defaults: `member(0, 'PRIMARY')` is db/0 on 10.1.0.10:3306, weight 1. */
export function member(
  n: number,
  role: ClusterMember['role'],
  fields: Partial<ClusterMember> = {},
): ClusterMember {
  return {
    name: `db/${n}`,
    address: `10.1.0.${10 + n}`,
    port: 3306,
    role,
    mode: role === 'PRIMARY' ? 'read_write' : 'read_only',
    weight: 1,
    hidden: false,
    disconnect: false,
    ...fields,
  };
}
