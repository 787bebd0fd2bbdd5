// Crash consistency, second part: a hook killed at any point must leave a unit's flags and the
// relation data the model committed in agreement: both from that hook, or neither. With the
// unit state kept in Juju (stateStore: 'juju') that holds at every kill point, because the
// state is committed with the relation data when the hook process exits 0. With the file store
// it does not once the state file was written (docs/reliability.md explains that window).
// Runs: a sweep over every kill point of one hook for both stores; JR_KILL_RUNS (default 60)
// SIGKILLs at random tool calls of random hooks; JR_KILL_SEEDS (default 100) in-process models
// with failures injected between relation-set and the state save.
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Model, mulberry32, type TimelineEntry } from '../../src/testing/index.js';
import { randomIndex } from '../../src/testing/random.js';
import { createLedgerCharm, LEDGER_CONFIG, LEDGER_METADATA } from './fixtures/ledger.js';

const KILLS = Number(process.env.JR_KILL_RUNS ?? 60);
const SEEDS = Number(process.env.JR_KILL_SEEDS ?? 100);
const charmDir = (store: 'juju' | 'file'): string =>
  fileURLToPath(new URL(`./fixtures/ledger-${store}`, import.meta.url));

const models: Model[] = [];
afterAll(async () => {
  for (const model of models.splice(0)) await model.close();
});

/** Where a unit's flags disagree with the relation data the model committed for it. */
function inconsistencies(model: Model): string[] {
  const out: string[] = [];
  const relationId = model.relationIds('ledger', 'cluster')[0];
  for (const name of model.units('ledger')) {
    const unit = model.unit(name);
    const bag = relationId === undefined ? {} : model.relationData(relationId, name);
    const flagged = unit.flags
      .filter((f) => f.startsWith('ledger.published.'))
      .map((f) => f.slice('ledger.published.'.length));
    const published = bag['gen'] === undefined ? [] : [bag['gen']];
    if (flagged.join() !== published.join()) {
      out.push(
        `${name}: flags say generation [${flagged}] was published, relation data holds [${published}]`,
      );
    }
    const note = unit.data['ledger.note'];
    if (unit.hasFlag('ledger.announced') && bag['note'] !== note) {
      out.push(
        `${name}: flag ledger.announced says note ${JSON.stringify(note)} was announced, relation data holds ${JSON.stringify(bag['note'])}`,
      );
    }
  }
  return out;
}

/** The last hook-tool call a hook made: where a kill landed. */
function lastTool(model: Model, entry: TimelineEntry): string {
  const tools = model.trace.filter((e) => e.kind === 'tool' && e.hookSeq === entry.seq);
  const last = tools.at(-1);
  return last?.kind === 'tool' ? last.tool : '(none)';
}

const killed = (entry: TimelineEntry): boolean => !entry.ok && /SIGKILL/.test(entry.error ?? '');

async function deployLedger(store: 'juju' | 'file', units: number, seed?: number) {
  const model = new Model({ name: `ledger-${store}`, maxRetries: 1000, seed });
  models.push(model);
  await model.deploy('ledger', { charmDir: charmDir(store), units, processes: true });
  return model;
}

interface Sweep {
  /** Tool calls config-changed makes on ledger/1: the kill points. */
  readonly points: number;
  readonly kills: number;
  /** Kill points after which a hook left flags and relation data disagreeing. */
  readonly inconsistentAt: {
    readonly point: number;
    readonly tool: string;
    readonly what: string;
  }[];
  /** What still disagrees once the model settled. */
  readonly final: string[];
}

/** Kill config-changed on ledger/1 after its 1st, 2nd, ... nth tool call, once each. */
async function sweep(store: 'juju' | 'file'): Promise<Sweep> {
  const model = await deployLedger(store, 2);
  expect((await model.settle()).settled).toBe(true);
  expect(inconsistencies(model)).toEqual([]);
  model.setConfig('ledger', { note: 'probe' });
  let points = 0;
  await model.settle({
    onHook: (e) => {
      if (e.unit === 'ledger/1' && e.hook === 'config-changed') points = e.toolCalls;
    },
  });
  let kills = 0;
  const inconsistentAt: Sweep['inconsistentAt'] = [];
  for (let point = 1; point <= points; point++) {
    model.setConfig('ledger', { note: `note-${point}` });
    model.failNextHook('ledger/1', { hook: 'config-changed', killAfterToolCalls: point });
    const report = await model.settle({
      onHook: (entry) => {
        if (!killed(entry)) return;
        kills++;
        const bad = inconsistencies(model);
        if (bad.length > 0)
          inconsistentAt.push({ point, tool: lastTool(model, entry), what: bad.join('; ') });
      },
    });
    expect(report.settled).toBe(true);
  }
  return { points, kills, inconsistentAt, final: inconsistencies(model) };
}

describe('a hook process killed at every kill point of one hook', () => {
  it('leaves flags and relation data consistent with the Juju state store', async () => {
    const result = await sweep('juju');
    console.log(
      `juju-store kill sweep: ${result.kills} runs killed (every one of ${result.points} kill points of config-changed), ` +
        `${result.inconsistentAt.length} inconsistent states found`,
    );
    expect(result.points).toBeGreaterThanOrEqual(5);
    expect(result.kills).toBe(result.points);
    expect(result.inconsistentAt).toEqual([]);
    expect(result.final).toEqual([]);
  }, 120_000);

  it('shows the window of the file store: flags committed, relation data rolled back', async () => {
    const result = await sweep('file');
    console.log(
      `file-store kill sweep: ${result.kills} runs killed, ${result.inconsistentAt.length} inconsistent states found ` +
        `(kill points: ${result.inconsistentAt.map((i) => `${i.point} after ${i.tool}`).join(', ')}); still inconsistent after settling: ${result.final.length}`,
    );
    expect(result.kills).toBe(result.points);
    // Only kills after the state file was written: that is after the last relation-set, so
    // the only tool call left is the post-commit log line.
    expect(result.inconsistentAt.map((i) => i.tool)).toEqual(['juju-log']);
    expect(result.inconsistentAt[0]?.point).toBe(result.points);
    // The announcement is lost for good: the retried hook sees the flag and never publishes.
    expect(result.final).toEqual([
      expect.stringMatching(/^ledger\/1: flag ledger.announced says note "note-\d+" was announced/),
    ]);
  }, 120_000);
});

describe('hook processes killed at random points', () => {
  it(`leaves flags and relation data consistent with the Juju state store (${KILLS} kills)`, async () => {
    const model = await deployLedger('juju', 3, 20261121);
    const random = mulberry32(20261121);
    let kills = 0;
    let hooks = 0;
    const killPoints = new Map<string, number>();
    const found: string[] = [];
    const onHook = (entry: TimelineEntry): void => {
      hooks++;
      if (killed(entry)) {
        kills++;
        const tool = lastTool(model, entry);
        killPoints.set(tool, (killPoints.get(tool) ?? 0) + 1);
      }
      for (const bad of inconsistencies(model)) found.push(`after ${entry.label}: ${bad}`);
      if (kills < KILLS && random() < 0.6) {
        const units = model.units('ledger');
        const unit = units[randomIndex(random, units.length)] ?? 'ledger/0';
        model.failNextHook(unit, { killAfterToolCalls: 1 + randomIndex(random, 9) });
      }
    };
    for (let round = 0; kills < KILLS && round < 10 * KILLS; round++) {
      await model.settle({ onHook, maxHooks: 500 });
      model.setConfig('ledger', { note: `round-${round}` });
    }
    // Let every armed kill fire or expire, then settle for good.
    for (let round = 0; round < 20; round++) {
      const report = await model.settle({ onHook });
      if (report.settled) break;
    }
    const report = await model.settle({ onHook });
    const where = [...killPoints].map(([tool, n]) => `${tool} ${n}`).join(', ');
    console.log(
      `juju-store random kills: ${kills} runs killed in ${hooks} hooks (last call before the kill: ${where}), ` +
        `${found.length} inconsistent states found`,
    );
    expect(kills).toBeGreaterThanOrEqual(KILLS);
    expect(killPoints.get('relation-set')).toBeGreaterThan(0);
    expect(killPoints.get('state-set')).toBeGreaterThan(0);
    expect(found).toEqual([]);
    expect(report.settled).toBe(true);
    expect(inconsistencies(model)).toEqual([]);
  }, 300_000);
});

describe('in-process units with the Juju state store', () => {
  it('cannot be killed in mid-hook: killAfterToolCalls needs a hook process', async () => {
    const model = new Model();
    await model.deploy('ledger', {
      charm: () => createLedgerCharm('juju'),
      metadata: LEDGER_METADATA,
      configOptions: LEDGER_CONFIG,
    });
    expect(() => model.failNextHook('ledger/0', { killAfterToolCalls: 2 })).toThrow(
      /killAfterToolCalls kills a hook process; it needs a unit run as processes/,
    );
  });

  const handlers = ['noteChanged', 'write-entry', 'announce', 'forgetChanges'];

  it(`commit flags with relation data, and neither when the hook fails (${SEEDS} seeds)`, async () => {
    let failed = 0;
    let hooks = 0;
    const found: string[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const model = new Model({ seed, maxRetries: 1000, trace: 'hooks' });
      await model.deploy('ledger', {
        charm: () => createLedgerCharm('juju'),
        metadata: LEDGER_METADATA,
        configOptions: LEDGER_CONFIG,
        units: 3,
      });
      const random = mulberry32(seed);
      let before = JSON.stringify(state(model));
      const onHook = (entry: TimelineEntry): void => {
        hooks++;
        const now = JSON.stringify(state(model));
        if (!entry.ok) {
          failed++;
          if (now !== before) found.push(`seed ${seed}: failed ${entry.label} changed the model`);
        }
        before = now;
        for (const bad of inconsistencies(model))
          found.push(`seed ${seed} after ${entry.label}: ${bad}`);
        if (random() < 0.3) {
          const units = model.units('ledger');
          const unit = units[randomIndex(random, units.length)] ?? 'ledger/0';
          // A whole-hook failure strikes at the state save: after relation-set was staged.
          const handler =
            random() < 0.5 ? handlers[randomIndex(random, handlers.length)] : undefined;
          model.failNextHook(unit, handler === undefined ? {} : { handler });
        }
      };
      for (let round = 0; round < 3; round++) {
        await model.settle({ onHook });
        model.setConfig('ledger', { note: `round-${round}` });
      }
      for (let round = 0; round < 20 && !(await model.settle({ onHook })).settled; round++);
      expect((await model.settle()).settled, `seed ${seed}`).toBe(true);
      // The state lives in Juju's unit state, not in the memory store.
      expect(model.unit('ledger/0').data['ledger.gen']).toBeGreaterThan(0);
    }
    console.log(
      `juju-store in-process failures: ${failed} failed hooks in ${hooks} (${SEEDS} seeds), ${found.length} inconsistent states found`,
    );
    expect(failed).toBeGreaterThan(SEEDS);
    expect(found).toEqual([]);
  }, 120_000);
});

/** What a failed hook must not change: relation data, flags and unit state of every unit. */
function state(model: Model) {
  const relationId = model.relationIds('ledger', 'cluster')[0] ?? '';
  return model.units('ledger').map((name) => {
    const unit = model.unit(name);
    return { name, flags: unit.flags, data: unit.data, bag: model.relationData(relationId, name) };
  });
}
