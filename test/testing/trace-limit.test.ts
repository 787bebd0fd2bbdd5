import { describe, expect, it } from 'vitest';
import { MAX_BOUNDED_MODEL_UNITS, MAX_MODEL_UNITS, Model } from '../../src/testing/index.js';
import { fixtureCharm } from './helpers.js';

async function settled(options: { traceLimit?: number }) {
  const model = new Model({ seed: 3, ...options });
  await model.deploy('echo', { charmDir: fixtureCharm('peer-echo'), units: 4 });
  const report = await model.settle();
  return { model, report };
}

describe('a bounded trace (traceLimit, for big models)', () => {
  it('keeps the last events and timeline entries, and runs exactly the same hooks', async () => {
    const full = await settled({});
    const bounded = await settled({ traceLimit: 8 });
    expect(bounded.report).toEqual(full.report);
    expect(full.model.trace.length).toBeGreaterThan(8);
    expect(bounded.model.trace).toEqual(full.model.trace.slice(-8));
    for (const unit of full.model.units()) {
      const all = full.model.timeline(unit);
      expect(all.length).toBeGreaterThan(8);
      expect(bounded.model.timeline(unit)).toEqual(all.slice(-8));
      expect(bounded.model.unit(unit).flags).toEqual(full.model.unit(unit).flags);
    }
    // The kept lines render as they do in the full timeline (numbers as wide as the last's).
    const fullLines = new Set(full.model.renderTimeline().split('\n'));
    for (const line of bounded.model.renderTimeline().split('\n')) {
      expect(fullLines.has(line), line).toBe(true);
    }
    await full.model.close();
    await bounded.model.close();
  });

  it('refuses a limit that is not a whole number above 0', () => {
    expect(() => new Model({ traceLimit: 0 })).toThrow(
      'traceLimit must be a whole number above 0, got 0',
    );
    expect(() => new Model({ traceLimit: 2.5 })).toThrow('got 2.5');
  });

  it('lets a model with a bounded trace hold more units than a full one, up to its own limit', async () => {
    expect(MAX_BOUNDED_MODEL_UNITS).toBeGreaterThan(MAX_MODEL_UNITS);
    const charmDir = fixtureCharm('peer-echo');
    const full = new Model();
    await expect(full.deploy('echo', { charmDir, units: MAX_MODEL_UNITS + 1 })).rejects.toThrow(
      `at most ${MAX_MODEL_UNITS} units per model with a full trace (with ModelOptions.traceLimit, up to ${MAX_BOUNDED_MODEL_UNITS})`,
    );
    const bounded = new Model({ traceLimit: 100 });
    await bounded.deploy('echo', { charmDir, units: MAX_MODEL_UNITS + 1 });
    expect(bounded.units()).toHaveLength(MAX_MODEL_UNITS + 1);
    const rest = MAX_BOUNDED_MODEL_UNITS - MAX_MODEL_UNITS - 1;
    await expect(bounded.deploy('more', { charmDir, units: rest + 1 })).rejects.toThrow(
      `at most ${MAX_BOUNDED_MODEL_UNITS} units per model (this would make ${MAX_BOUNDED_MODEL_UNITS + 1})`,
    );
    await full.close();
    await bounded.close();
  });
});
