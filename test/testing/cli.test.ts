// The `juju-reactive` command: simulate a charm dir and print timelines and a summary.
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../helpers/hook.js';
import { fixtureCharm } from './helpers.js';

const cli = runCliCaptured;

describe('juju-reactive simulate', () => {
  it('settles a charm dir and prints per-unit timelines and a summary', async () => {
    const { code, stdout, stderr } = await cli(
      'simulate',
      fixtureCharm('peer-echo'),
      '--units',
      '3',
      '--seed',
      '7',
      '--app',
      'echo',
    );

    expect(code).toBe(0);
    expect(stderr).toContain('3 units of echo (in process, random, seed 7)');
    expect(stdout).toMatch(/^echo\/0 \(leader\)\n/);
    expect(stdout).toMatch(/\n {2,}\d+ {2}cluster-relation-joined echo\/2 +ok/);
    expect(stdout).toContain('settled     yes');
    expect(stdout).toMatch(/hooks run {3}\d+ \(0 failed\)/);
    expect(stdout).toContain('echo/2  active: 3 members');
    expect(stdout).toMatch(/flags: echo\.member, endpoint\.cluster\.joined/);
  });

  it('lists tool calls with --trace', async () => {
    const { code, stdout } = await cli('simulate', fixtureCharm('probe'), '-n', '1', '--trace');
    expect(code).toBe(0);
    expect(stdout).toContain('$ relation-ids cluster');
    expect(stdout).toContain('$ relation-get -r cluster:999 - probe/0  -> relation-not-found');
  });

  it('exits non-zero when a unit is left in error', async () => {
    const { code, stdout } = await cli(
      'simulate',
      fixtureCharm('probe'),
      '-n',
      '2',
      '--config',
      'secret-id=secret:missing',
      '--max-retries',
      '1',
    );
    expect(code).toBe(1);
    expect(stdout).toContain('settled     no');
    expect(stdout).toContain('in error    probe/0, probe/1');
    expect(stdout).toMatch(
      /ERROR in config-changed: hook config-changed failed in handler publishPayload/,
    );
  });

  it('rejects bad arguments with usage and exit code 2', async () => {
    expect((await cli('simulate')).code).toBe(2);
    expect((await cli('simulate', fixtureCharm('probe'), '--units', 'three')).stderr).toContain(
      '--units must be a whole number',
    );
    expect((await cli('frobnicate')).code).toBe(2);
  });
});

describe('juju-reactive demo', () => {
  it('describes the library and exits 0', async () => {
    const { code, stdout } = await cli('demo');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^juju-reactive lets you write Juju charms in TypeScript/);
  });
});
