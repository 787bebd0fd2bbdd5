// Reading one peer's cluster data in one hook: relation-get (once per hook, by the session),
// JSON-decoding, validation, the password secret (secret-get once per hook per id), and the
// one warning line about what was rejected. A password is registered with the redactor before
// anything could log it, and never leaves this module except in the PeerClusterData a handler
// asked for: summaries get only whether it was valid.
import { decodeValue, type HookRuntime, type RelatedUnit } from 'juju-reactive';
import type { PeerClusterData } from './peer-units.js';
import {
  KEYS,
  type PeerDataProblem,
  parseClusterPeerData,
  passwordSecretSchema,
  SECRET_PASSWORD_FIELD,
} from './schema.js';
import type { PeerSummary } from './summaries.js';

type SecretRead = { password?: string; problem?: string };

/** One hook's reads of peer data for one endpoint. */
export class PeerReader {
  private readonly full = new Map<string, PeerClusterData>();
  private readonly secretReads = new Map<string, SecretRead>();
  private readonly warned = new Map<string, string>();
  private readonly inspections = new Map<
    string,
    {
      data: ReturnType<typeof parseClusterPeerData>['data'];
      problems: readonly PeerDataProblem[];
      secretPublished: boolean;
    }
  >();

  constructor(
    private readonly runtime: HookRuntime,
    private readonly endpointName: string,
  ) {}

  /**
   * The peer's current data, password included (relation-get, and secret-get for a secret
   * reference; each once per hook). Relation-get answers with the peer's settings as they are
   * now, newer than any -changed hook still queued for it (juju/juju
   * worker/uniter/runner/context/relation.go: ContextRelation.ReadSettings reads through the
   * hook context's RelationCache, which asks the controller for the current settings).
   */
  read(unit: RelatedUnit): PeerClusterData {
    const key = `${unit.relationId}\u0000${unit.unitName}`;
    const cached = this.full.get(key);
    if (cached !== undefined) return cached;
    const { data, problems: fieldProblems, secretPublished } = this.inspect(unit);
    const problems = [...fieldProblems];
    let password = data[KEYS.clusterPassword];
    let passwordFrom: PeerClusterData['passwordFrom'] =
      password === undefined ? undefined : 'relation';
    const secretId = data[KEYS.clusterPasswordSecret];
    if (secretPublished) {
      // A published secret reference is authoritative, even a broken one: a plaintext
      // password next to it may be stale.
      password = undefined;
      passwordFrom = undefined;
      const resolved = secretId === undefined ? {} : this.resolvePasswordSecret(secretId);
      if (resolved.password !== undefined) {
        password = resolved.password;
        passwordFrom = 'secret';
      } else if (secretId !== undefined && data[KEYS.clusterPassword] !== undefined) {
        // A unit rolled back to the Python charm re-publishes its whole bag, the stale secret
        // reference its TypeScript run left included, next to a valid `cluster-password`:
        // a password that can be read beats a reference that cannot (reported below).
        password = data[KEYS.clusterPassword];
        passwordFrom = 'relation';
      }
      if (resolved.problem !== undefined)
        problems.push({
          field: KEYS.clusterPasswordSecret,
          problem:
            password === undefined
              ? resolved.problem
              : `${resolved.problem}; using its ${KEYS.clusterPassword} instead (a unit rolled back to the Python charm?)`,
        });
    }
    const result: PeerClusterData = {
      ...(data[KEYS.clusterAddress] === undefined ? {} : { address: data[KEYS.clusterAddress] }),
      ...(data[KEYS.clusterUser] === undefined ? {} : { user: data[KEYS.clusterUser] }),
      ...(password === undefined ? {} : { password, passwordFrom }),
      configureReady: data[KEYS.unitConfigureReady] === true,
      clustered: data[KEYS.unitClustered] === true,
      problems,
    };
    this.full.set(key, result);
    return result;
  }

  /**
   * The peer's summary, read from the relation now. Its password secret is read again only
   * when `previous` cannot vouch for it: a previous summary that read the same secret fine
   * stands unless `secretMayHaveChanged` (a secret-changed or upgrade-charm hook). A new
   * revision of a secret is announced by secret-changed, not by relation-changed.
   */
  summarize(
    unit: RelatedUnit,
    previous: PeerSummary | undefined,
    secretMayHaveChanged: (id: string) => boolean,
  ): PeerSummary {
    const { data, problems, secretPublished } = this.inspect(unit);
    const secretId = data[KEYS.clusterPasswordSecret];
    const fields = {
      ...(data[KEYS.clusterAddress] === undefined ? {} : { address: data[KEYS.clusterAddress] }),
      ...(data[KEYS.clusterUser] === undefined ? {} : { user: data[KEYS.clusterUser] }),
    };
    const flags = {
      configureReady: data[KEYS.unitConfigureReady] === true,
      clustered: data[KEYS.unitClustered] === true,
    };
    if (
      secretPublished &&
      secretId !== undefined &&
      previous?.secret === secretId &&
      previous.hasPassword &&
      previous.passwordFrom === 'secret' &&
      !secretMayHaveChanged(secretId) &&
      !this.full.has(`${unit.relationId}\u0000${unit.unitName}`)
    ) {
      return {
        ...fields,
        hasPassword: true,
        passwordFrom: 'secret',
        secret: secretId,
        ...flags,
        problems,
      };
    }
    return summaryOf(this.read(unit), secretId);
  }

  /** Say once per hook what a peer published that was rejected (the field, never the value). */
  warn(unit: { unitName: string; relationId: string }, problems: readonly PeerDataProblem[]): void {
    if (problems.length === 0) return;
    const what = problems.map((p) => `${p.field} ${p.problem}`).join('; ');
    const key = `${unit.relationId}\u0000${unit.unitName}`;
    if (this.warned.get(key) === what) return;
    this.warned.set(key, what);
    this.runtime.log.warning(
      `${this.endpointName}: ignoring invalid data from ${unit.unitName} on ${unit.relationId}: ${what}`,
    );
  }

  /** relation-get (cached by the session), decode and validate, key by key. */
  private inspect(unit: RelatedUnit) {
    const key = `${unit.relationId}\u0000${unit.unitName}`;
    const cached = this.inspections.get(key);
    if (cached !== undefined) return cached;
    const raw = unit.rawData();
    const decoded: Record<string, unknown> = {};
    for (const k of Object.values(KEYS)) {
      const value = raw[k];
      if (value !== undefined) decoded[k] = decodeValue(value);
    }
    // Register the password before anything could log it, even one about to be rejected.
    const plain = decoded[KEYS.clusterPassword];
    if (typeof plain === 'string' && plain.length <= 4096) this.runtime.redactor.add(plain);
    const { data, problems } = parseClusterPeerData(decoded);
    const ref = decoded[KEYS.clusterPasswordSecret];
    const result = {
      data,
      problems,
      secretPublished: ref !== undefined && ref !== null && ref !== '',
    };
    this.inspections.set(key, result);
    return result;
  }

  /** secret-get a peer's password secret, once per hook per id. */
  private resolvePasswordSecret(id: string): SecretRead {
    const cached = this.secretReads.get(id);
    if (cached !== undefined) return cached;
    let result: SecretRead;
    const got = this.runtime.juju.secretGet(id, { refresh: true });
    if (got.isErr()) {
      result = { problem: `cannot be read (${got.error.kind})` };
    } else {
      const parsed = passwordSecretSchema.safeParse(got.value);
      if (parsed.success) {
        this.runtime.redactor.add(parsed.data[SECRET_PASSWORD_FIELD]);
        result = { password: parsed.data[SECRET_PASSWORD_FIELD] };
      } else {
        const issue = parsed.error.issues[0];
        result = { problem: `holds no valid ${SECRET_PASSWORD_FIELD}: ${issue?.message ?? ''}` };
      }
    }
    this.secretReads.set(id, result);
    return result;
  }
}

/** The summary of data read in full: everything but the password itself. */
export function summaryOf(data: PeerClusterData, secretId: string | undefined): PeerSummary {
  return {
    ...(data.address === undefined ? {} : { address: data.address }),
    ...(data.user === undefined ? {} : { user: data.user }),
    hasPassword: data.password !== undefined,
    ...(data.passwordFrom === undefined ? {} : { passwordFrom: data.passwordFrom }),
    ...(secretId === undefined ? {} : { secret: secretId }),
    configureReady: data.configureReady,
    clustered: data.clustered,
    problems: data.problems,
  };
}
