// A readable run of the charm on a simulated Juju model with three simulated MariaDB servers:
// deploy, the initial setup, writes, the source killed, the leader's update-status checks
// counting to failure-threshold, the failover, the new source read back, the old source
// rejoining, and cluster-status. Every line carries the model's time.
// Run: npm run start:replication
import { committedTopology, deploySimulated } from './src/deploy.js';
import type { ClusterStatus } from './src/failover/cluster-status.js';

const { model, app, fleet } = await deploySimulated({ units: 3, seed: 1, app: 'mariadb' });
const started = model.now;
const clock = () => {
  const s = Math.round((model.now - started) / 1000);
  return `[${String(Math.floor(s / 60)).padStart(3)}m${String(s % 60).padStart(2, '0')}s]`;
};
const leader = () => model.leader(app) ?? '';
const statuses = () => {
  for (const unit of model.units(app)) {
    const { status, message } = model.unit(unit).status;
    const mark = unit === leader() ? '*' : ' ';
    console.log(`${clock()}   ${unit}${mark} ${status}: ${message}`);
  }
};

console.log(
  `${clock()} juju deploy mariadb-replication -n 3 (update-status every 5m, failure-threshold 3)`,
);
const report = await model.settle();
console.log(`${clock()} settled after ${report.hooksRun} hooks:`);
statuses();

const source = committedTopology(model, app).source ?? '';
for (let i = 0; i < 5; i++) fleet.write(source, `order-${i}`, `paid-${i}`);
fleet.tick();
console.log(`${clock()} 5 rows written through ${source}, replicated`);

fleet.kill(source);
const killedAt = model.now;
console.log(`${clock()} ${source}'s mariadbd is killed`);
const statusLine = () => {
  const { status, message } = model.unit(leader()).status;
  return `${status}: ${message}`;
};
let last = statusLine();
while (committedTopology(model, app).source === source) {
  await model.advance({ minutes: 1 });
  const line = statusLine();
  if (line !== last) console.log(`${clock()}   leader ${leader()}: ${line}`);
  last = line;
}
const next = committedTopology(model, app).source ?? '';
const minutes = (model.now - killedAt) / 60_000;
console.log(`${clock()} ${next} is the source, ${minutes} min of model time after the kill`);
console.log(`${clock()} ${next} holds order-4: ${fleet.server(next).data.get('order-4')}`);
console.log(
  `${clock()} a write on ${next}: ${JSON.stringify(fleet.write(next, 'order-5', 'paid-5'))}`,
);

fleet.restart(source);
console.log(`${clock()} ${source}'s mariadbd starts again (read-only, as its my.cnf starts it)`);
await model.advance({ minutes: 10 });
statuses();

const result = await model.runAction(leader(), 'cluster-status', {});
const topology = JSON.parse(result.results['cluster-status'] ?? '{}') as ClusterStatus;
console.log(`${clock()} juju run ${leader()} cluster-status`);
for (const [unit, u] of Object.entries(topology.units)) {
  const from = u['replicating-from'] ? ` from ${u['replicating-from']}` : '';
  console.log(
    `${clock()}   ${unit}: ${u.role}${from}, read-only ${u['read-only']}, gtid ${u['gtid-current-pos']}`,
  );
}
await model.close();
