// A simulated fleet kept in a JSON file, for units run as separate hook processes (each hook
// loads it at start and saves it at the end; a simulated model runs one hook at a time). The
// file holds no password: the fleet keeps only hashes of them.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { type SimServer, SimulatedFleet } from './simulated-fleet.js';

type Json = Record<string, unknown>;
const MAPS = ['binlogStateBase', 'data', 'users'] as const;
const OPTIONAL = ['replica', 'slavePos', 'lagSeconds'] as const;

/** Load the fleet saved at `path`; an absent file is an empty fleet. */
export function loadFleet(path: string): SimulatedFleet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new SimulatedFleet([]);
    throw error;
  }
  const fleet = new SimulatedFleet([]);
  for (const saved of JSON.parse(text) as Json[]) {
    const server = { ...saved } as Json;
    for (const key of MAPS) server[key] = new Map(saved[key] as [unknown, unknown][]);
    // JSON drops undefined: an absent optional field is there, undefined, as in a live fleet.
    for (const key of OPTIONAL) server[key] = saved[key] ?? undefined;
    const restored = server as unknown as SimServer;
    fleet.servers.set(restored.id, restored);
  }
  return fleet;
}

/** Save `fleet` at `path` (0600, replaced atomically). */
export function saveFleet(fleet: SimulatedFleet, path: string): void {
  const servers = [...fleet.servers.values()].map((s) => {
    const saved: Json = { ...s };
    for (const key of MAPS) saved[key] = [...s[key].entries()];
    return saved;
  });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(servers), { mode: 0o600 });
  renameSync(temp, path);
}
