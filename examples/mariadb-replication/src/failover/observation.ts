// What the leader sees in one hook: a probe of every server, plus a write probe of the recorded
// source. Health is always read from the databases, never remembered in a process.
import type { Probe, ReplicationBackend, ServerStatus, WriteProbe } from '../backend/types.js';
import type { TopologyRecord } from './record.js';

/** One server as observed in this hook. */
export interface ServerObservation {
  readonly probe: Probe;
  /** Only for the server that is (or would become) the source. */
  readonly write: WriteProbe | undefined;
}

/** Every server of the topology, by unit name. */
export type Observation = Readonly<Record<string, ServerObservation>>;

/** Probe every server (in parallel) and write-probe the recorded source. Never throws. */
export async function observe(
  backend: ReplicationBackend,
  record: TopologyRecord,
): Promise<Observation> {
  const servers = backend.servers();
  const probes = await Promise.all(servers.map((s) => safeProbe(backend, s)));
  const result: Record<string, ServerObservation> = {};
  for (const [i, server] of servers.entries()) {
    const probe = probes[i] ?? { reachable: false, reason: 'not probed' };
    const write =
      server === record.source && probe.reachable ? await safeWrite(backend, server) : undefined;
    result[server] = { probe, write };
  }
  return result;
}

async function safeProbe(backend: ReplicationBackend, server: string): Promise<Probe> {
  try {
    return await backend.probe(server);
  } catch (error) {
    return { reachable: false, reason: messageOf(error) };
  }
}

async function safeWrite(backend: ReplicationBackend, server: string): Promise<WriteProbe> {
  try {
    return await backend.probeWrite(server);
  } catch (error) {
    return { ok: false, reason: messageOf(error) };
  }
}

/** An error's message, for statuses and logs (backends never put secrets in messages). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The status of a reachable server, else undefined. */
export function statusOf(observation: Observation, server: string): ServerStatus | undefined {
  const probe = observation[server]?.probe;
  return probe?.reachable ? probe.status : undefined;
}
