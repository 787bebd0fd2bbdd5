// The action hook tools of one simulated unit (worker/uniter/runner/jujuc/action-*.go):
// recorded at once on the running action, as Juju does; refused outside an action.
import { Ok } from 'ts-results-es';
import type { ActionParams } from '../../juju/hook-tools.js';
import type { ActionRun } from '../action-run.js';
import type { R, ToolBase } from './base.js';

/** action-get, -set, -fail, -log. */
export class ActionTools {
  constructor(
    private readonly b: ToolBase,
    /** The action this run is for; undefined in a hook. */
    private readonly action: ActionRun | undefined,
  ) {}

  /** The running action, or Juju's refusal outside one (runner/context HookContext.ActionData). */
  private running(tool: string): R<ActionRun> {
    if (this.action === undefined) return this.b.fail(tool, 'not running an action');
    return Ok(this.action);
  }

  actionGet(): R<ActionParams> {
    return this.b.call('action-get', [], () => this.running('action-get').map((a) => a.params()));
  }

  actionSet(results: Readonly<Record<string, string>>): R<void> {
    const keys = Object.keys(results);
    return this.b.call(
      'action-set',
      keys.map((k) => `${k}=…`),
      () => {
        const found = this.running('action-set');
        if (found.isErr()) return found;
        // jujuc/action-set.go Init checks every argument before Run sets any.
        for (const key of keys) {
          const problem = found.value.keyProblem(key);
          if (problem !== undefined) return this.b.fail('action-set', problem, 2);
        }
        for (const key of keys) found.value.set(key, results[key] ?? '');
        return Ok(undefined);
      },
    );
  }

  actionFail(message: string): R<void> {
    return this.b.call('action-fail', [], () =>
      this.running('action-fail').map((a) => a.fail(message)),
    );
  }

  actionLog(message: string): R<void> {
    return this.b.call('action-log', [], () =>
      this.running('action-log').map((a) => a.log(message)),
    );
  }
}
