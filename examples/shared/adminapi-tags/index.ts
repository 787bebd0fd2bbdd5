// MySQL Shell AdminAPI tags for charms: the rules of setOption/setInstanceOption on the `tag`
// namespace, their storage in Juju leader settings, the `options` document and the routing
// effect of `_hidden`. Shared by the example charms; see README.md.
export {
  MAX_OPTIONS_RESULT,
  registerTagActions,
  TAGS_CHANGED_FLAG,
  type TagActionsOptions,
  type TagStore,
  type TagWrite,
} from './actions.js';
export { TagError, type TagErrorKind } from './errors.js';
export {
  compareCodePoints,
  decodeValueParam,
  depthOf,
  encodeCanonical,
  MAX_VALUE_DEPTH,
  MAX_VALUE_TEXT,
  mergePatch,
} from './json-value.js';
export { LEADER_UNIT_KEY, notLeaderMessage, recordLeader } from './leader.js';
export {
  type LeaderSettingsTagStoreOptions,
  leaderSettingsTagStore,
  pruneDepartedTags,
} from './leader-store.js';
export { MetadataTags, type MetadataTagsSnapshot } from './metadata-tags.js';
export {
  BUILT_IN_TAGS,
  type BuiltInTag,
  DISCONNECT_TAG,
  HIDDEN_TAG,
  isBuiltInTag,
  isTagIdentifier,
  parseTagOption,
  shellTypeName,
  tagValue,
} from './option.js';
export {
  hiddenFromRouterMark,
  type InstanceTags,
  instanceLabel,
  type OptionsDocument,
  optionsDocument,
  type TagEntry,
  tagEntries,
} from './options.js';
export {
  type ClusterInstance,
  MAX_INSTANCE_PARAM,
  readSetOptionParams,
  resolveInstance,
  type SetOptionParams,
} from './params.js';
export {
  type MemberRouting,
  type RoutingView,
  routeMembers,
  type TaggedMember,
} from './routing.js';
export {
  decodeScope,
  GLOBAL_TAGS_KEY,
  pruneTagSettings,
  readStoredTags,
  type StoredTags,
  scopeTags,
  type TagScope,
  type TagSettingsWrite,
  tagsKey,
  UNIT_TAGS_KEY_PREFIX,
  unitOfTagsKey,
  writeTagOption,
} from './store.js';
export {
  applyTagOption,
  checkScopeBounds,
  checkTagWrite,
  encodeTags,
  MAX_OPTION_LENGTH,
  MAX_SCOPE_BYTES,
  MAX_TAGS_PER_SCOPE,
  sortedTagNames,
  type TagChange,
  type TagMap,
} from './tag-set.js';
