// An independent oracle for the mysql-innodb-cluster peer data rules, written from the
// interface README (interfaces/mysql-innodb-cluster/README.md, "Validation"), not from its
// code: it must not import the interface's schema. Used by the property tests to decide which
// peers count as ready and which keys must be reported.

/** A relation value as readers decode it: JSON when it parses, the raw string otherwise. */
export function decode(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  // The documented bounds (docs/reliability.md): longer than 4 MiB, or nested deeper than
  // 64 arrays/objects, a value is read as its raw string.
  if (raw.length > 4 * 1024 * 1024) return raw;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return raw;
  }
  return nesting(value) > 64 ? raw : value;
}

/** How many arrays/objects deep a parsed value goes, counted without recursion. */
function nesting(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [v, depth] = item;
    if (v === null || typeof v !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** `null` or `""` means not published (that is how a unit withdraws a value). */
export function isPublished(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

const DECIMAL_OCTET = /^(0|[1-9][0-9]{0,2})$/;

function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => DECIMAL_OCTET.test(p) && Number(p) <= 255);
}

const HEXTET = /^[0-9A-Fa-f]{1,4}$/;

/** RFC 4291 text forms: eight hextets, `::` once for a run of zeros, an IPv4 tail. No zone. */
function isIPv6(text: string): boolean {
  if (text.includes('%') || text.includes('[')) return false;
  let body = text;
  const lastColon = body.lastIndexOf(':');
  if (lastColon >= 0 && body.slice(lastColon + 1).includes('.')) {
    // An IPv4 tail stands for the last two hextets.
    if (!isIPv4(body.slice(lastColon + 1))) return false;
    body = `${body.slice(0, lastColon + 1)}0:0`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string): string[] | undefined => {
    if (half === '') return [];
    const parts = half.split(':');
    return parts.every((p) => HEXTET.test(p)) ? parts : undefined;
  };
  const left = groups(halves[0] ?? '');
  const right = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (left === undefined || right === undefined) return false;
  const count = left.length + right.length;
  return halves.length === 2 ? count <= 7 : count === 8;
}

const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * RFC 1123 host names without a trailing dot; a top label that is all digits is a malformed
 * IPv4 address instead; `localhost` and names under `.localhost` (RFC 6761) are refused.
 */
function isHostname(text: string): boolean {
  if (text.endsWith('.')) return false;
  const labels = text.split('.');
  if (!labels.every((label) => LABEL.test(label))) return false;
  if ((labels[labels.length - 1] ?? '').toLowerCase() === 'localhost') return false;
  return !/^[0-9]+$/.test(labels[labels.length - 1] ?? '');
}

/**
 * `cluster-address`: IPv4, IPv6 without brackets or zone, or a DNS hostname; ≤ 253 characters;
 * never an unspecified address (`0.0.0.0`, `::` in any spelling).
 */
export function validAddress(value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253) return false;
  if (isIPv4(value)) return value !== '0.0.0.0';
  if (isIPv6(value))
    return value
      .split(':')
      .some((h) =>
        h.includes('.')
          ? h.split('.').some((octet) => Number(octet) !== 0)
          : h !== '' && Number.parseInt(h, 16) !== 0,
      );
  return isHostname(value);
}

/** `cluster-user`: 1-32 of ASCII letters, digits, `_`, `.`, `-`; not starting with `.` or `-`. */
export function validUser(value: unknown): boolean {
  if (typeof value !== 'string' || value.length < 1 || value.length > 32) return false;
  if (value.startsWith('.') || value.startsWith('-')) return false;
  for (const c of value) if (!/[A-Za-z0-9_.-]/.test(c)) return false;
  return true;
}

/**
 * `cluster-password`: 1-256 characters (UTF-16 units, as JavaScript counts them) with no
 * control, format, private-use or unassigned characters, lone surrogates, or line and
 * paragraph separators.
 */
export function validPassword(value: unknown): boolean {
  if (typeof value !== 'string' || value.length < 1 || value.length > 256) return false;
  for (const c of value) {
    const code = c.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff) return false;
    if (/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u.test(c)) return false;
  }
  return true;
}

/** `cluster-password-secret`: a Juju secret URI, `secret:[//<model uuid>/]<id>`. */
export function validSecretId(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 128 || !value.startsWith('secret:')) return false;
  const rest = value.slice('secret:'.length);
  const scoped = /^\/\/([0-9a-f-]+)\/(.*)$/.exec(rest);
  const id = scoped ? scoped[2] : rest;
  if (scoped && (scoped[1]?.length ?? 0) > 64) return false;
  return id !== undefined && /^[0-9a-z]{1,64}$/.test(id);
}

/** `unit-configure-ready`, `unit-clustered`: JSON true or false only. */
export function validFlag(value: unknown): boolean {
  return typeof value === 'boolean';
}

export type SecretStore = Readonly<Record<string, Readonly<Record<string, string>>>>;

export interface PeerVerdict {
  /** Valid address, user and password (from the secret when one is referenced). */
  readonly ready: boolean;
  /** Keys that were published but must be rejected. */
  readonly rejected: readonly string[];
  /** Every password value the peer published or referenced, valid or not. */
  readonly passwords: readonly string[];
}

/** What the README says about one peer's raw bag. */
export function judgePeer(
  bag: Readonly<Record<string, string>>,
  secrets: SecretStore,
): PeerVerdict {
  const value = (key: string): unknown => (Object.hasOwn(bag, key) ? decode(bag[key]) : undefined);
  const rejected: string[] = [];
  const check = (key: string, valid: (v: unknown) => boolean): boolean => {
    const v = value(key);
    if (!isPublished(v)) return false;
    if (valid(v)) return true;
    rejected.push(key);
    return false;
  };
  const address = check('cluster-address', validAddress);
  const user = check('cluster-user', validUser);
  let password = check('cluster-password', validPassword);
  const passwords: string[] = [];
  const plain = value('cluster-password');
  if (typeof plain === 'string') passwords.push(plain);
  const ref = value('cluster-password-secret');
  if (isPublished(ref)) {
    // A secret reference wins over a plaintext password when it yields a valid password. A
    // well-formed one that does not (a unit rolled back to the Python charm left it) is
    // reported, and a valid plaintext password next to it is used; a malformed one is
    // reported and hides the plaintext.
    const id = ref as string;
    const secret = validSecretId(ref) && Object.hasOwn(secrets, id) ? secrets[id] : undefined;
    const fromSecret =
      secret !== undefined && Object.hasOwn(secret, 'password') ? secret['password'] : undefined;
    if (typeof fromSecret === 'string') passwords.push(fromSecret);
    const secretValid = fromSecret !== undefined && validPassword(fromSecret);
    if (!secretValid) rejected.push('cluster-password-secret');
    password = secretValid || (validSecretId(ref) && password);
  }
  check('unit-configure-ready', validFlag);
  check('unit-clustered', validFlag);
  return { ready: address && user && password, rejected, passwords };
}
