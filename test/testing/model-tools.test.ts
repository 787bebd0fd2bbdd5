// The tools the model answers from its committed state: secret-ids, secret-info-get and
// opened-ports, seen by a charm in process.
import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import type { PortRange, SecretInfo } from '../../src/juju/hook-tools.js';
import { Model } from '../../src/testing/index.js';

const metadata = { name: 'app', endpoints: [] };

describe('secret-ids, secret-info-get and opened-ports', () => {
  it('lists the secrets the unit owns and their metadata (the application’s on the leader only), never content', async () => {
    const seen: { ids: string[][]; info: SecretInfo[]; errors: string[] } = {
      ids: [],
      info: [],
      errors: [],
    };
    const charm = new Charm({ metadata });
    charm.hook('install').run((rt) => {
      const tools = rt.juju.tools;
      if (rt.isLeader()) {
        tools.secretAdd({ password: 's3cret' }, { label: 'admin', description: 'the admin' });
      }
      tools.secretAdd({ token: 't' }, { owner: 'unit', label: 'mine' });
    });
    charm.hook('config-changed').run((rt) => {
      const tools = rt.juju.tools;
      seen.ids.push(tools.secretIds().unwrap());
      const admin = tools.secretInfoGet('admin');
      if (admin.isOk()) seen.info.push(admin.value);
      else seen.errors.push(`${rt.unitName}: ${admin.error.message}`);
      seen.info.push(tools.secretInfoGet('mine').unwrap());
    });
    const model = new Model();
    await model.deploy('app', { charm, metadata, units: 2 });

    expect(await model.settle()).toMatchObject({ settled: true });

    expect(seen.ids.map((ids) => ids.length).sort()).toEqual([1, 2]);
    const admin = seen.info.find((i) => i.label === 'admin');
    expect(admin).toMatchObject({ owner: 'application', revision: 1, description: 'the admin' });
    expect(seen.info.filter((i) => i.label === 'mine' && i.owner === 'unit')).toHaveLength(2);
    expect(seen.errors).toEqual([
      expect.stringMatching(/^app\/1: .*secret with label "admin" not found/),
    ]);
    expect(JSON.stringify(seen.info)).not.toContain('s3cret');
  });

  it('opened-ports shows the ports committed before the hook, not the hook’s own open-port (runner/context OpenedPortRanges)', async () => {
    const seen: PortRange[][] = [];
    const charm = new Charm({ metadata });
    charm.hook('install').run((rt) => {
      rt.juju.tools.openPort(8080, 'tcp').unwrap();
      rt.juju.tools.openPort(53, 'udp').unwrap();
      seen.push(rt.juju.tools.openedPorts().unwrap());
    });
    charm.hook('config-changed').run((rt) => {
      seen.push(rt.juju.tools.openedPorts().unwrap());
    });
    const model = new Model();
    await model.deploy('app', { charm, metadata, units: 1 });

    await model.settle();

    expect(seen).toEqual([
      [],
      [
        { from: 8080, to: 8080, protocol: 'tcp' },
        { from: 53, to: 53, protocol: 'udp' },
      ],
    ]);
  });
});
