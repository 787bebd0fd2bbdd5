// Storage and resources in the simulated model, as Juju runs them: initial storage attached and
// its -storage-attached hook run before install, -storage-detaching before stop on removal
// (worker/uniter/storage/resolver.go), storage-get/-list/-add answered by the model
// (jujuc/storage-*.go), resource-get from files given to the model.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import type { CharmMetadata } from '../../src/juju/metadata.js';
import { Model } from '../../src/testing/index.js';

const metadata: CharmMetadata = {
  name: 'store',
  endpoints: [],
  storage: [
    { name: 'data', type: 'filesystem', location: '/srv/data' },
    { name: 'logs', type: 'filesystem', multiple: '0-4' },
    { name: 'raw', type: 'block' },
  ],
  resources: [
    { name: 'payload', type: 'file', filename: 'payload.tgz' },
    { name: 'extra', type: 'file', filename: 'extra.tgz' },
  ],
};

function storageCharm(seen: string[]) {
  const charm = new Charm({ metadata });
  for (const hook of [
    'data-storage-attached',
    'logs-storage-attached',
    'raw-storage-attached',
    'data-storage-detaching',
    'logs-storage-detaching',
    'raw-storage-detaching',
  ]) {
    charm.hook(hook).run((rt) => {
      const own = rt.juju.tools.storageGet().unwrap();
      seen.push(
        `${rt.context.unitName} ${hook} ${rt.context.storage?.id} ${own.kind} ${own.location}`,
      );
    });
  }
  for (const hook of ['install', 'start', 'stop', 'remove']) {
    charm.hook(hook).run((rt) => {
      seen.push(`${rt.context.unitName} ${hook} ${rt.juju.tools.storageList().unwrap().join(',')}`);
    });
  }
  charm.hook('config-changed').run((rt) => {
    const more = rt.config()['more-logs'];
    if (typeof more === 'number' && more > 0) rt.juju.tools.storageAdd({ logs: more }).unwrap();
  });
  return charm;
}

const configOptions = { 'more-logs': { type: 'int' as const, default: 0 } };

describe('storage in the model (worker/uniter/storage/resolver.go)', () => {
  it('attaches storage at deploy and runs -storage-attached before install, with JUJU_STORAGE_ID and its location', async () => {
    const seen: string[] = [];
    const model = new Model();
    await model.deploy('store', { charm: storageCharm(seen), metadata, configOptions });
    expect(await model.settle()).toMatchObject({ settled: true });

    const install = seen.indexOf('store/0 install data/0,raw/0');
    expect(install).toBeGreaterThan(0);
    expect(seen.slice(0, install).sort()).toEqual([
      'store/0 data-storage-attached data/0 filesystem /srv/data',
      'store/0 raw-storage-attached raw/0 block /dev/loop0',
    ]);
    expect(model.timeline('store/0')[0]?.hook).toMatch(/-storage-attached$/);
  });

  it('numbers instances model-wide and honours deploy({ storage }) counts within multiple.range', async () => {
    const seen: string[] = [];
    const model = new Model();
    await model.deploy('store', {
      charm: storageCharm(seen),
      metadata,
      configOptions,
      units: 2,
      storage: { logs: 2 },
    });
    await model.settle();
    expect(seen.filter((s) => s.includes(' install '))).toEqual([
      'store/0 install data/0,logs/0,logs/1,raw/0',
      'store/1 install data/1,logs/2,logs/3,raw/1',
    ]);
    await expect(
      model.deploy('bad', { charm: storageCharm([]), metadata, storage: { logs: 5 } }),
    ).rejects.toThrow(/storage "logs": 5 instances requested; the charm allows 0-4/);
    await expect(
      model.deploy('worse', { charm: storageCharm([]), metadata, storage: { nope: 1 } }),
    ).rejects.toThrow(/storage "nope" is not declared/);
  });

  it('storage-add attaches more instances after the hook commits, each with its -storage-attached hook', async () => {
    const seen: string[] = [];
    const model = new Model();
    await model.deploy('store', { charm: storageCharm(seen), metadata, configOptions });
    await model.settle();
    seen.length = 0;

    model.setConfig('store', { 'more-logs': 2 });
    await model.settle();

    expect(seen).toEqual([
      'store/0 logs-storage-attached logs/0 filesystem /var/lib/juju/storage/logs/0',
      'store/0 logs-storage-attached logs/1 filesystem /var/lib/juju/storage/logs/1',
    ]);
  });

  it('a removed unit runs -storage-detaching for each attached instance before stop and remove', async () => {
    const seen: string[] = [];
    const model = new Model();
    await model.deploy('store', { charm: storageCharm(seen), metadata, configOptions });
    await model.settle();
    seen.length = 0;

    model.removeUnit('store/0');
    await model.settle();

    expect(seen.slice(0, 2).sort()).toEqual([
      'store/0 data-storage-detaching data/0 filesystem /srv/data',
      'store/0 raw-storage-detaching raw/0 block /dev/loop0',
    ]);
    expect(seen.slice(2)).toEqual(['store/0 stop ', 'store/0 remove ']);
  });

  it('storage-get outside a storage hook needs -s, and names an unknown instance', async () => {
    const errors: string[] = [];
    const charm = new Charm({ metadata });
    charm.hook('start').run((rt) => {
      const none = rt.juju.tools.storageGet();
      if (none.isErr()) errors.push(none.error.message);
      const unknown = rt.juju.tools.storageGet('data/9');
      if (unknown.isErr()) errors.push(unknown.error.message);
      errors.push(JSON.stringify(rt.juju.tools.storageGet('data/0').unwrap()));
    });
    const model = new Model();
    await model.deploy('store', { charm, metadata });
    await model.settle();
    expect(errors).toEqual([
      expect.stringContaining('no storage instance specified'),
      expect.stringContaining('storage instance "data/9" not found'),
      JSON.stringify({ kind: 'filesystem', location: '/srv/data' }),
    ]);
  });
});

describe('resource-get in the model', () => {
  it('returns the file given to deploy({ resources }), and fails clearly for one not given or not declared', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-resource-'));
    const payload = join(dir, 'payload.tgz');
    writeFileSync(payload, 'bytes');
    const got: string[] = [];
    const charm = new Charm({ metadata });
    charm.hook('install').run((rt) => {
      for (const name of ['payload', 'extra', 'missing']) {
        const r = rt.juju.tools.resourceGet(name);
        got.push(r.isOk() ? r.value : `ERROR ${r.error.message}`);
      }
    });
    const model = new Model();
    await model.deploy('store', { charm, metadata, resources: { payload } });
    await model.settle();
    expect(got).toEqual([
      payload,
      expect.stringMatching(/^ERROR .*resource "extra" of store was not given to the model/),
      expect.stringMatching(/^ERROR .*resource "missing" not found/),
    ]);
  });
});
