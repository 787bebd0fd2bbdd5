// Profiling driver (not a test): deploy + settle the example at N units and peer-echo at N units.
// usage: npx tsx test/bench/sim-profile.ts example 50 | echo 50 | single 100
import { fileURLToPath } from 'node:url';
import { deploySimulated } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import { Model } from '../../src/testing/index.js';

const PEER_ECHO = fileURLToPath(new URL('../fixtures/charms/peer-echo', import.meta.url));
const [kind = 'example', unitsArg = '50', runsArg = '1'] = process.argv.slice(2);
const units = Number(unitsArg);
const runs = Number(runsArg);
async function make(seed: number) {
  if (kind === 'echo') {
    const model = new Model({ seed });
    await model.deploy('echo', { charmDir: PEER_ECHO, units });
    return model;
  }
  return (await deploySimulated({ units, seed })).model;
}
if (kind === 'single') {
  const model = await make(1);
  await model.settle();
  const unit = model.units()[units >> 1] as string;
  const cpu = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < 2000; i++) {
    model.fireHook(unit, 'update-status');
    await model.step(unit);
  }
  const used = process.cpuUsage(cpu);
  console.log(
    `single ${units}: ${((performance.now() - t) / 2000).toFixed(3)} ms wall, ${((used.user + used.system) / 1000 / 2000).toFixed(3)} ms cpu`,
  );
} else {
  let hooks = 0;
  let ms = 0;
  let cpuUs = 0;
  for (let i = 0; i < runs; i++) {
    const model = await make(i + 1);
    const cpu = process.cpuUsage();
    const t = performance.now();
    const report = await model.settle();
    const used = process.cpuUsage(cpu);
    ms += performance.now() - t;
    cpuUs += used.user + used.system;
    hooks += report.hooksRun;
    await model.close();
  }
  console.log(
    `${kind} ${units}x${runs}: ${hooks} hooks ${ms.toFixed(0)} ms  ${Math.round((hooks / ms) * 1000)} h/s wall  ${Math.round((hooks / cpuUs) * 1e6)} h/cpu-s  rss ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
  );
}
