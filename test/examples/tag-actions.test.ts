// The AdminAPI tag actions of the example charm (set-option, set-instance-option, options) on a
// cluster the simulator built, run by model.runAction as Juju runs actions. Tags live in the
// simulated cluster's metadata (MetadataTags), as MySQL Shell keeps them; rule violations fail
// the action with MySQL Shell's message (modules/adminapi/common/base_cluster_impl.cc, see
// examples/shared/adminapi-tags/README.md for each rule's source).
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localClusterAddress } from '../../examples/mysql-innodb-cluster/src/addresses.js';
import {
  deploySimulated,
  type SimulatedDeployment,
} from '../../examples/mysql-innodb-cluster/src/simulate.js';
import {
  LEADER_UNIT_KEY,
  type OptionsDocument,
  routeMembers,
} from '../../examples/shared/adminapi-tags/index.js';

let d: SimulatedDeployment;

async function deploy(units = 3, seed = 5): Promise<SimulatedDeployment> {
  const deployment = await deploySimulated({ units, seed });
  expect(await deployment.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
  return deployment;
}

const leaderOf = () => d.model.leader(d.app) ?? '';
const nonLeaders = () => d.model.units(d.app).filter((u) => u !== leaderOf());
const labelOf = (unit: string) => `${d.model.unit(unit).address}:3306`;
const run = (unit: string, action: string, params: Record<string, unknown> = {}) =>
  d.model.runAction(unit, action, params);

async function options(unit = leaderOf()): Promise<OptionsDocument> {
  const result = await run(unit, 'options');
  expect(result.status).toBe('completed');
  return JSON.parse(result.results['options'] ?? '{}') as OptionsDocument;
}

/** The tags of `unit`'s instance in the options document, as {name: value}. */
async function tagsOf(unit: string): Promise<Record<string, unknown>> {
  const list = (await options()).defaultReplicaSet.tags[labelOf(unit)] ?? [];
  return Object.fromEntries(list.map((e) => [e.option, e.value]));
}

const metadata = () => JSON.stringify(d.cluster.snapshot().cluster?.tags);

describe('tag actions: every rule violation fails with MySQL Shell message and writes nothing (mysql-shell modules/adminapi/common/base_cluster_impl.cc)', () => {
  beforeAll(async () => {
    d = await deploy();
  });

  // [action, params, exact message]; `instance` defaults to mysql/1 for set-instance-option.
  const cases: Array<[string, Record<string, string>, string]> = [
    ['set-option', { option: 'tag:', value: '1' }, "'tag:' is not a valid identifier."],
    ['set-option', { option: ':x', value: '1' }, "':x' is not a valid identifier."],
    ['set-option', { option: '::', value: '1' }, "'::' is not a valid identifier."],
    ['set-option', { option: 'TAG:x', value: '1' }, "Namespace 'TAG' not supported."],
    [
      'set-option',
      { option: 'unsupported_namespace:invalid_symbol#', value: '1' },
      "Namespace 'unsupported_namespace' not supported.",
    ],
    ['set-option', { option: 'location', value: '1' }, "Option 'location' not supported."],
    ['set-option', { option: 'tag:1abc', value: '1' }, "'1abc' is not a valid tag identifier."],
    ['set-option', { option: 'tag:a-b', value: '1' }, "'a-b' is not a valid tag identifier."],
    ['set-option', { option: 'tag:a:b', value: '1' }, "'a:b' is not a valid tag identifier."],
    ['set-option', { option: 'tag:_foo', value: '1' }, "'_foo' is not a valid built-in tag."],
    [
      'set-instance-option',
      { option: 'tag:_hidden', value: '"yes"' },
      "Built-in tag '_hidden' is expected to be of type Bool, but is String",
    ],
    [
      'set-instance-option',
      { option: 'tag:_hidden', value: '[true]' },
      "Built-in tag '_hidden' is expected to be of type Bool, but is Array",
    ],
    [
      'set-instance-option',
      { option: 'tag:_disconnect_existing_sessions_when_hidden', value: '{"a": 1}' },
      "Built-in tag '_disconnect_existing_sessions_when_hidden' is expected to be of type Bool, but is Map",
    ],
    [
      'set-option',
      { option: 'tag:_hidden', value: '"2"' },
      "Built-in tag '_hidden' is expected to be of type Bool, but is String",
    ],
    [
      'set-instance-option',
      { instance: 'mysql/9', option: 'tag:x', value: '1' },
      "The instance 'mysql/9' does not belong to the Cluster.",
    ],
    [
      'set-instance-option',
      { instance: '10.9.9.9:3306', option: 'tag:x', value: '1' },
      "The instance '10.9.9.9:3306' does not belong to the Cluster.",
    ],
    // The option is checked before the instance, as in MySQL Shell.
    [
      'set-instance-option',
      { instance: 'mysql/9', option: 'tag:_x', value: '1' },
      "'_x' is not a valid built-in tag.",
    ],
    [
      'set-option',
      { option: 'tag:location', value: 'US East' },
      `value is not JSON text: a string needs double quotes (value='"US East"'), and null, true, false and numbers are written bare`,
    ],
  ];

  it.each(cases)('%s %j fails: %s', async (action, params, message) => {
    const before = metadata();
    const given = action === 'set-instance-option' ? { instance: 'mysql/1', ...params } : params;
    const result = await run(leaderOf(), action, given);
    expect(result).toMatchObject({ status: 'failed', message, results: {} });
    expect(metadata()).toBe(before);
  });

  it('a missing value is refused by the schema, naming the param', async () => {
    const result = await run(leaderOf(), 'set-option', { option: 'tag:x' });
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/param "value" is required/);
  });
});

describe('tag actions: values, conversions, merge-patch, removal, ordering, labels', () => {
  beforeAll(async () => {
    d = await deploy();
  });

  // Built-in conversion to Bool (shcore::Value::as_bool and lexical_cast<bool>).
  const conversions: Array<[string, boolean]> = [
    ['true', true],
    ['false', false],
    ['1', true],
    ['0', false],
    ['2', true],
    ['0.5', true],
    ['"TRUE"', true],
    ['"False"', false],
    ['"1"', true],
    ['"0"', false],
    ['"0001"', true],
  ];
  it.each(conversions)(
    'tag:_hidden value=%s is stored as %s (shcore::Value::as_bool, mysqlshdk/scripting/types.cc)',
    async (value, stored) => {
      const result = await run(leaderOf(), 'set-instance-option', {
        instance: 'mysql/2',
        option: 'tag:_hidden',
        value,
      });
      expect(result).toMatchObject({
        status: 'completed',
        results: { option: 'tag:_hidden', value: String(stored), instance: labelOf('mysql/2') },
      });
      expect((await tagsOf('mysql/2'))['_hidden']).toBe(stored);
    },
  );

  // Custom values are any JSON value, unchecked: "true" stays a string, 1 a number.
  const custom: Array<[string, unknown]> = [
    ['true', true],
    ['"true"', 'true'],
    ['1', 1],
    ['"US East"', 'US East'],
    ['[1, "a", null]', [1, 'a', null]],
    ['{"row": 4}', { row: 4 }],
  ];
  it.each(custom)('a custom tag value=%s is stored as %j', async (value, stored) => {
    await run(leaderOf(), 'set-instance-option', {
      instance: 'mysql/0',
      option: 'tag:note',
      value: 'null',
    });
    const result = await run(leaderOf(), 'set-instance-option', {
      instance: 'mysql/0',
      option: 'tag:note',
      value,
    });
    expect(result.status).toBe('completed');
    expect((await tagsOf('mysql/0'))['note']).toEqual(stored);
  });

  it('merges an object value into a stored object (JSON merge-patch: inner null deletes; MetadataStorage::set_table_tag, metadata_storage.cc)', async () => {
    const params = { instance: 'mysql/1', option: 'tag:rack' };
    await run(leaderOf(), 'set-instance-option', { ...params, value: '{"row": 4, "by": "ops"}' });
    await run(leaderOf(), 'set-instance-option', { ...params, value: '{"by": null, "col": 2}' });
    expect((await tagsOf('mysql/1'))['rack']).toEqual({ row: 4, col: 2 });
    await run(leaderOf(), 'set-instance-option', { ...params, value: '"flat"' });
    expect((await tagsOf('mysql/1'))['rack']).toBe('flat');
  });

  it('null removes a tag, and removing an absent tag completes', async () => {
    await run(leaderOf(), 'set-option', { option: 'tag:gone', value: '1' });
    const removed = await run(leaderOf(), 'set-option', { option: 'tag:gone', value: 'null' });
    expect(removed).toMatchObject({ status: 'completed', results: { value: 'null' } });
    const again = await run(leaderOf(), 'set-option', { option: 'tag:gone', value: 'null' });
    expect(again.status).toBe('completed');
    expect((await options()).defaultReplicaSet.tags['global']).toEqual([]);
  });

  it('options lists labels and global sorted, each list sorted bytewise by bare name (Base_cluster_impl::get_cluster_tags, modules/adminapi/cluster/options.cc)', async () => {
    for (const name of ['zeta', 'beta', 'Alpha', '_hidden']) {
      await run(leaderOf(), 'set-option', { option: `tag:${name}`, value: 'false' });
    }
    const doc = await options();
    expect(doc.clusterName).toBe('jujuCluster');
    const labels = d.model.units(d.app).map(labelOf);
    expect(Object.keys(doc.defaultReplicaSet.tags)).toEqual([...labels, 'global'].sort());
    expect(doc.defaultReplicaSet.tags['global']?.map((e) => e.option)).toEqual([
      'Alpha',
      '_hidden',
      'beta',
      'zeta',
    ]);
  });

  it('names an instance by <address>:<port> as well as by unit', async () => {
    const result = await run(leaderOf(), 'set-instance-option', {
      instance: labelOf('mysql/0'),
      option: 'tag:zone',
      value: '"b"',
    });
    expect(result.results).toMatchObject({ unit: 'mysql/0', instance: labelOf('mysql/0') });
    expect((await tagsOf('mysql/0'))['zone']).toBe('b');
  });

  it('a built-in set at cluster level is stored under global and routes nothing', async () => {
    const unhide = { instance: 'mysql/2', option: 'tag:_hidden', value: 'null' };
    expect((await run(leaderOf(), 'set-instance-option', unhide)).status).toBe('completed');
    await run(leaderOf(), 'set-option', { option: 'tag:_hidden', value: 'true' });
    const doc = await options();
    expect(doc.defaultReplicaSet.tags['global']).toContainEqual({ option: '_hidden', value: true });
    const status = await run(leaderOf(), 'cluster-status');
    const members = JSON.parse(status.results['cluster-status'] ?? '{}') as {
      members: Array<Record<string, unknown>>;
    };
    expect(members.members.some((m) => 'hiddenFromRouter' in m)).toBe(false);
  });
});

describe('tag actions: leader only, leader change, unit removal, scale-out', () => {
  beforeEach(async () => {
    d = await deploy();
  });

  it('refuses writes on a non-leader, naming the leader; options reads anywhere', async () => {
    const leader = leaderOf();
    expect(d.model.leaderSettings(d.app)[LEADER_UNIT_KEY]).toBe(leader);
    for (const unit of nonLeaders()) {
      for (const action of ['set-option', 'set-instance-option']) {
        const params = { option: 'tag:x', value: '1' };
        const result = await run(
          unit,
          action,
          action === 'set-option' ? params : { ...params, instance: 'mysql/1' },
        );
        expect(result).toMatchObject({
          status: 'failed',
          message: `${action} writes the cluster's tags and runs on the leader only: ${unit} is not the leader (the leader is ${leader}); run it on mysql/leader`,
        });
      }
      expect((await options(unit)).clusterName).toBe('jujuCluster');
    }
    expect(d.cluster.log.some((l) => l.startsWith('set '))).toBe(false);
  });

  it('keeps the tags across a leader change; the new leader writes, the old one is refused', async () => {
    const first = leaderOf();
    await run(first, 'set-instance-option', {
      instance: 'mysql/1',
      option: 'tag:_hidden',
      value: 'true',
    });
    const next = nonLeaders()[0] ?? '';
    d.model.setLeader(next);
    expect(await d.model.settle()).toMatchObject({ hooksFailed: 0 });
    expect((await tagsOf('mysql/1'))['_hidden']).toBe(true);
    const wrote = await run(next, 'set-option', { option: 'tag:location', value: '"EMEA"' });
    expect(wrote.status).toBe('completed');
    const refused = await run(first, 'set-option', { option: 'tag:location', value: '"x"' });
    expect(refused.message).toContain(`(the leader is ${next})`);
    expect((await options(first)).defaultReplicaSet.tags['global']).toEqual([
      { option: 'location', value: 'EMEA' },
    ]);
  });

  it('a hook failing on the new leader loses no tag (they are in the cluster metadata)', async () => {
    await run(leaderOf(), 'set-instance-option', {
      instance: 'mysql/2',
      option: 'tag:_hidden',
      value: 'true',
    });
    const next = nonLeaders()[0] ?? '';
    d.model.failNextHook(next, { handler: 'recordTagLeader' });
    d.model.setLeader(next);
    await d.model.settle();
    expect((await tagsOf('mysql/2'))['_hidden']).toBe(true);
    expect(d.model.leaderSettings(d.app)[LEADER_UNIT_KEY]).toBe(next);
  });

  it("removing a unit removes its instance's tags (MetadataStorage::remove_instance deletes the row, metadata_storage.cc); a unit added later starts with none", async () => {
    const gone = nonLeaders()[0] ?? '';
    const stays = nonLeaders()[1] ?? '';
    const goneLabel = labelOf(gone);
    await run(leaderOf(), 'set-instance-option', {
      instance: gone,
      option: 'tag:_hidden',
      value: 'true',
    });
    await run(leaderOf(), 'set-instance-option', { instance: stays, option: 'tag:z', value: '1' });
    d.model.removeUnit(gone);
    expect(await d.model.settle()).toMatchObject({ hooksFailed: 0 });
    const after = await options();
    expect(Object.keys(after.defaultReplicaSet.tags)).not.toContain(goneLabel);
    expect(after.defaultReplicaSet.tags[labelOf(stays)]).toEqual([{ option: 'z', value: 1 }]);
    const gained = await run(leaderOf(), 'set-instance-option', {
      instance: gone,
      option: 'tag:x',
      value: '1',
    });
    expect(gained.message).toBe(`The instance '${gone}' does not belong to the Cluster.`);

    const added = d.model.addUnit(d.app);
    expect(await d.model.settle()).toMatchObject({ hooksFailed: 0 });
    const grown = await options();
    expect(grown.defaultReplicaSet.tags[labelOf(added)]).toEqual([]);
    expect(grown.defaultReplicaSet.tags[labelOf(stays)]).toEqual([{ option: 'z', value: 1 }]);
  });

  it('cluster-status marks hiddenFromRouter: true on the hidden member only (Status::feed_metadata_info, modules/adminapi/cluster/status.cc)', async () => {
    const hidden = nonLeaders()[0] ?? '';
    await run(leaderOf(), 'set-instance-option', {
      instance: hidden,
      option: 'tag:_hidden',
      value: 'true',
    });
    const status = await run(leaderOf(), 'cluster-status');
    const members = (
      JSON.parse(status.results['cluster-status'] ?? '{}') as {
        members: Array<{ address: string; hiddenFromRouter?: boolean }>;
      }
    ).members;
    expect(members.filter((m) => 'hiddenFromRouter' in m)).toEqual([
      expect.objectContaining({ address: d.model.unit(hidden).address, hiddenFromRouter: true }),
    ]);
  });

  it('before the cluster exists, the tag actions fail saying what to wait for', async () => {
    d = await deploySimulated({ units: 3, seed: 5 });
    await d.model.settle({ maxHooks: 3 });
    const unit = d.model.units(d.app)[0] ?? '';
    const result = await run(unit, 'options');
    expect(result).toMatchObject({ status: 'failed' });
    expect(result.message).toMatch(/cluster is not created yet/);
  });
});

describe('tag actions on a backend that fails or has no tags', () => {
  it('fails the action with what the cluster said (redacted), not a bare exit status', async () => {
    d = await deploySimulated({
      units: 3,
      seed: 5,
      backendFor: (rt, cluster) => {
        const real = cluster.backendFor(localClusterAddress(rt));
        const failing = {
          ...real.cluster.tags,
          label: (a: string) => `${a}:3306`,
          options: async () => {
            throw new Error(
              'mysqlsh exited 1: Cluster.options: Lost connection (MySQL Error 2013)',
            );
          },
        };
        return {
          users: real.users,
          cluster: Object.assign(Object.create(real.cluster), { tags: failing }),
        };
      },
    });
    expect(await d.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    const result = await run(leaderOf(), 'options');
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(
      /^the cluster refused the call through [0-9.]+: mysqlsh exited 1: Cluster.options: Lost connection \(MySQL Error 2013\)$/,
    );
  });

  it('says so when the backend keeps no tags', async () => {
    d = await deploySimulated({
      units: 3,
      seed: 5,
      backendFor: (rt, cluster) => {
        const real = cluster.backendFor(localClusterAddress(rt));
        return {
          users: real.users,
          cluster: Object.assign(Object.create(real.cluster), { tags: undefined }),
        };
      },
    });
    expect(await d.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    const result = await run(leaderOf(), 'set-option', { option: 'tag:a', value: '1' });
    expect(result).toMatchObject({
      status: 'failed',
      message: "this unit's cluster backend has no AdminAPI tags",
    });
  });
});

describe('the maintenance walk-through of the README', () => {
  it('hides mysql/1, routes around it, keeps it hidden through maintenance, brings it back', async () => {
    d = await deploy();
    // What the charm would publish for clients: each member with its instance tags, routed by
    // the shared module (as the cluster-view endpoint does).
    const routing = async () => {
      const doc = await options();
      return routeMembers(
        d.model.units(d.app).map((unit) => ({
          unit,
          label: labelOf(unit),
          tags: new Map(
            (doc.defaultReplicaSet.tags[labelOf(unit)] ?? []).map((e) => [e.option, e.value]),
          ),
        })),
      );
    };
    const units = (ms: readonly { unit: string }[]) => ms.map((m) => m.unit);
    expect(units((await routing()).candidates)).toEqual(['mysql/0', 'mysql/1', 'mysql/2']);

    // 1. Hide mysql/1 (on the leader).
    const hide = await run(leaderOf(), 'set-instance-option', {
      instance: 'mysql/1',
      option: 'tag:_hidden',
      value: 'true',
    });
    expect(hide.status).toBe('completed');
    let view = await routing();
    expect(units(view.candidates)).toEqual(['mysql/0', 'mysql/2']);
    expect(units(view.drop)).toEqual(['mysql/1']);

    // 2. Maintenance: hooks run, time passes, leadership moves; mysql/1 stays hidden.
    await d.model.advance({ minutes: 30 });
    d.model.setLeader(leaderOf() === 'mysql/2' ? 'mysql/0' : 'mysql/2');
    expect(await d.model.settle()).toMatchObject({ hooksFailed: 0 });
    view = await routing();
    expect(units(view.candidates)).toEqual(['mysql/0', 'mysql/2']);

    // 3. Unhide on the (new) leader: mysql/1 takes new connections again.
    const unhide = await run(leaderOf(), 'set-instance-option', {
      instance: 'mysql/1',
      option: 'tag:_hidden',
      value: 'false',
    });
    expect(unhide.status).toBe('completed');
    view = await routing();
    expect(units(view.candidates)).toEqual(['mysql/0', 'mysql/1', 'mysql/2']);
    expect(view.drop).toEqual([]);
  });
});
