// `serve --charm <dir>`: any charm dir, and charms that fail. A deploy that fails or a unit left
// in error puts the cluster in the `error` phase with the reason; it can still be deleted.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import { form, pollCluster } from './helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const PEER_ECHO = fileURLToPath(new URL('../fixtures/charms/peer-echo', import.meta.url));

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function createAndDelete(
  charmDir: string,
  expectPhase: string,
  check: (b: Record<string, unknown>) => void,
) {
  server = await startServer({ port: 0, charmDir });
  const base = server.url;
  const created = await fetch(`${base}/clusters/c1`, {
    method: 'POST',
    body: form({ cluster_user: 'mysos', num_nodes: '2', cluster_password: 'pw' }),
  });
  expect(created.status).toBe(200);
  const { body } = await pollCluster(base, 'c1', (_s, b) => b['phase'] === expectPhase);
  check(body);
  const deleted = await fetch(`${base}/clusters/c1`, {
    method: 'DELETE',
    body: form({ password: 'pw' }),
  });
  expect(deleted.status).toBe(200);
  await pollCluster(base, 'c1', (status) => status === 404);
}

describe('serve --charm', () => {
  it('deploys any charm dir (peer-echo, which has no cluster-user option) and converges', async () => {
    await createAndDelete(PEER_ECHO, 'converged', (body) => {
      expect(body['application']).toBe('peer-echo');
      const units = body['units'] as { workload_status: { message: string } }[];
      expect(units.map((u) => u.workload_status.message)).toEqual(['2 members', '2 members']);
    });
  });

  it('reports units left in error, and still deletes the cluster (failed hooks resolved)', async () => {
    await createAndDelete(fixture('failing-charm'), 'error', (body) => {
      expect(body['error']).toMatch(
        /^failing\/0, failing\/1 in error \(start: .*this charm never starts/,
      );
      const units = body['units'] as { error: { hook: string } | null }[];
      expect(units.map((u) => u.error?.hook)).toEqual(['start', 'start']);
    });
  });

  it('reports a deploy that fails, refuses to add a unit to it, and deletes it', async () => {
    await createAndDelete(fixture('broken-charm'), 'error', (body) => {
      expect(body['error']).toMatch(/^deploy failed: .*must export `charm`/);
      expect(body['units']).toEqual([]);
      expect(body['capabilities']).toMatchObject({ add_unit: false, remove_unit: false });
    });
  });

  it('refuses to add a unit to a cluster whose deploy failed (409)', async () => {
    server = await startServer({ port: 0, charmDir: fixture('broken-charm') });
    const base = server.url;
    await fetch(`${base}/clusters/c2`, { method: 'POST', body: form({ cluster_user: 'u' }) });
    await pollCluster(base, 'c2', (_s, b) => b['phase'] === 'error');
    const response = await fetch(`${base}/clusters/c2/units`, {
      method: 'POST',
      headers: { 'x-juju-reactive-control': '1' },
    });
    expect(response.status).toBe(409);
    expect(await response.text()).toContain('its deploy failed');
  });

  it('answers 503 once it runs its most clusters, and takes one again after a delete', async () => {
    server = await startServer({ port: 0, charmDir: PEER_ECHO, maxClusters: 1 });
    const base = server.url;
    const body = () => form({ cluster_user: 'u', cluster_password: 'pw' });
    expect((await fetch(`${base}/clusters/one`, { method: 'POST', body: body() })).status).toBe(
      200,
    );
    const refused = await fetch(`${base}/clusters/two`, { method: 'POST', body: body() });
    expect(refused.status).toBe(503);
    expect(await refused.text()).toContain('at most 1 clusters');
    await fetch(`${base}/clusters/one`, { method: 'DELETE', body: form({ password: 'pw' }) });
    await pollCluster(base, 'one', (status) => status === 404);
    expect((await fetch(`${base}/clusters/two`, { method: 'POST', body: body() })).status).toBe(
      200,
    );
  });
});
