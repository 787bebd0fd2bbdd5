// actions.yaml / charmcraft.yaml actions, storage and resources, read as Juju reads them
// (juju/juju internal/charm/actions.go ReadActionsYaml; internal/charm/meta.go storage).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseActions } from '../../src/juju/actions-metadata.js';
import { MetadataError, parseMetadata, readMetadata } from '../../src/juju/metadata.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('actions.yaml', () => {
  it('builds the object schema Juju validates params against: additionalProperties false unless said', () => {
    const actions = parseActions(
      'backup:\n  description: Back up.\n  params:\n    target: {type: string}\n  required: [target]\nping: {}\n',
      'actions.yaml',
    );
    expect(actions['backup']).toEqual({
      name: 'backup',
      description: 'Back up.',
      parallel: false,
      executionGroup: '',
      schema: {
        description: 'Back up.',
        type: 'object',
        title: 'backup',
        properties: { target: { type: 'string' } },
        required: ['target'],
        additionalProperties: false,
      },
    });
    expect(actions['ping']?.description).toBe('No description');
    expect(actions['ping']?.schema['additionalProperties']).toBe(false);
  });

  it('reads parallel and execution-group', () => {
    const a = parseActions('snap:\n  parallel: true\n  execution-group: db\n', 'a.yaml')['snap'];
    expect(a).toMatchObject({ parallel: true, executionGroup: 'db' });
  });

  it.each([
    ['Backup: {}', /Backup is a bad action name/],
    ['juju-run: {}', /names starting with "juju-" are reserved/],
    [
      'b:\n  params:\n    x: {$ref: "#/x"}',
      /b\.params\.x\.\$ref is a schema key Juju does not accept/,
    ],
    ['b:\n  required: target', /b\.required must be a YAML list/],
    ['b:\n  parallel: "yes"', /b\.parallel must be true or false/],
    ['b: 3', /b must be a mapping/],
  ])('refuses %j as Juju does, naming the field', (text, message) => {
    expect(() => parseActions(text, 'actions.yaml')).toThrow(message);
    expect(() => parseActions(text, 'actions.yaml')).toThrow(MetadataError);
  });

  it('reads actions from charmcraft.yaml when there is no actions.yaml, and config too', () => {
    dir = mkdtempSync(join(tmpdir(), 'charm-files-'));
    writeFileSync(
      join(dir, 'charmcraft.yaml'),
      'name: demo\nactions:\n  backup: {}\nconfig:\n  options:\n    port: {type: int, default: 1}\n',
    );
    const metadata = readMetadata(dir);
    expect(Object.keys(metadata.actions ?? {})).toEqual(['backup']);
    expect(metadata.config).toEqual({ port: { type: 'int', default: 1 } });
  });

  it('prefers actions.yaml and config.yaml beside metadata.yaml', () => {
    dir = mkdtempSync(join(tmpdir(), 'charm-files-'));
    writeFileSync(join(dir, 'metadata.yaml'), 'name: demo\n');
    writeFileSync(join(dir, 'actions.yaml'), 'cluster-status: {}\n');
    writeFileSync(join(dir, 'config.yaml'), 'options:\n  debug: {type: boolean}\n');
    const metadata = readMetadata(dir);
    expect(Object.keys(metadata.actions ?? {})).toEqual(['cluster-status']);
    expect(metadata.config).toEqual({ debug: { type: 'boolean' } });
  });
});

describe('storage and resources in metadata', () => {
  it('reads storage with its type, location and multiple range', () => {
    const m = parseMetadata(
      'name: db\nstorage:\n  data:\n    type: filesystem\n    location: /srv/data\n    multiple: {range: 1-3}\n    minimum-size: 10G\n  logs:\n    type: block\n',
      'metadata.yaml',
    );
    expect(m.storage).toEqual([
      {
        name: 'data',
        type: 'filesystem',
        location: '/srv/data',
        multiple: '1-3',
        minimumSize: '10G',
      },
      { name: 'logs', type: 'block' },
    ]);
  });

  it('reads resources; a file resource needs a filename', () => {
    const m = parseMetadata(
      'name: db\nresources:\n  mysql-shell:\n    type: file\n    filename: mysqlsh.deb\n  image:\n    type: oci-image\n',
      'metadata.yaml',
    );
    expect(m.resources).toEqual([
      { name: 'mysql-shell', type: 'file', filename: 'mysqlsh.deb' },
      { name: 'image', type: 'oci-image' },
    ]);
    expect(() => parseMetadata('name: db\nresources:\n  x: {type: file}\n', 'm.yaml')).toThrow(
      /resources\.x\.filename is required/,
    );
  });

  it.each([
    ['storage:\n  data: {type: tape}', /storage\.data\.type must be "filesystem" or "block"/],
    ['storage:\n  data: {type: block, multiple: {range: lots}}', /multiple\.range must be/],
  ])('refuses %j naming the field', (yaml, message) => {
    expect(() => parseMetadata(`name: db\n${yaml}\n`, 'metadata.yaml')).toThrow(message);
  });

  it('leaves the metadata of a charm without storage or resources as it was', () => {
    expect(parseMetadata('name: db\n', 'm.yaml')).toEqual({ name: 'db', endpoints: [] });
  });
});
