// ProcessHookTools, tool failures and malformed output: against the simulator's own hook tools on a worker
// thread (process-hook-tools-host.ts). What the tools answer follows Juju's jujuc commands
// (worker/uniter/runner/jujuc/*.go, checked in test/testing/process/tool-host.test.ts); what
// these tests check is ProcessHookTools' own side: argv, stdin and temp files, parsing, error
// kinds, redaction, caps. Faults and malformed output come from host.failTool.

import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProcessHookTools } from '../../src/juju/process-hook-tools.js';
import {
  cluster,
  dbRouter,
  errorOf,
  fail,
  host,
  setup,
  useMysqlCluster,
} from './process-hook-tools-host.js';

useMysqlCluster();

describe('tool failures', () => {
  it('reports an unknown relation id as relation-not-found (jujuc relation-get_test.go "explicit relation, not known": exit 2)', async () => {
    const { tools } = await setup();
    const error = errorOf(tools.relationGet('cluster:99', 'mysql/2'));
    expect(error.kind).toBe('relation-not-found');
    expect(error.tool).toBe('relation-get');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      'relation-get: invalid value "cluster:99" for option -r: relation not found',
    );
  });

  it('reports leader-set on a non-leader as not-leader, in the tool’s own words', async () => {
    const { tools } = await setup('mysql/1');
    const error = errorOf(tools.leaderSet({ a: 'b' }));
    expect(error.kind).toBe('not-leader');
    expect(error.message).toBe(
      'leader-set: cannot write leadership settings: cannot write settings: not the leader',
    );
  });

  it('reports an application-bag write by a non-leader as permission-denied', async () => {
    const { tools } = await setup('mysql/1');
    expect(errorOf(tools.relationSet(dbRouter, { a: 'b' }, { app: true })).kind).toBe(
      'permission-denied',
    );
  });

  it('reports an unknown secret as not-found', async () => {
    const { tools } = await setup();
    const error = errorOf(tools.secretGet('secret:nope'));
    expect(error.kind).toBe('not-found');
    expect(error.message).toBe('secret-get: secret "secret:nope" not found');
  });

  it('reports a tool that is not on PATH as tool-missing', async () => {
    const { tools, reported } = await setup('mysql/0', { PATH: '' });
    const error = errorOf(tools.relationIds('cluster'));
    expect(error.kind).toBe('tool-missing');
    expect(error.message).toBe(
      'relation-ids: not found on PATH: is this running inside a Juju hook?',
    );
    expect(reported.map((c) => c.exitCode)).toEqual([127]);
  });

  it('reports exit code 2 as bad-arguments', async () => {
    const { tools } = await setup();
    await fail('relation-list', {
      exitCode: 2,
      stderr: 'ERROR flag provided but not defined: --app',
    });
    const error = errorOf(tools.relationListApp(cluster));
    expect(error.kind).toBe('bad-arguments');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('relation-list: flag provided but not defined: --app');
  });

  it('reports other exit codes as failed', async () => {
    const { tools } = await setup();
    await fail('config-get', { exitCode: 1, stderr: 'ERROR connection is shut down' });
    const error = errorOf(tools.configGet());
    expect(error.kind).toBe('failed');
    expect(error.message).toBe('config-get: connection is shut down');
  });

  it('says which exit code a silent failure had', async () => {
    const { tools } = await setup();
    await fail('is-leader', { exitCode: 3 });
    expect(errorOf(tools.isLeader()).message).toBe('is-leader: exited with code 3');
  });

  it('reports output that is not JSON as bad-output, without quoting it', async () => {
    const { tools } = await setup();
    await fail('relation-get', { exitCode: 0, stdout: 'password: hunter2\n' });
    const error = errorOf(tools.relationGet(cluster, 'mysql/2'));
    expect(error.kind).toBe('bad-output');
    expect(error.message).not.toContain('hunter2');
  });

  it.each([
    ['relation-ids', (t: ProcessHookTools) => t.relationIds('cluster'), '{"a":1}'],
    ['relation-get', (t: ProcessHookTools) => t.relationGet(cluster, 'mysql/2'), '{"a":1}'],
    ['is-leader', (t: ProcessHookTools) => t.isLeader(), '"yes"'],
    ['unit-get', (t: ProcessHookTools) => t.unitGet('private-address'), '""'],
    ['network-get', (t: ProcessHookTools) => t.networkGet('cluster'), '{"bind-addresses":{}}'],
    ['status-get', (t: ProcessHookTools) => t.statusGet(), '{"status":"sleeping"}'],
    ['goal-state', (t: ProcessHookTools) => t.goalState(), '{"units":[]}'],
    ['config-get', (t: ProcessHookTools) => t.configGet(), '[1,2]'],
  ] as const)(
    'reports JSON of the wrong shape from %s as bad-output',
    async (tool, call, stdout) => {
      const { tools } = await setup();
      await fail(tool, { exitCode: 0, stdout });
      const error = errorOf(call(tools));
      expect(error.kind).toBe('bad-output');
      expect(error.tool).toBe(tool);
      expect(error.message).toMatch(/ where .+ was expected$/);
    },
  );

  it('reports a secret-add that prints no id as bad-output', async () => {
    const { tools } = await setup();
    await fail('secret-add', { exitCode: 0, stdout: '' });
    expect(errorOf(tools.secretAdd({ password: 'pw-9f8e7d6c5b' })).kind).toBe('bad-output');
  });

  it('masks secret content in error messages', async () => {
    const { tools } = await setup();
    await fail('secret-add', {
      exitCode: 1,
      stderr: 'ERROR invalid value "pw-9f8e7d6c5b" for key password',
    });
    const error = errorOf(tools.secretAdd({ password: 'pw-9f8e7d6c5b' }));
    expect(error.message).toBe('secret-add: invalid value "***" for key password');
  });

  it('removes the secret temp file when the tool fails', async () => {
    const { tools } = await setup('mysql/1');
    expect(errorOf(tools.secretAdd({ password: 'pw-9f8e7d6c5b' })).kind).toBe('permission-denied');
    const path = (await host.calls())[0]?.args.at(-1) ?? '';
    expect(path).not.toBe('');
    expect(existsSync(dirname(path))).toBe(false);
  });
});
