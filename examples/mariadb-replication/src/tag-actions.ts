// MySQL Shell AdminAPI tags on this charm (issue 18): `set-option`, `set-instance-option` and
// `options`, with the rules, storage (application leader settings) and messages of the shared
// module examples/shared/adminapi-tags. Tags are metadata an operator keeps with the topology
// (a location, a maintenance ticket, `_hidden` for the clients that route by it); the
// failover engine reads `_hidden` only: a hidden server is promoted only when no other server
// can take over (charm-state.ts failoverConfig).
import { type Charm, type HookRuntime, leaderGet, leaderSet } from 'juju-reactive';
import { MySQLInnoDBClusterPeers } from 'juju-reactive/interfaces/mysql-innodb-cluster';
import {
  type ClusterInstance,
  instanceLabel,
  notLeaderMessage,
  optionsDocument,
  pruneTagSettings,
  readSetOptionParams,
  readStoredTags,
  recordLeader,
  resolveInstance,
  TagError,
  type TagScope,
  writeTagOption,
} from '../../shared/adminapi-tags/index.js';
import { topologyServers } from './charm-state.js';

/** MariaDB's port, as main.ts reaches the servers: the port of every instance label. */
const PORT = 3306;

/** The instances an operator may name: every server of the topology with a published address. */
function instances(rt: HookRuntime, selfReady: boolean): ClusterInstance[] {
  return topologyServers(rt, selfReady).flatMap((s) =>
    s.address === undefined ? [] : [{ unit: s.unit, label: instanceLabel(s.address, PORT) }],
  );
}

/** Options of {@link registerTagActions}. */
export interface LocalTagActionsOptions {
  /** Called in the action after a tag write was staged (e.g. to publish routing at once). */
  readonly afterWrite?: (rt: HookRuntime) => void | Promise<void>;
}

/**
 * Register the tag actions and the leader's bookkeeping (its unit name for the not-leader
 * message; a departed unit's tags pruned) on `charm`.
 */
export function registerTagActions(
  charm: Charm,
  usersCreated: (rt: HookRuntime) => boolean,
  options: LocalTagActionsOptions = {},
): Charm {
  charm.when('leadership.is_leader').run(function recordTagsLeader(rt) {
    const write = recordLeader(leaderGet(rt), rt.unitName);
    if (Object.keys(write).length > 0) leaderSet(rt, write);
  });
  charm
    .when('leadership.is_leader', 'endpoint.cluster.departed')
    .run(function pruneDepartedTags(rt) {
      const present = [
        rt.unitName,
        ...rt.endpoint(MySQLInnoDBClusterPeers).allJoinedUnits.map((u) => u.unitName),
      ];
      const deletions = pruneTagSettings(leaderGet(rt), present);
      if (Object.keys(deletions).length > 0) leaderSet(rt, deletions);
      rt.endpoint(MySQLInnoDBClusterPeers).clearDepartedUnits();
      rt.flags.clear('endpoint.cluster.departed');
    });

  /** Write one tag on the leader; a rule violation fails the action with MySQL Shell's message. */
  const write = (
    rt: HookRuntime,
    name: string,
    fail: (m: string) => void,
    scopeOf: () => TagScope,
    params: Readonly<Record<string, unknown>>,
  ): { option: string; stored: string } | undefined => {
    if (!rt.isLeader()) {
      fail(notLeaderMessage(name, rt.unitName, leaderGet(rt)));
      return undefined;
    }
    try {
      const { option, value } = readSetOptionParams(params);
      const scope = scopeOf();
      const change = writeTagOption(leaderGet(rt), scope, option, value);
      leaderSet(rt, change.settings);
      return { option, stored: JSON.stringify(change.change.stored) };
    } catch (error) {
      if (!(error instanceof TagError)) throw error;
      fail(error.message);
      return undefined;
    }
  };

  charm.action('set-option').run(async function setOption(rt, action) {
    const done = write(
      rt,
      'set-option',
      (m) => action.fail(m),
      () => ({ kind: 'global' }),
      action.params,
    );
    if (!done) return;
    await options.afterWrite?.(rt);
    action.set({ option: done.option, stored: done.stored });
  });

  charm.action('set-instance-option').run(async function setInstanceOption(rt, action) {
    let unit = '';
    const done = write(
      rt,
      'set-instance-option',
      (m) => action.fail(m),
      () => {
        unit = resolveInstance(action.params['instance'], instances(rt, usersCreated(rt))).unit;
        return { kind: 'unit', unit };
      },
      action.params,
    );
    if (!done) return;
    await options.afterWrite?.(rt);
    action.set({ instance: unit, option: done.option, stored: done.stored });
  });

  charm.action('options').run(function options(rt, action) {
    const stored = readStoredTags(leaderGet(rt));
    for (const problem of stored.problems) rt.log.warning(`adminapi tags: ${problem}`);
    const app = rt.unitName.split('/')[0] ?? rt.unitName;
    const document = optionsDocument(
      app,
      stored.global,
      instances(rt, usersCreated(rt)).map((i) => ({
        label: i.label,
        tags: stored.units.get(i.unit) ?? new Map(),
      })),
    );
    action.set({ options: JSON.stringify(document) });
  });
  return charm;
}
