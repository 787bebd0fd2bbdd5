// The tags module inside a charm on the simulated Juju model: leader-only writes kept in leader
// settings (committed only when the hook succeeds), the same tags after a leader change, and a
// removed unit's instance tags pruned. Until the actions framework lands, the operator's request
// arrives as config (`tag-request`: {"scope", "option", "value"} with `value` as JSON text).
import { Charm, Endpoint, type HookRuntime, leaderGet, leaderSet, leadership } from 'juju-reactive';
import { Model } from 'juju-reactive/testing';
import { describe, expect, it } from 'vitest';
import {
  decodeValueParam,
  notLeaderMessage,
  pruneTagSettings,
  readStoredTags,
  recordLeader,
  routeMembers,
  TagError,
  type TagScope,
  writeTagOption,
} from '../../../examples/shared/adminapi-tags/index.js';

class Peers extends Endpoint {
  static override readonly interfaceName = 'tags-test';
}

function stage(rt: HookRuntime, changes: Readonly<Record<string, string | null>>): void {
  if (Object.keys(changes).length > 0) leaderSet(rt, changes);
}

function tagCharm(): Charm {
  const charm = new Charm().use(leadership).endpoint(Peers);
  charm.when('leadership.is_leader').run(function recordTheLeader(rt) {
    stage(rt, recordLeader(leaderGet(rt), rt.unitName));
  });
  charm.when('leadership.is_leader', 'endpoint.cluster.departed').run(function pruneDeparted(rt) {
    const peers = rt.endpoint(Peers);
    const present = [rt.unitName, ...peers.allJoinedUnits.map((u) => u.unitName)];
    stage(rt, pruneTagSettings(leaderGet(rt), present));
    peers.clearDepartedUnits();
    peers.clearFlag('departed');
  });
  charm.hook('config-changed').run(function applyTagRequest(rt) {
    const text = String(rt.config()['tag-request'] ?? '');
    if (text === '') return;
    if (!rt.isLeader()) {
      rt.status('blocked', notLeaderMessage('set-instance-option', rt.unitName, leaderGet(rt)));
      return;
    }
    const request = JSON.parse(text) as { scope: string; option: string; value: string };
    const scope: TagScope =
      request.scope === 'global' ? { kind: 'global' } : { kind: 'unit', unit: request.scope };
    try {
      const write = writeTagOption(
        leaderGet(rt),
        scope,
        request.option,
        decodeValueParam(request.value),
      );
      stage(rt, write.settings);
      rt.status('active', `set ${write.change.name}`);
    } catch (e) {
      if (!(e instanceof TagError)) throw e;
      rt.status('blocked', e.message);
    }
  });
  return charm;
}

async function deploy(units: number): Promise<Model> {
  const model = new Model({ seed: 3 });
  await model.deploy('mysql', {
    charm: tagCharm,
    metadata: {
      name: 'mysql',
      endpoints: [{ name: 'cluster', role: 'peers', interface: 'tags-test' }],
    },
    configOptions: { 'tag-request': { type: 'string', default: '' } },
    units,
  });
  await model.settle();
  return model;
}

function request(scope: string, option: string, value: string): Record<string, string> {
  return { 'tag-request': JSON.stringify({ scope, option, value }) };
}

function storedTags(model: Model) {
  return readStoredTags(model.leaderSettings('mysql') as Record<string, string>);
}

describe('tags in a charm on the simulated model', () => {
  it('hides mysql/1 from routing and brings it back', async () => {
    const model = await deploy(3);
    model.setConfig('mysql', request('mysql/1', 'tag:_hidden', 'true'));
    await model.settle();
    const members = () =>
      ['mysql/0', 'mysql/1', 'mysql/2'].map((unit) => ({
        label: `${unit}:3306`,
        unit,
        tags: storedTags(model).units.get(unit),
      }));
    expect(routeMembers(members()).candidates.map((m) => m.unit)).toEqual(['mysql/0', 'mysql/2']);
    expect(routeMembers(members()).drop.map((m) => m.unit)).toEqual(['mysql/1']);

    model.setConfig('mysql', request('mysql/1', 'tag:_hidden', 'false'));
    await model.settle();
    expect(routeMembers(members()).candidates.map((m) => m.unit)).toEqual([
      'mysql/0',
      'mysql/1',
      'mysql/2',
    ]);
  });

  it('writes only on the leader; other units say who the leader is', async () => {
    const model = await deploy(3);
    const leader = model.leader('mysql') ?? '';
    model.setConfig('mysql', request('global', 'tag:location', '"US East"'));
    await model.settle();
    expect(storedTags(model).global.get('location')).toBe('US East');
    for (const unit of model.units('mysql').filter((u) => u !== leader)) {
      expect(model.unit(unit).status.message).toBe(
        `set-instance-option writes leader settings and runs on the leader only: ${unit} is not the leader (the leader is ${leader}); run it on mysql/leader`,
      );
    }
  });

  it("fails a rule violation with MySQL Shell's message and stores nothing", async () => {
    const model = await deploy(2);
    const leader = model.leader('mysql') ?? '';
    model.setConfig('mysql', request('global', 'tag:_hidden', '[true]'));
    await model.settle();
    expect(model.unit(leader).status.message).toBe(
      "Built-in tag '_hidden' is expected to be of type Bool, but is Array",
    );
    expect(storedTags(model).global.size).toBe(0);
  });

  it('commits nothing from a failed hook; the retry writes the tag once', async () => {
    const model = await deploy(2);
    const leader = model.leader('mysql') ?? '';
    model.failNextHook(leader, { hook: 'config-changed', handler: 'applyTagRequest' });
    model.setConfig('mysql', request(leader, 'tag:rack', '{"row": 4}'));
    const failed = await model.step(leader);
    expect(failed).toMatchObject({ unit: leader, hook: 'config-changed', ok: false });
    expect(storedTags(model).units.size).toBe(0);
    await model.settle();
    expect(storedTags(model).units.get(leader)?.get('rack')).toEqual({ row: 4 });
  });

  it('keeps the tags across a leader change, and the new leader adds to them', async () => {
    const model = await deploy(3);
    const first = model.leader('mysql') ?? '';
    model.setConfig('mysql', request('mysql/2', 'tag:_hidden', '1'));
    await model.settle();
    const next = model.units('mysql').find((u) => u !== first) ?? '';
    model.setLeader(next);
    await model.settle();
    expect(model.leaderSettings('mysql')['adminapi-tags-leader']).toBe(next);
    model.setConfig('mysql', request('global', 'tag:location', '"EMEA"'));
    await model.settle();
    const tags = storedTags(model);
    expect(tags.units.get('mysql/2')?.get('_hidden')).toBe(true);
    expect(tags.global.get('location')).toBe('EMEA');
  });

  it("removes a unit's instance tags when the unit is removed", async () => {
    const model = await deploy(3);
    const leader = model.leader('mysql') ?? '';
    const gone = model.units('mysql').find((u) => u !== leader) ?? '';
    const stays = model.units('mysql').find((u) => u !== leader && u !== gone) ?? '';
    model.setConfig('mysql', request(gone, 'tag:_hidden', 'true'));
    await model.settle();
    model.setConfig('mysql', request(stays, 'tag:zone', '"b"'));
    await model.settle();
    expect([...storedTags(model).units.keys()].sort()).toEqual([gone, stays].sort());
    model.removeUnit(gone);
    await model.settle();
    expect([...storedTags(model).units.keys()]).toEqual([stays]);
  });
});
