// Process mode: the charm's real dispatch runs for every hook, with fake hook tools on PATH
// talking to the model over a unix socket. It must agree with the in-process run.
import { afterEach, describe, expect, it } from 'vitest';
import { Model } from '../../src/testing/index.js';
import { fixtureCharm, hooksRun, now, scopeAddresses } from './helpers.js';

const models: Model[] = [];
afterEach(async () => {
  for (const model of models.splice(0)) await model.close();
});

async function deployed(
  charm: 'peer-echo' | 'probe',
  units: number,
  processes: boolean,
): Promise<Model> {
  const model = new Model();
  models.push(model);
  await model.deploy(charm === 'probe' ? 'probe' : 'echo', {
    charmDir: fixtureCharm(charm),
    units,
    processes,
  });
  return model;
}

/** Everything a test could assert on, per unit. */
function observable(model: Model) {
  return model.units().map((name) => {
    const unit = model.unit(name);
    return {
      name,
      flags: unit.flags,
      published: unit.published('cluster'),
      status: unit.status,
      data: unit.data,
    };
  });
}

const toolCalls = (model: Model) =>
  model.trace.flatMap((e) =>
    e.kind === 'tool' ? [`${e.unit} ${e.tool} ${e.args.join(' ')} ${e.ok}`] : [],
  );

// Every hook here is a node process; on a loaded machine a 3-unit scenario can pass 30 s.
describe('process mode', { timeout: 120_000 }, () => {
  it('agrees with in-process mode on the same scenario: flags, data, statuses and tool calls', async () => {
    const inProcess = await deployed('peer-echo', 3, false);
    const asProcesses = await deployed('peer-echo', 3, true);

    const [a, b] = [await inProcess.settle(), await asProcesses.settle()];

    expect(b).toEqual(a);
    expect(b.settled).toBe(true);
    expect(observable(asProcesses)).toEqual(observable(inProcess));
    expect(asProcesses.leaderSettings('echo')).toEqual(inProcess.leaderSettings('echo'));
    expect(toolCalls(asProcesses)).toEqual(toolCalls(inProcess));
  });

  it('gives a charm the same tool answers and departed semantics as in-process mode', async () => {
    const inProcess = await deployed('probe', 3, false);
    const asProcesses = await deployed('probe', 3, true);
    for (const model of [inProcess, asProcesses]) {
      await model.settle();
      model.setConfig('probe', { payload: 'hello' });
      await model.settle();
      model.removeUnit('probe/2');
      expect((await model.settle()).settled).toBe(true);
    }

    expect(observable(asProcesses)).toEqual(observable(inProcess));
    expect(asProcesses.unit('probe/1').data['tool-kinds']).toMatchObject({
      unknownRelation: 'relation-not-found',
      leaderSetByNonLeader: 'not-leader',
    });
    expect(asProcesses.unit('probe/0').data['departed.probe/2']).toEqual({
      list: ['probe/1'],
      departing: 'probe/2',
      data: { ...scopeAddresses('10.0.0.12'), payload: 'hello' },
    });
  });

  it('discards a failed hook process’s writes and retries it', async () => {
    const model = await deployed('probe', 2, true);
    await model.settle();
    model.setConfig('probe', { payload: 'p1' });
    model.failNextHook('probe/1', { hook: 'config-changed' });
    const before = now(model);

    const failed = await model.step('probe/1');
    expect(failed?.ok).toBe(false);
    expect(model.relationData('cluster:0', 'probe/1')).toEqual(scopeAddresses('10.0.0.11'));
    expect((await model.settle()).settled).toBe(true);

    expect(model.relationData('cluster:0', 'probe/1')).toEqual({
      ...scopeAddresses('10.0.0.11'),
      payload: 'p1',
    });
    expect(hooksRun(model, 'probe/0', before)).toContain('cluster-relation-changed probe/1');
  });

  it('reports the charm’s own failure from its ERROR log line', async () => {
    const model = await deployed('probe', 1, true);
    const id = 'secret:not-there';
    await model.settle();
    model.setConfig('probe', { 'secret-id': id });
    const report = await model.settle({ maxHooks: 2 });

    expect(report.errorUnits).toEqual(['probe/0']);
    expect(model.unit('probe/0').error?.message).toMatch(
      /hook config-changed failed in handler publishPayload: .*secret "secret:not-there" not found/,
    );
  });

  it('refuses handler failures for units run as processes', async () => {
    const model = await deployed('probe', 1, true);
    expect(() => model.failNextHook('probe/0', { handler: 'publishPayload' })).toThrow(
      /in-process unit/,
    );
  });
});
