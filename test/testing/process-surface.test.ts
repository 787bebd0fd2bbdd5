// Storage, resource and secret-metadata tools through the real dispatch (process mode): the
// library's ProcessHookTools call the fake tools, which the model answers as jujuc does
// (jujuc/storage-get.go, storage-list.go, resource-get.go, secret-info-get.go, secret-ids.go);
// the storage hook gets JUJU_STORAGE_ID / JUJU_STORAGE_LOCATION, and runs before install.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Model } from '../../src/testing/index.js';
import { fixtureCharm, hooksRun } from './helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function charmDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'surface-charm-'));
  dirs.push(dir);
  copyFileSync(join(fixtureCharm('probe'), 'dispatch'), join(dir, 'dispatch'));
  writeFileSync(
    join(dir, 'metadata.yaml'),
    [
      'name: surface',
      'storage:',
      '  data:',
      '    type: filesystem',
      '    location: /srv/data',
      'resources:',
      '  payload:',
      '    type: file',
      '    filename: payload.tgz',
      '',
    ].join('\n'),
  );
  mkdirSync(join(dir, 'src'));
  writeFileSync(
    join(dir, 'src', 'charm.ts'),
    [
      "import { Charm } from 'juju-reactive';",
      'export function createCharm(): Charm {',
      '  const charm = new Charm();',
      "  charm.hook('data-storage-attached').run((rt) => {",
      '    const tools = rt.juju.tools;',
      "    rt.state.set('attached', {",
      '      context: rt.context.storage ?? null,',
      '      own: tools.storageGet().unwrap(),',
      "      list: tools.storageList('data').unwrap(),",
      '    });',
      '  });',
      "  charm.hook('install').run((rt) => {",
      '    const tools = rt.juju.tools;',
      "    rt.state.set('resource', tools.resourceGet('payload').unwrap());",
      "    rt.state.set('storage', tools.storageGet('data/0').unwrap());",
      "    tools.secretAdd({ token: 'abc' }, { owner: 'unit', label: 'mine', rotate: 'daily' }).unwrap();",
      '  });',
      "  charm.hook('start').run((rt) => {",
      '    const tools = rt.juju.tools;',
      "    const info = tools.secretInfoGet('mine').unwrap();",
      "    rt.state.set('secret', { ids: tools.secretIds().unwrap().length, label: info.label, owner: info.owner, rotation: info.rotation ?? null, rotates: info.rotates ?? null });",
      '  });',
      '  return charm;',
      '}',
      '',
    ].join('\n'),
  );
  return dir;
}

describe('storage, resources and secret metadata in process mode', () => {
  it('answers storage-get/-list, resource-get, secret-info-get and secret-ids through the real dispatch', async () => {
    const resourceDir = mkdtempSync(join(tmpdir(), 'surface-resource-'));
    dirs.push(resourceDir);
    const payload = join(resourceDir, 'payload.tgz');
    writeFileSync(payload, 'bytes');
    const model = new Model();
    try {
      await model.deploy('surface', {
        charmDir: charmDir(),
        processes: true,
        resources: { payload },
      });
      expect(await model.settle()).toMatchObject({ settled: true });
      expect(hooksRun(model, 'surface/0').slice(0, 2)).toEqual([
        'data-storage-attached',
        'install',
      ]);
      const data = model.unit('surface/0').data;
      expect(data['attached']).toEqual({
        context: { id: 'data/0', location: '/srv/data' },
        own: { kind: 'filesystem', location: '/srv/data' },
        list: ['data/0'],
      });
      expect(data['resource']).toBe(payload);
      expect(data['storage']).toEqual({ kind: 'filesystem', location: '/srv/data' });
      expect(data['secret']).toEqual({
        ids: 1,
        label: 'mine',
        owner: 'unit',
        rotation: 'daily',
        rotates: '2025-01-02T00:00:00Z',
      });
    } finally {
      await model.close();
    }
  }, 60_000);
});
