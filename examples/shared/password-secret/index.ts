// password-secret: the password a charm's units share, held in an application-owned Juju secret
// that the leader creates once and names in a leader setting. Shared by the example charms
// (the cluster password of mysql-innodb-cluster, the replication password of
// mariadb-replication). See README.md.
import { randomBytes } from 'node:crypto';
import { type Charm, type HookRuntime, leaderGet, leaderSet } from 'juju-reactive';

/** The secret's field that holds the password. */
export const PASSWORD_FIELD = 'password';

/** Hooks (their runtimes) that added a password secret: it is not checked for in the same hook. */
const addedIn = new WeakSet<HookRuntime>();

/**
 * Add `password` (default 24 random bytes, base64url) as an application-owned secret labelled
 * `label`, and return its id (leader only). Every unit of the application can read it without
 * a grant. The password is registered for redaction first.
 */
export function addPasswordSecret(
  rt: HookRuntime,
  label: string,
  password: string = randomBytes(24).toString('base64url'),
): string {
  rt.redactor.add(password);
  addedIn.add(rt);
  const id = rt.juju.secretAdd({ [PASSWORD_FIELD]: password }, { owner: 'application', label });
  if (id.isErr()) throw id.error;
  return id.value;
}

/**
 * The password in secret `id` (registered for redaction). Throws when the secret cannot be read
 * or holds no password: the hook fails and Juju retries it.
 *
 * A plain `secret-get` reads the latest revision: a unit of the owning application reads an
 * application-owned secret as its owner does, never as a consumer tracking a revision (juju/juju
 * 3.x apiserver/facades/agent/secretsmanager/secrets.go getSecretContent: "application owned
 * secrets can be accessed by all the units of the application", answered with
 * md.LatestRevision; no consumer record is made, so no secret-changed comes to these units).
 * Juju 4's secretsmanager facade makes every reader a consumer (GetConsumedRevision: the
 * revision first read, unless --refresh), which would pin an old revision; it does not matter
 * here: the charms never write a second revision, a new password is a new secret (a new id).
 */
export function readPasswordSecret(rt: HookRuntime, id: string): string {
  const content = rt.juju.secretGet(id);
  if (content.isErr()) throw content.error;
  const password = content.value[PASSWORD_FIELD];
  if (!password) throw new Error(`secret ${id} holds no ${PASSWORD_FIELD}`);
  rt.redactor.add(password);
  return password;
}

/** Options of {@link replaceLostPasswordSecret}. */
export interface LostSecretOptions {
  /** The leader setting naming the secret (its flag is `leadership.set.<key>`). */
  readonly leaderKey: string;
  /** What the password is, for the log: `cluster password`. */
  readonly what: string;
}

/**
 * Register the leader's handler that replaces a password secret that never came to exist.
 * Juju applies leader-set at once but commits secret-add only with a successful hook (juju
 * docs, hook commands: leader-set; secrets are committed with the hook), so a leader killed
 * after both left a leader setting naming a secret nobody can read. Nothing can have used it:
 * the setting is removed, and the charm's generating handler (registered after this one, on
 * `whenNot('leadership.set.<key>')`) makes a new secret in the same hook.
 *
 * Once this unit read the secret in a hook after the one that added it, the secret was
 * committed; a secret the charm never removes is not checked again by this unit (the unit
 * state keeps its id, not its content).
 */
export function replaceLostPasswordSecret(charm: Charm, options: LostSecretOptions): void {
  const seenKey = `password-secret-seen.${options.leaderKey}`;
  charm
    .when('leadership.is_leader', `leadership.set.${options.leaderKey}`)
    .run(function replaceLostPasswordSecret(rt) {
      const id = leaderGet(rt, options.leaderKey);
      if (id === undefined || addedIn.has(rt)) return;
      if (rt.state.get(seenKey) === id) return;
      const content = rt.juju.secretGet(id);
      if (content.isOk()) rt.state.set(seenKey, id);
      if (content.isOk() || content.error.kind !== 'not-found') return;
      rt.log.warning(
        `the ${options.what} secret ${id} named in leader settings does not exist (a leader hook died after leader-set): generating a new one`,
      );
      leaderSet(rt, { [options.leaderKey]: null });
    });
}
