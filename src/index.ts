// juju-reactive: write Juju charms in TypeScript in the reactive, flag-driven style.
// The public API of the core package.

/**
 * Write Juju charms in TypeScript in the reactive, flag-driven style: `Charm`, flags and handlers, endpoints, layers, `main()`.
 * @module juju-reactive
 */
export {
  type ActionEvent,
  type ActionFn,
  ActionNotRunError,
  type ActionOutcome,
  ActionParamsError,
  type ActionRegistration,
  validateActionParams,
} from './charm/actions.js';
export {
  ActionBuilder,
  Charm,
  type CharmOptions,
  type EndpointRegistration,
  HandlerBuilder,
  type Layer,
  type StatusAssessment,
  type StatusAssessor,
} from './charm/charm.js';
export {
  type ConfigSpec,
  ConfigTypeError,
  type ConfigTypeMap,
  defineConfig,
  type TypedConfig,
} from './charm/config.js';
export { Logger } from './charm/logger.js';
export { main } from './charm/main.js';
export { type HookResult, type RunHookOptions, runHook } from './charm/run-hook.js';
export { HookRuntime, type HookRuntimeParts } from './charm/runtime.js';
export {
  type DepartedUnit,
  Endpoint,
  type EndpointBinding,
  type EndpointClass,
  type EndpointHandler,
} from './endpoints/endpoint.js';
export {
  type DataSchema,
  parseBag,
  ReceivedDataError,
  RelatedUnit,
  Relation,
  type SchemaIssue,
} from './endpoints/relation.js';
export { decodeValue, encodeValue } from './endpoints/views.js';
export { type ActionMetadata, type JsonSchema, parseActions } from './juju/actions-metadata.js';
export {
  type HookContext,
  HookContextError,
  type HookKind,
  hookKind,
  type LifecycleHook,
  RESTRICTED_HOOKS,
  type RelationEvent,
  readHookContext,
} from './juju/hook-context.js';
export {
  type CommitReport,
  HookSession,
  type HookSessionOptions,
  type PendingValue,
} from './juju/hook-session.js';
export {
  classifyToolFailure,
  HookToolError,
  type HookToolErrorKind,
} from './juju/hook-tool-error.js';
export type * from './juju/hook-tools.js';
export {
  type CharmMetadata,
  type ConfigOption,
  type ConfigOptionType,
  configDefaults,
  type EndpointMetadata,
  type EndpointRole,
  MetadataError,
  parseConfigOptions,
  parseMetadata,
  type ResourceMetadata,
  readActions,
  readConfigOptions,
  readMetadata,
  type StorageMetadata,
} from './juju/metadata.js';
export { compareRelationIds, compareUnitNames } from './juju/ordering.js';
export {
  type HookToolCall,
  ProcessHookTools,
  type ProcessHookToolsOptions,
} from './juju/process-hook-tools.js';
export { Redactor } from './juju/redact.js';
export {
  ACTION_KEY_RE,
  type ActionResultValue,
  actionKeyProblem,
  flattenActionResults,
  formatPortRange,
  parsePortRange,
  portRangeProblem,
  RESERVED_ACTION_KEYS,
} from './juju/tool-args.js';
export { configFlags } from './layers/config.js';
export { leaderGet, leaderSet, leaderSettingsDigest, leadership } from './layers/leadership.js';
export {
  DEFAULT_MAX_ITERATIONS,
  DispatchNotSettledError,
  type DispatchReport,
  HandlerFailedError,
  type HandlerRun,
} from './reactive/dispatch.js';
export {
  type DispatchPhase,
  type RuntimeEventMap,
  RuntimeEvents,
  type ToolCallEvent,
} from './reactive/events.js';
export { type FlagListener, FlagSet } from './reactive/flags.js';
export type { Handler, HandlerFn, HandlerSpec, PredicateEnv } from './reactive/handlers.js';
export type { TriggerSpec } from './reactive/triggers.js';
export { type UnfinishedDefinition, UnfinishedHandlerError } from './reactive/unfinished.js';
export { FileStateStore, STATE_FILE_NAME } from './state/file-store.js';
export { JUJU_STATE_CHUNK, JujuStateStore, type JujuStateTools } from './state/juju-store.js';
export { MemoryStateStore } from './state/memory-store.js';
export {
  emptySnapshot,
  type StateSnapshot,
  type StateStore,
  StateStoreError,
} from './state/store.js';
export { UnitState } from './state/unit-state.js';
export { hashValue, type JsonValue, stableStringify } from './util/json.js';
