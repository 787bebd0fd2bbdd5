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

  it('timeline entries share what they repeat: one empty list, one copy of each handler list, while each keeps its own effects', async () => {
    const { model } = await settled({});
    const entries = model.units().flatMap((unit) => [...model.timeline(unit)]);
    const quiet = entries.filter((e) => e.published.length === 0);
    const publishing = entries.filter((e) => e.published.length > 0);
    expect(quiet.length).toBeGreaterThan(0);
    expect(publishing.length).toBeGreaterThan(0);
    // Nothing published: the same frozen empty list, which no later commit wrote into.
    expect(new Set(quiet.map((e) => e.published)).size).toBe(1);
    expect(Object.isFrozen(quiet[0]?.published)).toBe(true);
    // Entries that ran the same handlers hold one list between them.
    const byHandlers = new Map<string, Set<readonly string[]>>();
    for (const e of entries) {
      if (e.handlers === undefined) continue;
      const key = e.handlers.join(',');
      byHandlers.set(key, (byHandlers.get(key) ?? new Set()).add(e.handlers));
    }
    expect(byHandlers.size).toBeGreaterThan(0);
    for (const [key, lists] of byHandlers) expect(lists.size, key).toBe(1);
    // Each publishing entry lists its own bags (peer-echo publishes to its peer relation).
    for (const e of publishing) expect(e.published.every((p) => p.keys.length > 0)).toBe(true);
    await model.close();
  });
});
