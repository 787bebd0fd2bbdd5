// The config layer reproduces layer-basic's flags and rules exactly
// (canonical/layer-basic lib/charms/layer/basic.py init_config_states / clear_config_states;
// charmhelpers hookenv.Config.changed() is true for every option when there is no previous copy).
import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { parseConfigOptions } from '../../src/juju/metadata.js';
import { configFlags } from '../../src/layers/config.js';
import { hookHarness } from '../helpers/hook.js';
import { StubHookTools, stubWorld } from '../helpers/stub-tools.js';

const CONFIG_YAML = `
options:
  port: {type: int, default: 3306}
  cluster-name: {type: string, default: jujuCluster}
  debug: {type: boolean, default: false}
  ratio: {type: float}
`;

function unit(config: Record<string, unknown>, configYaml = CONFIG_YAML) {
  const seen: string[][] = [];
  const charm = new Charm().use(configFlags);
  charm.handler({ id: 'observe' }, (rt) => {
    seen.push(rt.flags.list('config.'));
  });
  const tools = new StubHookTools(stubWorld({ config }));
  const metadata = {
    name: 'mysql',
    endpoints: [],
    config: parseConfigOptions(configYaml, 'config.yaml'),
  };
  const h = hookHarness(charm, { tools, metadata });
  const withYaml = (yaml: string) =>
    hookHarness(charm, {
      tools,
      metadata: { ...metadata, config: parseConfigOptions(yaml, 'config.yaml') },
    });
  return { h, tools, seen, charm, metadata, withYaml };
}

const last = (seen: string[][]) => seen[seen.length - 1];

describe('config flags (layer-basic)', () => {
  it('in the first hook, reports every declared option as changed, and set/default as the values say', async () => {
    const { h, seen } = unit({ port: 3306, 'cluster-name': 'prod', debug: false });
    await h.run({ hookName: 'install' });
    expect(last(seen)).toEqual([
      'config.changed',
      'config.changed.cluster-name',
      'config.changed.debug',
      'config.changed.port',
      'config.changed.ratio',
      'config.default.debug',
      'config.default.port',
      // ratio has no default and no value: None == None in layer-basic.
      'config.default.ratio',
      'config.set.cluster-name',
      'config.set.port',
    ]);
  });

  it('reports only the options whose value changed since the last successful hook', async () => {
    const { h, tools, seen } = unit({ port: 3306, 'cluster-name': 'prod', debug: false });
    await h.run({ hookName: 'install' });
    await h.run({ hookName: 'update-status' });
    expect(last(seen)?.filter((f) => f.startsWith('config.changed'))).toEqual([]);
    tools.world.config = { port: 3307, 'cluster-name': 'prod', debug: false };
    await h.run({ hookName: 'config-changed' });
    expect(last(seen)).toEqual([
      'config.changed',
      'config.changed.port',
      'config.default.debug',
      'config.default.ratio',
      'config.set.cluster-name',
      'config.set.port',
    ]);
  });

  it('uses Python truthiness for config.set.<key>: unset, "", 0 and false are not set', async () => {
    const { h, seen } = unit({ port: 0, 'cluster-name': '', debug: true, ratio: 0.5 });
    await h.run({ hookName: 'install' });
    const set = last(seen)?.filter((f) => f.startsWith('config.set.'));
    expect(set).toEqual(['config.set.debug', 'config.set.ratio']);
  });

  it('clears every config flag once the handlers are done: none persists into the next hook', async () => {
    const { h } = unit({ port: 3306 });
    await h.run({ hookName: 'install' });
    expect(h.store.load().flags.filter((f) => f.startsWith('config.'))).toEqual([]);
  });

  it('reports a change again after a failed hook: what was seen commits only with a successful hook', async () => {
    const { h, tools, seen, charm } = unit({ port: 3306 });
    await h.run({ hookName: 'install' });
    tools.world.config = { port: 4000 };
    let fail = true;
    charm.handler({ id: 'flaky' }, () => {
      if (fail) throw new Error('workload not ready');
    });
    expect((await h.run({ hookName: 'config-changed' })).ok).toBe(false);
    fail = false;
    await h.run({ hookName: 'config-changed' });
    expect(last(seen)).toContain('config.changed.port');
  });

  it('a handler can gate on config.changed.<key>', async () => {
    const charm = new Charm().use(configFlags);
    const reopened: unknown[] = [];
    charm.when('config.changed.port').run(function reopen(rt) {
      reopened.push(rt.config()['port']);
    });
    const tools = new StubHookTools(stubWorld({ config: { port: 3306 } }));
    const h = hookHarness(charm, {
      tools,
      metadata: { name: 'm', endpoints: [], config: parseConfigOptions(CONFIG_YAML, 'c') },
    });
    await h.run({ hookName: 'install' });
    await h.run({ hookName: 'update-status' });
    tools.world.config = { port: 3310 };
    await h.run({ hookName: 'config-changed' });
    expect(reopened).toEqual([3306, 3310]);
  });

  it('after upgrade-charm adds an option, reports it as changed in the next hook', async () => {
    const { h, seen, withYaml, tools } = unit({ port: 3306 });
    await h.run({ hookName: 'install' });
    const upgraded = withYaml(`${CONFIG_YAML}  tls: {type: boolean, default: true}\n`);
    upgraded.store.save(h.store.load());
    tools.world.config = { port: 3306, tls: true };
    await upgraded.run({ hookName: 'upgrade-charm' });
    expect(last(seen)?.filter((f) => f.startsWith('config.changed'))).toEqual([
      'config.changed',
      'config.changed.tls',
    ]);
    expect(last(seen)).toContain('config.default.tls');
  });
});
