// Relation keys are data (issue 15, item 6): Juju stores any key, so a key named `__proto__`,
// `constructor` or `toString` is read, compared and published like any other.
import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import type { RelationData } from '../../src/juju/hook-tools.js';
import { hookHarness } from '../helpers/hook.js';
import { peerRelation, peersMeta, peerTools, TestPeers } from './builders.js';

const rel = { name: 'cluster', id: 'cluster:0' };
const joined = { hookName: 'cluster-relation-joined', relation: rel, remoteUnit: 'mysql/1' };
const changed = { ...joined, hookName: 'cluster-relation-changed' };

/** A bag as JSON.parse makes it from relation-get output: `__proto__` is an own key. */
const bag = (json: string): RelationData => JSON.parse(json) as RelationData;

describe('relation keys named like Object.prototype members', () => {
  it('a peer key named __proto__ sets endpoint.<name>.changed.__proto__ and reads back', async () => {
    const charm = new Charm().endpoint(TestPeers);
    let seen: unknown;
    let keys: string[] = [];
    charm.when('endpoint.cluster.changed.__proto__').run(function read(rt) {
      const unit = rt.endpoint(TestPeers).allJoinedUnits[0];
      // biome-ignore lint/suspicious/noProto: a relation key named __proto__ is what is tested
      seen = unit?.received['__proto__'];
      keys = Object.keys(unit?.received ?? {});
    });
    const tools = peerTools({
      'cluster:0': peerRelation({ 'mysql/1': bag('{"__proto__":"{\\"a\\":1}"}') }),
    });
    const h = hookHarness(charm, { tools, metadata: peersMeta });
    const result = await h.run(joined);
    expect(result.error).toBeUndefined();
    expect(h.store.load().flags).toContain('endpoint.cluster.changed.__proto__');
    expect(seen).toEqual({ a: 1 });
    expect(keys).toEqual(['__proto__']);
  });

  it('a peer key named constructor is a change once, not on every hook', async () => {
    const charm = new Charm().endpoint(TestPeers);
    charm.when('endpoint.cluster.changed').run(function consume(rt) {
      rt.endpoint(TestPeers).clearChangedFlags();
    });
    const tools = peerTools({
      'cluster:0': peerRelation({ 'mysql/1': bag('{"constructor":"1","toString":"2"}') }),
    });
    const h = hookHarness(charm, { tools, metadata: peersMeta });
    const first = await h.run(joined);
    expect(first.runs.map((r) => r.handler)).toContain('consume');
    const second = await h.run(changed);
    expect(second.runs.map((r) => r.handler)).not.toContain('consume');
  });

  it('a key that is not in the bag reads as undefined, even constructor or toString', async () => {
    const charm = new Charm().endpoint(TestPeers);
    const read: unknown[] = [];
    charm.when('endpoint.cluster.joined').run(function look(rt) {
      const unit = rt.endpoint(TestPeers).allJoinedUnits[0];
      read.push(unit?.received['constructor'], unit?.receivedRaw['toString']);
      read.push('constructor' in (unit?.received ?? {}));
      const relation = rt.endpoint(TestPeers).relations[0];
      read.push(relation?.toPublish['hasOwnProperty']);
    });
    const tools = peerTools({ 'cluster:0': peerRelation({ 'mysql/1': { a: '1' } }) });
    const h = hookHarness(charm, { tools, metadata: peersMeta });
    const result = await h.run(joined);
    expect(result.error).toBeUndefined();
    expect(read).toEqual([undefined, undefined, false, undefined]);
  });

  it("toPublishRaw['__proto__'] is published, and deleting constructor writes nothing", async () => {
    const charm = new Charm().endpoint(TestPeers);
    charm.when('endpoint.cluster.joined').run(function publish(rt) {
      const relation = rt.endpoint(TestPeers).relations[0];
      if (!relation) throw new Error('no relation');
      // biome-ignore lint/suspicious/noProto: a relation key named __proto__ is what is tested
      relation.toPublishRaw['__proto__'] = 'raw value';
      relation.toPublish['constructor'] = null;
      relation.toPublish['toString'] = { x: 1 };
    });
    const tools = peerTools({ 'cluster:0': peerRelation({ 'mysql/1': { a: '1' } }) });
    const h = hookHarness(charm, { tools, metadata: peersMeta });
    const result = await h.run(joined);
    expect(result.error).toBeUndefined();
    const written = tools.callsOf('relation-set').map((c) => c.args[1]);
    expect(written).toHaveLength(1);
    expect(JSON.stringify(written[0])).toBe('{"__proto__":"raw value","toString":"{\\"x\\":1}"}');
  });
});
