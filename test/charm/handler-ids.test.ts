import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { unitWith } from '../reactive/builders.js';

const ids = (charm: Charm) => charm.handlers.map((h) => h.id);

describe('handler ids', () => {
  it('use the id given to the builder or the spec', () => {
    const charm = new Charm();
    charm
      .when('a')
      .id('configure-cluster')
      .run(function ignoredName() {});
    charm.handler({ id: 'from-spec', when: ['b'] }, function alsoIgnored() {});
    expect(ids(charm)).toEqual(['configure-cluster', 'from-spec']);
  });

  it('are derived from the function name when none is given', () => {
    const charm = new Charm();
    charm.when('a').run(function installMysql() {});
    const named = () => {};
    charm.when('b').run(named);
    expect(ids(charm)).toEqual(['installMysql', 'named']);
  });

  it('are derived from the predicates for an anonymous function, in a fixed order', () => {
    const charm = new Charm();
    charm
      .whenNotAll('e', 'f')
      .whenNot('d')
      .whenAny('b', 'c')
      .when('a')
      .hook('{install,upgrade-charm}')
      .run(() => {});
    charm.whenFileChanged('templates/my.cnf').run(() => {});
    charm.handler({}, () => {});
    expect(ids(charm)).toEqual([
      'hook({install,upgrade-charm}).when(a).whenAny(b,c).whenNot(d).whenNotAll(e,f)',
      'whenFileChanged(templates/my.cnf)',
      'always',
    ]);
  });

  it('get a numbered suffix when a derived id is already taken', () => {
    const charm = new Charm();
    charm.when('a').run(() => {});
    charm.when('a').run(() => {});
    charm.when('a').run(() => {});
    charm.when('b').run(function setup() {});
    charm.when('c').run(function setup() {});
    expect(ids(charm)).toEqual(['when(a)', 'when(a)#2', 'when(a)#3', 'setup', 'setup#2']);
  });

  it('suffix a derived id that collides with an earlier given id', () => {
    const charm = new Charm();
    charm.handler({ id: 'install' }, () => {});
    charm.hook('install').run(function install() {});
    expect(ids(charm)).toEqual(['install', 'install#2']);
  });

  it('reject a given id that is already registered, naming it', () => {
    const charm = new Charm();
    charm
      .when('a')
      .id('configure')
      .run(() => {});
    expect(() =>
      charm
        .when('b')
        .id('configure')
        .run(() => {}),
    ).toThrow(/handler id "configure" is registered twice/);
    charm.when('c').run(function derived() {});
    expect(() => charm.handler({ id: 'derived' }, () => {})).toThrow(/registered twice/);
    expect(ids(charm)).toEqual(['configure', 'derived']);
  });

  it('are what runs, events and errors report', async () => {
    const charm = new Charm();
    charm.when('a').run(() => {});
    charm.when('a').run(() => {
      throw new Error('second failed');
    });
    const result = await unitWith(charm, { flags: ['a'] }).run({ hookName: 'install' });
    expect(result.failedHandler).toBe('when(a)#2');
    expect(result.error).toBe('hook install failed in handler when(a)#2: second failed');
  });
});
