// The control plane runs a charm's actions on a unit, as `juju run <unit> <action>` does
// (model.runAction: queued between hooks, committed with the action), and the dashboard's
// hide/show controls are the charm's own `set-instance-option` (tag:_hidden) run on the leader.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/serve/server.js';
import { form, pollCluster, startTestServer } from './helpers.js';

let server: RunningServer & { log: string[] };
let base: string;
const control = { 'x-juju-reactive-control': '1' };
const APP = 'mysql-innodb-cluster';

const converged = (status: number, body: Record<string, unknown>) =>
  status === 200 && body['phase'] === 'converged';

beforeAll(async () => {
  server = await startTestServer();
  base = server.url;
  const created = await fetch(`${base}/clusters/tags`, {
    method: 'POST',
    body: form({ cluster_user: 'mysos', num_nodes: '3' }),
  });
  expect(created.status).toBe(200);
  await pollCluster(base, 'tags', converged);
}, 120_000);
afterAll(async () => {
  await server?.close();
});

async function run(unit: number, action: string, params?: unknown, headers = control) {
  const response = await fetch(`${base}/clusters/tags/units/${unit}/actions/${action}`, {
    method: 'POST',
    headers,
    ...(params === undefined
      ? {}
      : { body: form({ params: typeof params === 'string' ? params : JSON.stringify(params) }) }),
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

const leaderNumber = async (): Promise<number> => {
  const { body } = await pollCluster(base, 'tags', converged);
  return Number(String(body['leader']).split('/')[1]);
};

describe('POST /clusters/<name>/units/<n>/actions/<action>', () => {
  it('offers run_action and hide_instance for a charm that declares set-instance-option', async () => {
    const { body } = await pollCluster(base, 'tags', converged);
    expect(body['capabilities']).toMatchObject({
      run_action: true,
      hide_instance: true,
      kill_source: false,
    });
  });

  it('runs cluster-status on a unit and answers its outcome', async () => {
    const answer = await run(await leaderNumber(), 'cluster-status');
    expect(answer.status).toBe(200);
    const body = answer.json();
    expect(body).toMatchObject({ action: 'cluster-status', status: 'completed' });
    expect(String(body['unit'])).toMatch(new RegExp(`^${APP}/\\d$`));
    expect(Object.keys(body['results'] as object).length).toBeGreaterThan(0);
  });

  it('hides an instance from clients through the leader (set-instance-option tag:_hidden), and shows it again', async () => {
    const leader = await leaderNumber();
    const target = `${APP}/${leader === 1 ? 2 : 1}`;
    const hidden = await run(leader, 'set-instance-option', {
      instance: target,
      option: 'tag:_hidden',
      value: 'true',
    });
    expect(hidden.status).toBe(200);
    expect(hidden.json()).toMatchObject({ status: 'completed' });
    const listed = await run(leader, 'options');
    const options = JSON.parse(
      String((listed.json()['results'] as Record<string, string>)['options']),
    );
    const tags = Object.values(options.defaultReplicaSet.tags as Record<string, unknown[]>).flat();
    expect(tags).toContainEqual({ option: '_hidden', value: true });
    const shown = await run(leader, 'set-instance-option', {
      instance: target,
      option: 'tag:_hidden',
      value: 'false',
    });
    expect(shown.json()).toMatchObject({ status: 'completed' });
  });

  it('a failed action is still a 200 with status failed and the charm message (not the leader)', async () => {
    const leader = await leaderNumber();
    const other = leader === 0 ? 1 : 0;
    const answer = await run(other, 'set-instance-option', {
      instance: `${APP}/2`,
      option: 'tag:_hidden',
      value: 'true',
    });
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ status: 'failed' });
    expect(String(answer.json()['message'])).toContain('runs on the leader only');
  });

  it.each([
    ['an undeclared action', 0, 'no-such-action', undefined, 404, 'has no action "no-such-action"'],
    ['params that are not JSON', 0, 'cluster-status', '{oops', 400, "'params' must be JSON text"],
    [
      'params that are not an object',
      0,
      'cluster-status',
      '[1,2]',
      400,
      'params must be an object',
    ],
    [
      'params nested too deep',
      0,
      'cluster-status',
      `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`,
      400,
      'nest deeper than 32 levels',
    ],
    ['a unit the cluster does not have', 9, 'cluster-status', undefined, 404, 'has no unit'],
  ])('refuses %s with a specific message', async (_what, unit, action, params, status, text) => {
    const answer = await run(unit, action, params);
    expect(answer.status).toBe(status);
    expect(answer.text).toContain(text);
    expect(answer.text).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('refuses a bad unit number and a request without the control header', async () => {
    const bad = await fetch(`${base}/clusters/tags/units/x1/actions/cluster-status`, {
      method: 'POST',
      headers: control,
    });
    expect([bad.status, await bad.text()]).toEqual([400, 'Invalid unit number: "x1"']);
    expect((await run(0, 'cluster-status', undefined, {} as typeof control)).status).toBe(403);
  });
});
