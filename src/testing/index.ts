// juju-reactive/testing: a multi-unit Juju model that runs real charm code hook by hook, with
// Juju's ordering and commit-on-success rules, in process or as real hook processes.
//
// Charm-dir convention (used by `model.deploy(app, { charmDir })` and `juju-reactive simulate`):
//   <dir>/metadata.yaml     (or charmcraft.yaml): name and endpoints
//   <dir>/config.yaml       optional: config options and defaults
//   <dir>/src/charm.ts      exports `charm` (a Charm) or `createCharm()`; importing it has no
//                           side effects (it must not call main() itself)
//   <dir>/dispatch          shell script Juju runs for every hook; by convention it runs the
//                           bundle: `exec node "$JUJU_CHARM_DIR/dist/charm.cjs"`
// In process mode the model bundles src/charm.ts plus a generated `main(charm)` entry with
// esbuild (`juju-reactive` resolves to this library) into each unit's own charm dir as
// dist/charm.cjs, and runs the charm's dispatch (or a generated one) with fake hook tools on
// PATH that talk to the model over a unix socket. Each unit keeps its state in its own dir.

/**
 * A multi-unit Juju model that runs real charm code hook by hook: `Model`.
 * @module juju-reactive/testing
 */
export type { ActionResult } from './action-run.js';
export { bundleCharm, type CharmBundle, charmEntry, importCharm } from './charm-dir.js';
export type { Duration } from './clock.js';
export { MAX_BOUNDED_MODEL_UNITS, MAX_MODEL_UNITS, Model } from './model.js';
export type * from './model-options.js';
export { mulberry32, type Random } from './random.js';
export {
  type FlagEvent,
  type HookEndEvent,
  type HookEvent,
  hookLabel,
  type LeaderSettingsEvent,
  type LogEvent,
  type ModelEvent,
  type PublishedEvent,
  type RenderOptions,
  renderTimelines,
  type StatusEvent,
  type TimelineEntry,
  type ToolEvent,
  type TraceEvent,
  type TraceLevel,
} from './trace.js';
export { type R as HookToolResult, UnitHookTools } from './unit-hook-tools.js';
export { UnitView } from './unit-view.js';
export type { UnitLife } from './world.js';
