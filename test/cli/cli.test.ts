// The `juju-reactive` command line: --version, --help everywhere, and every bad argument answered
// with one line on stderr and exit 2, never a stack trace.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHARM_DIR } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import { parseConfigPairs, UsageError, wholeNumber } from '../../src/cli/args.js';
import { runCliCaptured as cli } from '../helpers/hook.js';

const version = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

/** One line, ending with a newline, naming the problem; no stack frame. */
function expectOneLine(stderr: string, what: RegExp) {
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(what);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('juju-reactive', () => {
  it('prints its version with --version and -V', async () => {
    for (const flag of ['--version', '-V']) {
      expect(await cli(flag)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it('prints the list of commands with --help, and each command its own help', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    for (const name of ['init', 'simulate', 'pack', 'demo']) {
      expect(top.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
      for (const flag of ['--help', '-h']) {
        const own = await cli(name, flag);
        expect(own.code).toBe(0);
        expect(own.stdout).toMatch(new RegExp(`^usage: juju-reactive ${name}`));
      }
      expect((await cli('help', name)).stdout).toMatch(new RegExp(`^usage: juju-reactive ${name}`));
    }
  });

  it('prints the usage on stderr and exits 2 when given no command', async () => {
    const run = await cli();
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^usage: juju-reactive <command>/);
  });

  it.each([
    [
      ['simulate', CHARM_DIR, '--units', '0'],
      /--units must be a whole number from 1 to 200, got 0/,
    ],
    [['simulate', CHARM_DIR, '--units', 'abc'], /--units must be a whole number .*got "abc"/],
    [
      ['simulate', CHARM_DIR, '--units', '99999999999999999999'],
      /--units must be a whole number .*got "99999999999999999999"/,
    ],
    [['simulate', CHARM_DIR, '--units', '-3'], /Option '--units' argument is ambiguous/],
    [['simulate', CHARM_DIR, '--units'], /Option '-n, --units <value>' argument missing/],
    [['simulate', CHARM_DIR, '--seed', '1.5'], /--seed must be a whole number .*got "1\.5"/],
    [['simulate', CHARM_DIR, '--nope'], /Unknown option '--nope'/],
    [['simulate', CHARM_DIR, '--config', '__proto__=1'], /"__proto__" is not a config option name/],
    [['simulate', CHARM_DIR, '--config', 'constructor=1'], /"constructor" is not a config/],
    [['simulate', CHARM_DIR, '--config', 'novalue'], /--config expects key=value, got "novalue"/],
    [['simulate', CHARM_DIR, '--order', 'sideways'], /--order must be round-robin or random/],
    [['simulate', CHARM_DIR, 'extra'], /unexpected argument "extra"/],
    [['simulate'], /simulate needs a charm dir/],
    [['pack', CHARM_DIR, '--frobnicate'], /Unknown option '--frobnicate'/],
    [
      ['pack', CHARM_DIR, '--dir', '--platform', 'ubuntu@24.04:amd64'],
      /--platform, .* are for \.charm/,
    ],
    [['init'], /init needs the dir of the new project/],
    [['init', '/tmp/x', '--name', 'Bad_Name'], /"Bad_Name" is not a charm name/],
    [['demo', 'now'], /demo takes no arguments/],
    [['deploy'], /unknown command "deploy"/],
  ])('%j: one line saying what is wrong, exit 2', async (argv, what) => {
    const run = await cli(...argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expectOneLine(run.stderr, what);
    expect(run.stderr).toMatch(/^juju-reactive: .*\(see juju-reactive( \w+)? --help\)$/m);
  });

  it('reports a failed run (not a usage error) as one line and exit 1', async () => {
    const run = await cli('simulate', '/nonexistent-charm-dir');
    expect(run.code).toBe(1);
    expectOneLine(run.stderr, /^juju-reactive: .*metadata\.yaml/);
  });
});

describe('argument validation, shared with `npm start`', () => {
  it('bounds whole numbers and takes only decimal digits', () => {
    expect(wholeNumber('units', '7', 3, { min: 1, max: 10 })).toBe(7);
    expect(wholeNumber('units', undefined, 3)).toBe(3);
    for (const bad of ['0', '11', '1e3', '0x10', ' 5', '5 ', '']) {
      expect(() => wholeNumber('units', bad, 3, { min: 1, max: 10 })).toThrow(UsageError);
    }
  });

  it('turns --config pairs into a prototype-free record of typed values', () => {
    const config = parseConfigPairs(['a=1', 'b=true', 'c=x=y', 'd=1.5', 'e=007x']);
    expect(Object.getPrototypeOf(config)).toBeNull();
    expect({ ...config }).toEqual({ a: 1, b: true, c: 'x=y', d: 1.5, e: '007x' });
  });
});

describe('npm start (the example demo) with bad arguments', () => {
  const demo = fileURLToPath(
    new URL('../../examples/mysql-innodb-cluster/demo.ts', import.meta.url),
  );
  const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

  it.each([
    [['--units', '0'], /--units must be a whole number from 1 to 200, got 0/],
    [['--units', '99999999999999999999'], /--units must be a whole number/],
    [['--frobnicate'], /Unknown option '--frobnicate'/],
  ])('%j: one line, exit 2', (argv, what) => {
    const run = spawnSync(tsx, [demo, ...argv], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(2);
    expectOneLine(run.stderr, what);
  });
});
