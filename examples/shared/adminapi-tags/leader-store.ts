// A TagStore in Juju leader settings (store.ts keys), for a charm without AdminAPI metadata
// (the replication example). Writes are staged with leaderSet, so an action that throws or a
// killed process commits nothing; a new leader reads the same settings.
import { type HookRuntime, leaderGet, leaderSet } from 'juju-reactive';
import type { TagStore } from './actions.js';
import { optionsDocument } from './options.js';
import type { ClusterInstance } from './params.js';
import { pruneTagSettings, readStoredTags, unitOfTagsKey, writeTagOption } from './store.js';

/** What a leader-settings tag store needs from the charm. */
export interface LeaderSettingsTagStoreOptions {
  /** The cluster name shown by `options`. */
  readonly clusterName: (rt: HookRuntime) => string;
  /** The instances of the application: this unit and its peers, each with its label. */
  readonly instances: (rt: HookRuntime) => readonly ClusterInstance[];
}

/**
 * Tags kept in leader settings: one key per scope (store.ts). Values read back that are not
 * tags are ignored and logged as warnings (keys and names only, never values).
 * @example registerTagActions(charm, leaderSettingsTagStore({ clusterName, instances }))
 */
export function leaderSettingsTagStore(options: LeaderSettingsTagStoreOptions): TagStore {
  return {
    instances: options.instances,
    setOption(rt, option, value) {
      leaderSet(rt, writeTagOption(leaderGet(rt), { kind: 'global' }, option, value).settings);
    },
    setInstanceOption(rt, instance, option, value) {
      const scope = { kind: 'unit', unit: instance.unit } as const;
      leaderSet(rt, writeTagOption(leaderGet(rt), scope, option, value).settings);
    },
    options(rt) {
      const stored = readStoredTags(leaderGet(rt));
      for (const problem of stored.problems) rt.log.warning(`adminapi tags: ${problem}`);
      return optionsDocument(
        options.clusterName(rt),
        stored.global,
        options
          .instances(rt)
          .map((i) => ({ label: i.label, tags: stored.units.get(i.unit) ?? new Map() })),
      );
    },
  };
}

/**
 * On the leader: stage the deletion of the tags of units not in `present` (call it when a unit
 * departs, with this unit and the peers still joined). Returns the units whose tags go.
 */
export function pruneDepartedTags(rt: HookRuntime, present: Iterable<string>): string[] {
  const deletions = pruneTagSettings(leaderGet(rt), present);
  const keys = Object.keys(deletions);
  if (keys.length > 0) leaderSet(rt, deletions);
  return keys.flatMap((key) => unitOfTagsKey(key) ?? []);
}
