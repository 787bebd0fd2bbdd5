// The example charm's own flag names and leader-setting keys, shared by its handlers and its
// status assessment.
import { PYTHON_PASSWORD_KEY } from './migration.js';

/** Leader setting holding the id of the app-owned secret with the cluster password. */
export const PASSWORD_SECRET_KEY = 'cluster-password-secret';

/** The charm's local flags. */
export const F = {
  userCreated: 'local.cluster.user-created',
  infoSent: 'local.cluster.info-sent',
  peerUsersCreated: 'local.cluster.all-users-created',
  clusteredSignalled: 'local.cluster.unit-clustered',
} as const;

/** Either flag means the leader shared the password (ours, or the Python charm's). */
export const PASSWORD_SHARED = [
  `leadership.set.${PASSWORD_SECRET_KEY}`,
  `leadership.set.${PYTHON_PASSWORD_KEY}`,
] as const;
