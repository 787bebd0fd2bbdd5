// Secrets over their life in the simulated model, as Juju runs them: observers keep the revision
// they track until they refresh (domain/secret/service GetConsumedRevision), secret-changed on a
// new revision, secret-remove for a revision nobody tracks (state/secrets.go
// getOrphanedSecretRevisions), secret-rotate and secret-expired on the virtual clock
// (core/secrets/rotate.go), hook order and env (worker/uniter/secrets/resolver.go, runner/context
// HookVars).
import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import type { CharmMetadata } from '../../src/juju/metadata.js';
import { Model } from '../../src/testing/index.js';

const dbMeta: CharmMetadata = {
  name: 'db',
  endpoints: [{ name: 'clients', role: 'provides', interface: 'creds' }],
};
const clientMeta = (name: string): CharmMetadata => ({
  name,
  endpoints: [{ name: 'db', role: 'requires', interface: 'creds' }],
});

interface SecretHookSeen {
  unit: string;
  hook: string;
  id?: string;
  label?: string;
  revision?: number;
}

/** The owner: the leader adds `creds` (rotating hourly), grants it on each relation, rotates it. */
function ownerCharm(seen: SecretHookSeen[], options: { rotates: boolean } = { rotates: true }) {
  const charm = new Charm({ metadata: dbMeta });
  charm.hook('install').run((rt) => {
    if (!rt.isLeader()) return;
    rt.juju.tools.secretAdd({ password: 'one' }, { label: 'creds', rotate: 'hourly' }).unwrap();
    rt.juju.tools.secretAdd({ token: 'old' }, { label: 'short', expire: '2h' }).unwrap();
  });
  charm.hook('clients-relation-created').run((rt) => {
    if (!rt.isLeader()) return;
    const relationId = rt.context.relation?.id ?? '';
    const id = rt.juju.tools.secretInfoGet('creds').unwrap().id;
    rt.juju.tools.secretGrant(id, relationId).unwrap();
    rt.juju.tools.relationSet(relationId, { 'secret-id': id }, { app: true }).unwrap();
  });
  charm.hook('config-changed').run((rt) => {
    const password = rt.config()['password'];
    const drop = rt.config()['drop-revision'];
    if (rt.isLeader() && typeof drop === 'number' && drop > 0) {
      rt.juju.tools.secretRemove('creds', { revision: drop }).unwrap();
    }
    if (!rt.isLeader() || typeof password !== 'string' || password === '') return;
    rt.juju.tools.secretSet('creds', { password }).unwrap();
  });
  for (const hook of ['secret-remove', 'secret-rotate', 'secret-expired', 'secret-changed']) {
    charm.hook(hook).run((rt) => {
      const c = rt.context;
      seen.push({
        unit: c.unitName,
        hook,
        ...(c.secretId === undefined ? {} : { id: c.secretId }),
        ...(c.secretLabel === undefined ? {} : { label: c.secretLabel }),
        ...(c.secretRevision === undefined ? {} : { revision: c.secretRevision }),
      });
      if (hook === 'secret-remove' && c.secretId !== undefined && c.secretRevision !== undefined) {
        rt.juju.tools.secretRemove(c.secretId, { revision: c.secretRevision }).unwrap();
      }
      if (hook === 'secret-rotate' && options.rotates) {
        rt.juju.tools.secretSet('creds', { password: `rotated-${rt.context.unitName}` }).unwrap();
      }
    });
  }
  return charm;
}

/**
 * An observer: reads the secret the database published; `refresh` decides whether its
 * secret-changed handler asks for the new revision (the bug under test is forgetting to).
 */
function observerCharm(name: string, refresh: boolean, reads: string[], seen: SecretHookSeen[]) {
  const charm = new Charm({ metadata: clientMeta(name) });
  const read = (rt: Parameters<Parameters<ReturnType<typeof charm.hook>['run']>[0]>[0]) => {
    const relationId = rt.juju.tools.relationIds('db').unwrap()[0];
    if (relationId === undefined) return undefined;
    const id = rt.juju.tools.relationGetKey(relationId, 'db', 'secret-id', { app: true }).unwrap();
    return id;
  };
  charm.hook('db-relation-changed').run((rt) => {
    const id = read(rt);
    if (id === undefined) return;
    reads.push(
      `${rt.context.unitName} ${rt.juju.tools.secretGet(id, { label: 'db-creds' }).unwrap()['password']}`,
    );
  });
  charm.hook('secret-changed').run((rt) => {
    const c = rt.context;
    seen.push({
      unit: c.unitName,
      hook: 'secret-changed',
      ...(c.secretId === undefined ? {} : { id: c.secretId }),
      ...(c.secretLabel === undefined ? {} : { label: c.secretLabel }),
      ...(c.secretRevision === undefined ? {} : { revision: c.secretRevision }),
    });
    const got = rt.juju.tools.secretGet(c.secretId ?? '', refresh ? { refresh: true } : {});
    reads.push(`${c.unitName} ${got.unwrap()['password']}`);
    const peeked = rt.juju.tools.secretGet(c.secretId ?? '', { peek: true }).unwrap();
    reads.push(`${c.unitName} peek ${peeked['password']}`);
  });
  charm.hook('config-changed').run((rt) => {
    if (rt.config()['refresh'] !== true) return;
    const id = read(rt);
    if (id !== undefined) rt.juju.tools.secretGet(id, { refresh: true }).unwrap();
  });
  return charm;
}

async function deployed(options: { rotates: boolean } = { rotates: true }) {
  const ownerSeen: SecretHookSeen[] = [];
  const observerSeen: SecretHookSeen[] = [];
  const reads: string[] = [];
  const model = new Model();
  await model.deploy('db', {
    charm: ownerCharm(ownerSeen, options),
    metadata: dbMeta,
    configOptions: {
      password: { type: 'string', default: '' },
      'drop-revision': { type: 'int', default: 0 },
    },
  });
  const refreshOption = { refresh: { type: 'boolean' as const, default: false } };
  await model.deploy('good', {
    charm: observerCharm('good', true, reads, observerSeen),
    metadata: clientMeta('good'),
    configOptions: refreshOption,
  });
  await model.deploy('lazy', {
    charm: observerCharm('lazy', false, reads, observerSeen),
    metadata: clientMeta('lazy'),
    configOptions: refreshOption,
  });
  model.relate('db:clients', 'good:db');
  model.relate('db:clients', 'lazy:db');
  expect(await model.settle()).toMatchObject({ settled: true });
  const id = model.secrets().find((s) => s.label === 'creds')?.id ?? '';
  return { model, id, ownerSeen, observerSeen, reads };
}

describe('secrets over their life (worker/uniter/secrets, apiserver secretsmanager)', () => {
  it('an observer that forgot --refresh keeps seeing the revision it tracks; --peek shows the latest without tracking it (GetConsumedRevision)', async () => {
    const { model, id, observerSeen, reads } = await deployed();
    expect([...new Set(reads)].sort()).toEqual(['good/0 one', 'lazy/0 one']);
    reads.length = 0;

    model.setConfig('db', { password: 'two' });
    await model.settle();

    expect(observerSeen).toEqual([
      { unit: 'good/0', hook: 'secret-changed', id, label: 'db-creds' },
      { unit: 'lazy/0', hook: 'secret-changed', id, label: 'db-creds' },
    ]);
    expect(reads.sort()).toEqual([
      'good/0 peek two',
      'good/0 two',
      'lazy/0 one',
      'lazy/0 peek two',
    ]);
    expect(model.trackedSecretRevision('good/0', id)).toBe(2);
    expect(model.trackedSecretRevision('lazy/0', id)).toBe(1);
  });

  it('secret-changed comes once per new revision, without JUJU_SECRET_REVISION; the owner gets secret-remove only when nobody tracks the old revision (state/secrets.go getOrphanedSecretRevisions)', async () => {
    const { model, id, ownerSeen, observerSeen } = await deployed();
    model.setConfig('db', { password: 'two' });
    await model.settle();
    expect(ownerSeen.filter((s) => s.hook === 'secret-remove')).toEqual([]);
    expect(observerSeen.every((s) => s.revision === undefined)).toBe(true);

    // The lazy observer refreshes at last: revision 1 is tracked by nobody.
    model.setConfig('lazy', { refresh: true });
    await model.settle();

    expect(ownerSeen.filter((s) => s.hook === 'secret-remove')).toEqual([
      { unit: 'db/0', hook: 'secret-remove', id, label: 'creds', revision: 1 },
    ]);
    expect(model.secrets().find((s) => s.id === id)).toMatchObject({ revision: 2 });
    // No second secret-changed for the revision each observer already ran it for.
    expect(observerSeen).toHaveLength(2);
  });

  it('an observer whose tracked revision the owner removed gets a clear secret-get error, not empty content', async () => {
    const { model, id } = await deployed();
    model.setConfig('db', { password: 'two' });
    await model.settle();

    // The owner drops revision 1 (and its config-changed makes revision 3): lazy/0 still tracks
    // 1, so its secret-changed handler's plain secret-get fails and the hook is in error.
    model.setConfig('db', { 'drop-revision': 1 });
    const report = await model.settle();

    expect(report.errorUnits).toEqual(['lazy/0']);
    expect(model.unit('lazy/0').error).toMatchObject({
      hook: 'secret-changed',
      message: expect.stringContaining(`secret revision 1 of "${id}" not found`),
    });
    expect(model.unit('good/0').inError).toBe(false);
  });

  it('a rotation policy fires secret-rotate on the owner’s leader on the virtual clock; rotated → next in an hour, not rotated → again in 5 minutes (core/secrets/rotate.go)', async () => {
    const rotated = await deployed({ rotates: true });
    const rotates = () => rotated.ownerSeen.filter((s) => s.hook === 'secret-rotate').length;
    await rotated.model.advance({ minutes: 59 });
    expect(rotates()).toBe(0);
    await rotated.model.advance({ minutes: 1 });
    expect(rotated.ownerSeen.filter((s) => s.hook === 'secret-rotate')).toEqual([
      { unit: 'db/0', hook: 'secret-rotate', id: rotated.id, label: 'creds' },
    ]);
    await rotated.model.advance({ minutes: 59 });
    expect(rotates()).toBe(1);
    await rotated.model.advance({ minutes: 1 });
    expect(rotates()).toBe(2);

    const lazy = await deployed({ rotates: false });
    const lazyRotates = () => lazy.ownerSeen.filter((s) => s.hook === 'secret-rotate').length;
    await lazy.model.advance({ hours: 1 });
    expect(lazyRotates()).toBe(1);
    await lazy.model.advance({ minutes: 5 });
    expect(lazyRotates()).toBe(2);
  });

  it('model.rotateSecret fires secret-rotate now; model.expireSecret fires secret-expired with the revision', async () => {
    const { model, id, ownerSeen } = await deployed();
    model.rotateSecret(id);
    await model.settle();
    expect(ownerSeen.filter((s) => s.hook === 'secret-rotate')).toHaveLength(1);

    model.expireSecret(id);
    await model.settle();
    expect(ownerSeen.filter((s) => s.hook === 'secret-expired')).toEqual([
      { unit: 'db/0', hook: 'secret-expired', id, label: 'creds', revision: 2 },
    ]);
    expect(() => model.expireSecret(id, 9)).toThrow(/has no revision 9/);
    expect(() => model.rotateSecret('secret:nope')).toThrow(/no secret "secret:nope"/);
  });

  it('--expire fires secret-expired at the expiry time, and again 5 minutes later while the revision is not removed (ExpireRetryDelay)', async () => {
    const { model, ownerSeen } = await deployed({ rotates: false });
    const short = model.secrets().find((s) => s.label === 'short')?.id ?? '';
    const expired = () => ownerSeen.filter((s) => s.hook === 'secret-expired' && s.id === short);
    await model.advance({ minutes: 119 });
    expect(expired()).toEqual([]);
    await model.advance({ minutes: 1 });
    expect(expired()).toEqual([
      { unit: 'db/0', hook: 'secret-expired', id: short, label: 'short', revision: 1 },
    ]);
    await model.advance({ minutes: 5 });
    expect(expired()).toHaveLength(2);
  });

  it('secret-info-get reports the next rotation and the expiry on the model’s calendar', async () => {
    const infos: unknown[] = [];
    const charm = new Charm({ metadata: { name: 'app', endpoints: [] } });
    charm.hook('install').run((rt) => {
      rt.juju.tools.secretAdd(
        { k: 'v' },
        { label: 's', rotate: 'daily', expire: '1h', owner: 'unit' },
      );
    });
    charm.hook('start').run((rt) => {
      infos.push(rt.juju.tools.secretInfoGet('s').unwrap());
    });
    const model = new Model();
    await model.deploy('app', { charm, metadata: { name: 'app', endpoints: [] } });
    await model.settle();
    expect(infos).toEqual([
      expect.objectContaining({
        rotation: 'daily',
        rotates: '2025-01-02T00:00:00Z',
        expiry: '2025-01-01T01:00:00Z',
      }),
    ]);
  });
});
