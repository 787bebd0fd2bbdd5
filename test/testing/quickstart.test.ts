// A newcomer's first simulator test: deploy three units of a charm, let them converge, assert.

import { Model } from 'juju-reactive/testing';
import { describe, expect, it } from 'vitest';
import { fixtureCharm, scopeAddresses } from './helpers.js';

describe('quickstart', () => {
  it('converges three units of peer-echo into one cluster', async () => {
    const model = new Model({ seed: 1 });
    await model.deploy('echo', { charmDir: fixtureCharm('peer-echo'), units: 3 });

    const report = await model.settle();

    expect(report.settled).toBe(true);
    expect(model.leaderSettings('echo')).toEqual({ members: 'echo/0,echo/1,echo/2' });
    for (const name of model.units('echo')) {
      const unit = model.unit(name);
      expect(unit.flags).toContain('echo.member');
      expect(unit.status).toEqual({ status: 'active', message: '3 members' });
      expect(unit.published('cluster')).toEqual({
        ...scopeAddresses(unit.address),
        address: unit.address,
        greeting: 'hello',
      });
    }
  });
});
