// The simulator's own hook-tool executables (ToolHost over a model), answering as Juju's jujuc
// commands do: exit codes, error texts, --help, and what a hook's exit code commits. Each fact
// names the Juju source it was checked against.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CharmMetadata } from '../../../src/juju/metadata.js';
import { ToolHost } from '../../../src/testing/process/tool-host.js';

const metadata: CharmMetadata = {
  name: 'tiny',
  endpoints: [{ name: 'cluster', role: 'peers', interface: 'tiny-peers' }],
} as CharmMetadata;

let host: ToolHost;
beforeAll(async () => {
  host = await ToolHost.standalone('tiny', metadata, { units: 2 });
});
afterAll(async () => {
  await host.close();
});

const changed = { hook: 'cluster-relation-changed', relationId: 'cluster:0', remoteUnit: 'tiny/1' };
/** Run a shell snippet as tiny/0's cluster-relation-changed hook, tools on PATH. */
const sh = (script: string) => host.runHook('tiny/0', changed, 'sh', ['-c', script]);

describe('relation-set, as worker/uniter/runner/jujuc/relation-set.go answers', () => {
  it('--help prints the usage and exits 0 (relation-set_test.go TestHelp; juju/cmd v3 info.go Help)', async () => {
    const run = await sh('relation-set --help');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: relation-set \[options\]/);
    expect(run.stderr).toBe('');
  });

  it('a settings file Juju refuses fails in Run: exit 1, the yaml.v2 error text (relation-set.go readSettings)', async () => {
    const run = await sh(`printf 'a:\\n  b: c\\n' | relation-set --file -; echo "exit $?"`);
    expect(run.stdout).toBe('exit 1\n');
    expect(run.stderr).toBe(
      'ERROR yaml: unmarshal errors:\n  line 2: cannot unmarshal !!map into string\n',
    );
  });

  it('a --file that cannot be opened fails in Run: exit 1, os.Open text (relation-set.go handleSettingsFile)', async () => {
    const run = await sh('relation-set --file /nonexistent/settings.yaml; echo "exit $?"');
    expect(run.stdout).toBe('exit 1\n');
    expect(run.stderr).toBe('ERROR open /nonexistent/settings.yaml: no such file or directory\n');
  });

  it('a key given twice is refused in Init: exit 2 (juju/utils keyvalues.go Parse)', async () => {
    const run = await sh('relation-set a=1 a=2; echo "exit $?"');
    expect(run.stdout).toBe('exit 2\n');
    expect(run.stderr).toBe('ERROR key "a" specified more than once\n');
  });

  it('an argument without a key is refused: exit 2 (relation-set_test.go "=haha")', async () => {
    const run = await sh('relation-set =haha; echo "exit $?"');
    expect(run.stdout).toBe('exit 2\n');
    expect(run.stderr).toBe('ERROR expected "key=value", got "=haha"\n');
  });

  it('__proto__ in key=value form is plain data, stored and read back (relation-set.go stores strings as given)', async () => {
    const run = await sh(
      'relation-set __proto__=polluted constructor=x && relation-get --format=json - tiny/0',
    );
    expect(run.status).toBe(0);
    const bag = JSON.parse(run.stdout) as Record<string, string>;
    expect(Object.getOwnPropertyDescriptor(bag, '__proto__')?.value).toBe('polluted');
    expect(bag['constructor']).toBe('x');
    const committed = host.model.relationData('cluster:0', 'tiny/0');
    expect(Object.getOwnPropertyDescriptor(committed, '__proto__')?.value).toBe('polluted');
    expect(Object.getPrototypeOf(committed)).toBe(Object.prototype);
  });
});

describe('relation-get, as worker/uniter/runner/jujuc/relation-get.go answers', () => {
  it('a missing key is null in JSON and nothing in the default format (relation-get_test.go)', async () => {
    const run = await sh('relation-get --format=json missing tiny/1; relation-get missing tiny/1');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('null\n');
  });
});

describe('what a hook process commits (worker/uniter/runner/context/context.go Flush)', () => {
  it('nothing when it exits non-zero; everything when it exits 0', async () => {
    const failed = await sh('relation-set kept=no && exit 3');
    expect(failed).toMatchObject({ status: 3, committed: false });
    expect(host.model.relationData('cluster:0', 'tiny/0')['kept']).toBeUndefined();
    const ok = await sh('relation-set kept=yes');
    expect(ok).toMatchObject({ status: 0, committed: true });
    expect(host.model.relationData('cluster:0', 'tiny/0')['kept']).toBe('yes');
  });
});

describe('the hook context', () => {
  it('gives the hook Juju’s relation variables, and refuses a relation the unit is not in', async () => {
    const run = await sh(
      'echo "$JUJU_HOOK_NAME $JUJU_RELATION $JUJU_RELATION_ID $JUJU_REMOTE_UNIT $JUJU_REMOTE_APP"',
    );
    expect(run.stdout).toBe('cluster-relation-changed cluster cluster:0 tiny/1 tiny\n');
    await expect(
      host.runHook('tiny/0', { hook: 'db-relation-changed', relationId: 'db:9' }, 'true', []),
    ).rejects.toThrow(/tiny\/0 is in no relation db:9/);
  });
});

describe('tool faults armed on the host', () => {
  it('a tool replies as armed (malformed output, an exit code) until cleared, and every call is recorded', async () => {
    host.clearCalls();
    host.failTool('is-leader', { exitCode: 0, stdout: '{not json' });
    const broken = await sh('is-leader --format=json');
    expect(broken.stdout).toBe('{not json');
    host.failTool('is-leader', { exitCode: 1, stderr: 'ERROR connection is shut down\n' });
    const down = await sh('is-leader --format=json; echo "exit $?"');
    expect(down.stdout).toBe('exit 1\n');
    expect(down.stderr).toBe('ERROR connection is shut down\n');
    host.failTool('is-leader', undefined);
    const fine = await sh('is-leader --format=json');
    expect(fine.stdout).toBe('true\n');
    expect(host.calls().map((c) => [c.tool, ...c.args])).toEqual([
      ['is-leader', '--format=json'],
      ['is-leader', '--format=json'],
      ['is-leader', '--format=json'],
    ]);
  });
});
