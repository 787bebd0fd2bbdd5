import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  configDefaults,
  MetadataError,
  parseConfigOptions,
  parseMetadata,
  readConfigOptions,
  readMetadata,
} from '../../src/juju/metadata.js';

const METADATA = `
name: mysql-innodb-cluster
summary: MySQL InnoDB Cluster
provides:
  db-router:
    interface: mysql-router
    scope: container
  prometheus: prometheus
peers:
  cluster:
    interface: mysql-innodb-cluster
requires:
  certificates:
    interface: tls-certificates
    limit: 1
    optional: true
`;

const CONFIG = `
options:
  cluster-name:
    type: string
    default: jujuCluster
    description: Name of the InnoDB cluster.
  max-connections:
    type: int
    default: 600
  innodb-buffer-pool-ratio:
    type: float
    default: 0.5
  enable-binlogs:
    type: boolean
    default: false
  root-password:
    type: secret
`;

const metadataError = (text: string, file = 'metadata.yaml'): MetadataError => {
  try {
    parseMetadata(text, file);
  } catch (error) {
    if (error instanceof MetadataError) return error;
    throw error;
  }
  throw new Error('expected a MetadataError');
};

const configError = (text: string, file = 'config.yaml'): MetadataError => {
  try {
    parseConfigOptions(text, file);
  } catch (error) {
    if (error instanceof MetadataError) return error;
    throw error;
  }
  throw new Error('expected a MetadataError');
};

describe('charm metadata', () => {
  it('lists endpoints as peers, then provides, then requires, each in file order', () => {
    const meta = parseMetadata(METADATA, 'metadata.yaml');
    expect(meta.name).toBe('mysql-innodb-cluster');
    expect(meta.summary).toBe('MySQL InnoDB Cluster');
    expect(meta.endpoints).toEqual([
      { name: 'cluster', role: 'peers', interface: 'mysql-innodb-cluster' },
      { name: 'db-router', role: 'provides', interface: 'mysql-router', scope: 'container' },
      { name: 'prometheus', role: 'provides', interface: 'prometheus' },
      {
        name: 'certificates',
        role: 'requires',
        interface: 'tls-certificates',
        limit: 1,
        optional: true,
      },
    ]);
  });

  it('accepts a charm with no endpoints', () => {
    expect(parseMetadata('name: ubuntu\n', 'metadata.yaml')).toEqual({
      name: 'ubuntu',
      endpoints: [],
    });
  });

  it.each([
    ['summary: x\n', 'name', 'metadata.yaml: name must be a non-empty string'],
    ['name: ""\n', 'name', 'metadata.yaml: name must be a non-empty string'],
    ['name: a\nsummary: [1]\n', 'summary', 'metadata.yaml: summary must be a string'],
    ['name: a\npeers: [cluster]\n', 'peers', 'metadata.yaml: peers must be a mapping'],
    [
      'name: a\npeers:\n  cluster: {}\n',
      'peers.cluster.interface',
      'metadata.yaml: peers.cluster.interface must be a non-empty string',
    ],
    [
      'name: a\npeers:\n  cluster:\n    interface: 3\n',
      'peers.cluster.interface',
      'metadata.yaml: peers.cluster.interface must be a non-empty string',
    ],
    [
      'name: a\nrequires:\n  db: [x]\n',
      'requires.db',
      'metadata.yaml: requires.db must be a mapping with at least an interface',
    ],
    [
      'name: a\nrequires:\n  db:\n    interface: mysql\n    limit: 0\n',
      'requires.db.limit',
      'metadata.yaml: requires.db.limit must be a positive integer',
    ],
    [
      'name: a\nprovides:\n  db:\n    interface: mysql\n    scope: local\n',
      'provides.db.scope',
      'metadata.yaml: provides.db.scope must be "global" or "container"',
    ],
    [
      'name: a\nrequires:\n  db:\n    interface: mysql\n    optional: "yes"\n',
      'requires.db.optional',
      'metadata.yaml: requires.db.optional must be true or false',
    ],
    [
      'name: a\npeers:\n  db: x\nrequires:\n  db: y\n',
      'requires.db',
      'metadata.yaml: requires.db reuses the endpoint name already declared in peers.db',
    ],
    ['- a\n- b\n', '', 'metadata.yaml: must be a YAML mapping at the top level'],
  ])('rejects %j naming the file and field', (text, field, message) => {
    const error = metadataError(text);
    expect(error.file).toBe('metadata.yaml');
    expect(error.field).toBe(field);
    expect(error.message).toBe(message);
  });

  // Juju's rule for endpoint names: juju/names relation.go, RelationSnippet.
  it.each([
    ['peers', '__proto__'],
    ['peers', 'Cluster'],
    ['provides', '1db'],
    ['requires', 'db-'],
    ['requires', 'db--x'],
    ['provides', 'my db'],
    ['peers', 'db.x'],
  ])(
    'rejects the %s endpoint name %j, naming the file and field (juju/names RelationSnippet)',
    (role, name) => {
      const error = metadataError(
        `name: a\n${role}:\n  ${JSON.stringify(name)}:\n    interface: x\n`,
      );
      expect(error.file).toBe('metadata.yaml');
      expect(error.field).toBe(`${role}.${name}`);
      expect(error.message).toMatch(
        new RegExp(
          `^metadata\\.yaml: ${role}\\.${name.replace(/[.]/g, '\\.')} is not a valid endpoint name`,
        ),
      );
    },
  );

  it.each(['db', 'db-router', 'ha_cluster', 'a1-b2_c3'])('accepts the endpoint name %j', (name) => {
    const meta = parseMetadata(`name: a\nrequires:\n  ${name}:\n    interface: x\n`, 'm.yaml');
    expect(meta.endpoints.map((e) => e.name)).toEqual([name]);
  });

  it('reports YAML syntax errors against the file', () => {
    const error = metadataError('name: [unclosed\n');
    expect(error.field).toBe('');
    expect(error.message).toMatch(/^metadata\.yaml: is not valid YAML: /);
  });
});

describe('charm files on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'metadata-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads metadata.yaml and config.yaml', () => {
    writeFileSync(join(dir, 'metadata.yaml'), METADATA);
    writeFileSync(join(dir, 'config.yaml'), CONFIG);
    expect(readMetadata(dir).name).toBe('mysql-innodb-cluster');
    expect(Object.keys(readConfigOptions(dir))).toHaveLength(5);
  });

  it('prefers metadata.yaml over charmcraft.yaml', () => {
    writeFileSync(join(dir, 'metadata.yaml'), 'name: from-metadata\n');
    writeFileSync(join(dir, 'charmcraft.yaml'), 'name: from-charmcraft\n');
    expect(readMetadata(dir).name).toBe('from-metadata');
  });

  it('falls back to charmcraft.yaml, with metadata keys at top level and options under config', () => {
    writeFileSync(
      join(dir, 'charmcraft.yaml'),
      `type: charm
name: mysql
peers:
  cluster:
    interface: mysql-innodb-cluster
config:
  options:
    port:
      type: int
      default: 3306
`,
    );
    expect(readMetadata(dir).endpoints).toEqual([
      { name: 'cluster', role: 'peers', interface: 'mysql-innodb-cluster' },
    ]);
    expect(configDefaults(readConfigOptions(dir))).toEqual({ port: 3306 });
  });

  it('names both files and the directory when neither exists', () => {
    expect(() => readMetadata(dir)).toThrow(
      `${join(dir, 'metadata.yaml')}: not found, and neither is charmcraft.yaml in ${dir}`,
    );
  });

  it('names the full path of the file in errors', () => {
    writeFileSync(join(dir, 'metadata.yaml'), 'name: a\npeers:\n  cluster: {}\n');
    expect(() => readMetadata(dir)).toThrow(
      `${join(dir, 'metadata.yaml')}: peers.cluster.interface must be a non-empty string`,
    );
  });

  it('gives no config options for a charm without config', () => {
    expect(readConfigOptions(dir)).toEqual({});
    writeFileSync(join(dir, 'charmcraft.yaml'), 'name: a\n');
    expect(readConfigOptions(dir)).toEqual({});
  });
});

describe('config options', () => {
  it('reads type, default and description of each option', () => {
    const options = parseConfigOptions(CONFIG, 'config.yaml');
    expect(options['cluster-name']).toEqual({
      type: 'string',
      default: 'jujuCluster',
      description: 'Name of the InnoDB cluster.',
    });
    expect(options['root-password']).toEqual({ type: 'secret' });
  });

  it('gives the default of every option that has one', () => {
    expect(configDefaults(parseConfigOptions(CONFIG, 'config.yaml'))).toEqual({
      'cluster-name': 'jujuCluster',
      'max-connections': 600,
      'innodb-buffer-pool-ratio': 0.5,
      'enable-binlogs': false,
    });
  });

  it('accepts an empty options section and a null default', () => {
    expect(parseConfigOptions('options:\n', 'config.yaml')).toEqual({});
    expect(
      parseConfigOptions('options:\n  a:\n    type: string\n    default:\n', 'config.yaml'),
    ).toEqual({
      a: { type: 'string' },
    });
  });

  it.each([
    ['options: [a]\n', 'options', 'config.yaml: options must be a mapping'],
    [
      'options:\n  port: 3306\n',
      'options.port',
      'config.yaml: options.port must be a mapping with at least a type',
    ],
    [
      'options:\n  port:\n    type: integer\n',
      'options.port.type',
      'config.yaml: options.port.type must be one of string, int, float, boolean, secret',
    ],
    [
      'options:\n  port:\n    type: int\n    default: "3306"\n',
      'options.port.default',
      'config.yaml: options.port.default must be a whole number',
    ],
    [
      'options:\n  port:\n    type: int\n    default: 1.5\n',
      'options.port.default',
      'config.yaml: options.port.default must be a whole number',
    ],
    [
      'options:\n  debug:\n    type: boolean\n    default: "no"\n',
      'options.debug.default',
      'config.yaml: options.debug.default must be a boolean (true or false)',
    ],
    [
      'options:\n  name:\n    type: string\n    default: 3\n',
      'options.name.default',
      'config.yaml: options.name.default must be a string',
    ],
    [
      'options:\n  name:\n    type: string\n    description: [x]\n',
      'options.name.description',
      'config.yaml: options.name.description must be a string',
    ],
  ])('rejects %j naming the file and field', (text, field, message) => {
    const error = configError(text);
    expect(error.file).toBe('config.yaml');
    expect(error.field).toBe(field);
    expect(error.message).toBe(message);
  });

  it('names the charmcraft.yaml path of a bad option', () => {
    const error = configError(
      'config:\n  options:\n    port:\n      type: nope\n',
      'charmcraft.yaml',
    );
    expect(error.message).toBe(
      'charmcraft.yaml: config.options.port.type must be one of string, int, float, boolean, secret',
    );
  });
});
