// Per-call cost of the fake hook tools, as a charm pays it (spawnSync per call, like
// ProcessHookTools, from a separate process), for the C client and the Node client, against
// baselines. A measurement, not a test: `npx tsx test/testing/bench-tools.ts`.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ProcessHost } from '../../src/testing/process/host.js';

const CALLS = 100;

/** Time `CALLS` spawnSync calls of a command inside a child node process (the charm's side). */
function timePerCall(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const script = `
    const { spawnSync } = require('node:child_process');
    const [command, ...args] = JSON.parse(process.argv[1]);
    spawnSync(command, args);
    const started = performance.now();
    for (let i = 0; i < ${CALLS}; i++) spawnSync(command, args, { encoding: 'utf8' });
    process.stdout.write(String((performance.now() - started) / ${CALLS}));`;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-e', script, JSON.stringify([command, ...args])], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('error', fail);
    child.on('close', () => done(Number(out)));
  });
}

const baseEnv = { ...process.env };
delete baseEnv['NODE_OPTIONS'];
const show = (label: string, ms: number) =>
  console.log(`${label.padEnd(24)} ${ms.toFixed(2)} ms/call`);
show('/bin/true', await timePerCall('/bin/true', [], baseEnv));
show("node -e ''", await timePerCall(process.execPath, ['-e', ''], baseEnv));
for (const kind of ['c', 'node'] as const) {
  const host = await ProcessHost.start({ toolClient: kind });
  // The reply for an unknown context takes the same path as a real call (socket round trip;
  // the model-side work is microseconds), so this measures what the client costs.
  const env = { ...baseEnv, JUJU_AGENT_SOCKET_ADDRESS: host.socketPath, JUJU_CONTEXT_ID: 'bench' };
  show(
    `is-leader (${kind} client)`,
    await timePerCall(join(host.toolDir, 'is-leader'), ['--format=json'], env),
  );
  await host.close();
}
