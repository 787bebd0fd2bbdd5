// Where the cluster password comes from: the leader's app-owned secret, or, while the leader
// is a Python unit that made none, the Python charm's leader setting.
import { type HookRuntime, leaderGet } from 'juju-reactive';
import { readPasswordSecret } from '../../shared/password-secret/index.js';
import { PASSWORD_SECRET_KEY } from './flags.js';
import { PYTHON_PASSWORD_KEY, pythonPassword } from './migration.js';

/** Where the password comes from while no secret holds it: the Python charm's leader setting. */
export const PYTHON_SOURCE = `leader-settings:${PYTHON_PASSWORD_KEY}`;

/** The leader's secret holds the password the Python charm left in leader settings. */
export function samePassword(rt: HookRuntime): boolean {
  const inherited = pythonPassword(rt);
  return inherited !== undefined && inherited === clusterPassword(rt);
}

/** Where this unit reads the cluster password from: the leader's secret, or Python's setting. */
export function passwordSource(rt: HookRuntime): string | undefined {
  const id = leaderGet(rt, PASSWORD_SECRET_KEY);
  if (id !== undefined) return id;
  return pythonPassword(rt) === undefined ? undefined : PYTHON_SOURCE;
}

/**
 * The cluster password (registered for redaction): from the leader's app-owned secret, or,
 * while the leader is a Python unit that made none, from the Python charm's leader setting.
 */
export function clusterPassword(rt: HookRuntime): string {
  const id = leaderGet(rt, PASSWORD_SECRET_KEY);
  if (id === undefined) {
    const inherited = pythonPassword(rt);
    if (inherited !== undefined) return inherited;
    throw new Error(
      'the cluster password is not shared yet; guard the handler on leadership.set.cluster-password-secret',
    );
  }
  return readPasswordSecret(rt, id);
}
