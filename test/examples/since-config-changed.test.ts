// The example keeps `cluster-user`/`cluster-name` and its binding address between hooks that
// Juju runs only after config-changed has seen the current config and addresses
// (juju/juju worker/uniter/resolver.go nextOp: ConfigHash/AddressesHash before relations).
import { describe, expect, it } from 'vitest';
import { localClusterAddress } from '../../examples/mysql-innodb-cluster/src/addresses.js';
import { configured } from '../../examples/mysql-innodb-cluster/src/config-checks.js';
import { configOption, keptOptionKey } from '../../examples/shared/kept-config/index.js';
import { Charm, hookHarness, peerMetadata } from '../helpers/hook.js';
import { StubHookTools } from '../helpers/stub-tools.js';
import { peerData, peerWorld, REL } from '../interfaces/mysql-innodb-cluster/builders.js';

function setup() {
  const world = peerWorld({ 'mysql/1': peerData(1) }, { config: { 'cluster-user': 'first' } });
  const tools = new StubHookTools(world);
  const seen: { user: string; address: string }[] = [];
  const charm = new Charm().when().run(function read(rt) {
    seen.push({ user: configured(rt).user, address: localClusterAddress(rt) });
  });
  const h = hookHarness(charm, { tools, metadata: peerMetadata() });
  const relationChanged = () =>
    h.run({
      hookName: 'cluster-relation-changed',
      relation: { name: 'cluster', id: REL },
      remoteUnit: 'mysql/1',
      remoteApp: 'mysql',
    });
  return { world, tools, seen, h, relationChanged };
}

const callsSince = (tools: StubHookTools, from: number) =>
  tools.calls.slice(from).map((c) => c.tool);

describe('values only config-changed can change (worker/uniter/resolver.go nextOp)', () => {
  it('are read in config-changed and kept for the relation hooks after it', async () => {
    const { tools, seen, h, relationChanged } = setup();
    await h.run({ hookName: 'config-changed' });
    expect(callsSince(tools, 0)).toContain('config-get');
    const before = tools.calls.length;
    await relationChanged();
    expect(callsSince(tools, before)).not.toContain('config-get');
    expect(callsSince(tools, before)).not.toContain('network-get');
    expect(seen.at(-1)).toEqual({ user: 'first', address: '10.0.0.10' });
  });

  it('are read again in the next config-changed, and relation hooks then see the new value', async () => {
    const { world, seen, h, relationChanged } = setup();
    await h.run({ hookName: 'config-changed' });
    world.config['cluster-user'] = 'second';
    await h.run({ hookName: 'config-changed' });
    await relationChanged();
    expect(seen.at(-1)?.user).toBe('second');
  });

  it('are read in a relation hook when no earlier hook kept them', async () => {
    const { tools, seen, relationChanged } = setup();
    await relationChanged();
    expect(callsSince(tools, 0)).toContain('config-get');
    expect(seen.at(-1)?.user).toBe('first');
  });
});

describe('configOption (examples/shared/kept-config): one option, kept since config-changed', () => {
  function optionSetup(config: Record<string, unknown>) {
    const world = peerWorld({ 'mysql/1': peerData(1) }, { config });
    const tools = new StubHookTools(world);
    const seen: unknown[] = [];
    const charm = new Charm().when().run(function read(rt) {
      seen.push(configOption(rt, 'weight'));
      seen.push(configOption(rt, 'discovery-zookeeper'));
    });
    const metadata = {
      ...peerMetadata(),
      config: {
        weight: { type: 'string' as const },
        'discovery-zookeeper': { type: 'string' as const },
        'admin-password': { type: 'secret' as const },
      },
    };
    const h = hookHarness(charm, { tools, metadata });
    return { world, tools, seen, h, metadata };
  }
  const changed = {
    hookName: 'cluster-relation-changed',
    relation: { name: 'cluster', id: REL },
    remoteUnit: 'mysql/1',
    remoteApp: 'mysql',
  };

  it('relation hooks and update-status after config-changed make no config-get and see the value it kept (an unset option is undefined)', async () => {
    const { world, tools, seen, h } = optionSetup({ weight: '2' });
    await h.run({ hookName: 'config-changed' });
    expect(h.store.load().data[keptOptionKey('weight')]).toBe('2');
    world.config['weight'] = '9'; // not yet seen by a config-changed: Juju runs one first
    const before = tools.calls.length;
    await h.run(changed);
    await h.run({ hookName: 'update-status' });
    expect(callsSince(tools, before)).not.toContain('config-get');
    expect(seen.slice(-4)).toEqual(['2', undefined, '2', undefined]);
    await h.run({ hookName: 'config-changed' });
    await h.run(changed);
    expect(seen.slice(-2)).toEqual(['9', undefined]);
  });

  it('refuses an option config.yaml declares secret: it is never kept in the unit state', async () => {
    const { tools, metadata } = optionSetup({ 'admin-password': 'secret:abc' });
    const charm = new Charm().when().run(function readSecret(rt) {
      configOption(rt, 'admin-password');
    });
    const result = await hookHarness(charm, { tools, metadata }).run({
      hookName: 'config-changed',
    });
    expect(result.ok).toBe(false);
    expect(result.error).toContain(
      'config option admin-password is declared secret: read it with rt.config(), it is never kept in the unit state',
    );
  });
});
