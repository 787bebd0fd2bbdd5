// The cluster client with a fake connection factory and a manual clock: the view cache and
// its TTL, bounded connect attempts, the mapping of each MySQL failure, and transaction retries.
import {
  ClusterClient,
  ClusterClientError,
  type ClusterMember,
  DEFAULT_TTL_MS,
  RetryableClusterError,
  retryableKind,
  type ViewSource,
} from 'juju-reactive/client';
import { describe, expect, it } from 'vitest';
import { type FakeConnection, FakeFactory, ManualClock, member, mysqlErrors } from './builders.js';

/** A source that counts reads and serves whatever view the test sets. */
class CountingSource implements ViewSource {
  reads = 0;
  generation = 1;
  constructor(public members: ClusterMember[]) {}
  async read() {
    this.reads++;
    return { generation: this.generation, members: this.members };
  }
  set(members: ClusterMember[]) {
    this.members = members;
    this.generation++;
  }
}

function setup(members = [member(0, 'PRIMARY'), member(1, 'SECONDARY')]) {
  const source = new CountingSource(members);
  const clock = new ManualClock();
  const factory = new FakeFactory();
  const client = new ClusterClient<FakeConnection>({ source, connect: factory.connect, clock });
  return { source, clock, factory, client };
}

describe('the view cache', () => {
  it('defaults to Fabric TTL of 60 s', () => {
    expect(DEFAULT_TTL_MS).toBe(60_000);
  });

  it('reads the source once within the TTL and again once it expired', async () => {
    const { source, clock, client } = setup();
    await client.view();
    clock.t += 59_999;
    await client.view();
    expect(source.reads).toBe(1);
    clock.t += 1;
    await client.view();
    expect(source.reads).toBe(2);
  });

  it('routes by the new view only after the TTL (a stale view is used until then)', async () => {
    const { source, clock, client } = setup();
    expect((await client.pick('read_write')).name).toBe('db/0');
    source.set([member(0, 'SECONDARY'), member(1, 'PRIMARY')]);
    expect((await client.pick('read_write')).name).toBe('db/0');
    clock.t += DEFAULT_TTL_MS;
    expect((await client.pick('read_write')).name).toBe('db/1');
  });

  it('reads again at once when the source says the view changed (a ZooKeeper watch)', async () => {
    let notify = () => {};
    const source: ViewSource & { n: number } = {
      n: 0,
      async read() {
        this.n++;
        return { generation: this.n, members: [member(0, 'PRIMARY')] };
      },
      subscribe(f) {
        notify = f;
      },
    };
    const client = new ClusterClient<FakeConnection>({
      source,
      connect: new FakeFactory().connect,
      clock: new ManualClock(),
    });
    await client.view();
    notify();
    expect((await client.view()).generation).toBe(2);
  });
});

describe('connecting', () => {
  it('tries 3 times 1 s apart (Fabric), then drops the cache and raises a retryable error for a refused connect', async () => {
    const { source, clock, factory, client } = setup();
    factory.connectFailures.set('db/0', [
      mysqlErrors.refused(),
      mysqlErrors.refused(),
      mysqlErrors.refused(),
    ]);
    const error = await client.run('read_write', async () => 'never').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableClusterError);
    expect((error as RetryableClusterError).kind).toBe('connection-refused');
    expect(factory.connects).toBe(3);
    expect(clock.sleeps).toEqual([1000, 1000]);
    await client.view();
    expect(source.reads).toBe(2);
  });

  it('succeeds on a later attempt without dropping the cache', async () => {
    const { source, factory, client } = setup();
    factory.connectFailures.set('db/0', [mysqlErrors.refused()]);
    expect(await client.run('read_write', async (c) => c.member)).toBe('db/0');
    expect(source.reads).toBe(1);
  });

  it('raises a non-retryable connect-failed error for other failures (access denied), naming the member, not the password', async () => {
    const { factory, client } = setup();
    factory.connectFailures.set('db/0', [
      mysqlErrors.accessDenied(),
      mysqlErrors.accessDenied(),
      mysqlErrors.accessDenied(),
    ]);
    const error = (await client
      .run('read_write', async () => 1)
      .catch((e: unknown) => e)) as ClusterClientError;
    expect(error).toBeInstanceOf(ClusterClientError);
    expect(error.kind).toBe('connect-failed');
    expect(error.message).toContain('db/0 at 10.1.0.10:3306 after 3 attempts');
  });

  it('raises no-server when the view has no serving primary', async () => {
    const { client } = setup([member(0, 'PRIMARY', { hidden: true }), member(1, 'SECONDARY')]);
    const error = (await client.pick('read_write').catch((e: unknown) => e)) as ClusterClientError;
    expect(error.kind).toBe('no-server');
  });
});

describe('failures while working', () => {
  it.each([
    ['MySQL 2013 (lost connection)', mysqlErrors.serverLost, 'server-lost'],
    ['mysql2 PROTOCOL_CONNECTION_LOST (no errno)', mysqlErrors.connectionLost, 'server-lost'],
    ['mysql2 closed state (a statement after the loss)', mysqlErrors.closedState, 'server-lost'],
    [
      'mysql2 fatal ECONNRESET (the server reset the socket mid-statement)',
      mysqlErrors.connectionReset,
      'server-lost',
    ],
    ['ECONNREFUSED', mysqlErrors.refused, 'connection-refused'],
    ['MySQL 1290 (read-only)', mysqlErrors.readOnly, 'read-only'],
  ])('maps %s to a RetryableClusterError and drops the cache', async (_what, make, kind) => {
    const { source, client } = setup();
    const cause = make();
    const error = (await client
      .run('read_write', async () => {
        throw cause;
      })
      .catch((e: unknown) => e)) as RetryableClusterError;
    expect(error).toBeInstanceOf(RetryableClusterError);
    expect(error.kind).toBe(kind);
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.member).toMatchObject({ name: 'db/0', address: '10.1.0.10', port: 3306 });
    await client.view();
    expect(source.reads).toBe(2);
  });

  it.each([
    ['a duplicate key (1062)', mysqlErrors.duplicate],
    ['access denied (1045)', mysqlErrors.accessDenied],
    ['a plain Error', () => new Error('boom')],
  ])('raises %s as it is and keeps the cache', async (_what, make) => {
    const { source, client } = setup();
    const cause = make();
    const error = await client
      .run('read_write', async () => {
        throw cause;
      })
      .catch((e: unknown) => e);
    expect(error).toBe(cause);
    expect(retryableKind(error)).toBeUndefined();
    await client.view();
    expect(source.reads).toBe(1);
  });

  it('closes the connection after the work, and destroys it after a failure', async () => {
    const { factory, client } = setup();
    await client.run('read_only', async () => 1);
    await client
      .run('read_only', async () => {
        throw new Error('x');
      })
      .catch(() => undefined);
    expect(factory.log).toEqual(['end db/1', 'destroy db/1']);
  });
});

describe('transaction()', () => {
  it('runs the work in a transaction on the primary and commits', async () => {
    const { factory, client } = setup();
    expect(await client.transaction(async (c) => c.member)).toBe('db/0');
    expect(factory.log).toEqual(['begin db/0', 'commit db/0', 'end db/0']);
  });

  it('retries on the new primary after the old one went read-only, reading the view again', async () => {
    const { source, clock, factory, client } = setup();
    let first = true;
    const retries: string[] = [];
    const result = await client.transaction(
      async (c) => {
        if (first) {
          first = false;
          source.set([member(0, 'SECONDARY'), member(1, 'PRIMARY')]);
          throw mysqlErrors.readOnly();
        }
        return c.member;
      },
      {
        onRetry: (e, n) => {
          retries.push(`${n} ${e.kind}`);
        },
      },
    );
    expect(result).toBe('db/1');
    expect(retries).toEqual(['1 read-only']);
    expect(clock.sleeps).toEqual([1000]);
    expect(factory.log).toEqual([
      'begin db/0',
      'destroy db/0',
      'begin db/1',
      'commit db/1',
      'end db/1',
    ]);
  });

  it('gives up after the attempts and raises the last retryable error', async () => {
    const { client } = setup();
    let runs = 0;
    const error = await client
      .transaction(
        async () => {
          runs++;
          throw mysqlErrors.serverLost();
        },
        { attempts: 3 },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableClusterError);
    expect(runs).toBe(3);
  });

  it('rolls back and does not retry any other error', async () => {
    const { factory, client } = setup();
    let runs = 0;
    const error = await client
      .transaction(async () => {
        runs++;
        throw mysqlErrors.duplicate();
      })
      .catch((e: unknown) => e);
    expect((error as { errno: number }).errno).toBe(1062);
    expect(runs).toBe(1);
    expect(factory.log).toEqual(['begin db/0', 'rollback db/0', 'destroy db/0']);
  });
});

describe('options', () => {
  it.each([
    [{ ttlMs: -1 }, /ttlMs must be a non-negative number/],
    [{ connectAttempts: 0 }, /connectAttempts must be a positive number/],
    [{ connectAttempts: 1.5 }, /connectAttempts must be a positive number/],
    [{ connectDelayMs: Number.NaN }, /connectDelayMs must be a non-negative number/],
  ])('refuses %j', (bad, message) => {
    expect(
      () =>
        new ClusterClient({
          source: new CountingSource([]),
          connect: new FakeFactory().connect,
          ...bad,
        }),
    ).toThrow(message);
  });
});
