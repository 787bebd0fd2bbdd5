// Random schedules: the example charm on the simulator, 3 and 5 units, with hook failures
// injected on random units and handlers, leader changes, and units removed and added, all at
// random points of the run. Every run must settle with every remaining unit clustered, and
// invariants are checked after every hook:
//  - a unit with cluster.clustered also has cluster.available;
//  - no unit has published unit-clustered before the leader settings mark its instance clustered;
//  - a failed hook left no trace in relation data, leader settings, secrets or unit state;
//  - once settled, the cluster holds exactly the remaining units' instances (none of a
//    removed unit), each instance exactly their cluster users, and the leader settings mark
//    exactly those instances clustered.
// Seeds per size: JR_SCHEDULE_SEEDS (default 200). Hooks are retried as Juju retries them
// (the model's maxRetries is set high), and a schedule never removes the last unit whose
// instance the cluster holds (that loses the cluster; recovering it is an operator's job).
import { describe, expect, it } from 'vitest';
import { runSchedule } from './schedules.js';

const SEEDS = Number(process.env.JR_SCHEDULE_SEEDS ?? 200);

describe('random schedules of the example charm', () => {
  for (const size of [3, 5]) {
    it(`settles ${size} units clustered under failures, leader changes and scaling (${SEEDS} seeds)`, async () => {
      let hooks = 0;
      let failedHooks = 0;
      const unsettled: string[] = [];
      const broken: string[] = [];
      for (let seed = 1; seed <= SEEDS; seed++) {
        const result = await runSchedule(size, seed);
        hooks += result.hooks;
        failedHooks += result.failedHooks;
        const where = `seed ${seed} (${result.actions.join('; ')})`;
        if (!result.settled) unsettled.push(where);
        if (result.violations.length > 0)
          broken.push(`${where}: ${[...new Set(result.violations)].slice(0, 5).join(' | ')}`);
      }
      console.log(
        `random schedules, ${size} units: ${SEEDS} seeds run, ${unsettled.length} failed to settle, ` +
          `${broken.length} with invariant violations (${hooks} hooks, ${failedHooks} failed and retried)`,
      );
      expect(unsettled).toEqual([]);
      expect(broken).toEqual([]);
      expect(failedHooks).toBeGreaterThan(SEEDS);
    }, 300_000);
  }
});
