// Fidelity rows of docs/testing.md: what the simulated tools do that Juju's jujuc commands do
// (worker/uniter/runner/jujuc/*.go), each test naming its source.

import { Ok } from 'ts-results-es';
import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { Endpoint } from '../../src/endpoints/endpoint.js';
import type { CharmMetadata } from '../../src/juju/metadata.js';
import { Model } from '../../src/testing/index.js';
import { runToolCommand } from '../../src/testing/process/tool-commands.js';
import type { UnitHookTools } from '../../src/testing/unit-hook-tools.js';
import type { QueuedHook } from '../../src/testing/world.js';
import { scopeAddresses } from './helpers.js';

const metadata: CharmMetadata = {
  name: 'raw',
  endpoints: [{ name: 'cluster', role: 'peers', interface: 'raw-peers' }],
};

describe('open-port and close-port (worker/uniter/runner/context: ports flushed with the hook)', () => {
  it('applies a port only when the hook succeeds', async () => {
    const charm = new Charm({ metadata });
    charm.hook('config-changed').run(function openPort(rt) {
      rt.juju.tools.openPort(8080).unwrap();
    });
    const model = new Model({ maxRetries: 0 });
    await model.deploy('raw', { charm, units: 1 });
    model.failNextHook('raw/0', { hook: 'config-changed' });

    await model.settle();
    expect(model.unit('raw/0').inError).toBe(true);
    expect(model.unit('raw/0').ports).toEqual([]);

    model.resolve('raw/0');
    await model.settle();
    expect(model.unit('raw/0').ports).toEqual(['8080/tcp']);
  });
});

describe('a departed unit’s data (worker/uniter/relation: settings live as long as the relation)', () => {
  it('stays readable with relation-get in hooks after its -departed', async () => {
    const charm = new Charm({ metadata });
    charm.hook('config-changed').run(function publish(rt) {
      const [id] = rt.juju.tools.relationIds('cluster').unwrap();
      if (id !== undefined) rt.juju.tools.relationSet(id, { who: rt.unitName }).unwrap();
    });
    charm.hook('update-status').run(function readGone(rt) {
      const [id] = rt.juju.tools.relationIds('cluster').unwrap();
      if (id === undefined) return;
      const read = rt.juju.tools.relationGetKey(id, 'raw/1', 'who');
      rt.state.set('gone', read.isOk() ? (read.value ?? null) : `error: ${read.error.kind}`);
    });
    const model = new Model();
    await model.deploy('raw', { charm, units: 2 });
    model.setConfig('raw', {});
    await model.settle();
    model.removeUnit('raw/1');
    await model.settle();

    model.fireHook('raw/0', 'update-status');
    await model.settle();

    expect(model.unit('raw/0').data['gone']).toBe('raw/1');
  });
});

describe('any key is data (issue 15 item 6: Juju stores any key)', () => {
  it('stores and reads back a __proto__ key in a relation bag', async () => {
    const charm = new Charm({ metadata });
    charm.hook('cluster-relation-changed').run(function readProto(rt) {
      const id = rt.context.relation?.id;
      const remote = rt.context.remoteUnit;
      if (id === undefined || remote === undefined) return;
      rt.state.set('proto', rt.juju.tools.relationGetKey(id, remote, '__proto__').unwrap() ?? null);
    });
    const model = new Model();
    await model.deploy('raw', { charm, units: 2 });
    await model.settle();

    model.setRelationData('raw/1', 'cluster', { ['__proto__']: 'plain data' });
    await model.settle();

    const bag = model.relationData('cluster:0', 'raw/1');
    expect(Object.hasOwn(bag, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(bag)).toBe(Object.prototype);
    expect(model.unit('raw/0').data['proto']).toBe('plain data');
  });
});

describe('process-mode tool commands (worker/uniter/runner/jujuc)', () => {
  const hook: QueuedHook = {
    hook: 'cluster-relation-changed',
    relationId: 'cluster:0',
    endpoint: 'cluster',
    remoteUnit: 'raw/1',
    failures: 0,
  };
  const tools = {
    relationGetKey: () => Ok(undefined),
    recordCall: () => undefined,
  } as unknown as UnitHookTools;
  const context = { tools, hook, charmDir: '/nonexistent' };
  const run = (tool: string, ...argv: string[]) =>
    runToolCommand(context, tool, argv, Buffer.alloc(0));

  it('relation-get of a missing key prints null with --format=json and nothing by default (jujuc/relation-get.go)', () => {
    expect(run('relation-get', '--format=json', 'missing', 'raw/1')).toEqual({
      exitCode: 0,
      stdout: 'null\n',
      stderr: '',
    });
    expect(run('relation-get', 'missing', 'raw/1')).toEqual({
      exitCode: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('answers --help with usage and exit 0 for every tool, as juju/cmd does (charmhelpers probes relation-set --help)', () => {
    for (const tool of ['relation-set', 'relation-get', 'leader-set', 'status-set', 'open-port']) {
      const reply = run(tool, '--help');
      expect(reply.exitCode).toBe(0);
      expect(reply.stdout).toMatch(new RegExp(`^Usage: ${tool}`));
    }
    expect(run('relation-set', '-h').exitCode).toBe(0);
    expect(run('relation-set', '--', '--help').exitCode).not.toBe(0);
  });
});

describe('scope entry (apiserver/facades/agent/uniter/uniter.go EnterScope: private-address, ingress-address, egress-subnets)', () => {
  const dbMetadata = (role: 'provides' | 'requires', name: string): CharmMetadata => ({
    name,
    endpoints: [{ name: 'db', role, interface: 'raw-db' }],
  });

  it('writes the three keys into the unit’s own bag before any peer sees it join (EnterScope, state/relationunit.go)', async () => {
    const charm = new Charm({ metadata });
    charm.hook('cluster-relation-created').run(function readOwn(rt) {
      const id = rt.context.relation?.id;
      if (id !== undefined)
        rt.state.set('own', rt.juju.tools.relationGet(id, rt.unitName).unwrap());
    });
    charm.hook('cluster-relation-joined').run(function readJoiner(rt) {
      const id = rt.context.relation?.id;
      const remote = rt.context.remoteUnit;
      if (id === undefined || remote === undefined) return;
      rt.state.set(`joined.${remote}`, rt.juju.tools.relationGet(id, remote).unwrap());
    });
    const model = new Model();
    await model.deploy('raw', { charm, units: 2 });
    await model.settle();

    expect(model.unit('raw/0').data['own']).toEqual(scopeAddresses('10.0.0.10'));
    expect(model.unit('raw/0').data['joined.raw/1']).toEqual(scopeAddresses('10.0.0.11'));
    expect(model.unit('raw/1').data['joined.raw/0']).toEqual(scopeAddresses('10.0.0.10'));
    // Juju wrote them (no hook), before raw/0 ran its joined for raw/1.
    const written = model.trace.find((e) => e.kind === 'published' && e.unit === 'raw/1');
    const joined = model.trace.find(
      (e) => e.kind === 'hook' && e.unit === 'raw/0' && e.remoteUnit === 'raw/1',
    );
    expect(written).toMatchObject({
      relationId: 'cluster:0',
      changes: scopeAddresses('10.0.0.11'),
    });
    expect(written && 'hook' in written).toBe(false);
    expect(written?.seq).toBeLessThan(joined?.seq ?? 0);
  });

  it('uses the unit’s address on the relation’s endpoint, egress-subnets as a CIDR (firewall FormatAsCIDR: /32, /128)', async () => {
    const model = new Model();
    await model.deploy('app', { charm: new Charm({ metadata: dbMetadata('provides', 'app') }) });
    await model.deploy('db', {
      charm: new Charm({ metadata: dbMetadata('requires', 'db') }),
      units: 2,
    });
    model.setBinding('app/0', 'db', '192.168.5.5');
    model.setBinding('db/1', 'db', 'fd00::7');
    const id = model.relate('app', 'db');
    await model.settle();

    expect(model.relationData(id, 'app/0')).toEqual(scopeAddresses('192.168.5.5'));
    expect(model.relationData(id, 'db/0')).toEqual(scopeAddresses(model.unit('db/0').address));
    expect(model.relationData(id, 'db/1')).toEqual({
      'egress-subnets': 'fd00::7/128',
      'ingress-address': 'fd00::7',
      'private-address': 'fd00::7',
    });
  });

  it('sets endpoint.<name>.changed.<key> for the keys Juju wrote, and an available rule on the charm’s own key waits for it', async () => {
    class UrlRequires extends Endpoint {
      static override readonly interfaceName = 'raw-db';
      static override readonly roles = ['requires'] as const;
      protected override handlers() {
        return [
          this.on({ id: 'available', when: ['endpoint.{endpoint_name}.changed'] }, () => {
            const urls = this.allJoinedUnits.filter(
              (u) => typeof u.receivedRaw['url'] === 'string',
            );
            this.toggleFlag('{endpoint_name}.available', urls.length > 0);
          }),
        ];
      }
    }
    const model = new Model();
    await model.deploy('app', { charm: new Charm({ metadata: dbMetadata('provides', 'app') }) });
    const client = new Charm({ metadata: dbMetadata('requires', 'client') }).endpoint(UrlRequires);
    await model.deploy('client', { charm: client });
    model.relate('client', 'app');
    await model.settle();

    const flags = model.unit('client/0').flags;
    expect(flags).toEqual(
      expect.arrayContaining([
        'endpoint.db.changed.egress-subnets',
        'endpoint.db.changed.ingress-address',
        'endpoint.db.changed.private-address',
      ]),
    );
    expect(flags).not.toContain('db.available');

    model.setRelationData('app/0', 'db', { url: 'http://10.0.0.10/' });
    await model.settle();
    expect(model.unit('client/0').flags).toContain('db.available');
  });
});
