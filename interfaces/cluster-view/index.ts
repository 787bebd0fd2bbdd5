// juju-reactive/interfaces/cluster-view: who the primary is, for client applications. The
// database charm registers ClusterViewProvides (and, with a discovery-zookeeper config, mirrors
// the same members into ZooKeeper with mirrorServerSet); a client charm registers
// ClusterViewRequires. The ServerSet code lives in src/discovery, shared with juju-reactive/client;
// it is re-exported here so a charm gets it without the client's mysql2 import.

/**
 * Who the primary is, for client charms: `ClusterViewProvides`, `ClusterViewRequires`.
 * @module juju-reactive/interfaces/cluster-view
 */
export {
  type PublishServerSetOptions,
  publishServerSet,
} from '../../src/discovery/publish.js';
export {
  decodeServiceInstance,
  encodeServiceInstance,
  MASTER_GROUP,
  MEMBER_PREFIX,
  type MirrorReport,
  membersFromServerSet,
  mirrorServerSet,
  readServerSet,
  type ServerSetNode,
  SLAVES_GROUP,
  serverSetPath,
} from '../../src/discovery/serverset.js';
export {
  type ClusterMember,
  type ClusterView,
  isServing,
  MEMBER_ROLES,
  type MemberMode,
  type MemberRole,
  primaryOf,
} from '../../src/discovery/view.js';
export {
  type ConnectZooKeeperOptions,
  connectZooKeeper,
  ZkError,
  type ZkOp,
  type ZkSession,
} from '../../src/discovery/zk-session.js';
export { describeZkUrl, parseZkUrl, type ZkUrl, ZkUrlError } from '../../src/discovery/zk-url.js';
export { ClusterViewProvides } from './provides.js';
export { ClusterViewRequires, type RelationView } from './requires.js';
export {
  encodeMembers,
  isMemberAddress,
  KEYS,
  MAX_ADDRESS_LENGTH,
  MAX_MEMBERS,
  MAX_MEMBERS_JSON,
  MAX_NAME_LENGTH,
  MAX_WEIGHT,
  memberSchema,
  type ParsedView,
  parseViewBag,
  type ViewProblem,
  viewSchema,
} from './schema.js';
