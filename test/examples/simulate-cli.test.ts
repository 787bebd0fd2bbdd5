// `juju-reactive simulate examples/mysql-innodb-cluster`: the charm-dir convention works for
// the example (createCharm() without arguments shares one simulated cluster).
import { describe, expect, it } from 'vitest';
import { CHARM_DIR } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import { runCliCaptured } from '../helpers/hook.js';

describe('juju-reactive simulate on the example charm dir', () => {
  it('settles three units, all clustered, and exits 0', async () => {
    const { code, stdout } = await runCliCaptured(
      'simulate',
      CHARM_DIR,
      '--units',
      '3',
      '--seed',
      '2',
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/settled\s+yes/);
    expect(stdout.match(/active: Unit is ready and clustered/g)).toHaveLength(3);
  });
});
