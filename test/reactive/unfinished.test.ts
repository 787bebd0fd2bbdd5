// A `charm.when(...)` chain never given `.run(fn)` registers nothing: the charm refuses to run
// and names the chain and the line it was started on (issue 22, item 10).
import { describe, expect, it } from 'vitest';
import { Charm, UnfinishedHandlerError } from '../../src/index.js';
import { Model } from '../../src/testing/index.js';

describe('a handler definition without .run(fn)', () => {
  it('is named, with the place it was started, when the charm is run', () => {
    const charm = new Charm();
    charm.when('workload.installed').run(function fine() {});
    charm.when('x', 'y').whenNot('z').onlyOnce(); // forgot .run()

    let error: unknown;
    try {
      void charm.handlers;
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UnfinishedHandlerError);
    const message = (error as Error).message;
    expect(message).toContain("charm.when('x', 'y').whenNot('z').onlyOnce() (at ");
    expect(message).toMatch(/unfinished\.test\.ts:11:\d+\) was never given \.run\(fn\)/);
    expect((error as UnfinishedHandlerError).definitions).toHaveLength(1);
  });

  it('is not reported once .run(fn) is called, even later', () => {
    const charm = new Charm();
    const builder = charm.hook('install');
    builder.run(function install() {});
    expect(charm.handlers.map((h) => h.id)).toEqual(['install']);
  });

  it('fails the first hook on the simulator with that message, changing nothing', async () => {
    const charm = new Charm();
    charm.when('leadership.is_leader');
    const model = new Model({ maxRetries: 0 });
    await model.deploy('app', { charm, metadata: { name: 'app', endpoints: [] }, units: 1 });
    await model.settle();
    const unit = model.unit('app/0');
    expect(unit.inError).toBe(true);
    expect(unit.error?.message).toMatch(
      /charm\.when\('leadership\.is_leader'\) \(at .*unfinished\.test\.ts:\d+:\d+\) was never given \.run\(fn\)/,
    );
    expect(unit.flags).toEqual([]);
    await model.close();
  });

  it('covers charm.action(name) without .run(fn) too, in action runs and hooks alike', () => {
    const charm = new Charm();
    charm.action('backup'); // forgot .run()
    for (const read of [() => charm.actions, () => charm.handlers]) {
      let error: unknown;
      try {
        void read();
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(UnfinishedHandlerError);
      expect((error as Error).message).toMatch(
        /charm\.action\("backup"\) \(at .*unfinished\.test\.ts:\d+:\d+\) was never given \.run\(fn\)/,
      );
    }
  });

  it('does not report an action once .run(fn) is called', () => {
    const charm = new Charm();
    charm.action('backup').run(function backup() {});
    expect(charm.actions.map((a) => a.name)).toEqual(['backup']);
    expect(charm.handlers).toEqual([]);
  });
});
