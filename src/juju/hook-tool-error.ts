// Hook-tool failures as values: a kind a charm can branch on, plus the tool's own words.
// Never holds a secret: callers redact before constructing (see redact.ts).

/** Why a hook tool failed. */
export type HookToolErrorKind =
  | 'relation-not-found'
  | 'not-leader'
  | 'permission-denied'
  | 'not-found'
  | 'tool-missing'
  | 'bad-arguments'
  | 'failed'
  | 'bad-output';

/** A failed hook-tool call: `kind` to branch on, `message` in the tool's own words. */
export class HookToolError extends Error {
  override readonly name = 'HookToolError';
  constructor(
    readonly kind: HookToolErrorKind,
    readonly tool: string,
    message: string,
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
