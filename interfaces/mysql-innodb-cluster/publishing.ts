// Publishing this unit's cluster connection info on the peer relation: the address (given,
// or the binding's), the user, and the password in relation data and/or a Juju secret. What
// peers would reject is refused here, naming the argument (never the password).
import { type DataSchema, type HookRuntime, hashValue, type Relation } from 'juju-reactive';
import {
  clusterAddressSchema,
  clusterPasswordSchema,
  clusterUserSchema,
  KEYS,
  SECRET_PASSWORD_FIELD,
  secretIdSchema,
  unbracket,
} from './schema.js';

/** Options of {@link MySQLInnoDBClusterPeers.setClusterConnectionInfo}. */
export interface ClusterConnectionInfoOptions {
  /**
   * The address to present instead of the one detected from the endpoint's binding
   * (published as `ingress-address`/`private-address`, and the default `cluster-address`).
   */
  readonly clusterHost?: string;
  /**
   * Publish the password as a Juju secret instead of in relation data: a unit-owned secret,
   * granted to the peer relation, whose id goes under `cluster-password-secret`.
   */
  readonly passwordSecret?: boolean;
  /**
   * Publish a reference to an existing secret that holds the password under `password`,
   * for example an application-owned secret the leader created: every unit of the
   * application can read such a secret without a grant. Takes precedence over
   * `passwordSecret`; the password itself is then published nowhere.
   */
  readonly passwordSecretId?: string;
  /**
   * Where the password travels (default: `secret` when `passwordSecret` or `passwordSecretId`
   * is given, else `plaintext`). `both` publishes `cluster-password` next to the secret
   * reference: units of the Python interface (charm-interface-mysql-innodb-cluster, which
   * reads only `cluster-password`) and units of this one then both find it. `both` needs a
   * secret: `passwordSecretId`, or this unit's own secret when none is given.
   */
  readonly passwordTransport?: PasswordTransport;
  /**
   * Which address of the binding to present as `cluster-address` when `address` is not given:
   * `ingress` (default: `network-get --ingress-address`) or `bind` (the first bind address,
   * what the Python charm publishes: charmhelpers get_relation_ip → `network-get
   * --primary-address`, which Juju answers with Info[0].Addresses[0]:
   * worker/uniter/runner/jujuc/network-get.go). `ingress-address`/`private-address` stay the
   * ingress address either way.
   */
  readonly addressFrom?: 'ingress' | 'bind';
}

/** How a unit publishes its cluster password: see {@link ClusterConnectionInfoOptions}. */
export type PasswordTransport = 'plaintext' | 'secret' | 'both';

/** The values `passwordTransport` may take, in the order operators see them documented. */
export const PASSWORD_TRANSPORTS: readonly PasswordTransport[] = ['plaintext', 'secret', 'both'];

/** What the unit state keeps about this unit's password secret (a hash, never the password). */
type StoredPasswordSecret = {
  id: string;
  hash: string;
  granted: string[];
};

/** The endpoint as publishing needs it. */
export interface Publisher {
  readonly runtime: HookRuntime;
  readonly endpointName: string;
  stateKey(what: string): string;
}

/** The body of `setClusterConnectionInfo` once the relation is known; see its TSDoc. */
export function publishConnectionInfo(
  ep: Publisher,
  relation: Relation,
  address: string | undefined,
  user: string,
  password: string,
  options: ClusterConnectionInfoOptions,
): string {
  const binding = bindingAddress(ep, relation.relationId, options.clusterHost);
  const detected =
    options.addressFrom === 'bind' && options.clusterHost === undefined
      ? (bindAddress(ep, relation.relationId) ?? binding)
      : binding;
  const clusterAddress = unbracket(address ?? detected);
  check(ep, 'address', clusterAddressSchema, clusterAddress, true);
  check(ep, 'user', clusterUserSchema, user, true);
  check(ep, 'password', clusterPasswordSchema, password, false);

  const data = relation.toPublish;
  data[KEYS.clusterAddress] = clusterAddress;
  data[KEYS.clusterUser] = user;
  const transport =
    options.passwordTransport ??
    (options.passwordSecretId !== undefined || options.passwordSecret ? 'secret' : 'plaintext');
  if (transport === 'plaintext') {
    data[KEYS.clusterPassword] = password;
    data[KEYS.clusterPasswordSecret] = undefined;
  } else {
    if (options.passwordSecretId !== undefined) {
      check(ep, 'passwordSecretId', secretIdSchema, options.passwordSecretId, true);
      data[KEYS.clusterPasswordSecret] = options.passwordSecretId;
    } else {
      data[KEYS.clusterPasswordSecret] = passwordSecret(ep, relation.relationId, password);
    }
    data[KEYS.clusterPassword] = transport === 'both' ? password : undefined;
  }
  const raw = relation.toPublishRaw;
  raw[KEYS.ingressAddress] = binding;
  raw[KEYS.privateAddress] = binding;
  return clusterAddress;
}

/** The address peers reach this unit at: clusterHost, the binding's ingress address, or unit-get. */
function bindingAddress(
  ep: Publisher,
  relationId: string,
  clusterHost: string | undefined,
): string {
  if (clusterHost !== undefined) {
    const host = unbracket(clusterHost.trim());
    check(ep, 'clusterHost', clusterAddressSchema, host, true);
    return host;
  }
  const juju = ep.runtime.juju;
  const ingress = juju.ingressAddress(ep.endpointName, relationId);
  if (ingress.isOk() && ingress.value.trim() !== '') return unbracket(ingress.value.trim());
  const fallback = juju.unitGet('private-address');
  if (fallback.isOk() && fallback.value.trim() !== '') return unbracket(fallback.value.trim());
  const why = (r: typeof ingress): string => (r.isErr() ? r.error.message : 'empty output');
  throw new Error(
    `cannot find the address of ${ep.runtime.unitName} on ${relationId}: network-get ` +
      `${ep.endpointName} failed (${why(ingress)}) and unit-get private-address failed ` +
      `(${why(fallback)}); pass options.clusterHost to setClusterConnectionInfo()`,
  );
}

/** The binding's first bind address (`network-get`), or undefined when Juju reports none. */
function bindAddress(ep: Publisher, relationId: string): string | undefined {
  const info = ep.runtime.juju.networkGet(ep.endpointName, relationId);
  if (info.isErr()) return undefined;
  const value = info.value.bindAddresses[0]?.addresses[0]?.value?.trim();
  return value === undefined || value === '' ? undefined : unbracket(value);
}

/** Create (once) or update this unit's password secret and grant it to the relation. */
function passwordSecret(ep: Publisher, relationId: string, password: string): string {
  const juju = ep.runtime.juju;
  const key = ep.stateKey('password-secret');
  const stored = ep.runtime.state.get(key) as StoredPasswordSecret | undefined;
  let id: string;
  if (stored === undefined) {
    const added = juju.secretAdd(
      { [SECRET_PASSWORD_FIELD]: password },
      { owner: 'unit', description: `MySQL InnoDB Cluster password of ${ep.runtime.unitName}` },
    );
    if (added.isErr()) throw added.error;
    id = added.value;
  } else {
    id = stored.id;
    if (stored.hash !== hashValue({ id, password }))
      juju.secretSet(id, { [SECRET_PASSWORD_FIELD]: password });
  }
  const granted = stored?.granted ?? [];
  if (!granted.includes(relationId)) juju.secretGrant(id, relationId);
  const record: StoredPasswordSecret = {
    id,
    hash: hashValue({ id, password }),
    granted: [...new Set([...granted, relationId])].sort(),
  };
  ep.runtime.state.set(key, record);
  return id;
}

/** Refuse to publish what peers would reject. The password never appears in the message. */
function check(
  ep: Publisher,
  what: string,
  schema: DataSchema<string>,
  value: string,
  showValue: boolean,
): void {
  const parsed = schema.safeParse(value);
  if (parsed.success) return;
  const shown = showValue ? ` ${JSON.stringify(value.slice(0, 80))}` : '';
  throw new TypeError(
    `setClusterConnectionInfo() on ${ep.runtime.unitName}: ${what}${shown} ` +
      `${parsed.error.issues[0]?.message ?? 'is invalid'}; peers would reject it`,
  );
}
