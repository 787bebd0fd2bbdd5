// zk:// URLs: where a ServerSet lives. `zk://[user:password@]host[:port][,host[:port]...]/path`,
// the form Mysos takes for its --zk_url and hands out as a cluster_url. Parsing only: errors
// say what is wrong and never repeat a password.

/** A parsed `zk://` URL. */
export interface ZkUrl {
  /** The ensemble, as `host:port` entries (IPv6 hosts bracketed), in the order given. */
  readonly servers: readonly string[];
  /** The znode path, normalised: starts with `/`, no trailing `/` (the root is `/`). */
  readonly path: string;
  /** Digest credentials (`user:password@`), when given. */
  readonly credentials?: { readonly user: string; readonly password: string };
}

/** A `zk://` URL that cannot be used, with the reason. */
export class ZkUrlError extends Error {
  override readonly name = 'ZkUrlError';
}

/** ZooKeeper's default client port. */
export const DEFAULT_ZK_PORT = 2181;
const MAX_URL_LENGTH = 2048;
const HOST_RE =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6_RE = /^[0-9A-Fa-f:.]+$/;

/** Check one znode path segment: what ZooKeeper refuses, and what would be ambiguous here. */
export function checkZnodeName(segment: string, what: string): void {
  if (segment === '') throw new ZkUrlError(`${what} is empty`);
  if (segment === '.' || segment === '..')
    throw new ZkUrlError(`${what} may not be "." or ".." (ZooKeeper refuses relative paths)`);
  if (segment.length > 255) throw new ZkUrlError(`${what} is longer than 255 characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f/]/.test(segment) || segment === 'zookeeper')
    throw new ZkUrlError(
      `${what} holds "/", a control character, or is the reserved name "zookeeper"`,
    );
}

/**
 * Parse a `zk://` URL.
 * @example parseZkUrl('zk://10.0.0.5:2181,10.0.0.6/mysos').path // '/mysos'
 * @throws ZkUrlError naming the part that is wrong.
 */
export function parseZkUrl(url: string): ZkUrl {
  if (typeof url !== 'string' || url.trim() === '')
    throw new ZkUrlError('the ZooKeeper URL is empty');
  if (url.length > MAX_URL_LENGTH)
    throw new ZkUrlError(`the ZooKeeper URL is longer than ${MAX_URL_LENGTH} characters`);
  const trimmed = url.trim();
  if (!trimmed.startsWith('zk://')) {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(trimmed)?.[1];
    throw new ZkUrlError(
      `the ZooKeeper URL must start with zk:// (got ${scheme === undefined ? 'no scheme' : `${scheme}:`}); ` +
        'write zk://host:port/path',
    );
  }
  const rest = trimmed.slice('zk://'.length);
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const rawPath = slash === -1 ? '/' : rest.slice(slash);
  if (/[?#]/.test(rawPath))
    throw new ZkUrlError('the ZooKeeper URL may not have a query or a fragment');

  let hostList = authority;
  let credentials: ZkUrl['credentials'];
  const at = authority.lastIndexOf('@');
  if (at !== -1) {
    const userinfo = authority.slice(0, at);
    hostList = authority.slice(at + 1);
    const colon = userinfo.indexOf(':');
    if (colon <= 0)
      throw new ZkUrlError(
        'the ZooKeeper URL credentials must be user:password@ (the user or the ":" is missing)',
      );
    credentials = {
      user: decodePart(userinfo.slice(0, colon), 'user'),
      password: decodePart(userinfo.slice(colon + 1), 'password'),
    };
  }
  if (hostList === '')
    throw new ZkUrlError('the ZooKeeper URL names no server: write zk://host:port/path');
  const servers = hostList.split(',').map((entry, i) => parseServer(entry, i + 1));

  const segments = rawPath.split('/').slice(1);
  if (segments.at(-1) === '') segments.pop();
  segments.forEach((s, i) => checkZnodeName(s, `path segment ${i + 1} of the ZooKeeper URL`));
  const path = `/${segments.join('/')}`;
  return credentials === undefined ? { servers, path } : { servers, path, credentials };
}

function decodePart(text: string, what: 'user' | 'password'): string {
  try {
    const value = decodeURIComponent(text);
    if (value === '') throw new Error('empty');
    return value;
  } catch {
    // Never repeat the text: it may be (part of) the password.
    throw new ZkUrlError(`the ZooKeeper URL ${what} is empty or badly percent-encoded`);
  }
}

function parseServer(entry: string, position: number): string {
  const where = `server ${position} of the ZooKeeper URL`;
  let host: string;
  let portText: string | undefined;
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close === -1) throw new ZkUrlError(`${where}: "[" without "]"`);
    host = entry.slice(1, close);
    if (!IPV6_RE.test(host) || !host.includes(':'))
      throw new ZkUrlError(`${where}: ${JSON.stringify(host)} is not an IPv6 address`);
    const after = entry.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw new ZkUrlError(`${where}: junk after "]"`);
    portText = after === '' ? undefined : after.slice(1);
    host = `[${host}]`;
  } else {
    const parts = entry.split(':');
    if (parts.length > 2)
      throw new ZkUrlError(`${where}: bracket an IPv6 address, as in zk://[fd00::1]:2181/path`);
    host = parts[0] ?? '';
    portText = parts[1];
    if (host === '') throw new ZkUrlError(`${where} is empty`);
    if (!HOST_RE.test(host) || host.length > 253)
      throw new ZkUrlError(
        `${where}: ${JSON.stringify(host.slice(0, 80))} is not a host name or address`,
      );
  }
  let port = DEFAULT_ZK_PORT;
  if (portText !== undefined) {
    if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535)
      throw new ZkUrlError(
        `${where}: the port must be a number from 1 to 65535 (got ${JSON.stringify(portText.slice(0, 12))})`,
      );
    port = Number(portText);
  }
  return `${host}:${port}`;
}

/** The URL again, without its password: fit for logs and status messages. */
export function describeZkUrl(url: ZkUrl): string {
  const user =
    url.credentials === undefined ? '' : `${encodeURIComponent(url.credentials.user)}:***@`;
  return `zk://${user}${url.servers.join(',')}${url.path}`;
}
