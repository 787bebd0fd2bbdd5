// The MySQL Shell scripts for tags (examples/mysql-innodb-cluster/src/backend/tags-mysqlsh.ts):
// their exact text, what they call when run against a recording `dba`, and the parser of
// `cluster.options()` output (mysql/mysql-shell modules/adminapi/cluster/options.cc).
import { runInNewContext } from 'node:vm';
import type { JsonValue } from 'juju-reactive';
import { describe, expect, it } from 'vitest';
import {
  MysqlShellTags,
  optionsScript,
  parseOptionsOutput,
  type ShellSession,
  setInstanceOptionScript,
  setOptionScript,
  tagMapOf,
} from '../../../examples/mysql-innodb-cluster/src/backend/tags-mysqlsh.js';

/** Run a script body with a `dba` that records cluster calls, as mysqlsh --js would run it. */
function runRecorded(script: string, options: unknown = {}): { calls: unknown[][]; out: string } {
  const calls: unknown[][] = [];
  let out = '';
  const cluster = {
    setOption: (...args: unknown[]) => calls.push(['setOption', ...args]),
    setInstanceOption: (...args: unknown[]) => calls.push(['setInstanceOption', ...args]),
    options: () => options,
  };
  const dba = {
    getCluster: (name: string) => {
      calls.push(['getCluster', name]);
      return cluster;
    },
  };
  runInNewContext(script, {
    dba,
    print: (s: string) => {
      out += s;
    },
  });
  return { calls, out };
}

describe('setOption script', () => {
  it('is exactly this text', () => {
    expect(setOptionScript('cluster', 'tag:location', 'US East')).toBe(
      'var c = dba.getCluster("cluster");\n' +
        'c.setOption("tag:location", JSON.parse("\\"US East\\""));\n',
    );
  });

  const values: Array<[string, JsonValue, JsonValue]> = [
    ['removal', null, null],
    ['a built-in, converted', '1', true],
    ['an object with inner nulls kept for merge-patch', { a: null, b: [1] }, { a: null, b: [1] }],
    ['non-ASCII text', 'Zürich “quoted” \u2028', 'Zürich “quoted” \u2028'],
  ];
  it.each(values)('passes %s to cluster.setOption', (_what, value, sent) => {
    const option = typeof sent === 'boolean' ? 'tag:_hidden' : 'tag:t';
    const { calls } = runRecorded(setOptionScript('c1', option, value));
    expect(calls).toEqual([
      ['getCluster', 'c1'],
      ['setOption', option, sent],
    ]);
  });

  it('keeps a __proto__ key of a value as a key', () => {
    const value = JSON.parse('{"__proto__": {"x": 1}}') as JsonValue;
    const { calls } = runRecorded(setOptionScript('c', 'tag:t', value));
    const sent = calls[1]?.[2] as object;
    expect(Object.hasOwn(sent, '__proto__')).toBe(true);
  });

  it('is ASCII only, with the cluster name as a literal', () => {
    const script = setOptionScript('we"ird\nnäme', 'tag:t', 'é');
    expect(/^[\x20-\x7e\n]*$/.test(script)).toBe(true);
    expect(runRecorded(script).calls[0]).toEqual(['getCluster', 'we"ird\nnäme']);
  });

  it("fails with MySQL Shell's message before any script exists", () => {
    expect(() => setOptionScript('c', 'tag:_hidden', [true])).toThrow(
      "Built-in tag '_hidden' is expected to be of type Bool, but is Array",
    );
    expect(() => setOptionScript('c', 'TAG:x', 1)).toThrow("Namespace 'TAG' not supported.");
  });
});

describe('setInstanceOption script', () => {
  it('is exactly this text, naming the instance by <host>:<port> only', () => {
    expect(setInstanceOptionScript('cluster', '10.0.0.2', 3306, 'tag:_hidden', true)).toBe(
      'var c = dba.getCluster("cluster");\n' +
        'c.setInstanceOption("10.0.0.2:3306", "tag:_hidden", JSON.parse("true"));\n',
    );
  });

  it('calls cluster.setInstanceOption with the converted value', () => {
    const { calls } = runRecorded(
      setInstanceOptionScript(
        'c',
        'fd00::2',
        3307,
        'tag:_disconnect_existing_sessions_when_hidden',
        'FALSE',
      ),
    );
    expect(calls[1]).toEqual([
      'setInstanceOption',
      '[fd00::2]:3307',
      'tag:_disconnect_existing_sessions_when_hidden',
      false,
    ]);
  });

  it('refuses a hostile address or port (types.ts assertSafeAddress)', () => {
    expect(() =>
      setInstanceOptionScript('c', 'x"); dba.dropMetadataSchema(); ("', 3306, 'tag:a', 1),
    ).toThrow(/refusing address/);
    expect(() => setInstanceOptionScript('c', '10.0.0.2', 0, 'tag:a', 1)).toThrow(/refusing port/);
  });

  it('holds no credentials: the session connects first, on stdin', () => {
    const script = setInstanceOptionScript('c', '10.0.0.2', 3306, 'tag:a', 1);
    expect(script).not.toMatch(/password|user|shell\.connect/);
  });
});

describe('options()', () => {
  const real = {
    clusterName: 'cluster',
    defaultReplicaSet: {
      name: 'default',
      topology: { '10.0.0.2:3306': [] },
      tags: {
        '10.0.0.2:3306': [{ option: '_hidden', value: true }],
        global: [{ option: 'location', value: 'US East' }],
      },
    },
  };

  it('prints the options as one JSON line that parses back to the tags', () => {
    const script = optionsScript('cluster');
    expect(script).toBe(
      'var c = dba.getCluster("cluster");\nprint(JSON.stringify(c.options()) + "\\n");\n',
    );
    const { out } = runRecorded(script, real);
    const doc = parseOptionsOutput(`WARNING: something first\n${out}`);
    expect(doc).toEqual({
      clusterName: 'cluster',
      defaultReplicaSet: { tags: real.defaultReplicaSet.tags },
    });
    expect(tagMapOf(doc.defaultReplicaSet.tags['10.0.0.2:3306']).get('_hidden')).toBe(true);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['not JSON', 'oops', /not JSON/],
    ['no tags', '{"clusterName":"c","defaultReplicaSet":{}}', /without clusterName/],
    [
      'a list that is not a list',
      '{"clusterName":"c","defaultReplicaSet":{"tags":{"global":1}}}',
      /not a list/,
    ],
    [
      'an entry without option',
      '{"clusterName":"c","defaultReplicaSet":{"tags":{"global":[{"value":1}]}}}',
      /not \{option, value\}/,
    ],
  ];
  it.each(bad)('refuses output that is %s', (_what, text, error) => {
    expect(() => parseOptionsOutput(text)).toThrow(error);
  });

  it('runs through a session: one script per call', async () => {
    const scripts: string[] = [];
    const session: ShellSession = {
      run: async (body) => {
        scripts.push(body);
        return body.includes('options()') ? JSON.stringify(real) : '';
      },
    };
    const tags = new MysqlShellTags(session, 'cluster');
    await tags.setOption('tag:location', 'EMEA');
    await tags.setInstanceOption('10.0.0.2', 3306, 'tag:_hidden', false);
    const doc = await tags.options();
    expect(scripts).toHaveLength(3);
    expect(doc.clusterName).toBe('cluster');
    await expect(tags.setOption('tag:_x', 1)).rejects.toThrow("'_x' is not a valid built-in tag.");
    expect(scripts).toHaveLength(3);
  });
});
