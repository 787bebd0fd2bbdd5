// ToolHostThread: the simulator's hook tools answered from a worker thread, so that a client
// blocking its own thread on each call (ProcessHookTools, spawnSync) is served.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CharmMetadata } from '../../../src/juju/metadata.js';
import { ToolHostThread } from '../../../src/testing/process/tool-host-thread.js';

const metadata = {
  name: 'tiny',
  endpoints: [{ name: 'cluster', role: 'peers', interface: 'tiny-peers' }],
} as CharmMetadata;

let host: ToolHostThread;
beforeAll(async () => {
  host = await ToolHostThread.start();
  await host.deploy('tiny', metadata, { units: 2 });
  await host.model('settle');
});
afterAll(async () => {
  await host.close();
});

describe('ToolHostThread', () => {
  it('answers a tool called with spawnSync from this thread, and records the call', async () => {
    const hook = await host.openHook('tiny/0', { hook: 'update-status' });
    await host.clearCalls();
    const done = spawnSync('is-leader', ['--format=json'], { env: hook.env, encoding: 'utf8' });
    expect([done.status, done.stdout, done.stderr]).toEqual([0, 'true\n', '']);
    expect(await host.calls()).toEqual([{ tool: 'is-leader', args: ['--format=json'], stdin: '' }]);
    await host.endHook(hook.contextId);
  });

  it('commits what an opened hook wrote when it ends without an error, and drops it with one', async () => {
    const [rid = ''] = await host.model('relationIds', 'tiny', 'cluster');
    const first = await host.openHook('tiny/0', { hook: 'update-status' });
    spawnSync('relation-set', ['-r', rid, 'a=1'], { env: first.env });
    await host.endHook(first.contextId);
    expect(await host.model('relationData', rid, 'tiny/0')).toMatchObject({ a: '1' });
    const second = await host.openHook('tiny/0', { hook: 'update-status' });
    spawnSync('relation-set', ['-r', rid, 'a=2'], { env: second.env });
    await host.endHook(second.contextId, 'exit status 1');
    expect(await host.model('relationData', rid, 'tiny/0')).toMatchObject({ a: '1' });
  });

  it('a tool called after its hook ended is refused', async () => {
    const hook = await host.openHook('tiny/1', { hook: 'update-status' });
    await host.endHook(hook.contextId);
    const done = spawnSync('is-leader', [], { env: hook.env, encoding: 'utf8' });
    expect(done.status).toBe(1);
    expect(done.stderr).toContain('is not running a hook');
  });

  it('passes model calls through and reports their errors', async () => {
    expect(await host.model('units', 'tiny')).toEqual(['tiny/0', 'tiny/1']);
    await expect(host.model('relationData', 'nope:9', 'tiny/0')).rejects.toThrow();
    await expect(host.model('close' as 'units')).rejects.toThrow(/Model has no method close/);
  });

  it('a closed host refuses further calls instead of waiting for ever', async () => {
    const other = await ToolHostThread.start();
    await other.close();
    await expect(other.calls()).rejects.toThrow(/tool host worker exited/);
  });

  it('serves failTool faults', async () => {
    await host.failTool('config-get', { exitCode: 3, stderr: 'ERROR down\n' });
    const hook = await host.openHook('tiny/1', { hook: 'update-status' });
    const done = spawnSync('config-get', [], { env: hook.env, encoding: 'utf8' });
    expect([done.status, done.stderr]).toEqual([3, 'ERROR down\n']);
    await host.failTool('config-get', undefined);
    await host.endHook(hook.contextId);
  });
});
