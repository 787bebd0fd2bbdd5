// Hiding an instance with the AdminAPI tag actions reaches the clients of the `view` endpoint:
// the leader reads the instance tags from the InnoDB cluster metadata (where set-instance-option
// writes them, as MySQL Shell's cluster.setInstanceOption does), and the tag action publishes
// the view at once. Juju commits an action's relation-set as it commits a hook's
// (worker/uniter/runner/context/context.go Flush: doFlush runs for actions too).
import type { Model } from 'juju-reactive/testing';
import { describe, expect, it } from 'vitest';
import { localClusterAddress } from '../../examples/mysql-innodb-cluster/src/addresses.js';
import { deploySimulated } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import { clientCharm, clientMetadata } from '../interfaces/cluster-view/fixtures/charms.js';
import { publishedMembers } from './view-bag.js';

function routingOf(model: Model, unit: string) {
  const member = publishedMembers(model).find((m) => m.name === unit);
  return member === undefined
    ? undefined
    : { hidden: member.hidden, disconnect: member.disconnect };
}

/** What the client unit serves from: the members it read as not hidden. */
const serving = (model: Model) => model.unit('app/0').data['serving'];

function warnings(model: Model): string[] {
  return model.trace.flatMap((e) => (e.kind === 'log' && e.level === 'WARNING' ? [e.message] : []));
}

/** Three clustered units and one client related to `view`, settled. */
async function deployed(options: Omit<Parameters<typeof deploySimulated>[0], 'units'> = {}) {
  const deployment = await deploySimulated({ seed: 11, ...options, units: 3 });
  const { model } = deployment;
  await model.deploy('app', { charm: clientCharm, metadata: clientMetadata, units: 1 });
  model.relate('app:db', 'mysql:view');
  expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
  return deployment;
}

async function setHidden(model: Model, unit: string, hidden: boolean) {
  const result = await model.runAction(model.leader('mysql') ?? '', 'set-instance-option', {
    instance: unit,
    option: 'tag:_hidden',
    value: String(hidden),
  });
  expect(result).toMatchObject({ status: 'completed' });
}

describe('mysql-innodb-cluster: instance tags in the published view (tags from the cluster metadata; relation-set in an action commits: juju worker/uniter/runner/context/context.go Flush)', () => {
  it('set-instance-option _hidden hides mysql/1 for the client, published by the action itself; unhiding brings it back', async () => {
    const { model } = await deployed();
    expect(routingOf(model, 'mysql/1')).toEqual({ hidden: false, disconnect: false });
    expect(serving(model)).toEqual(['mysql/0', 'mysql/1', 'mysql/2']);

    await setHidden(model, 'mysql/1', true);
    // Published in the action: the bag changed before any other hook ran.
    expect(routingOf(model, 'mysql/1')).toEqual({ hidden: true, disconnect: true });
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(serving(model)).toEqual(['mysql/0', 'mysql/2']);
    expect(routingOf(model, 'mysql/0')).toEqual({ hidden: false, disconnect: false });

    await setHidden(model, 'mysql/1', false);
    expect(routingOf(model, 'mysql/1')).toEqual({ hidden: false, disconnect: false });
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(serving(model)).toEqual(['mysql/0', 'mysql/1', 'mysql/2']);
  });

  it('_disconnect_existing_sessions_when_hidden false keeps a hidden member hidden but not disconnected', async () => {
    const { model } = await deployed();
    const leader = model.leader('mysql') ?? '';
    const result = await model.runAction(leader, 'set-instance-option', {
      instance: 'mysql/2',
      option: 'tag:_disconnect_existing_sessions_when_hidden',
      value: 'false',
    });
    expect(result).toMatchObject({ status: 'completed' });
    await setHidden(model, 'mysql/2', true);
    expect(routingOf(model, 'mysql/2')).toEqual({ hidden: true, disconnect: false });
  });

  it('a new leader reads the same metadata: mysql/1 stays hidden, and the new leader unhides it', async () => {
    const { model } = await deployed();
    await setHidden(model, 'mysql/1', true);
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    const next = model.units('mysql').find((u) => u !== model.leader('mysql')) ?? '';
    model.setLeader(next);
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    // The new leader republished (leader-elected) from the metadata, not from its own memory.
    expect(model.leader('mysql')).toBe(next);
    expect(routingOf(model, 'mysql/1')).toEqual({ hidden: true, disconnect: true });
    model.fireHook(next, 'update-status');
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(routingOf(model, 'mysql/1')).toEqual({ hidden: true, disconnect: true });
    expect(serving(model)).toEqual(['mysql/0', 'mysql/2']);

    await setHidden(model, 'mysql/1', false);
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(routingOf(model, 'mysql/1')).toEqual({ hidden: false, disconnect: false });
    expect(serving(model)).toEqual(['mysql/0', 'mysql/1', 'mysql/2']);
  });

  it('a tags read that fails is a warning and keeps the published view; the hook does not fail', async () => {
    let broken = false;
    const { model } = await deployed({
      backendFor: (rt, cluster) => {
        const backend = cluster.backendFor(localClusterAddress(rt));
        const tags = backend.cluster.tags;
        if (tags === undefined) throw new Error('the simulated backend has AdminAPI tags');
        // The simulated operations live on prototypes: override options() only.
        const failingTags = Object.create(tags) as typeof tags;
        failingTags.options = async (...args) => {
          if (broken) throw new Error('mysqlsh exited 1: cannot read the metadata');
          return tags.options(...args);
        };
        const operations = Object.create(backend.cluster) as typeof backend.cluster;
        Object.defineProperty(operations, 'tags', { value: failingTags });
        return { users: backend.users, cluster: operations };
      },
    });
    await setHidden(model, 'mysql/1', true);
    const before = publishedMembers(model);
    expect(routingOf(model, 'mysql/1')).toEqual({ hidden: true, disconnect: true });
    broken = true;
    model.fireHook(model.leader('mysql') ?? '', 'update-status');
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(publishedMembers(model)).toEqual(before);
    expect(warnings(model)).toContain(
      "cannot read the instances' tags to publish the view: mysqlsh exited 1: cannot read the metadata; the published view stays as it was",
    );
  });
});
