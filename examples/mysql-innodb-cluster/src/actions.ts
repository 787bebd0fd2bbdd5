// The operator's actions (actions.yaml): cluster-status, rejoin-instance, remove-instance, as in
// the production mysql-innodb-cluster charm, and the AdminAPI tag actions (tag-actions.ts). Each runs alone on one unit, through an instance of
// the cluster, with the same backend and credentials as the handlers.
import type { Charm, HookRuntime } from 'juju-reactive';
import { leaderSet } from 'juju-reactive';
import type { TagActionsOptions } from '../../shared/adminapi-tags/index.js';
import { instanceKey, localClusterAddress } from './addresses.js';
import type { ClusterBackend, ClusterCredentials } from './backend/types.js';
import { registerInnoDBTagActions } from './tag-actions.js';

/** What the actions need from the charm definition. */
export interface ActionHelpers {
  readonly backendFor: (rt: HookRuntime) => ClusterBackend;
  readonly clusterName: (rt: HookRuntime) => string;
  readonly credentials: (rt: HookRuntime) => ClusterCredentials;
  /** An instance the cluster holds, to work through (this unit's, else a ready peer's). */
  readonly clusterMember: (rt: HookRuntime, self: string) => string | undefined;
  /** Called in set-option / set-instance-option after the tag was written (e.g. to republish routing). */
  readonly afterTagWrite?: TagActionsOptions['afterWrite'];
}

/** Register the actions on `charm` (set-option, set-instance-option, options: tag-actions.ts). */
export function registerActions(charm: Charm, helpers: ActionHelpers): Charm {
  /** The member to work through, or undefined after failing the action with why. */
  const via = (rt: HookRuntime, fail: (message: string) => void): string | undefined => {
    if (!rt.flags.isSet('leadership.set.cluster-created')) {
      fail('the cluster is not created yet; wait for the units to settle');
      return undefined;
    }
    const member = helpers.clusterMember(rt, localClusterAddress(rt));
    if (member === undefined) fail('no instance of the cluster is known to this unit yet');
    return member;
  };

  charm.action('cluster-status').run(async function clusterStatus(rt, action) {
    const through = via(rt, (m) => action.fail(m));
    if (through === undefined) return;
    const name = helpers.clusterName(rt);
    const status = await helpers
      .backendFor(rt)
      .cluster.status(name, through, helpers.credentials(rt));
    if (status === undefined) {
      action.fail(`cluster ${name} was not found through ${through}`);
      return;
    }
    action.set({
      'cluster-status': JSON.stringify(status),
      members: status.members.length,
      primary: status.members.find((m) => m.role === 'primary')?.address ?? '',
    });
  });

  charm
    .action<{ address: string }>('rejoin-instance')
    .run(async function rejoinInstance(rt, action) {
      const through = via(rt, (m) => action.fail(m));
      if (through === undefined) return;
      const backend = helpers.backendFor(rt);
      if (backend.cluster.rejoinInstance === undefined) {
        action.fail("this unit's cluster backend cannot rejoin instances");
        return;
      }
      const { address } = action.params;
      action.log(`rejoining ${address} through ${through}`);
      await backend.cluster.rejoinInstance(
        helpers.clusterName(rt),
        address,
        through,
        helpers.credentials(rt),
      );
      action.set({ outcome: `${address} rejoined the cluster` });
    });

  charm
    .action<{ address: string; force: boolean }>('remove-instance')
    .run(async function removeInstance(rt, action) {
      const through = via(rt, (m) => action.fail(m));
      if (through === undefined) return;
      const { address, force } = action.params;
      if (address === through && !force) {
        action.fail(
          `${address} is the instance this action works through; run it on another unit, or set force=true`,
        );
        return;
      }
      action.log(`removing ${address} through ${through}`);
      await helpers
        .backendFor(rt)
        .cluster.removeInstance(helpers.clusterName(rt), address, through, helpers.credentials(rt));
      // The leader forgets it too, so a later hook does not take it for a member.
      if (rt.isLeader()) {
        leaderSet(rt, {
          [instanceKey('clustered', address)]: null,
          [instanceKey('configured', address)]: null,
        });
      }
      action.set({ outcome: `${address} removed from the cluster` });
    });

  registerInnoDBTagActions(
    charm,
    helpers,
    helpers.afterTagWrite ? { afterWrite: helpers.afterTagWrite } : {},
  );
  return charm;
}
