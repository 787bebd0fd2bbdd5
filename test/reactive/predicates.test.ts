import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import type { DispatchPhase } from '../../src/reactive/events.js';
import type { HandlerSpec } from '../../src/reactive/handlers.js';
import { compileHookPattern } from '../../src/reactive/hook-pattern.js';
import { handler, predicateEnv, unitWith } from './builders.js';

type FlagPredicate = 'when' | 'whenAny' | 'whenNot' | 'whenNotAll';

/** Truth tables over the flags a and b; each row: the flags set, and whether the predicate holds. */
const TABLES: Record<FlagPredicate, [set: string[], holds: boolean][]> = {
  when: [
    [[], false],
    [['a'], false],
    [['b'], false],
    [['a', 'b'], true],
    [['a', 'b', 'c'], true],
  ],
  whenAny: [
    [[], false],
    [['a'], true],
    [['b'], true],
    [['a', 'b'], true],
    [['c'], false],
  ],
  whenNot: [
    [[], true],
    [['a'], false],
    [['b'], false],
    [['a', 'b'], false],
    [['c'], true],
  ],
  whenNotAll: [
    [[], true],
    [['a'], true],
    [['b'], true],
    [['a', 'b'], false],
    [['a', 'b', 'c'], false],
  ],
};

/** The same predicate as a plain handler (other phase) and as a hook handler (hooks phase). */
const PHASES: { phase: DispatchPhase; extra: Pick<HandlerSpec, 'hook'> }[] = [
  { phase: 'other', extra: {} },
  { phase: 'hooks', extra: { hook: 'install' } },
];

const rows = PHASES.flatMap(({ phase, extra }) =>
  (Object.keys(TABLES) as FlagPredicate[]).flatMap((predicate) =>
    TABLES[predicate].map(([set, holds]) => ({ phase, extra, predicate, set, holds })),
  ),
);

describe('flag predicates', () => {
  it.each(rows)(
    'in the $phase phase, $predicate(a,b) with [$set] set holds: $holds',
    ({ phase, extra, predicate, set, holds }) => {
      const h = handler('h', { ...extra, [predicate]: ['a', 'b'] });
      expect(h.test(predicateEnv(set, phase, 'install'))).toBe(holds);
    },
  );

  it.each(PHASES)(
    'in the $phase phase, when() and whenNot() of no flags always hold',
    ({ phase, extra }) => {
      for (const set of [[], ['a']]) {
        expect(handler('w', { ...extra, when: [] }).test(predicateEnv(set, phase, 'install'))).toBe(
          true,
        );
        expect(
          handler('n', { ...extra, whenNot: [] }).test(predicateEnv(set, phase, 'install')),
        ).toBe(true);
      }
    },
  );

  it('rejects whenAny() and whenNotAll() of no flags, which could never hold', () => {
    const noop = () => {};
    expect(() => new Charm().whenAny().run(noop)).toThrow(/whenAny\(\[\]\) can never hold/);
    expect(() => new Charm().whenNotAll().run(noop)).toThrow(/whenNotAll\(\[\]\) can never hold/);
    expect(() => new Charm().handler({ whenNotAll: [] }, noop)).toThrow(/can never hold/);
  });

  it('rejects an empty flag name in a predicate', () => {
    expect(() => new Charm().when('a', '').run(() => {})).toThrow(
      /when must be a list of non-empty strings/,
    );
  });

  it('runs a handler with empty when() and whenNot() lists in every hook', async () => {
    const charm = new Charm().handler({ id: 'always', when: [], whenNot: [] }, () => {});
    const result = await unitWith(charm, { flags: ['x'] }).run({ hookName: 'update-status' });
    expect(result.runs.map((r) => r.handler)).toEqual(['always']);
  });
});

describe('predicates on one handler', () => {
  const spec: HandlerSpec = {
    when: ['a'],
    whenAny: ['b', 'c'],
    whenNot: ['d'],
    whenNotAll: ['e', 'f'],
  };

  it.each([
    { set: ['a', 'b'], holds: true },
    { set: ['a', 'c', 'e'], holds: true },
    { set: ['b'], holds: false }, // when(a) fails
    { set: ['a'], holds: false }, // whenAny(b,c) fails
    { set: ['a', 'b', 'd'], holds: false }, // whenNot(d) fails
    { set: ['a', 'b', 'e', 'f'], holds: false }, // whenNotAll(e,f) fails
  ])('are ANDed: with [$set] set the handler holds: $holds', ({ set, holds }) => {
    expect(handler('h', spec).test(predicateEnv(set, 'other'))).toBe(holds);
    expect(
      handler('h', { ...spec, hook: 'install' }).test(predicateEnv(set, 'hooks', 'install')),
    ).toBe(holds);
  });

  it('are ANDed with the hook pattern: matching flags in a non-matching hook do not hold', () => {
    const h = handler('h', { hook: 'install', when: ['a'] });
    expect(h.test(predicateEnv(['a'], 'hooks', 'install'))).toBe(true);
    expect(h.test(predicateEnv([], 'hooks', 'install'))).toBe(false);
    expect(h.test(predicateEnv(['a'], 'hooks', 'start'))).toBe(false);
  });

  it('are ANDed across chained builder calls on the same predicate', async () => {
    const ran: string[] = [];
    const charm = new Charm();
    charm
      .when('a')
      .when('b')
      .run(function both() {
        ran.push('both');
      });
    await unitWith(charm, { flags: ['a'] }).run({ hookName: 'update-status' });
    expect(ran).toEqual([]);
    await unitWith(charm, { flags: ['a', 'b'] }).run({ hookName: 'update-status' });
    expect(ran).toEqual(['both']);
  });
});

describe('hook patterns', () => {
  it.each([
    ['install', 'install', true],
    ['install', 'install-extra', false],
    ['install', 'pre-install', false],
    ['{install,upgrade-charm}', 'install', true],
    ['{install,upgrade-charm}', 'upgrade-charm', true],
    ['{install,upgrade-charm}', 'config-changed', false],
    ['cluster-relation-{joined,changed}', 'cluster-relation-joined', true],
    ['cluster-relation-{joined,changed}', 'cluster-relation-changed', true],
    ['cluster-relation-{joined,changed}', 'cluster-relation-departed', false],
    ['*-relation-changed', 'db-relation-changed', true],
    ['*-relation-changed', 'db-relation-joined', false],
    ['{db,cluster}-relation-*', 'cluster-relation-broken', true],
    ['{db,cluster}-relation-*', 'web-relation-broken', false],
    ['*', 'anything-at-all', true],
    ['leader-{elected,settings-changed}', 'leader-settings-changed', true],
  ])('%s matches %s: %s', (pattern, hookName, matches) => {
    expect(compileHookPattern(pattern).test(hookName)).toBe(matches);
    const h = handler('h', { hook: pattern });
    expect(h.test(predicateEnv([], 'hooks', hookName))).toBe(matches);
  });

  it('matches when any of several patterns on one handler matches', () => {
    const h = handler('h', { hook: ['install', 'start'] });
    expect(h.test(predicateEnv([], 'hooks', 'install'))).toBe(true);
    expect(h.test(predicateEnv([], 'hooks', 'start'))).toBe(true);
    expect(h.test(predicateEnv([], 'hooks', 'stop'))).toBe(false);
  });

  it.each([
    ['', /empty hook pattern/],
    ['{a,{b,c}}', /nested braces/],
    ['a}', /unbalanced '\}'/],
    ['{a,b', /unbalanced '\{'/],
    // charms.reactive's endpoint-by-interface patterns would compile to something no hook name
    // matches: refused when the charm loads instead of silently never running.
    ['{requires:mysql}-relation-joined', /\{role:interface\} endpoint patterns are not supported/],
    ['{provides:http}-relation-{joined,changed}', /role:interface/],
    ['a.b', /"\." can never appear in a hook name/],
    ['Install', /"I" can never appear in a hook name/],
  ])('rejects the malformed pattern %j when the handler is registered', (pattern, message) => {
    expect(() => new Charm().hook(pattern).run(() => {})).toThrow(message);
  });

  it('rejects hook() without a pattern instead of running the handler in every hook', () => {
    expect(() => new Charm().hook().run(() => {})).toThrow(/at least one hook-name pattern/);
    expect(() => new Charm().handler({ hook: [] }, () => {})).toThrow(/at least one/);
  });
});

describe('dispatch phases', () => {
  it('never tests a hook-gated handler true in the other phase, even in its own hook', () => {
    const h = handler('h', { hook: '*' });
    expect(h.test(predicateEnv([], 'hooks', 'install'))).toBe(true);
    expect(h.test(predicateEnv([], 'other', 'install'))).toBe(false);
  });

  it('never tests a handler without hook() true in the hooks phase', () => {
    const h = handler('h', {});
    expect(h.test(predicateEnv([], 'other', 'install'))).toBe(true);
    expect(h.test(predicateEnv([], 'hooks', 'install'))).toBe(false);
  });

  it('runs a hook handler only in the hooks phase, not again when its flags change later', async () => {
    const charm = new Charm();
    charm
      .hook('install')
      .whenAny('go', 'installed')
      .run(function install() {});
    charm.whenNot('installed').run(function markInstalled(rt) {
      rt.flags.set('installed');
    });
    const result = await unitWith(charm, { flags: ['go'] }).run({ hookName: 'install' });
    expect(result.runs).toEqual([
      { handler: 'install', phase: 'hooks', iteration: 0 },
      { handler: 'markInstalled', phase: 'other', iteration: 0 },
    ]);
  });

  it('does not run a hook handler in a hook its pattern does not match', async () => {
    const charm = new Charm();
    charm.hook('install').run(function install() {});
    const result = await unitWith(charm).run({ hookName: 'config-changed' });
    expect(result.runs).toEqual([]);
  });
});
