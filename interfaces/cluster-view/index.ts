// juju-reactive/interfaces/cluster-view: who the primary is, for client applications. The
// database charm registers ClusterViewProvides; a client charm registers ClusterViewRequires.

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
