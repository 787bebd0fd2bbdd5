// juju-reactive/interfaces/mysql-innodb-cluster: the peer interface layer of a MySQL InnoDB
// Cluster charm. Register it with `charm.endpoint(MySQLInnoDBClusterPeers, options)`.

/**
 * The peer interface of a MySQL InnoDB Cluster charm: `MySQLInnoDBClusterPeers`.
 * @module juju-reactive/interfaces/mysql-innodb-cluster
 */
export {
  type ClusterConnectionInfo,
  type ClusterPeerChanges,
  type ClusterPeerCounts,
  type ClusterPeerSummary,
  ClusterPeerUnit,
  type PeerClusterData,
  type ReadyClusterPeerUnit,
} from './peer-units.js';
export {
  DEFAULT_MINIMUM_CLUSTER_SIZE,
  MySQLInnoDBClusterPeers,
  type MySQLInnoDBClusterPeersOptions,
} from './peers.js';
export {
  type ClusterConnectionInfoOptions,
  PASSWORD_TRANSPORTS,
  type PasswordTransport,
} from './publishing.js';
export {
  type ClusterPeerData,
  clusterAddressSchema,
  clusterPasswordSchema,
  clusterPeerDataSchema,
  clusterUserSchema,
  isClusterAddress,
  KEYS,
  MAX_ADDRESS_LENGTH,
  MAX_PASSWORD_LENGTH,
  MAX_USER_LENGTH,
  type PeerDataProblem,
  parseClusterPeerData,
  passwordSecretSchema,
  SECRET_PASSWORD_FIELD,
  secretIdSchema,
} from './schema.js';
