// Tag writes are leader-only (leader settings are written by the leader alone). A unit that is
// not the leader fails the action with a message naming the leader, which the leader records
// in leader settings because Juju offers units no hook tool that names the leader.

/** Leader-settings key where the leader records its own unit name. */
export const LEADER_UNIT_KEY = 'adminapi-tags-leader';

/**
 * The leader-settings change that records `unit` as the leader, or `{}` when already recorded.
 * Call it from the leader in every hook (leader-elected included).
 */
export function recordLeader(
  settings: Readonly<Record<string, string>>,
  unit: string,
): Record<string, string> {
  return settings[LEADER_UNIT_KEY] === unit ? {} : { [LEADER_UNIT_KEY]: unit };
}

/**
 * Why `action` cannot run on `unit`: it is not the leader. Names the recorded leader and the
 * `<application>/leader` target that `juju run` resolves to the leader
 * (juju/juju cmd/juju/action/run.go, "leader syntax").
 * @example notLeaderMessage('set-option', 'mysql/1', { 'adminapi-tags-leader': 'mysql/0' })
 */
export function notLeaderMessage(
  action: string,
  unit: string,
  settings: Readonly<Record<string, string>>,
  /** What the action does that only the leader may do. */
  writes = 'writes leader settings',
): string {
  const app = unit.split('/')[0] ?? unit;
  const recorded = settings[LEADER_UNIT_KEY];
  const leader =
    recorded !== undefined && recorded !== unit
      ? `the leader is ${recorded}`
      : 'the leader is not known yet';
  return `${action} ${writes} and runs on the leader only: ${unit} is not the leader (${leader}); run it on ${app}/leader`;
}
