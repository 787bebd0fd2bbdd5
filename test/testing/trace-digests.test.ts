// The simulator's speed work must not change what it simulates: the trace and the detailed
// timeline of seeded runs of both charms (peer-echo and the example) are pinned to the digests
// recorded at db36ac1, before that work. A change meant to alter traces (a new trace event, a
// scheduling fix, a charm's handlers renamed) regenerates trace-digests.json with
// `npx tsx test/testing/trace-digests.ts > test/testing/trace-digests.json` and says why.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TRACED_RUNS, traceDigest } from './trace-digests.js';

const pinned = JSON.parse(
  readFileSync(new URL('./trace-digests.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

describe('traces of seeded runs stay as recorded', () => {
  for (const { charm, units, seed } of TRACED_RUNS) {
    const name = `${charm} ${units} units seed ${seed}`;
    it(`${name}: same hooks, same trace, same timeline`, async () => {
      expect(await traceDigest(charm, units, seed)).toEqual(pinned[name]);
    }, 60_000);
  }

  it('pins every run it replays', () => {
    expect(Object.keys(pinned).sort()).toEqual(
      TRACED_RUNS.map(({ charm, units, seed }) => `${charm} ${units} units seed ${seed}`).sort(),
    );
  });
});
