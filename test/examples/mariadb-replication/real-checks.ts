// What the real-MariaDB tests check on a server: its variables, its replica status, that a
// replica caught up with and replicates from a source, that a source takes writes alone.
import { expect } from 'vitest';
import type { ReplicationFleet } from './harness.js';

/** read_only, gtid_current_pos and gtid_binlog_pos of one server. */
export interface ServerVariables {
  readonly readOnly: number;
  readonly current: string;
  readonly binlog: string;
}

export async function variables(fleet: ReplicationFleet, id: string): Promise<ServerVariables> {
  const [v] = await fleet.sql<ServerVariables[]>(
    id,
    'SELECT @@read_only AS readOnly, @@gtid_current_pos AS current, @@gtid_binlog_pos AS binlog',
  );
  if (!v) throw new Error('no variables');
  return v;
}

/** SHOW SLAVE STATUS's row, undefined when no replication is configured. */
export async function slaveStatus(
  fleet: ReplicationFleet,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  const rows = await fleet.sql(id, 'SHOW SLAVE STATUS');
  return rows[0];
}

/** Wait until `replica` has applied everything `source` has binlogged. */
export async function caughtUp(
  fleet: ReplicationFleet,
  replica: string,
  source: string,
): Promise<void> {
  const { binlog } = await variables(fleet, source);
  const [r] = await fleet.sql<{ r: number }[]>(replica, 'SELECT MASTER_GTID_WAIT(?, 20) AS r', [
    binlog,
  ]);
  expect(r?.r, `${replica} caught up with ${source}`).toBe(0);
}

/** `replica` replicates from `source` (GTID, both threads), read-only, at the same position. */
export async function expectReplicaOf(
  fleet: ReplicationFleet,
  replica: string,
  source: string,
): Promise<void> {
  await caughtUp(fleet, replica, source);
  const status = await slaveStatus(fleet, replica);
  const s = fleet.server(source);
  expect({
    host: status?.Master_Host,
    port: status?.Master_Port,
    io: status?.Slave_IO_Running,
    sql: status?.Slave_SQL_Running,
    gtid: status?.Using_Gtid,
  }).toEqual({ host: s.address, port: s.port, io: 'Yes', sql: 'Yes', gtid: 'Slave_Pos' });
  const [r, src] = await Promise.all([variables(fleet, replica), variables(fleet, source)]);
  expect(r.readOnly, `${replica} read_only`).toBe(1);
  expect(r.current, `${replica} gtid_current_pos equals the source's`).toBe(src.current);
}

/** `id` takes writes (read_only=0) and has no replication configured. */
export async function expectWritableSource(fleet: ReplicationFleet, id: string): Promise<void> {
  expect((await variables(fleet, id)).readOnly, `${id} read_only`).toBe(0);
  expect(await slaveStatus(fleet, id), `${id} has no replication configured`).toBeUndefined();
}
