// Builders for the client tests: members, a manual clock, and a fake connection factory that
// records what ran where and fails on demand with mysql2-shaped errors.
import type { Clock, ClusterMember, SqlConnection } from 'juju-reactive/client';
import { member } from '../discovery/builders.js';

export { member };

/** A clock that moves only when told; sleeps advance it and are recorded. */
export class ManualClock implements Clock {
  t = 0;
  readonly sleeps: number[] = [];
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
  }
}

/** Errors as mysql2 reports them. */
export const mysqlErrors = {
  serverLost: () =>
    Object.assign(new Error('Lost connection to MySQL server during query'), {
      errno: 2013,
      code: 'CR_SERVER_LOST',
    }),
  connectionLost: () =>
    Object.assign(new Error('Connection lost: The server closed the connection.'), {
      code: 'PROTOCOL_CONNECTION_LOST',
      fatal: true,
    }),
  connectionReset: () =>
    Object.assign(new Error('read ECONNRESET'), {
      code: 'ECONNRESET',
      errno: -104,
      syscall: 'read',
      fatal: true,
    }),
  closedState: () =>
    Object.assign(new Error("Can't add new command when connection is in closed state"), {
      fatal: true,
    }),
  refused: () =>
    Object.assign(new Error('connect ECONNREFUSED 10.1.0.10:3306'), {
      code: 'ECONNREFUSED',
      errno: -111,
      syscall: 'connect',
    }),
  readOnly: () =>
    Object.assign(
      new Error(
        'The MariaDB server is running with the --read-only option so it cannot execute this statement',
      ),
      { errno: 1290, code: 'ER_OPTION_PREVENTS_STATEMENT', sqlState: 'HY000' },
    ),
  accessDenied: () =>
    Object.assign(new Error("Access denied for user 'app'@'10.0.0.1'"), {
      errno: 1045,
      code: 'ER_ACCESS_DENIED_ERROR',
    }),
  duplicate: () =>
    Object.assign(new Error('Duplicate entry'), { errno: 1062, code: 'ER_DUP_ENTRY' }),
};

export interface FakeConnection extends SqlConnection {
  readonly member: string;
  readonly log: string[];
}

/** Connections that log `begin`, `commit`, `rollback`, `end`, `destroy` per member. */
export class FakeFactory {
  readonly log: string[] = [];
  /** Failures to throw on connect, per member name, consumed in order. */
  readonly connectFailures = new Map<string, Error[]>();
  connects = 0;

  readonly connect = async (m: ClusterMember): Promise<FakeConnection> => {
    this.connects++;
    const failure = this.connectFailures.get(m.name)?.shift();
    if (failure !== undefined) throw failure;
    const log = this.log;
    const say = (what: string) => async () => {
      log.push(`${what} ${m.name}`);
    };
    return {
      member: m.name,
      log,
      beginTransaction: say('begin'),
      commit: say('commit'),
      rollback: say('rollback'),
      end: say('end'),
      destroy: () => {
        log.push(`destroy ${m.name}`);
      },
    };
  };
}
