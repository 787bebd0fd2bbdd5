// Typed config: each option read as the type declared once, checked against Juju's values and
// config.yaml's declared types (string, int, float, boolean, secret: juju internal/charm/config.go).
import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { defineConfig } from '../../src/charm/config.js';
import { parseConfigOptions } from '../../src/juju/metadata.js';
import { hookHarness } from '../helpers/hook.js';
import { StubHookTools, stubWorld } from '../helpers/stub-tools.js';

const YAML =
  'options:\n  port: {type: int, default: 3306}\n  name: {type: string}\n  ratio: {type: float}\n  debug: {type: boolean}\n  password: {type: secret}\n';

async function read<T>(config: Record<string, unknown>, reader: (rt: never) => T, yaml = YAML) {
  let value: T | undefined;
  let error: string | undefined;
  const charm = new Charm();
  charm.handler({ id: 'read' }, (rt) => {
    value = reader(rt as never);
  });
  const h = hookHarness(charm, {
    tools: new StubHookTools(stubWorld({ config })),
    metadata: { name: 'm', endpoints: [], config: parseConfigOptions(yaml, 'config.yaml') },
  });
  const result = await h.run({ hookName: 'config-changed' });
  if (!result.ok) error = result.error;
  return { value, error };
}

describe('defineConfig(): typed config', () => {
  const config = defineConfig({
    port: 'int',
    name: 'string',
    ratio: 'float',
    debug: 'boolean',
    password: 'secret',
  });

  it('reads each option as its type; unset options are undefined', async () => {
    const { value } = await read(
      { port: 3306, ratio: 0.5, debug: true, password: 'secret:cj4v2vn8o2ac74bm8hfg' },
      config,
    );
    expect(value).toEqual({
      port: 3306,
      name: undefined,
      ratio: 0.5,
      debug: true,
      password: 'secret:cj4v2vn8o2ac74bm8hfg',
    });
    // Compile-time: the types follow the spec.
    const typed: { port: number | undefined; debug: boolean | undefined } | undefined = value;
    expect(typed).toBeDefined();
  });

  it.each([
    [{ port: 3306.5 }, /config option port should be an int but Juju returned a number/],
    [{ debug: 'yes' }, /config option debug should be a boolean but Juju returned a string/],
    [
      { password: 'hunter2' },
      /config option password should be a secret but Juju returned a string that is not a secret URI/,
    ],
  ])(
    'fails the hook on %j, naming the option and never quoting the value',
    async (values, message) => {
      const { error } = await read(values, config);
      expect(error).toMatch(message);
      expect(error).not.toContain('hunter2');
    },
  );

  it('fails when the charm reads an option as another type than config.yaml declares', async () => {
    const { error } = await read({ port: 1 }, defineConfig({ port: 'string' }));
    expect(error).toMatch(/config option port is read as string but config.yaml declares it int/);
  });

  it('fails when the charm reads an option config.yaml does not declare', async () => {
    const { error } = await read({}, defineConfig({ colour: 'string' }));
    expect(error).toMatch(
      /config option colour is read by the charm but not declared in config.yaml/,
    );
  });
});
