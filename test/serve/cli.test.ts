// `juju-reactive serve` from the CLI: prints its loopback URL, serves until stopped, and
// answers bad options with one line naming the problem and pointing at --help (exit 2).
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) },
  };
}

describe('juju-reactive serve', () => {
  it('prints a loopback URL that serves the API, and stops when told', async () => {
    const { out, io } = capture();
    let stop: () => void = () => {};
    const untilStopped = new Promise<void>((r) => {
      stop = r;
    });
    const { serve } = await import('../../src/cli/serve.js');
    const done = serve(['--port', '0', '--pace', '0', '--quiet'], { ...io, untilStopped });
    let url: string | undefined;
    for (let i = 0; i < 400 && url === undefined; i++) {
      url = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out.join(''))?.[1];
      if (url === undefined) await new Promise((r) => setTimeout(r, 25));
    }
    expect(url).toBeDefined();
    const response = await fetch(`${url}/clusters`);
    expect(await response.json()).toEqual({ clusters: [] });
    stop();
    expect(await done).toBe(0);
    await expect(fetch(`${url}/clusters`)).rejects.toThrow();
  }, 60_000);

  it.each([
    [['--port', 'http'], '--port must be a whole number from 0 to 65535'],
    [['--port', '70000'], '--port must be a whole number from 0 to 65535'],
    [['--pace=-1'], '--pace must be a whole number from 0 to 60000'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['extra'], 'unexpected argument "extra"'],
  ])('answers %j with one line and exit 2', async (argv, message) => {
    const { err, io } = capture();
    expect(await runCli(['serve', ...argv], io)).toBe(2);
    expect(err.join('')).toContain(message);
    expect(err.join('')).toContain('see juju-reactive serve --help');
    expect(err.join('').trimEnd().split('\n')).toHaveLength(1);
  });

  it('fails with a clear message for a charm dir that is not one', async () => {
    const { err, io } = capture();
    expect(await runCli(['serve', '--charm', '/nonexistent', '--port', '0'], io)).toBe(1);
    expect(err.join('')).toMatch(/juju-reactive: .*nonexistent/);
  });
});
