// ClusterClient: a MySQL Fabric-style client for applications. It caches the cluster view for a
// TTL, sends read-write work to the PRIMARY and read-only work to SECONDARY members by weight,
// connects with bounded attempts, and turns "the cluster moved" failures into one retryable
// error after dropping its cache. It never logs, and never puts credentials in an error.
import type { ClusterMember, ClusterView } from '../discovery/view.js';
import { type AccessMode, candidates, WeightedRoundRobin } from './balancer.js';
import { ClusterClientError, RetryableClusterError, retryableKind } from './errors.js';
import type { ViewSource } from './sources.js';

/** What the client needs of a connection (mysql2/promise's Connection has all of it). */
export interface SqlConnection {
  beginTransaction(): Promise<unknown>;
  commit(): Promise<unknown>;
  rollback(): Promise<unknown>;
  end(): Promise<unknown>;
  destroy(): void;
}

/** Time, injectable for tests. */
export interface Clock {
  /** Milliseconds, monotonic enough for a TTL. */
  now(): number;
  /** Wait this long. */
  sleep(ms: number): Promise<void>;
}

/** The wall clock. */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** MySQL Fabric's connector cache TTL: 60 s. Ours by default too. */
export const DEFAULT_TTL_MS = 60_000;
/** Fabric's connectors try a connect 3 times... */
export const DEFAULT_CONNECT_ATTEMPTS = 3;
/** ...1 s apart. */
export const DEFAULT_CONNECT_DELAY_MS = 1_000;
/** Attempts of a transaction by {@link ClusterClient.transaction} (the first one included). */
export const DEFAULT_TRANSACTION_ATTEMPTS = 5;

/** Options of a {@link ClusterClient}. */
export interface ClusterClientOptions<C extends SqlConnection> {
  /** Where the view comes from: staticView, relationView or zookeeperView. */
  readonly source: ViewSource;
  /** Open a connection to a member (see `mysql2Connector` for the usual one). */
  readonly connect: (member: ClusterMember) => Promise<C>;
  /** How long a fetched view is used before it is fetched again. Default 60 s (Fabric's). */
  readonly ttlMs?: number;
  /** Connect attempts per member before giving up. Default 3 (Fabric's). */
  readonly connectAttempts?: number;
  /** Pause between connect attempts. Default 1 s (Fabric's). */
  readonly connectDelayMs?: number;
  /** Time source; the wall clock by default. */
  readonly clock?: Clock;
}

/** Options of {@link ClusterClient.transaction}. */
export interface TransactionOptions {
  /** Attempts in all, the first included. Default 5. */
  readonly attempts?: number;
  /** Pause before each new attempt. Default: the connect delay. */
  readonly delayMs?: number;
  /** Called before each new attempt with the error that ended the previous one. */
  readonly onRetry?: (error: RetryableClusterError, attempt: number) => void | Promise<void>;
}

/**
 * A client for one MySQL cluster.
 *
 * @example
 * const client = new ClusterClient({
 *   source: zookeeperView({ url: 'zk://10.0.0.5:2181/mysos', cluster: 'shop' }),
 *   connect: mysql2Connector({ user: 'app', password, database: 'shop' }),
 * });
 * await client.transaction(async (db) => {
 *   await db.query('INSERT INTO orders (item) VALUES (?)', [item]);
 * });
 * const rows = await client.run('read_only', (db) => db.query('SELECT * FROM orders'));
 */
export class ClusterClient<C extends SqlConnection> {
  private readonly source: ViewSource;
  private readonly open: (member: ClusterMember) => Promise<C>;
  private readonly ttlMs: number;
  private readonly connectAttempts: number;
  private readonly connectDelayMs: number;
  private readonly clock: Clock;
  private readonly reads = new WeightedRoundRobin();
  private cached: { readonly view: ClusterView; readonly at: number } | undefined;

  constructor(options: ClusterClientOptions<C>) {
    this.source = options.source;
    this.open = options.connect;
    this.ttlMs = positive(options.ttlMs ?? DEFAULT_TTL_MS, 'ttlMs', true);
    this.connectAttempts = positive(
      options.connectAttempts ?? DEFAULT_CONNECT_ATTEMPTS,
      'connectAttempts',
    );
    this.connectDelayMs = positive(
      options.connectDelayMs ?? DEFAULT_CONNECT_DELAY_MS,
      'connectDelayMs',
      true,
    );
    this.clock = options.clock ?? systemClock;
    this.source.subscribe?.(() => this.invalidate());
  }

  /** The view: the cached one while younger than the TTL, else read from the source. */
  async view(): Promise<ClusterView> {
    const now = this.clock.now();
    if (this.cached !== undefined && now - this.cached.at < this.ttlMs) return this.cached.view;
    const view = await this.source.read();
    this.cached = { view, at: this.clock.now() };
    return view;
  }

  /** Drop the cached view: the next call reads the source again. */
  invalidate(): void {
    this.cached = undefined;
  }

  /** The member the next piece of work of this mode goes to. */
  async pick(mode: AccessMode): Promise<ClusterMember> {
    const view = await this.view();
    const options = candidates(view.members, mode);
    const member = mode === 'read_write' ? options[0] : this.reads.pick(options);
    if (member === undefined) {
      this.invalidate();
      throw new ClusterClientError(
        'no-server',
        `no member may take ${mode} work in view generation ${view.generation} (no serving ${mode === 'read_write' ? 'PRIMARY' : 'PRIMARY or SECONDARY'})`,
      );
    }
    return member;
  }

  /**
   * Connect to the member for this mode: up to `connectAttempts` tries, `connectDelayMs` apart.
   * When all fail, the cache is dropped and the last failure raised: a RetryableClusterError
   * for a refused or lost connection, a ClusterClientError(`connect-failed`) otherwise.
   */
  async connect(
    mode: AccessMode,
  ): Promise<{ readonly member: ClusterMember; readonly connection: C }> {
    const member = await this.pick(mode);
    let last: unknown;
    for (let attempt = 1; attempt <= this.connectAttempts; attempt++) {
      try {
        return { member, connection: await this.open(member) };
      } catch (error) {
        last = error;
        if (attempt < this.connectAttempts) await this.clock.sleep(this.connectDelayMs);
      }
    }
    this.invalidate();
    const kind = retryableKind(last);
    if (kind !== undefined) throw new RetryableClusterError(kind, member, { cause: last });
    throw new ClusterClientError(
      'connect-failed',
      `cannot connect to ${member.name} at ${member.address}:${member.port} after ${this.connectAttempts} attempts: ${messageOf(last)}`,
      { cause: last },
    );
  }

  /**
   * Run `work` on a connection to a member for `mode`, then close it. A lost server, refused
   * connection or read-only server drops the cache and raises RetryableClusterError; any other
   * failure is raised as it is.
   */
  async run<T>(
    mode: AccessMode,
    work: (connection: C, member: ClusterMember) => Promise<T>,
  ): Promise<T> {
    const { member, connection } = await this.connect(mode);
    try {
      const result = await work(connection, member);
      await connection.end().catch(() => connection.destroy());
      return result;
    } catch (error) {
      connection.destroy();
      throw this.translate(error, member);
    }
  }

  /**
   * Run `work` in a transaction on the PRIMARY, and run it again (on a fresh view) when it
   * fails with a RetryableClusterError, up to `attempts` times in all. Other errors roll back
   * and are raised at once. `work` may run more than once — and, when the connection was lost
   * during COMMIT, after a commit that did take effect: make it idempotent.
   */
  async transaction<T>(
    work: (connection: C, member: ClusterMember) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    const attempts = positive(options.attempts ?? DEFAULT_TRANSACTION_ATTEMPTS, 'attempts');
    const delayMs = options.delayMs ?? this.connectDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.run('read_write', async (connection, member) => {
          await connection.beginTransaction();
          try {
            const result = await work(connection, member);
            await connection.commit();
            return result;
          } catch (error) {
            if (retryableKind(error) === undefined)
              await connection.rollback().catch(() => undefined);
            throw error;
          }
        });
      } catch (error) {
        if (!(error instanceof RetryableClusterError) || attempt >= attempts) throw error;
        await options.onRetry?.(error, attempt);
        await this.clock.sleep(delayMs);
      }
    }
  }

  /** Close the view source (a ZooKeeper session). */
  async close(): Promise<void> {
    await this.source.close?.();
  }

  private translate(error: unknown, member: ClusterMember): unknown {
    if (error instanceof RetryableClusterError) {
      this.invalidate();
      return error;
    }
    const kind = retryableKind(error);
    if (kind === undefined) return error;
    this.invalidate();
    return new RetryableClusterError(kind, member, { cause: error });
  }
}

function positive(value: number, what: string, zeroOk = false): number {
  if (
    !Number.isFinite(value) ||
    value < 0 ||
    (!zeroOk && value === 0) ||
    (what !== 'ttlMs' && what !== 'connectDelayMs' && !Number.isInteger(value))
  )
    throw new RangeError(
      `ClusterClient: ${what} must be a ${zeroOk ? 'non-negative' : 'positive'} number (got ${String(value)})`,
    );
  return value;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
