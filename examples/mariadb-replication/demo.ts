// A readable run of the failover engine on three simulated servers: initial setup, writes, the
// source killed, failed checks counted to the threshold, the promotion, and the old source
// rejoining. Each leader check stands for one update-status hook (Juju's default interval is
// 5 minutes); the charm wiring with model time comes with model.advance.
// Run: npx tsx examples/mariadb-replication/demo.ts
import { clusterStatus } from './src/failover/cluster-status.js';
import { describeStep } from './src/failover/execute.js';
import { observe } from './src/failover/observation.js';
import { type CheckOutcome, SimulatedReplication } from './src/simulate.js';

const sim = new SimulatedReplication(['mariadb/0', 'mariadb/1', 'mariadb/2']);
let checks = 0;

function show(outcome: CheckOutcome): void {
  checks++;
  const at = `check ${String(checks).padStart(2)} (update-status #${checks})`;
  if (!outcome.ok) {
    console.log(`${at}  hook failed: ${outcome.error}`);
    return;
  }
  const { decision, failures } = outcome.result;
  console.log(`${at}  ${decision.status.status}: ${decision.status.message}`);
  for (const step of decision.steps) console.log(`    - ${describeStep(step)}`);
  for (const alert of decision.alerts) console.log(`    ! ${alert}`);
  for (const f of failures) console.log(`    x ${describeStep(f.step)}: ${f.error}`);
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const outcome = await sim.check();
    show(outcome);
    if (outcome.ok && outcome.result.decision.steps.length === 0) return;
  }
}

console.log('== three units, replication users created by each unit for its peers');
await sim.createUsers();
await settle();
for (let i = 0; i < 5; i++) sim.fleet.write('mariadb/0', `order-${i}`, `paid-${i}`);
sim.fleet.tick();
console.log('== 5 rows written through mariadb/0 and replicated; mariadb/0 is killed');
sim.fleet.kill('mariadb/0');
while (sim.record.source === 'mariadb/0') show(await sim.check());
console.log(
  `== ${sim.record.source} is the source; it holds order-4: ${sim.fleet.server(sim.record.source ?? '').data.get('order-4')}`,
);
console.log('== mariadb/0 comes back (read-only, as its my.cnf starts it)');
sim.fleet.restart('mariadb/0');
await settle();
console.log('== cluster-status');
console.log(
  JSON.stringify(clusterStatus(sim.record, await observe(sim.backend, sim.record)), null, 2),
);
