// The example charm on the interface's peer summaries: a steady cluster-relation-changed costs
// the same hook-tool calls whatever the peer count, and no unit acts on a summary older than
// its peer's settings. Juju facts: a -changed hook is queued for every change of a peer's
// settings (juju/juju worker/uniter/relation/resolver.go nextHookForRelation), and relation-get
// reads the peer's current settings (worker/uniter/runner/context/relation.go ReadSettings), so
// a summary kept between hooks can be older than what a read would give while that hook waits.
import { describe, expect, it } from 'vitest';
import { deploySimulated } from '../../examples/mysql-innodb-cluster/src/simulate.js';

/** The leader's last cluster-relation-changed of a settled model: its tool calls. */
async function steadyCalls(
  peers: number,
): Promise<{ leader: string; remote: string; calls: string[] }> {
  const { model, app } = await deploySimulated({ units: peers + 1, seed: 1 });
  const report = await model.settle();
  expect(report).toMatchObject({ settled: true, hooksFailed: 0 });
  const leader = model.leader(app) as string;
  const hook = [...model.timeline(leader)]
    .reverse()
    .find((e) => e.hook === 'cluster-relation-changed');
  if (hook?.remoteUnit === undefined) throw new Error(`${leader} ran no cluster-relation-changed`);
  const calls = model.trace.flatMap((e) =>
    e.kind === 'tool' && e.hookSeq === hook.seq ? [`${e.tool} ${e.args.join(' ')}`] : [],
  );
  await model.close();
  return { leader, remote: hook.remoteUnit, calls };
}

describe('a steady cluster-relation-changed on the leader (resolver.go: one -changed per peer change)', () => {
  it('reads no peer but the remote unit, at 2 and at 8 peers, with the same calls', async () => {
    const small = await steadyCalls(2);
    const large = await steadyCalls(8);
    for (const { leader, remote, calls } of [small, large]) {
      // Its own bag aside (read back by the core: not peer data).
      const peerGets = calls.filter(
        (c) => c.startsWith('relation-get') && !c.endsWith(` - ${leader}`),
      );
      expect(peerGets).toEqual([`relation-get -r cluster:0 - ${remote}`]);
      // No peer's password secret is resolved (peers read it with --refresh).
      expect(calls.filter((c) => c.startsWith('secret-get') && c.includes('--refresh'))).toEqual(
        [],
      );
    }
    const tools = (calls: string[]) => calls.map((c) => c.split(' ')[0]);
    expect(tools(large.calls)).toEqual(tools(small.calls));
  });
});

describe('no unit acts on a summary older than its peer’s settings (relation-get reads the current ones)', () => {
  // Schedules where trusting summaries failed the leader's add-instance: a unit published
  // unit-configure-ready (or kept it published) without an account for the leader, because its
  // summary of the leader predated the leader's connection info, whose -changed hook was still
  // queued on that unit. 5 units seed 4 (first publish) and seed 41, 7 units seeds 6 and 16
  // (an account added after the promise, in a hook about another peer).
  it.each([
    [5, 4],
    [5, 41],
    [7, 6],
    [7, 16],
  ])(
    '%i units, seed %i: unit-configure-ready is first published with an account for every peer ready then, and no hook fails',
    async (count, seed) => {
      const { model, app, cluster } = await deploySimulated({ units: count, seed });
      const units = model.units(app);
      const bags = () => new Map(units.map((u) => [u, { ...model.relationData('cluster:0', u) }]));
      let before = bags();
      const broken: string[] = [];
      const report = await model.settle({
        onHook: (entry) => {
          const after = bags();
          const published = after.get(entry.unit)?.['unit-configure-ready'] === 'true';
          const earlier = before.get(entry.unit)?.['unit-configure-ready'] === 'true';
          if (entry.ok && published && !earlier) {
            // The peers this unit had joined when the hook ran, and what they published then.
            const joined = new Set<string>();
            for (const e of model.timeline(entry.unit)) {
              if (e.seq >= entry.seq || e.remoteUnit === undefined) continue;
              if (e.hook === 'cluster-relation-joined') joined.add(e.remoteUnit);
              if (e.hook === 'cluster-relation-departed') joined.delete(e.remoteUnit);
            }
            const own = model.unit(entry.unit).address;
            for (const peer of joined) {
              const bag = before.get(peer) ?? {};
              const address = bag['cluster-address'];
              const ready =
                address !== undefined &&
                bag['cluster-user'] !== undefined &&
                (bag['cluster-password'] ?? bag['cluster-password-secret']) !== undefined;
              if (!ready) continue;
              const host = JSON.parse(address) as string;
              if (!cluster.usersOn(own).includes(`clusteruser@${host}`))
                broken.push(`${entry.label} on ${entry.unit}: no account for ${peer} (${host})`);
            }
          }
          before = after;
        },
      });
      expect(report).toMatchObject({ settled: true, hooksFailed: 0 });
      expect(broken).toEqual([]);
      await model.close();
    },
  );
});
