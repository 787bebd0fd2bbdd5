// The simulated hook tools: Juju's answers to misuse (as error kinds a charm can branch on),
// network and config values, and secrets that never reach the trace.
import { describe, expect, it } from 'vitest';
import { Charm, leadership } from '../../src/index.js';
import { Model } from '../../src/testing/index.js';
import { fixtureCharm, probeModel, scopeAddresses } from './helpers.js';

describe('UnitHookTools', () => {
  it('answers misuse with the kinds of error Juju’s texts classify as', async () => {
    const model = await probeModel(2);
    await model.settle();
    expect(model.unit('probe/1').data['tool-kinds']).toEqual({
      unknownRelation: 'relation-not-found',
      unknownUnit: 'not-found',
      appBagByNonLeader: 'permission-denied',
      leaderSetByNonLeader: 'not-leader',
      appStatusByNonLeader: 'not-leader',
      unknownBinding: 'failed',
      unknownSecret: 'not-found',
    });
  });

  it('reports the unit’s addresses, bindings, config and goal state', async () => {
    const model = await probeModel(2);
    model.setBinding('probe/1', 'cluster', '192.168.1.7');
    await model.settle();
    const values = model.unit('probe/1').data['tool-values'] as Record<string, unknown>;
    expect(values).toMatchObject({
      ingress: '192.168.1.7',
      privateAddress: '10.0.0.11',
      goalUnits: ['probe/0', 'probe/1'],
      listApp: 'probe',
    });
    expect(JSON.parse(String(values['config']))).toEqual({ payload: '', 'secret-id': '' });
    expect(JSON.parse(String(values['network']))).toMatchObject({
      ingressAddresses: ['192.168.1.7'],
      bindAddresses: [{ addresses: [{ value: '192.168.1.7', cidr: '192.168.1.0/24' }] }],
    });
  });
});

describe('secrets in the model', () => {
  it('lets every unit of the owning application read a seeded secret, and keeps it out of the trace', async () => {
    const model = await probeModel(2);
    const id = model.seedSecret({ owner: 'probe', content: { password: 's3cret-Pa55word' } });
    model.setConfig('probe', { 'secret-id': id });
    const report = await model.settle();

    expect(report.settled).toBe(true);
    expect(model.unit('probe/0').flags).toContain('probe.secret-read');
    expect(model.unit('probe/1').flags).toContain('probe.secret-read');
    const text = JSON.stringify(model.trace) + model.renderTimeline({ detail: true });
    expect(text).toContain('read secret with password ***');
    expect(text).not.toContain('s3cret-Pa55word');
  });

  it('redacts values the charm registered with its redactor, wherever they appear', async () => {
    const charm = new Charm().use(leadership);
    charm.hook('start').run(function publishToken(rt) {
      const token = `token-for-${rt.unitName}-0123456789`;
      rt.redactor.add(token);
      rt.juju.relationSet('cluster:0', { token }).unwrap();
      rt.juju.relationSet('cluster:0', { visible: 'plain-value' }).unwrap();
    });
    const model = new Model();
    await model.deploy('app', {
      charm,
      metadata: { name: 'app', endpoints: [{ name: 'cluster', role: 'peers', interface: 'x' }] },
      units: 2,
    });
    model.failNextHook('app/1', { hook: 'install' });
    await model.settle();

    expect(model.relationData('cluster:0', 'app/1')).toMatchObject({
      token: 'token-for-app/1-0123456789',
    });
    const text = JSON.stringify(model.trace);
    expect(text).toContain('plain-value');
    expect(text).not.toContain('0123456789');
  });

  it('creates no secret when the hook that added it fails', async () => {
    const charm = new Charm().use(leadership);
    charm
      .when('leadership.is_leader')
      .whenNot('app.secret')
      .run(function addSecret(rt) {
        rt.juju.secretAdd({ password: 'generated-password-1' }, { label: 'db' }).unwrap();
        rt.flags.set('app.secret');
      });
    const model = new Model();
    await model.deploy('app', { charm, metadata: { name: 'app', endpoints: [] } });
    model.failNextHook('app/0', { hook: 'install' });

    await model.step();
    expect(model.secrets()).toEqual([]);
    await model.settle();

    expect(model.secrets()).toEqual([
      { id: expect.stringMatching(/^secret:/), owner: 'app', label: 'db', revision: 1 },
    ]);
    expect(JSON.stringify(model.trace)).not.toContain('generated-password-1');
  });
});

describe('injected relation data', () => {
  it('reaches the other units as if the unit had written it; the unit restores its own values when upgrade-charm reads its bag again (src/endpoints/relation-memory.ts: only its own hooks write it)', async () => {
    const model = new Model();
    await model.deploy('echo', { charmDir: fixtureCharm('peer-echo'), units: 3 });
    await model.settle();

    model.setRelationData('echo/2', 'cluster', { greeting: '{"not": json', address: null });

    expect(model.relationData('cluster:0', 'echo/2')).toEqual({
      ...scopeAddresses('10.0.0.12'),
      greeting: '{"not": json',
    });
    expect(model.unit('echo/0').pendingHooks).toEqual(['cluster-relation-changed echo/2']);
    await model.step('echo/0');
    // No address any more: the leader drops echo/2 from the members.
    expect(model.leaderSettings('echo')).toEqual({ members: 'echo/0,echo/1' });

    expect((await model.settle()).settled).toBe(true);
    // echo/2's record of its own bag (what its hooks wrote) still says its values are there:
    // it writes nothing, and the injected values stay until it reads its bag again.
    expect(model.relationData('cluster:0', 'echo/2')).toEqual({
      ...scopeAddresses('10.0.0.12'),
      greeting: '{"not": json',
    });
    model.fireHook('echo/2', 'upgrade-charm');
    expect((await model.settle()).settled).toBe(true);
    // upgrade-charm trusts no record: echo/2 read its bag and published its own values again.
    expect(model.relationData('cluster:0', 'echo/2')).toEqual({
      ...scopeAddresses('10.0.0.12'),
      address: '10.0.0.12',
      greeting: 'hello',
    });
    expect(model.leaderSettings('echo')).toEqual({ members: 'echo/0,echo/1,echo/2' });
  });
});
