// The example's workload status (examples/mysql-innodb-cluster/src/status.ts). Every hook
// assesses it; "every peer's instance is recorded clustered in leader settings" (the stand-in
// for unit-clustered from a Python leader, which never publishes it) is answered again only
// when its inputs change: the peers' addresses, how many peers there are, the leader settings.
import { describe, expect, it } from 'vitest';
import { deploySimulated } from '../../examples/mysql-innodb-cluster/src/simulate.js';

const WAITING_FOR_PEERS = 'Waiting for every peer to join the cluster';

describe('the status stands on the leader’s records while a peer does not publish unit-clustered', () => {
  it.each([1, 2, 3])(
    'seed %i: a unit that joins turns it to waiting until the leader records it, then active again',
    async (seed) => {
      const { model, app } = await deploySimulated({ units: 3, seed });
      expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
      const leader = model.leader(app) ?? '';
      const unit = model.units(app).find((u) => u !== leader) ?? '';
      // The leader stops saying unit-clustered, as a Python leader never says it: the others'
      // cluster.clustered goes, and their status rests on the leader's records.
      model.setRelationData(leader, 'cluster', { 'unit-clustered': null });
      expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
      expect(model.unit(unit).flags).not.toContain('cluster.clustered');
      expect(model.unit(unit).status).toEqual({
        status: 'active',
        message: 'Unit is ready and clustered',
      });

      // A new peer: once its address reaches `unit`, the answer is no until the leader records
      // its instance clustered (a leader-settings change), then yes again.
      const added = model.addUnit(app);
      const seen: string[] = [];
      const report = await model.settle({
        onHook: (entry) => {
          if (entry.unit === unit && entry.ok) seen.push(model.unit(unit).status.message);
        },
      });
      expect(report).toMatchObject({ settled: true, hooksFailed: 0 });
      expect(model.relationData('cluster:0', added)['cluster-address']).toBeDefined();
      expect(seen).toContain(WAITING_FOR_PEERS);
      expect(seen.at(-1)).toBe('Unit is ready and clustered');
      expect(model.unit(unit).status.status).toBe('active');
      await model.close();
    },
  );
});
