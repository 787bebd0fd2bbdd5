// The wire format of the mysql-innodb-cluster peer relation: key names, zod schemas for what
// a peer may publish, and the parser that turns one peer's decoded bag into typed fields.
// Uses zod/mini (tree-shakable: ~16 KB bundled instead of ~450 KB) because it runs in every hook.
// Each schema is built on first use (src/util/lazy.ts): a hook builds only those it parses with.
// Error texts never contain the value that was rejected: it may be a password.
import * as z from 'zod/mini';
import { lazyObject } from '../../src/util/lazy.js';

/** Relation keys, spelled as the original Python interface spells them (wire-compatible). */
export const KEYS = {
  /** The address peers connect to (JSON string). */
  clusterAddress: 'cluster-address',
  /** The MySQL account peers connect as (JSON string). */
  clusterUser: 'cluster-user',
  /** Plaintext mode: its password (JSON string). */
  clusterPassword: 'cluster-password',
  /** Secret mode: the id of a Juju secret whose `password` field holds the password. */
  clusterPasswordSecret: 'cluster-password-secret',
  /** The unit is ready to be configured into the cluster (JSON `true`). */
  unitConfigureReady: 'unit-configure-ready',
  /** The unit is a member of the cluster (JSON `true`). */
  unitClustered: 'unit-clustered',
  /** The binding address (raw string). */
  ingressAddress: 'ingress-address',
  /** The binding address again, as the Python layer published it (raw string). */
  privateAddress: 'private-address',
} as const;

/** The key inside the Juju secret that holds the password (secret mode). */
export const SECRET_PASSWORD_FIELD = 'password';

/** MySQL 8 limits account names to 32 characters. */
export const MAX_USER_LENGTH = 32;
/** Passwords are opaque, but bounded: nothing legitimate is longer. */
export const MAX_PASSWORD_LENGTH = 256;
/** A DNS name is at most 253 characters; IP addresses are shorter. */
export const MAX_ADDRESS_LENGTH = 253;
const MAX_SECRET_ID_LENGTH = 128;

/** The type of a rejected value, for messages: never the value itself. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** A string schema whose type error says what was received (by type only). */
function text(rule: string) {
  return z.string({
    error: (issue) => `must be ${rule} (got ${kindOf(issue.input)})`,
  });
}

const { ipv4: IPV4, hostname: HOSTNAME } = z.regexes;

/**
 * RFC 4291 text forms (an IPv4 tail included, no zone), as zod checks them: the same answers
 * as node:net isIPv6 without loading `net` into every hook (about 4 ms of a hook's start).
 */
const IPV6 = lazyObject(() => z.ipv6());

/**
 * The one rule for a peer's cluster address, shared by this interface and the example charm's
 * backend: what an account host (`user@host`) and a Shell connection can both take, and what
 * names one peer's instance. True for
 * - an IPv4 address, except the unspecified `0.0.0.0`;
 * - an IPv6 address without brackets or zone (any RFC 4291 text form, an IPv4 tail such as
 *   `::ffff:10.0.0.1` included), except the unspecified `::` in any spelling;
 * - a DNS hostname of RFC 1123 labels, without a trailing dot (MySQL matches account hosts
 *   as written: `db1.example.` is not `db1.example`), whose last label is not all digits (a
 *   malformed IPv4 address), and that is not `localhost` or under `.localhost` (RFC 6761:
 *   always the loopback of whoever resolves it; to MySQL, `localhost` means socket clients).
 * Wildcards (`%`, `_`) and anything else are refused.
 */
export function isClusterAddress(value: string): boolean {
  if (value.length === 0 || value.length > MAX_ADDRESS_LENGTH) return false;
  if (IPV4.test(value)) return value !== '0.0.0.0';
  if (!value.includes('%') && IPV6.safeParse(value).success) return !/^[0:.]*$/.test(value);
  if (!HOSTNAME.test(value) || value.endsWith('.')) return false;
  const lower = value.toLowerCase();
  if (lower === 'localhost' || lower.endsWith('.localhost')) return false;
  // A name whose last label is all digits would be a malformed IPv4 address, not a hostname.
  const labels = value.split('.');
  return !/^[0-9]+$/.test(labels[labels.length - 1] ?? '');
}

const ADDRESS_RULE =
  'an IPv4 address, an IPv6 address without brackets, or a DNS hostname without a trailing dot (not localhost or an unspecified address)';
const USER_RULE = `a MySQL account name of 1 to ${MAX_USER_LENGTH} letters, digits, "_", "." or "-", not starting with "." or "-"`;
const PASSWORD_RULE = `a string of 1 to ${MAX_PASSWORD_LENGTH} characters without control characters`;
const SECRET_RULE = 'a Juju secret id (secret:...)';

const USER_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const SECRET_ID_RE = /^secret:(?:\/\/[0-9a-f-]{1,64}\/)?[0-9a-z]{1,64}$/;

/** `cluster-address`: an IPv4 address, an IPv6 address without brackets, or a DNS hostname. */
export const clusterAddressSchema = lazyObject(() =>
  text(ADDRESS_RULE).check(
    z.maxLength(MAX_ADDRESS_LENGTH, { error: `must be ${ADDRESS_RULE} (too long)`, abort: true }),
    z.refine(isClusterAddress, { error: `must be ${ADDRESS_RULE}` }),
  ),
);

/** `cluster-user`: a MySQL account name of 1 to 32 letters, digits, `_`, `.` or `-`. */
export const clusterUserSchema = lazyObject(() =>
  text(USER_RULE).check(
    z.minLength(1, { error: `must be ${USER_RULE} (empty)`, abort: true }),
    z.maxLength(MAX_USER_LENGTH, { error: `must be ${USER_RULE} (too long)`, abort: true }),
    z.regex(USER_RE, { error: `must be ${USER_RULE} (bad characters)` }),
  ),
);

/** `cluster-password`: 1 to 256 characters, no control characters or line separators. */
export const clusterPasswordSchema = lazyObject(() =>
  text(PASSWORD_RULE).check(
    z.minLength(1, { error: `must be ${PASSWORD_RULE} (empty)`, abort: true }),
    z.maxLength(MAX_PASSWORD_LENGTH, { error: `must be ${PASSWORD_RULE} (too long)`, abort: true }),
    // No control, format, unassigned or private-use characters, and no line separators (made
    // here: a Unicode property regex costs a hook start about 0.25 ms to create).
    z.regex(/^[^\p{C}\p{Zl}\p{Zp}]+$/u, {
      error: `must be ${PASSWORD_RULE} (control characters)`,
    }),
  ),
);

/** `cluster-password-secret`: a Juju secret id (`secret:...`). */
export const secretIdSchema = lazyObject(() =>
  text(SECRET_RULE).check(
    z.maxLength(MAX_SECRET_ID_LENGTH, { error: `must be ${SECRET_RULE} (too long)`, abort: true }),
    z.regex(SECRET_ID_RE, { error: `must be ${SECRET_RULE}` }),
  ),
);

const flagSchema = lazyObject(() =>
  z.boolean({
    error: (issue) => `must be JSON true or false (got ${kindOf(issue.input)})`,
  }),
);

/** What one peer may publish, key by key (values JSON-decoded). Every key is optional. */
export const clusterPeerDataSchema = lazyObject(() =>
  z.object({
    /** The address peers connect to. */
    [KEYS.clusterAddress]: z.optional(clusterAddressSchema),
    /** The MySQL account peers connect as. */
    [KEYS.clusterUser]: z.optional(clusterUserSchema),
    /** Its password (plaintext mode). */
    [KEYS.clusterPassword]: z.optional(clusterPasswordSchema),
    /** The id of the secret holding the password (secret mode). */
    [KEYS.clusterPasswordSecret]: z.optional(secretIdSchema),
    /** Ready to be configured into the cluster. */
    [KEYS.unitConfigureReady]: z.optional(flagSchema),
    /** A member of the cluster. */
    [KEYS.unitClustered]: z.optional(flagSchema),
  }),
);

/** One peer's data, typed: what survived validation. */
export type ClusterPeerData = z.infer<typeof clusterPeerDataSchema>;

/** The content of a password secret. */
export const passwordSecretSchema = lazyObject(() =>
  z.object({
    /** The password. */
    [SECRET_PASSWORD_FIELD]: clusterPasswordSchema,
  }),
);

/** A key a peer published that was rejected, and why (never the value). */
export interface PeerDataProblem {
  /** The relation key, e.g. `cluster-user`. */
  readonly field: string;
  /** The rule it broke. */
  readonly problem: string;
}

/**
 * Validate a peer's decoded bag key by key: a bad key is dropped and reported, the others are
 * kept (a malformed `unit-clustered` does not hide a valid address). `null` and `""` count as
 * not published: that is how a unit withdraws a value.
 */
export function parseClusterPeerData(bag: Readonly<Record<string, unknown>>): {
  /** The keys that passed validation. */
  readonly data: ClusterPeerData;
  /** The keys that were published but rejected. */
  readonly problems: readonly PeerDataProblem[];
} {
  const data: Record<string, unknown> = {};
  const problems: PeerDataProblem[] = [];
  for (const [field, schema] of Object.entries(clusterPeerDataSchema.shape)) {
    const value = bag[field];
    if (value === undefined || value === null || value === '') continue;
    const parsed = schema.safeParse(value);
    if (parsed.success) data[field] = parsed.data;
    else problems.push({ field, problem: parsed.error.issues[0]?.message ?? 'invalid' });
  }
  return { data: data as ClusterPeerData, problems };
}

/** Strip the brackets of a bracketed IPv6 address (`[fd00::1]` → `fd00::1`). */
export function unbracket(address: string): string {
  return address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
}
