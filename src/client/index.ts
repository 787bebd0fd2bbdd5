// juju-reactive/client: for applications (not charms) that talk to a MySQL cluster a charm
// runs: find the primary and the secondaries, route work, and retry across a failover.
// mysql2 is a peer dependency: install it next to juju-reactive to use mysql2Connector.

/**
 * For applications that talk to a MySQL cluster a charm runs: find the primary, retry across a failover.
 * @module juju-reactive/client
 */
export {
  type ClusterMember,
  type ClusterView,
  isServing,
  MEMBER_ROLES,
  type MemberMode,
  type MemberRole,
  primaryOf,
} from '../discovery/view.js';
export { describeZkUrl, parseZkUrl, type ZkUrl, ZkUrlError } from '../discovery/zk-url.js';
export { type AccessMode, candidates, WeightedRoundRobin } from './balancer.js';
export {
  type Clock,
  ClusterClient,
  type ClusterClientOptions,
  DEFAULT_CONNECT_ATTEMPTS,
  DEFAULT_CONNECT_DELAY_MS,
  DEFAULT_TRANSACTION_ATTEMPTS,
  DEFAULT_TTL_MS,
  type SqlConnection,
  systemClock,
  type TransactionOptions,
} from './cluster-client.js';
export {
  ClusterClientError,
  CR_SERVER_LOST,
  ER_OPTION_PREVENTS_STATEMENT,
  MYSQL2_CLOSED_STATE,
  RetryableClusterError,
  type RetryableKind,
  retryableKind,
} from './errors.js';
export { type MemberConnectionOptions, mysql2Connector } from './mysql2.js';
export {
  relationView,
  staticView,
  type ViewSource,
  type ZooKeeperViewOptions,
  zookeeperView,
} from './sources.js';
