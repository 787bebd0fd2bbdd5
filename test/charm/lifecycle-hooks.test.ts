// Secret and storage hooks through a whole hook run: the handler finds the secret or storage
// the hook is about in its context (JUJU_SECRET_ID/_REVISION, JUJU_STORAGE_ID/_LOCATION), and
// what it stages commits only if the hook succeeds (docs/reference/hook.md; jujuc/secret-*.go).
import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { hookHarness } from '../helpers/hook.js';
import { StubHookTools, stubWorld } from '../helpers/stub-tools.js';

const ID = 'secret:cj4v2vn8o2ac74bm8hfg';

describe('secret hooks', () => {
  it('secret-changed: the observer refreshes the secret named by JUJU_SECRET_ID', async () => {
    const seen: unknown[] = [];
    const charm = new Charm();
    charm.hook('secret-changed').run(function refresh(rt) {
      const id = rt.context.secretId ?? '';
      seen.push(rt.juju.secretGet(id, { refresh: true }).unwrap());
    });
    const tools = new StubHookTools(stubWorld({ secrets: { [ID]: { password: 'new' } } }));
    const h = hookHarness(charm, { tools });
    const result = await h.run({ hookName: 'secret-changed', secretId: ID, secretLabel: 'pw' });
    expect(result.ok).toBe(true);
    expect(seen).toEqual([{ password: 'new' }]);
    expect(tools.callsOf('secret-get')[0]?.args[0]).toBe(ID);
  });

  it('secret-remove: the owner removes the unused revision named by JUJU_SECRET_REVISION, at commit', async () => {
    const charm = new Charm();
    const order: string[] = [];
    charm.hook('secret-remove').run(function removeRevision(rt) {
      rt.juju.secretRemove(rt.context.secretId ?? '', rt.context.secretRevision);
      order.push(`staged ${rt.context.secretRevision}`);
    });
    const tools = new StubHookTools(stubWorld({ secrets: { [ID]: { password: 'x' } } }));
    const h = hookHarness(charm, { tools });
    const result = await h.run({ hookName: 'secret-remove', secretId: ID, secretRevision: 2 });
    expect(result).toMatchObject({ ok: true, commit: { secretOps: 1 } });
    expect(order).toEqual(['staged 2']);
    expect(tools.callsOf('secret-remove')).toHaveLength(1);
  });

  it('secret-remove in a hook that fails removes nothing', async () => {
    const charm = new Charm();
    charm.hook('secret-remove').run((rt) => {
      rt.juju.secretRemove(rt.context.secretId ?? '', 2);
      throw new Error('workload still uses it');
    });
    const tools = new StubHookTools(stubWorld({ secrets: { [ID]: { password: 'x' } } }));
    const h = hookHarness(charm, { tools });
    expect((await h.run({ hookName: 'secret-remove', secretId: ID })).ok).toBe(false);
    expect(tools.callsOf('secret-remove')).toEqual([]);
  });
});

describe('storage hooks', () => {
  it('<name>-storage-attached: storage-get without an id answers for the storage the hook is about', async () => {
    let location: string | undefined;
    const charm = new Charm();
    charm.hook('data-storage-attached').run(function mount(rt) {
      expect(rt.context.storage).toEqual({ id: 'data/0', location: '/srv/data' });
      location = rt.juju.storageGet().unwrap().location;
      rt.flags.set('storage.data.attached');
    });
    const tools = new StubHookTools(
      stubWorld({
        storage: { 'data/0': { kind: 'filesystem', location: '/srv/data' } },
        hookStorage: 'data/0',
      }),
    );
    const h = hookHarness(charm, { tools });
    await h.run({
      hookName: 'data-storage-attached',
      storage: { id: 'data/0', location: '/srv/data' },
    });
    expect(location).toBe('/srv/data');
    expect(h.store.load().flags).toContain('storage.data.attached');
  });
});
