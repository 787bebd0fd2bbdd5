// What operators and clients see: the `options` document (mysql/mysql-shell
// modules/adminapi/cluster/options.cc, base_cluster_impl.cc get_cluster_tags), the status mark
// (cluster/status.cc feed_metadata_info) and Router's routing on instance tags
// (mysql/mysql-server router/src/routing/src/dest_metadata_cache.cc,
// router/src/router/src/cluster_metadata_instance_attributes.cc).
import type { JsonValue } from 'juju-reactive';
import { describe, expect, it } from 'vitest';
import {
  applyTagOption,
  hiddenFromRouterMark,
  instanceLabel,
  optionsDocument,
  resolveInstance,
  routeMembers,
} from '../../../examples/shared/adminapi-tags/index.js';
import { failure, tags } from './helpers.js';

describe('the options document', () => {
  it('lists global and each instance label, {option, value} sorted by bare name', () => {
    const doc = optionsDocument('cluster', tags({ location: 'US East' }), [
      { label: 'ic-2:3306', tags: new Map() },
      {
        label: 'ic-1:3306',
        tags: tags({ _hidden: false, _disconnect_existing_sessions_when_hidden: true, zone: 'a' }),
      },
    ]);
    expect(doc).toEqual({
      clusterName: 'cluster',
      defaultReplicaSet: {
        tags: {
          global: [{ option: 'location', value: 'US East' }],
          'ic-1:3306': [
            { option: '_disconnect_existing_sessions_when_hidden', value: true },
            { option: '_hidden', value: false },
            { option: 'zone', value: 'a' },
          ],
          'ic-2:3306': [],
        },
      },
    });
  });

  it('sorts names bytewise, as std::map does: upper case before lower, _ between', () => {
    const doc = optionsDocument('c', tags({ b: 1, B: 2, _hidden: true, a_: 3, a: 4 }), []);
    expect(doc.defaultReplicaSet.tags['global']?.map((e) => e.option)).toEqual([
      'B',
      '_hidden',
      'a',
      'a_',
      'b',
    ]);
  });

  it('orders the label keys bytewise with global among them', () => {
    const doc = optionsDocument('c', new Map(), [
      { label: 'mysql-1:3306', tags: new Map() },
      { label: '10.0.0.2:3306', tags: new Map() },
    ]);
    expect(Object.keys(doc.defaultReplicaSet.tags)).toEqual([
      '10.0.0.2:3306',
      'global',
      'mysql-1:3306',
    ]);
  });

  it('refuses two instances with one label', () => {
    expect(() =>
      optionsDocument('c', new Map(), [
        { label: 'a:1', tags: new Map() },
        { label: 'a:1', tags: new Map() },
      ]),
    ).toThrow(/given twice/);
  });

  it('labels instances <host>:<port>, IPv6 in brackets', () => {
    expect(instanceLabel('10.0.0.2', 3306)).toBe('10.0.0.2:3306');
    expect(instanceLabel('fd00::2', 3306)).toBe('[fd00::2]:3306');
  });
});

describe('hiddenFromRouter in status', () => {
  const marks: Array<[Record<string, JsonValue> | undefined, object]> = [
    [{ _hidden: true }, { hiddenFromRouter: true }],
    [{ _hidden: false }, {}],
    [{}, {}],
    [undefined, {}],
    [{ _hidden: 'true' }, {}],
  ];
  it.each(marks)('tags %j give %j', (t, mark) => {
    expect(hiddenFromRouterMark(t === undefined ? undefined : tags(t))).toEqual(mark);
  });
});

describe('routing obeys instance tags (Router dest_metadata_cache.cc)', () => {
  const rows: Array<[string, Record<string, JsonValue>, boolean, boolean]> = [
    ['no tags: routed', {}, true, false],
    [
      'hidden: no new, existing dropped (disconnect defaults to true)',
      { _hidden: true },
      false,
      true,
    ],
    [
      'hidden, disconnect false: no new, existing kept',
      { _hidden: true, _disconnect_existing_sessions_when_hidden: false },
      false,
      false,
    ],
    [
      'not hidden, disconnect set: routed',
      { _hidden: false, _disconnect_existing_sessions_when_hidden: true },
      true,
      false,
    ],
    ['malformed hidden "true" is ignored: routed', { _hidden: 'true' }, true, false],
    ['malformed hidden 1 is ignored: routed', { _hidden: 1 }, true, false],
    [
      'malformed disconnect defaults to true',
      { _hidden: true, _disconnect_existing_sessions_when_hidden: 'no' },
      false,
      true,
    ],
  ];
  it.each(rows)('%s', (_what, t, acceptsNew, drop) => {
    const view = routeMembers([{ label: 'db:3306', tags: tags(t) }]);
    expect(view.members[0]?.acceptsNewConnections).toBe(acceptsNew);
    expect(view.members[0]?.dropExistingConnections).toBe(drop);
    expect(view.candidates.length).toBe(acceptsNew ? 1 : 0);
    expect(view.drop.length).toBe(drop ? 1 : 0);
  });

  it("logs Router's message for each malformed built-in", () => {
    const view = routeMembers([
      {
        label: 'db1:3306',
        tags: tags({ _hidden: 'yes', _disconnect_existing_sessions_when_hidden: 0 }),
      },
    ]);
    expect(view.warnings).toEqual([
      'db1:3306: Error parsing _hidden from attributes JSON string: tags._hidden not a boolean',
      'db1:3306: Error parsing _disconnect_existing_sessions_when_hidden from attributes JSON string: tags._disconnect_existing_sessions_when_hidden not a boolean',
    ]);
  });

  it('keeps the order of members and routes only on instance tags, never global ones', () => {
    const global = applyTagOption(new Map(), 'tag:_hidden', true).tags;
    const members = [
      { label: 'a:1', tags: undefined, unit: 'mysql/0' },
      { label: 'b:1', tags: tags({ _hidden: true }), unit: 'mysql/1' },
      { label: 'c:1', tags: new Map(), unit: 'mysql/2' },
    ];
    expect(global.get('_hidden')).toBe(true);
    const view = routeMembers(members);
    expect(view.candidates.map((m) => m.unit)).toEqual(['mysql/0', 'mysql/2']);
    expect(view.drop.map((m) => m.unit)).toEqual(['mysql/1']);
  });
});

describe('naming an instance in set-instance-option', () => {
  const instances = [
    { unit: 'mysql/0', label: '10.0.0.1:3306' },
    { unit: 'mysql/1', label: '10.0.0.2:3306' },
  ];
  it('accepts a unit name or a label', () => {
    expect(resolveInstance('mysql/1', instances).label).toBe('10.0.0.2:3306');
    expect(resolveInstance('10.0.0.1:3306', instances).unit).toBe('mysql/0');
  });

  it("refuses anything else with MySQL Shell's text (base_cluster_impl.cc set_instance_tag)", () => {
    expect(failure(() => resolveInstance('mysql/7', instances))).toEqual({
      kind: 'RuntimeError',
      message: "The instance 'mysql/7' does not belong to the Cluster.",
    });
    expect(() => resolveInstance('', instances)).toThrow(/parameter instance is required/);
    expect(() => resolveInstance('x'.repeat(400), instances)).toThrow(/at most 300/);
  });
});
