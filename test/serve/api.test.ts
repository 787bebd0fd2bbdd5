// Mysos' cluster API over HTTP, with a real client (fetch): status codes and messages from
// mysos/scheduler/http.py and scheduler.py (apache/incubator-retired-cotton), async create
// and delete, validation, concurrency, secrets.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/serve/server.js';
import { form, pollCluster, startTestServer } from './helpers.js';

let server: RunningServer & { log: string[] };
let base: string;
const passwords: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  base = server.url;
}, 60_000);
afterAll(async () => {
  await server?.close();
});

async function post(name: string, body: URLSearchParams | FormData) {
  const response = await fetch(`${base}/clusters/${name}`, { method: 'POST', body });
  const text = await response.text();
  return { status: response.status, text, type: response.headers.get('content-type') ?? '' };
}

async function del(name: string, body: URLSearchParams) {
  const response = await fetch(`${base}/clusters/${name}`, { method: 'DELETE', body });
  return { status: response.status, text: await response.text() };
}

const converged = (status: number, body: Record<string, unknown>) =>
  status === 200 && body['phase'] === 'converged';

interface UnitJson {
  name: string;
  leader: boolean;
  workload_status: { status: string; message: string };
  relation_data: Record<string, Record<string, string>>;
  pending_hooks: string[];
  recent_hooks: unknown[];
}

describe('POST /clusters/<name> (mysos/scheduler/http.py create)', () => {
  it('answers 200 with cluster_url and a generated cluster_password at once, then the deployment converges', async () => {
    const created = await post('alpha', form({ cluster_user: 'mysos', num_nodes: '3' }));
    expect(created.status).toBe(200);
    expect(created.type).toContain('application/json');
    const body = JSON.parse(created.text) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['cluster_password', 'cluster_url']);
    expect(body['cluster_url']).toBe(`${base}/clusters/alpha`);
    expect(body['cluster_password']).toMatch(/^[A-Za-z0-9_-]{21}$/);
    passwords.push(body['cluster_password'] as string);

    const { body: view } = await pollCluster(base, 'alpha', converged);
    const units = view['units'] as UnitJson[];
    expect(units.map((u) => u.name)).toEqual([
      'mysql-innodb-cluster/0',
      'mysql-innodb-cluster/1',
      'mysql-innodb-cluster/2',
    ]);
    expect(view['leader']).toBe('mysql-innodb-cluster/0');
    expect(units.filter((u) => u.leader).map((u) => u.name)).toEqual(['mysql-innodb-cluster/0']);
    for (const unit of units) {
      expect(unit.workload_status).toEqual({
        status: 'active',
        message: 'Unit is ready and clustered',
      });
      expect(unit.pending_hooks).toEqual([]);
      expect(unit.recent_hooks.length).toBeGreaterThan(0);
      // cluster_user became the charm's cluster-user config, which each unit publishes.
      expect(unit.relation_data['cluster:0']?.['cluster-user']).toBe('"mysos"');
    }
    // The default size, recorded as Juju constraints.
    expect(view['size']).toEqual({ cpus: 1, mem: '512 MiB', disk: '2 GiB' });
    expect(view['constraints']).toBe('cores=1 mem=512M root-disk=2048M');
  });

  it("answers 409 Cluster '<name>' already exists for a taken name", async () => {
    const again = await post('alpha', form({ cluster_user: 'other' }));
    expect(again).toMatchObject({ status: 409, text: "Cluster 'alpha' already exists" });
  });

  it('gives one 200 and one 409 to two concurrent creates of one name', async () => {
    const results = await Promise.all([
      post('race', form({ cluster_user: 'a' })),
      post('race', form({ cluster_user: 'b' })),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200);
    passwords.push(
      (JSON.parse(winner?.text ?? '{}') as { cluster_password: string }).cluster_password,
    );
    await pollCluster(base, 'race', converged);
  });

  it('reads multipart/form-data as curl --form sends it, and keeps a given cluster_password', async () => {
    const body = new FormData();
    body.set('cluster_user', 'mysos');
    body.set('num_nodes', '2');
    body.set('size', '{"mem": "512mb", "disk": "3gb", "cpus": 1.0}');
    body.set('cluster_password', 'chosen-by-caller');
    const created = await post('multi', body);
    expect(created.status).toBe(200);
    expect(JSON.parse(created.text)).toEqual({
      cluster_url: `${base}/clusters/multi`,
      cluster_password: 'chosen-by-caller',
    });
    const { body: view } = await pollCluster(base, 'multi', converged);
    expect((view['units'] as unknown[]).length).toBe(2);
    expect(view['constraints']).toBe('cores=1 mem=512M root-disk=3072M');
  });

  it.each([
    ['no cluster_user', {}, 'Invalid user name: cluster_user is required'],
    ['an empty cluster_user', { cluster_user: '' }, 'Invalid user name: cluster_user is required'],
    ['a cluster_user with a quote', { cluster_user: "x'y" }, 'Invalid user name: "x\'y"'],
    ['a 33-character cluster_user', { cluster_user: 'u'.repeat(33) }, 'Invalid user name'],
    ['num_nodes 0', { num_nodes: '0' }, 'Invalid number of cluster nodes: 0'],
    [
      'num_nodes -1',
      { num_nodes: '-1' },
      'Invalid number of cluster nodes: "-1" is not an integer',
    ],
    [
      'num_nodes 1.5',
      { num_nodes: '1.5' },
      'Invalid number of cluster nodes: "1.5" is not an integer',
    ],
    [
      'num_nodes abc',
      { num_nodes: 'abc' },
      'Invalid number of cluster nodes: "abc" is not an integer',
    ],
    ['num_nodes 65', { num_nodes: '65' }, 'at most 64 per cluster'],
    [
      'size that is not JSON',
      { size: '{mem' },
      "'size' should be a JSON dictionary with keys 'cpus', 'mem' and 'disk' (it is not valid JSON)",
    ],
    ['size without disk', { size: '{"mem": "1gb", "cpus": 1}' }, '(missing: disk)'],
    [
      'size with a decimal mem',
      { size: '{"mem": "5.5gb", "disk": "2gb", "cpus": 1}' },
      '\'mem\' must be a string like "512mb"',
    ],
    [
      'size with a numeric disk',
      { size: '{"mem": "1gb", "disk": 2048, "cpus": 1}' },
      "'disk' must be a string",
    ],
    [
      'size with cpus "many"',
      { size: '{"mem": "1gb", "disk": "2gb", "cpus": "many"}' },
      "'cpus' must be a number",
    ],
    [
      'size with cpus at the 0.01 minimum',
      { size: '{"mem": "1gb", "disk": "2gb", "cpus": 0.01}' },
      "Instance 'size' too small (cpus 0.01 is not more than 0.01)",
    ],
    [
      'size with mem at the 32 MB minimum',
      { size: '{"mem": "32mb", "disk": "2gb", "cpus": 1}' },
      'mem 32mb is not more than 32 MB',
    ],
    [
      'size with disk at the 1 MB minimum',
      { size: '{"mem": "1gb", "disk": "1024k", "cpus": 1}' },
      'disk 1024k is not more than 1 MB',
    ],
    ['a backup_id', { backup_id: 'foo/bar:201503122000' }, 'backup_id is not supported'],
  ])('answers 400 for %s, saying what is wrong', async (_what, fields, message) => {
    const body = form({ cluster_user: 'mysos', ...fields } as Record<string, string>);
    if (!('cluster_user' in fields) && _what === 'no cluster_user') body.delete('cluster_user');
    const response = await post('invalid', body);
    expect(response.status).toBe(400);
    expect(response.text).toContain(message);
    const missing = await fetch(`${base}/clusters/invalid`);
    expect(missing.status).toBe(404);
  });

  it('accepts sizes just above the minimums, in any unit case', async () => {
    const created = await post(
      'tiny',
      form({ cluster_user: 'u', size: '{"mem": "33MB", "disk": "1025k", "cpus": "0.02"}' }),
    );
    expect(created.status).toBe(200);
    passwords.push((JSON.parse(created.text) as { cluster_password: string }).cluster_password);
    const { body } = await pollCluster(base, 'tiny', converged);
    expect(body['size']).toEqual({ cpus: 0.02, mem: '33 MiB', disk: '1025 KiB' });
  });

  it.each([
    ['a dot', 'bad.name'],
    ['64 characters', 'a'.repeat(64)],
    ['a leading hyphen', '-x'],
    ['an encoded slash', 'a%2Fb'],
    ['a space', 'a%20b'],
  ])('answers 400 for a cluster name with %s', async (_what, name) => {
    const response = await post(name, form({ cluster_user: 'mysos' }));
    expect(response.status).toBe(400);
    expect(response.text).toContain('Invalid cluster name');
  });

  it('answers 413 for a body over 64 KiB, before reading it', async () => {
    const response = await post('big', form({ cluster_user: 'mysos', size: 'x'.repeat(70_000) }));
    expect(response.status).toBe(413);
    expect((await fetch(`${base}/clusters/big`)).status).toBe(404);
  });

  it('answers 400 for a JSON body, naming the form encodings it reads', async () => {
    const response = await fetch(`${base}/clusters/json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cluster_user: 'mysos' }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe(
      'Send the form as application/x-www-form-urlencoded or multipart/form-data, not application/json',
    );
  });

  it('answers 400 for a field given twice', async () => {
    const body = new URLSearchParams('cluster_user=a&cluster_user=b');
    const response = await post('twice', body);
    expect(response).toMatchObject({
      status: 400,
      text: "'cluster_user' was given more than once",
    });
  });
});

describe('GET /clusters and /clusters/<name>', () => {
  it('lists every cluster with its phase, units and leader', async () => {
    const response = await fetch(`${base}/clusters`);
    expect(response.status).toBe(200);
    const { clusters } = (await response.json()) as { clusters: Record<string, unknown>[] };
    const alpha = clusters.find((c) => c['name'] === 'alpha');
    expect(alpha).toMatchObject({
      cluster_url: `${base}/clusters/alpha`,
      phase: 'converged',
      cluster_user: 'mysos',
      num_nodes: 3,
      units: 3,
      leader: 'mysql-innodb-cluster/0',
    });
  });

  it('answers 404 for an unknown cluster and 400 for a bad name', async () => {
    const unknown = await fetch(`${base}/clusters/nobody`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe("Cluster 'nobody' not found");
    expect((await fetch(`${base}/clusters/a.b`)).status).toBe(400);
  });

  it('redacts secret-looking relation data and never shows a password', async () => {
    const text = await (await fetch(`${base}/clusters/multi`)).text();
    const view = JSON.parse(text) as {
      units: UnitJson[];
      leader_settings: Record<string, string>;
    };
    for (const unit of view.units) {
      expect(unit.relation_data['cluster:0']?.['cluster-password-secret']).toBe('***');
    }
    expect(view.leader_settings['cluster-password-secret']).toBe('***');
    expect(text).not.toContain('chosen-by-caller');
    for (const password of passwords) expect(text).not.toContain(password);
  });
});

describe('DELETE /clusters/<name> (mysos/scheduler/http.py remove)', () => {
  it('answers 403 No permission to kill cluster <name> on a wrong password, and keeps the cluster', async () => {
    const response = await del('multi', form({ password: 'wrong' }));
    expect(response).toEqual({ status: 403, text: 'No permission to kill cluster multi' });
    expect((await fetch(`${base}/clusters/multi`)).status).toBe(200);
  });

  it('answers 400 when the password is missing', async () => {
    const response = await del('multi', form({}));
    expect(response).toEqual({ status: 400, text: "'password' is required to delete a cluster" });
  });

  it('answers 404 Cluster <name> not found for an unknown cluster', async () => {
    const response = await del('nobody', form({ password: 'x' }));
    expect(response).toEqual({ status: 404, text: "Cluster 'nobody' not found" });
  });

  it('answers 200 {cluster_url} on the right password; units depart and the cluster disappears', async () => {
    const response = await del('multi', form({ password: 'chosen-by-caller' }));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ cluster_url: `${base}/clusters/multi` });
    // Asynchronous: the name stays taken (Mysos keeps it until the cluster terminated).
    const during = await post('multi', form({ cluster_user: 'mysos' }));
    expect([409, 200]).toContain(during.status);
    if (during.status === 200) throw new Error('the cluster was gone before its units departed');
    await pollCluster(base, 'multi', (status) => status === 404);
    const again = await post('multi', form({ cluster_user: 'mysos', cluster_password: 'second' }));
    expect(again.status).toBe(200);
    expect(JSON.parse(again.text)).toMatchObject({ cluster_password: 'second' });
  });
});

describe('dashboard controls', () => {
  const control = { 'x-juju-reactive-control': '1' };

  it('refuses a control request without the control header (a cross-site form cannot send it)', async () => {
    const response = await fetch(`${base}/clusters/alpha/units`, { method: 'POST' });
    expect(response.status).toBe(403);
  });

  it('adds a unit that joins and converges, and removes one that departs', async () => {
    const added = await fetch(`${base}/clusters/alpha/units`, { method: 'POST', headers: control });
    expect(added.status).toBe(200);
    expect(await added.json()).toEqual({ unit: 'mysql-innodb-cluster/3' });
    const { body } = await pollCluster(base, 'alpha', converged);
    expect((body['units'] as UnitJson[]).map((u) => u.name)).toContain('mysql-innodb-cluster/3');
    const removed = await fetch(`${base}/clusters/alpha/units/1`, {
      method: 'DELETE',
      headers: control,
    });
    expect(removed.status).toBe(200);
    const after = await pollCluster(
      base,
      'alpha',
      (s, b) => converged(s, b) && (b['units'] as UnitJson[]).length === 3,
    );
    expect((after.body['units'] as UnitJson[]).map((u) => u.name)).not.toContain(
      'mysql-innodb-cluster/1',
    );
  });

  it('takes concurrent changes one at a time: eight parallel adds give eight new units', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        fetch(`${base}/clusters/race/units`, { method: 'POST', headers: control }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    const names = await Promise.all(
      responses.map(async (r) => ((await r.json()) as { unit: string }).unit),
    );
    expect(new Set(names).size).toBe(8);
    const { body } = await pollCluster(
      base,
      'race',
      (s, b) => converged(s, b) && (b['units'] as UnitJson[]).length === 9,
    );
    for (const unit of body['units'] as UnitJson[]) {
      expect(unit.workload_status.status).toBe('active');
      expect(unit.pending_hooks).toEqual([]);
    }
  });

  it('gives one 200 and one 409 to two concurrent removals of one unit', async () => {
    const responses = await Promise.all(
      [0, 1].map(() =>
        fetch(`${base}/clusters/race/units/8`, { method: 'DELETE', headers: control }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    await pollCluster(
      base,
      'race',
      (s, b) => converged(s, b) && (b['units'] as UnitJson[]).length === 8,
    );
  });

  it('answers 404 for removing a unit the cluster does not have', async () => {
    const response = await fetch(`${base}/clusters/alpha/units/99`, {
      method: 'DELETE',
      headers: control,
    });
    expect(response.status).toBe(404);
  });

  it('advances the model clock: every started unit runs update-status', async () => {
    const view = (await (await fetch(`${base}/clusters/alpha`)).json()) as {
      capabilities: Record<string, boolean>;
    };
    expect(view.capabilities).toMatchObject({
      add_unit: true,
      remove_unit: true,
      advance_clock: true,
    });
    const response = await fetch(`${base}/clusters/alpha/clock`, {
      method: 'POST',
      headers: control,
      body: form({ seconds: '300' }),
    });
    expect(response.status).toBe(200);
    const after = (await (await fetch(`${base}/clusters/alpha`)).json()) as {
      units: { recent_hooks: { hook: string }[] }[];
    };
    expect(after.units.length).toBeGreaterThan(0);
    for (const unit of after.units) {
      expect(unit.recent_hooks.map((h) => h.hook)).toContain('update-status');
    }
  });
});

describe('the event stream and the server', () => {
  it('streams hooks and phase changes of a cluster as it converges (SSE)', async () => {
    const abort = new AbortController();
    const response = await fetch(`${base}/events?cluster=stream`, { signal: abort.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const created = await post('stream', form({ cluster_user: 'mysos', num_nodes: '2' }));
    passwords.push((JSON.parse(created.text) as { cluster_password: string }).cluster_password);
    let text = '';
    const decoder = new TextDecoder();
    while (!text.includes('{"type":"phase","cluster":"stream","phase":"converged"}')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    abort.abort();
    expect(text).toContain('event: hello');
    expect(text).toMatch(
      /event: hook\ndata: \{"type":"hook","cluster":"stream","entry":\{"seq":\d+,"unit":"mysql-innodb-cluster\/0","hook":"install"/,
    );
    expect(text).toContain('event: phase');
    expect(text).not.toContain('"cluster":"alpha"');
    for (const password of passwords) expect(text).not.toContain(password);
  });

  it('serves the dashboard with the clusters listed for readers without JavaScript', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toContain('<a href="/clusters/alpha">alpha</a>: converged, 3 units');
    expect(html).not.toMatch(/https?:\/\//);
    const script = await fetch(`${base}/dashboard.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(await script.text()).toContain('new EventSource("/events")');
  });

  it('refuses a Host header that does not name it (DNS rebinding)', async () => {
    const url = new URL(base);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: '/clusters',
          headers: { host: 'evil.example:80' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  it('binds loopback and logs requests without bodies or passwords', () => {
    expect(new URL(base).hostname).toBe('127.0.0.1');
    expect(server.log).toContain('POST /clusters/alpha 200');
    const all = server.log.join('\n');
    expect(all).not.toContain('chosen-by-caller');
    for (const password of passwords) expect(all).not.toContain(password);
  });
});
