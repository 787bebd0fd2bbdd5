// Simulator throughput: in-process hooks per second for the peer-echo fixture charm at
// 3, 12 and 50 units. A measurement, not a test: `npx tsx test/testing/bench.ts`.
import { fileURLToPath } from 'node:url';
import { Model, type TraceLevel } from '../../src/testing/index.js';

const charmDir = fileURLToPath(new URL('../fixtures/charms/peer-echo', import.meta.url));

/** Deploy and settle `units` units, `repeat` times; hooks and settle time summed. */
async function run(
  units: number,
  trace: TraceLevel,
  repeat = 1,
): Promise<{ hooks: number; ms: number }> {
  let hooks = 0;
  let ms = 0;
  for (let i = 0; i < repeat; i++) {
    const model = new Model({ seed: i + 1, trace });
    await model.deploy('echo', { charmDir, units });
    const started = performance.now();
    const report = await model.settle();
    ms += performance.now() - started;
    if (!report.settled) throw new Error(`${units} units did not settle`);
    hooks += report.hooksRun;
  }
  return { hooks, ms };
}

await run(12, 'full', 5); // warm up the JIT
const repeats: Record<number, number> = { 3: 200, 12: 20, 50: 2 };
for (const trace of ['full', 'hooks'] as const) {
  for (const units of [3, 12, 50]) {
    const { hooks, ms } = await run(units, trace, repeats[units]);
    const rate = Math.round((hooks / ms) * 1000);
    console.log(
      `trace=${trace.padEnd(5)} units=${String(units).padStart(2)}  hooks=${String(hooks).padStart(6)}  ${ms.toFixed(0).padStart(6)} ms  ${rate} hooks/s`,
    );
  }
}
