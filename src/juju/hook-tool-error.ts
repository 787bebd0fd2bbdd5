// Hook-tool failures as values: a kind a charm can branch on, plus the tool's own words.
// Never holds a secret: callers redact before constructing (see redact.ts).

/**
 * Why a hook tool failed:
 * - `relation-not-found`: the relation id is unknown (for example, the relation is gone);
 * - `not-leader`: a leader-only call on a unit that is not the leader;
 * - `permission-denied`: Juju refused the call (for example, a secret this unit may not read);
 * - `not-found`: something else the call named does not exist (a secret, a binding);
 * - `tool-missing`: the tool is not on `PATH` (not running inside a hook);
 * - `bad-arguments`: exit code 2, or arguments refused before the call;
 * - `failed`: any other failure;
 * - `bad-output`: the tool succeeded but printed something unexpected;
 * - `timeout`: the tool did not finish in time and was killed;
 * - `output-too-large`: the tool printed more than the bound on a tool's output.
 */
export type HookToolErrorKind =
  | 'relation-not-found'
  | 'not-leader'
  | 'permission-denied'
  | 'not-found'
  | 'tool-missing'
  | 'bad-arguments'
  | 'failed'
  | 'bad-output'
  | 'timeout'
  | 'output-too-large';

/** A failed hook-tool call: `kind` to branch on, `message` in the tool's own words. */
export class HookToolError extends Error {
  /** Always `HookToolError`. */
  override readonly name = 'HookToolError';
  constructor(
    /** Why the tool failed: branch on this, not on the message. */
    readonly kind: HookToolErrorKind,
    /** The hook tool, e.g. `relation-get`. */
    readonly tool: string,
    message: string,
    /** The tool's exit code, when it ran. */
    readonly exitCode?: number,
  ) {
    super(`${tool}: ${message}`);
  }
}

/**
 * Decide the kind of a failure from the tool's exit code and stderr, using the texts Juju
 * prints (`ERROR relation not found`, `... not the leader`, `permission denied`, ...).
 */
export function classifyToolFailure(exitCode: number, stderr: string): HookToolErrorKind {
  const text = stderr.toLowerCase();
  if (text.includes('relation not found')) return 'relation-not-found';
  if (text.includes('no relation id specified')) return 'bad-arguments';
  if (text.includes('not the leader')) return 'not-leader';
  if (text.includes('permission denied')) return 'permission-denied';
  if (text.includes('not found')) return 'not-found';
  if (exitCode === 2) return 'bad-arguments';
  return 'failed';
}
