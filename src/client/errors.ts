// What the cluster client raises, and which MySQL failures mean "the cluster moved under you":
// a lost server (MySQL 2013; mysql2's PROTOCOL_CONNECTION_LOST, which has no errno), a refused
// connect (ECONNREFUSED) and a read-only server (1290). Those, and only those, are retryable.
// Messages name the member (address and port), never credentials.
import type { ClusterMember } from '../discovery/view.js';

/** Why a retryable failure happened. */
export type RetryableKind = 'server-lost' | 'connection-refused' | 'read-only';

/** CR_SERVER_LOST: "Lost connection to MySQL server during query". */
export const CR_SERVER_LOST = 2013;
/** ER_OPTION_PREVENTS_STATEMENT: "The MySQL server is running with the --read-only option". */
export const ER_OPTION_PREVENTS_STATEMENT = 1290;

/**
 * The server the work went to is gone or no longer takes writes. The client has already
 * dropped its cached view; run the work again (see {@link ClusterClient.transaction}) and it
 * goes to the server the view names now.
 */
export class RetryableClusterError extends Error {
  override readonly name = 'RetryableClusterError';
  /** Always true: lets code without the class test `error.retryable`. */
  readonly retryable = true;
  constructor(
    /** What happened. */
    readonly kind: RetryableKind,
    /** The member the work was sent to. */
    readonly member: Pick<ClusterMember, 'name' | 'address' | 'port'>,
    options: { readonly cause: unknown },
  ) {
    super(
      `${describe(kind)} (${member.name} at ${member.address}:${member.port}); retry the work`,
      options,
    );
  }
}

/** Not retryable: no member may take the work, or connecting failed for another reason. */
export class ClusterClientError extends Error {
  override readonly name = 'ClusterClientError';
  constructor(
    /** `no-server`: the view names no member for the mode; `connect-failed`: see `cause`. */
    readonly kind: 'no-server' | 'connect-failed' | 'no-view',
    message: string,
    options?: { readonly cause: unknown },
  ) {
    super(message, options);
  }
}

function describe(kind: RetryableKind): string {
  if (kind === 'server-lost') return 'lost the connection to the server (MySQL 2013)';
  if (kind === 'connection-refused') return 'the server refused the connection (ECONNREFUSED)';
  return 'the server is read-only (MySQL 1290): it is no longer the primary';
}

/**
 * What mysql2 raises for a statement on a connection it already lost: the loss itself
 * (PROTOCOL_CONNECTION_LOST) was emitted as an 'error' event when the server went away between
 * statements, and every later command fails with this fatal error, which has no code
 * (mysql2 lib/base/connection.js: `_handleFatalError` swaps in `_addCommandClosedState`).
 */
export const MYSQL2_CLOSED_STATE = "Can't add new command when connection is in closed state";

/** The retryable kind of a failure from mysql2 (or node:net), or undefined when it is not one. */
export function retryableKind(error: unknown): RetryableKind | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { errno, code, fatal, message } = error as {
    errno?: unknown;
    code?: unknown;
    fatal?: unknown;
    message?: unknown;
  };
  if (errno === CR_SERVER_LOST || code === 'PROTOCOL_CONNECTION_LOST') return 'server-lost';
  if (fatal === true && code === undefined && message === MYSQL2_CLOSED_STATE) return 'server-lost';
  // A server killed mid-statement may reset the socket instead of closing it: mysql2 then
  // reports the socket's ECONNRESET (fatal). MySQL's own client reports any failed read of a
  // reply as CR_SERVER_LOST whatever the socket error (cli_safe_read, sql-common/client.cc;
  // the same code in Drizzle's libdrizzleclient). Seen by test/examples/failover-under-load.
  if (fatal === true && code === 'ECONNRESET') return 'server-lost';
  if (code === 'ECONNREFUSED') return 'connection-refused';
  if (errno === ER_OPTION_PREVENTS_STATEMENT) return 'read-only';
  return undefined;
}
