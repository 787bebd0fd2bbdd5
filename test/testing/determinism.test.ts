// Seeded interleavings: the same seed replays the same run byte for byte; different seeds
// interleave differently but a convergent charm ends in the same state.
import { describe, expect, it } from 'vitest';
import { Model, type ModelOptions } from '../../src/testing/index.js';
import { fixtureCharm } from './helpers.js';

async function converge(options: ModelOptions): Promise<Model> {
  const model = new Model(options);
  await model.deploy('echo', { charmDir: fixtureCharm('peer-echo'), units: 4 });
  await model.settle();
  model.addUnit('echo');
  model.removeUnit('echo/1');
  const report = await model.settle();
  expect(report.settled).toBe(true);
  return model;
}

/**
 * What a convergent charm must agree on, whatever the interleaving. `leadership.changed*` are
 * left out: they say "changed since this unit's previous hook", which depends on the order.
 */
function finalState(model: Model) {
  return {
    leaderSettings: model.leaderSettings('echo'),
    units: model.units('echo').map((name) => {
      const unit = model.unit(name);
      const flags = unit.flags.filter((f) => !f.startsWith('leadership.changed'));
      return { name, flags, published: unit.published('cluster'), status: unit.status };
    }),
  };
}

const interleaving = (model: Model) =>
  model.trace.filter((e) => e.kind === 'hook').map((e) => `${e.unit} ${e.hook}`);

describe('seeded interleaving', () => {
  it('replays the same seed byte for byte', async () => {
    const first = await converge({ seed: 42 });
    const second = await converge({ seed: 42 });
    expect(JSON.stringify(second.trace)).toBe(JSON.stringify(first.trace));
    expect(second.renderTimeline({ detail: true })).toBe(first.renderTimeline({ detail: true }));
  });

  it('interleaves differently for different seeds, and converges to the same state', async () => {
    const a = await converge({ seed: 1 });
    const b = await converge({ seed: 2 });
    const roundRobin = await converge({});

    expect(interleaving(a)).not.toEqual(interleaving(b));
    expect(finalState(a)).toEqual(finalState(b));
    expect(finalState(a)).toEqual(finalState(roundRobin));
    expect(finalState(a).leaderSettings).toEqual({ members: 'echo/0,echo/2,echo/3,echo/4' });
  });

  it('uses round-robin by default and random once seeded', () => {
    expect(new Model().order).toBe('round-robin');
    expect(new Model({ seed: 3 }).order).toBe('random');
    expect(new Model({ seed: 3, order: 'round-robin' }).order).toBe('round-robin');
  });
});
