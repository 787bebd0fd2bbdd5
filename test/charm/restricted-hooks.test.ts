// Restricted hooks: Juju runs collect-metrics and meter-status-changed outside the uniter's
// queue, where every tool but juju-log (and add-metric) fails "not implemented for restricted
// context" (worker/uniter/runner/jujuc/restricted.go, worker/metrics/collect/context.go).
import { Err } from 'ts-results-es';
import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { HookToolError } from '../../src/juju/hook-tool-error.js';
import { configFlags } from '../../src/layers/config.js';
import { leadership } from '../../src/layers/leadership.js';
import { hookHarness } from '../helpers/hook.js';
import { StubHookTools, stubWorld } from '../helpers/stub-tools.js';

/** Tools that refuse what a restricted context refuses. */
function restrictedTools(): StubHookTools {
  const tools = new StubHookTools(stubWorld({ config: { port: 1 } }));
  const refused = (tool: string) =>
    new HookToolError('failed', tool, 'not implemented for restricted context', 1);
  for (const tool of [
    'is-leader',
    'leader-get',
    'config-get',
    'status-set',
    'relation-ids',
    'state-get',
    'goal-state',
  ]) {
    tools.world.failures[tool] = refused(tool);
  }
  return tools;
}

describe.each(['collect-metrics', 'meter-status-changed'])('the restricted hook %s', (hook) => {
  it('runs only the hook handlers that name it: no layer start-up, no flag handler, no hook("*"), no status', async () => {
    const ran: string[] = [];
    const charm = new Charm().use(leadership).use(configFlags);
    charm.status(() => ({ status: 'active' }));
    charm.when('installed').run(() => {
      ran.push('when-installed');
    });
    charm.handler({ id: 'always' }, () => {
      ran.push('always');
    });
    charm.hook('*').run(function everyHook() {
      ran.push('every-hook');
    });
    charm.hook(`{install,${hook}}`).run(function named() {
      ran.push('named');
    });
    charm.hook(hook).run(function own(rt) {
      ran.push(hook);
      if (hook === 'collect-metrics') {
        const added = rt.juju.addMetric({ users: '3' });
        if (added.isErr()) throw added.error;
      }
    });
    const h = hookHarness(charm, { tools: restrictedTools() });
    h.store.save({ version: 1, flags: ['installed'], data: {} });
    const result = await h.run({ hookName: hook });
    expect(result).toMatchObject({ ok: true, exitCode: 0 });
    expect(ran).toEqual(['named', hook]);
    const called = h.tools.toolNames();
    expect(called.filter((t) => t !== 'add-metric')).toEqual([]);
    if (hook === 'collect-metrics') expect(h.tools.world.metrics).toEqual([{ users: '3' }]);
  });

  it('reads the unit flags but never saves the unit state', async () => {
    let flags: string[] = [];
    const charm = new Charm();
    charm.hook(hook).run((rt) => {
      flags = rt.flags.list();
      rt.flags.set('changed.in.restricted');
    });
    const h = hookHarness(charm, { tools: restrictedTools() });
    h.store.save({ version: 1, flags: ['installed'], data: {} });
    const saves = h.store.saves;
    await h.run({ hookName: hook });
    expect(flags).toEqual(['installed']);
    expect(h.store.saves).toBe(saves);
  });

  it('still runs when the unit state lives in Juju, where state-get is refused', async () => {
    let ran = false;
    const charm = new Charm();
    charm.hook(hook).run(() => {
      ran = true;
    });
    const h = hookHarness(charm, { tools: restrictedTools() });
    h.store.load = () => {
      throw Err(new Error('state-get: not implemented for restricted context')).error;
    };
    const result = await h.run({ hookName: hook });
    expect(result.ok).toBe(true);
    expect(ran).toBe(true);
  });
});
