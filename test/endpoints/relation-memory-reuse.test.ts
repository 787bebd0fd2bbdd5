// The records a unit's last hook wrote are reused by its next hook in the same process
// (src/endpoints/relation-memory.ts `recorded`) only when the state it loads holds exactly
// their text: a state saved by another hook, or another model's unit of the same name, is
// read as it is; and the reused records are never changed by the hook that uses them.
import { describe, expect, it } from 'vitest';
import { RELATION_MEMORY_KEY, RelationMemory } from '../../src/endpoints/relation-memory.js';
import type { CommitReport, HookSession, ObservedRelations } from '../../src/juju/hook-session.js';
import { Redactor } from '../../src/juju/redact.js';
import type { StateSnapshot } from '../../src/state/store.js';
import { UnitState } from '../../src/state/unit-state.js';
import type { JsonValue } from '../../src/util/json.js';
import { hookContext } from '../helpers/hook.js';

const context = hookContext({
  unitName: 'mysql/0',
  hookName: 'update-status',
  jujuVersion: '3.6.0',
});
const nothingWritten: CommitReport = { relationWrites: [], leaderKeys: [], secretOps: 0 };

/** A session that observed these relation-ids and relation-list answers. */
function observed(ids: Record<string, string[]>, lists: Record<string, string[]>): HookSession {
  const seen: ObservedRelations = {
    ids: new Map(Object.entries(ids)),
    lists: new Map(Object.entries(lists)),
    ownBags: new Map(),
  };
  return { observedRelations: () => seen } as unknown as HookSession;
}

/** One hook of mysql/0 on `snapshot`: its records, then what it leaves after `session`. */
function hook(snapshot: StateSnapshot, session?: HookSession) {
  const state = new UnitState(snapshot);
  const memory = new RelationMemory(state, context, new Redactor());
  const members = memory.relationList('cluster:0');
  if (session !== undefined) memory.afterCommit(session, nothingWritten);
  return { members, state, snapshot: state.snapshot() };
}

const records = (members: string[]): StateSnapshot => ({
  version: 1,
  flags: [],
  data: {
    [RELATION_MEMORY_KEY]: {
      v: 1,
      ids: { cluster: ['cluster:0'] },
      members: { 'cluster:0': members },
      own: {},
    } as unknown as JsonValue,
  },
});

describe('records reused from the last hook of the unit', () => {
  it('are the ones the state holds: a state with other records (a save that failed, another model) is read as it is', () => {
    const first = hook(
      { version: 1, flags: [], data: {} },
      observed({ cluster: ['cluster:0'] }, { 'cluster:0': ['mysql/1'] }),
    );
    expect(hook(first.snapshot).members).toEqual(['mysql/1']);
    // Same unit name, another state: its own records, not the last hook's.
    expect(hook(records(['mysql/2', 'mysql/5'])).members).toEqual(['mysql/2', 'mysql/5']);
    // And the first state again (its text no longer the last one written): still its own.
    expect(hook(first.snapshot).members).toEqual(['mysql/1']);
  });

  it('an unchanged hook writes nothing, and a hook that drops a relation leaves the records it read as they were', () => {
    const first = hook(
      { version: 1, flags: [], data: {} },
      observed({ cluster: ['cluster:0'] }, { 'cluster:0': ['mysql/1'] }),
    );
    const steady = hook(first.snapshot, observed({}, {}));
    expect(steady.members).toEqual(['mysql/1']);
    expect(steady.state.changed()).toBe(false);
    // Juju no longer lists cluster:0: its member records go from this hook's state only.
    const gone = hook(first.snapshot, observed({ cluster: [] }, {}));
    expect(gone.snapshot.data[RELATION_MEMORY_KEY]).toEqual({
      v: 1,
      ids: { cluster: [] },
      members: {},
      own: {},
    });
    expect(hook(first.snapshot).members).toEqual(['mysql/1']);
  });
});
