// buildMembers and parseWeights: what a database charm's leader publishes for each member.
import { describe, expect, it } from 'vitest';
import {
  buildMembers,
  parseWeights,
  replicationMembers,
  type TopologyMember,
  WeightConfigError,
} from '../../../examples/shared/cluster-view-publish/index.js';

const TOPOLOGY: TopologyMember[] = [
  { name: 'db/0', address: '10.0.0.10', port: 3306, role: 'PRIMARY' },
  { name: 'db/1', address: '10.0.0.11', port: 3306, role: 'SECONDARY' },
  { name: 'db/2', address: 'fd00::12', port: 3307, role: 'SPARE' },
];

describe('parseWeights (the weight config)', () => {
  it('takes one number for every member, or a default plus per-unit entries', () => {
    expect(parseWeights('2')).toEqual({ fallback: 2, units: new Map() });
    expect(parseWeights('')).toEqual({ fallback: 1, units: new Map() });
    expect(parseWeights(' 1.5 , db/2=3,db/10 = 0.5')).toEqual({
      fallback: 1.5,
      units: new Map([
        ['db/2', 3],
        ['db/10', 0.5],
      ]),
    });
  });

  it.each([
    ['0', 'weight: entry 1 must be a number greater than 0 and at most 1000'],
    ['1001', 'weight: entry 1 must be a number greater than 0 and at most 1000'],
    ['-1', 'weight: entry 1 must be a number greater than 0 and at most 1000'],
    ['1e3', 'weight: entry 1 must be a number greater than 0 and at most 1000'],
    ['1,2', 'weight: entry 2 is a second default weight'],
    ['db=2', 'weight: entry 1 does not start with a unit name'],
    ['db/1=2,db/1=3', 'weight: db/1 is given twice'],
    ['db/1=x', 'weight: db/1 must be a number greater than 0 and at most 1000'],
    ['1,'.repeat(3000), 'weight: longer than 4096 characters'],
  ])('refuses %j with a message naming the entry', (text, message) => {
    expect(() => parseWeights(text)).toThrow(new WeightConfigError(message));
  });
});

describe('buildMembers', () => {
  it('fills mode from the role and weight from the config', () => {
    const { members, warnings } = buildMembers(TOPOLOGY, parseWeights('2, db/1=5'));
    expect(members).toEqual([
      { ...TOPOLOGY[0], mode: 'read_write', weight: 2, hidden: false, disconnect: false },
      { ...TOPOLOGY[1], mode: 'read_only', weight: 5, hidden: false, disconnect: false },
      { ...TOPOLOGY[2], mode: 'read_only', weight: 2, hidden: false, disconnect: false },
    ]);
    expect(warnings).toEqual([]);
  });

  it('hides a member tagged _hidden and disconnects it unless _disconnect_existing_sessions_when_hidden is false (Router routing.ts rules)', () => {
    const tags = new Map([
      ['db/1', new Map([['_hidden', true]])],
      [
        'db/2',
        new Map<string, boolean>([
          ['_hidden', true],
          ['_disconnect_existing_sessions_when_hidden', false],
        ]),
      ],
    ]);
    const { members } = buildMembers(TOPOLOGY, undefined, tags);
    expect(members.map((m) => [m.name, m.hidden, m.disconnect])).toEqual([
      ['db/0', false, false],
      ['db/1', true, true],
      ['db/2', true, false],
    ]);
  });

  it('ignores a built-in tag that is not a boolean, as Router does, and says so with the instance label', () => {
    const tags = new Map([['db/2', new Map([['_hidden', 'yes']])]]);
    const { members, warnings } = buildMembers(TOPOLOGY, undefined, tags);
    expect(members[2]?.hidden).toBe(false);
    expect(warnings).toEqual([
      '[fd00::12]:3307: Error parsing _hidden from attributes JSON string: tags._hidden not a boolean',
    ]);
  });
});

describe("replicationMembers (a failover engine's decided topology)", () => {
  const endpoints = {
    'db/0': { address: '127.0.0.30', port: 3306 },
    'db/1': { address: '127.0.0.31', port: 3307 },
    'db/2': { address: '127.0.0.32', port: 3308 },
  };

  it('the decided source is PRIMARY even while it fails its checks; answering replicas are SECONDARY, silent ones FAULTY', () => {
    const members = replicationMembers(
      {
        source: 'db/0',
        units: {
          'db/0': { reachable: false },
          'db/1': { reachable: true },
          'db/2': { reachable: false },
        },
      },
      endpoints,
    );
    expect(members.map((m) => [m.name, m.role, m.port])).toEqual([
      ['db/0', 'PRIMARY', 3306],
      ['db/1', 'SECONDARY', 3307],
      ['db/2', 'FAULTY', 3308],
    ]);
  });

  it('a unit marked spare (in the application, not in the topology) is SPARE, answering or not', () => {
    const members = replicationMembers(
      {
        source: 'db/0',
        units: {
          'db/0': { reachable: true },
          'db/1': { reachable: true, spare: true },
          'db/2': { reachable: false, spare: true },
        },
      },
      endpoints,
    );
    expect(members.map((m) => [m.name, m.role])).toEqual([
      ['db/0', 'PRIMARY'],
      ['db/1', 'SPARE'],
      ['db/2', 'SPARE'],
    ]);
  });

  it('after a promotion the new source is PRIMARY and the dead old one FAULTY; a unit without an endpoint is left out', () => {
    const members = replicationMembers(
      {
        source: 'db/1',
        units: {
          'db/0': { reachable: false },
          'db/1': { reachable: true },
          'db/9': { reachable: true },
        },
      },
      endpoints,
    );
    expect(members.map((m) => [m.name, m.role])).toEqual([
      ['db/0', 'FAULTY'],
      ['db/1', 'PRIMARY'],
    ]);
  });
});
