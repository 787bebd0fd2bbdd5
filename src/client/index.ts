// juju-reactive/client: for applications (not charms) that talk to a MySQL cluster a charm
// runs: find the primary and the secondaries, route work, and retry across a failover.

export {
  type ClusterMember,
  type ClusterView,
  isServing,
  MEMBER_ROLES,
  type MemberMode,
  type MemberRole,
  primaryOf,
} from '../discovery/view.js';
