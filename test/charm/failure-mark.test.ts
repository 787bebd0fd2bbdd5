// The failure mark (src/charm/failure-mark.ts): a membership hook (-created, -joined,
// -departed, -broken) that does not succeed leaves a note outside the unit state, so the next
// hook asks Juju for relation members and ids again: Juju may have skipped the failed hook and
// committed its membership (juju/juju worker/uniter/operation/skip.go).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { runHook } from '../../src/charm/run-hook.js';
import { FileStateStore } from '../../src/state/file-store.js';
import { JujuStateStore } from '../../src/state/juju-store.js';
import { peerRelation, peersMeta, peerTools, peerUnits, TestPeers } from '../endpoints/builders.js';
import { hookContext } from '../helpers/hook.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function unit(
  store: (dir: string, tools: ReturnType<typeof peerTools>) => FileStateStore | JujuStateStore,
) {
  const dir = mkdtempSync(join(tmpdir(), 'failure-mark-'));
  dirs.push(dir);
  let fail = false;
  const charm = new Charm().endpoint(TestPeers);
  charm.handler({ id: 'maybe-fail' }, function maybeFail() {
    if (fail) throw new Error('boom');
  });
  const tools = peerTools({ 'cluster:0': peerRelation(peerUnits(1)) });
  const s = store(dir, tools);
  const run = async (failing: boolean, hookName = 'update-status') => {
    fail = failing;
    tools.calls.length = 0;
    const relation =
      hookName === 'update-status'
        ? {}
        : { relation: { name: 'cluster', id: 'cluster:0' }, remoteUnit: 'mysql/1' };
    const result = await runHook({
      charm,
      context: hookContext({ hookName, charmDir: dir, jujuVersion: '3.6.0', ...relation }),
      metadata: peersMeta,
      tools,
      store: s,
    });
    return { ok: result.ok, calls: tools.toolNames().filter((t) => t.startsWith('relation-')) };
  };
  return { dir, run };
}

describe('the failure mark', () => {
  it('beside a file store: set by a failed -joined hook, makes the next hook ask relation-ids and relation-list again, cleared by it', async () => {
    const { dir, run } = unit((d) => FileStateStore.forCharmDir(d));
    const mark = `${FileStateStore.forCharmDir(dir).location}.hook-failed`;
    await run(false);
    expect((await run(false)).calls).toEqual([]);
    // A failed hook that changes no membership when skipped leaves no mark.
    expect((await run(true)).ok).toBe(false);
    expect(existsSync(mark)).toBe(false);
    expect((await run(false)).calls).toEqual([]);
    expect((await run(true, 'cluster-relation-joined')).ok).toBe(false);
    expect(existsSync(mark)).toBe(true);
    expect(await run(false)).toEqual({
      ok: true,
      calls: ['relation-ids', 'relation-list'],
    });
    expect(existsSync(mark)).toBe(false);
    expect((await run(false)).calls).toEqual([]);
  });

  it('in the charm directory for a state kept in Juju (state-set is discarded with the failed hook)', async () => {
    const { dir, run } = unit((_d, tools) => new JujuStateStore(tools));
    await run(false);
    expect((await run(true, 'cluster-relation-departed')).ok).toBe(false);
    expect(existsSync(join(dir, '.juju-reactive.hook-failed'))).toBe(true);
    expect((await run(false)).calls).toEqual(['relation-ids', 'relation-list']);
    expect(existsSync(join(dir, '.juju-reactive.hook-failed'))).toBe(false);
  });
});
