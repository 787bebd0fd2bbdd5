// AdminAPI tags on this charm: the shared tag actions (examples/shared/adminapi-tags) with the
// cluster's own metadata as the store, as MySQL Shell keeps them (ClusterTagOperations).
//
// Source of truth: the InnoDB cluster metadata, not Juju. Leader settings hold no tags here
// (only the leader's name, for the not-leader message). A write goes to the cluster at once,
// like any database write: a hook or action killed afterwards does not undo it, and one killed
// before it wrote nothing, so there is no second copy to keep consistent. Re-running the
// action is harmless (setting a tag again, or merging the same object, changes nothing). A new
// leader reads the same metadata; a unit's instance tags go with its metadata row when the
// leader removes the instance (removeDepartedInstances); a new instance joins with none.
import type { HookRuntime } from 'juju-reactive';
import { MySQLInnoDBClusterPeers } from 'juju-reactive/interfaces/mysql-innodb-cluster';
import {
  type ClusterInstance,
  type OptionsDocument,
  registerTagActions,
  type TagActionsOptions,
  TagError,
  type TagMap,
  type TagStore,
} from '../../shared/adminapi-tags/index.js';
import type { ActionHelpers } from './actions.js';
import { localClusterAddress } from './addresses.js';
import type { ClusterTagOperations } from './backend/types.js';

/** Why the cluster's tags cannot be reached from this unit now, or where to reach them. */
function reach(
  rt: HookRuntime,
  helpers: ActionHelpers,
): { why: string } | { tags: ClusterTagOperations; via: string } {
  const tags = helpers.backendFor(rt).cluster.tags;
  if (tags === undefined) return { why: "this unit's cluster backend has no AdminAPI tags" };
  if (!rt.flags.isSet('leadership.set.cluster-created')) {
    return { why: 'the cluster is not created yet; wait for the units to settle' };
  }
  const via = helpers.clusterMember(rt, localClusterAddress(rt));
  if (via === undefined) return { why: 'no instance of the cluster is known to this unit yet' };
  return { tags, via };
}

function reached(rt: HookRuntime, helpers: ActionHelpers) {
  const r = reach(rt, helpers);
  if ('why' in r) throw new Error(r.why); // unavailable() was asked first: not reached
  return r;
}

/** A unit's instance: its unit name, cluster address and metadata label. */
export interface UnitInstance extends ClusterInstance {
  readonly address: string;
}

/**
 * Run a cluster call; a failure that is not a rule violation (MySQL Shell exited non-zero, the
 * member refused the session) fails the action with what happened, instead of Juju's bare
 * `exit status 1` (action-fail messages are redacted by the library).
 */
async function through<T>(via: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof TagError || !(error instanceof Error)) throw error;
    throw new TagError(
      'RuntimeError',
      `the cluster refused the call through ${via}: ${error.message}`,
    );
  }
}

/** The units an operator may name: this one and every joined peer that published its address. */
export function clusterInstances(
  rt: HookRuntime,
  label: (address: string) => string,
): UnitInstance[] {
  const self = localClusterAddress(rt);
  const instances = [{ unit: rt.unitName, address: self, label: label(self) }];
  for (const peer of rt.endpoint(MySQLInnoDBClusterPeers).allJoinedUnits) {
    const address = peer.clusterData.address;
    if (address !== undefined) {
      instances.push({ unit: peer.unitName, address, label: label(address) });
    }
  }
  return instances;
}

/**
 * Each unit's instance tags from an `options` document: the list under the unit's label
 * (`<host>:<port>`, as `cluster.options()` keys instances). A unit whose label the document
 * does not list has no tags; `global` and labels of no unit are not instance tags of a unit.
 */
export function unitTagsOf(
  instances: readonly ClusterInstance[],
  document: OptionsDocument,
): Map<string, TagMap> {
  const lists = document.defaultReplicaSet.tags;
  const byUnit = new Map<string, TagMap>();
  for (const { unit, label } of instances) {
    if (label === 'global' || !Object.hasOwn(lists, label)) continue;
    byUnit.set(unit, new Map((lists[label] ?? []).map((entry) => [entry.option, entry.value])));
  }
  return byUnit;
}

/** The tag store of this charm: the InnoDB cluster's metadata, through a member. */
export function metadataTagStore(helpers: ActionHelpers): TagStore {
  return {
    writes: "writes the cluster's tags",
    unavailable: (rt) => {
      const r = reach(rt, helpers);
      return 'why' in r ? r.why : undefined;
    },
    instances: (rt) => {
      const { tags } = reached(rt, helpers);
      return clusterInstances(rt, (address) => tags.label(address));
    },
    async setOption(rt, option, value) {
      const { tags, via } = reached(rt, helpers);
      const credentials = helpers.credentials(rt);
      await through(via, () =>
        tags.setOption(helpers.clusterName(rt), option, value, via, credentials),
      );
    },
    async setInstanceOption(rt, instance, option, value) {
      const { tags, via } = reached(rt, helpers);
      const named = clusterInstances(rt, (a) => tags.label(a)).find(
        (i) => i.unit === instance.unit,
      );
      if (named === undefined) throw new Error(`${instance.unit} has no known instance`);
      const credentials = helpers.credentials(rt);
      await through(via, () =>
        tags.setInstanceOption(
          helpers.clusterName(rt),
          named.address,
          option,
          value,
          via,
          credentials,
        ),
      );
    },
    async options(rt): Promise<OptionsDocument> {
      const { tags, via } = reached(rt, helpers);
      const credentials = helpers.credentials(rt);
      return through(via, () => tags.options(helpers.clusterName(rt), via, credentials));
    },
  };
}

/** Register set-option, set-instance-option and options on the charm (actions.yaml). */
export function registerInnoDBTagActions(
  charm: Parameters<typeof registerTagActions>[0],
  helpers: ActionHelpers,
  options: TagActionsOptions = {},
): void {
  registerTagActions(charm, metadataTagStore(helpers), options);
}
