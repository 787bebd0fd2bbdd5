// registerTagActions with leaderSettingsTagStore, on a small charm in the simulated model: the
// store a charm without AdminAPI metadata uses (the replication example). Leader-only writes
// staged with leader-set, the same tags after a leader change, a removed unit's tags pruned.

import { readFileSync } from 'node:fs';
import { Charm, Endpoint, leadership } from 'juju-reactive';
import { Model } from 'juju-reactive/testing';
import { describe, expect, it } from 'vitest';
import {
  type ClusterInstance,
  leaderSettingsTagStore,
  type OptionsDocument,
  pruneDepartedTags,
  readStoredTags,
  registerTagActions,
  TAGS_CHANGED_FLAG,
} from '../../../examples/shared/adminapi-tags/index.js';
import { parseActions } from '../../../src/juju/actions-metadata.js';

class Peers extends Endpoint {
  static override readonly interfaceName = 'tags-store-test';
}

const label = (unit: string) => `${unit.replace('/', '-')}.local:3306`;

/** What afterWrite saw, per unit and action: `<unit> <name>=<value>`. */
const afterWrites: string[] = [];

function storeCharm(): Charm {
  const charm = new Charm().use(leadership).endpoint(Peers);
  const instances = (rt: Parameters<Parameters<Charm['status']>[0]>[0]): ClusterInstance[] =>
    [rt.unitName, ...rt.endpoint(Peers).allJoinedUnits.map((u) => u.unitName)].map((unit) => ({
      unit,
      label: label(unit),
    }));
  registerTagActions(charm, leaderSettingsTagStore({ clusterName: () => 'db', instances }), {
    afterWrite: (rt, write) => {
      afterWrites.push(
        `${rt.unitName} ${write.instance?.unit ?? 'global'} ${write.name}=${JSON.stringify(write.value)}`,
      );
    },
  });
  charm.when('leadership.is_leader', 'endpoint.cluster.departed').run(function prune(rt) {
    const peers = rt.endpoint(Peers);
    pruneDepartedTags(rt, [rt.unitName, ...peers.allJoinedUnits.map((u) => u.unitName)]);
    peers.clearDepartedUnits();
    peers.clearFlag('departed');
  });
  return charm;
}

const ACTIONS = readFileSync(
  new URL('../../../examples/mysql-innodb-cluster/actions.yaml', import.meta.url),
  'utf8',
);

async function deploy(units: number): Promise<Model> {
  const model = new Model({ seed: 11 });
  await model.deploy('db', {
    charm: storeCharm,
    metadata: {
      name: 'db',
      endpoints: [{ name: 'cluster', role: 'peers', interface: 'tags-store-test' }],
      actions: parseActions(ACTIONS, 'actions.yaml'),
    },
    units,
  });
  expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
  return model;
}

const stored = (model: Model) =>
  readStoredTags(model.leaderSettings('db') as Record<string, string>);

describe('registerTagActions on a leader-settings store', () => {
  it('stores an instance tag under its unit key and shows it in options', async () => {
    const model = await deploy(3);
    const leader = model.leader('db') ?? '';
    afterWrites.length = 0;
    expect(model.unit(leader).flags).not.toContain(TAGS_CHANGED_FLAG);
    const hide = await model.runAction(leader, 'set-instance-option', {
      instance: label('db/1'),
      option: 'tag:_hidden',
      value: '"true"',
    });
    expect(hide).toMatchObject({ status: 'completed', results: { unit: 'db/1', value: 'true' } });
    expect(model.leaderSettings('db')['adminapi-tags-unit-db-1']).toBe('{"_hidden":true}');
    expect(afterWrites).toEqual([`${leader} db/1 _hidden=true`]);
    expect(model.unit(leader).flags).toContain(TAGS_CHANGED_FLAG);
    const read = await model.runAction('db/2', 'options', {});
    const doc = JSON.parse(read.results['options'] ?? '{}') as OptionsDocument;
    expect(doc.defaultReplicaSet.tags[label('db/1')]).toEqual([{ option: '_hidden', value: true }]);
    expect(doc.defaultReplicaSet.tags['global']).toEqual([]);
  });

  it('refuses a non-leader naming the leader, and a rule violation with its message', async () => {
    const model = await deploy(2);
    const leader = model.leader('db') ?? '';
    const other = model.units('db').find((u) => u !== leader) ?? '';
    const refused = await model.runAction(other, 'set-option', { option: 'tag:a', value: '1' });
    expect(refused.message).toBe(
      `set-option writes leader settings and runs on the leader only: ${other} is not the leader (the leader is ${leader}); run it on db/leader`,
    );
    const bad = await model.runAction(leader, 'set-option', { option: 'tag:', value: '1' });
    expect(bad.message).toBe("'tag:' is not a valid identifier.");
    expect(stored(model).global.size).toBe(0);
    expect(model.unit(leader).flags).not.toContain(TAGS_CHANGED_FLAG);
  });

  it('keeps tags across a leader change and prunes a removed unit', async () => {
    const model = await deploy(3);
    const first = model.leader('db') ?? '';
    const others = model.units('db').filter((u) => u !== first);
    const [gone = '', next = ''] = others;
    await model.runAction(first, 'set-instance-option', {
      instance: gone,
      option: 'tag:zone',
      value: '"a"',
    });
    await model.runAction(first, 'set-option', { option: 'tag:location', value: '"EMEA"' });
    model.setLeader(next);
    await model.settle();
    const merged = await model.runAction(next, 'set-option', {
      option: 'tag:location',
      value: 'null',
    });
    expect(merged.status).toBe('completed');
    expect(stored(model).units.get(gone)?.get('zone')).toBe('a');
    expect(stored(model).global.size).toBe(0);
    model.removeUnit(gone);
    await model.settle();
    expect(stored(model).units.has(gone)).toBe(false);
  });
});
