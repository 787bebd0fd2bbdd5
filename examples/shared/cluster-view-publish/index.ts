// cluster-view-publish: what a database charm's leader runs to tell clients who the members
// are: build the members (weights from config, hidden/disconnect from AdminAPI tags as MySQL
// Router reads them), publish them on the cluster-view relation, mirror them into ZooKeeper.
// Shared by the example charms and the failover-under-load test; see README.md.

export {
  configuredWeights,
  type PublishTopologyOptions,
  publishTopology,
  viewWanted,
} from './from-charm.js';
export {
  type BuiltMembers,
  buildMembers,
  DEFAULT_WEIGHTS,
  MAX_WEIGHT_CONFIG,
  parseWeights,
  type TopologyMember,
  WeightConfigError,
  type Weights,
} from './members.js';
export {
  applicationDying,
  registerWithdrawOnRemoval,
  withdrawOnApplicationRemoval,
} from './on-removal.js';
export {
  forgetMirror,
  MIRRORED_STATE_KEY,
  type PublishClusterViewOptions,
  type PublishOutcome,
  publishClusterView,
  type ZooKeeperOutcome,
} from './publish.js';
export { type DecidedTopology, type Endpoints, replicationMembers } from './replication.js';
export {
  MAX_PENDING_WITHDRAWALS,
  MIRRORED_AT_KEY,
  type MirrorLocation,
  recordMirror,
  WITHDRAW_KEY,
  type WithdrawOptions,
  withdrawStaleMirrors,
} from './withdraw.js';
export {
  DEFAULT_ZK_CONNECT_TIMEOUT_MS,
  DEFAULT_ZK_DEADLINE_MS,
  type MirrorOptions,
  mirrorView,
  type SessionBounds,
  withZkSession,
  type ZkConnector,
} from './zookeeper.js';
