// Shared by the serve suites: one control plane per test file, form bodies, and polling a
// cluster until it reaches a phase.
import { type RunningServer, startServer } from '../../src/serve/server.js';

/** Start a control plane on a free loopback port, recording its request log. */
export async function startTestServer(paceMs = 0): Promise<RunningServer & { log: string[] }> {
  const log: string[] = [];
  const server = await startServer({ port: 0, paceMs, log: (line) => log.push(line) });
  return Object.assign(server, { log });
}

/** A urlencoded form body. */
export function form(fields: Record<string, string>): URLSearchParams {
  return new URLSearchParams(fields);
}

/** Poll `GET /clusters/<name>` until `done` holds for its JSON (or the cluster is gone). */
export async function pollCluster(
  base: string,
  name: string,
  done: (status: number, body: Record<string, unknown>) => boolean,
  attempts = 600,
): Promise<{ status: number; body: Record<string, unknown> }> {
  let last = { status: 0, body: {} as Record<string, unknown> };
  for (let i = 0; i < attempts; i++) {
    const response = await fetch(`${base}/clusters/${name}`);
    const text = await response.text();
    last = { status: response.status, body: response.ok ? JSON.parse(text) : { text } };
    if (done(last.status, last.body)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`cluster ${name} never got there; last: ${JSON.stringify(last).slice(0, 500)}`);
}
