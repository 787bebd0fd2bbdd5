// Handler definitions started and never finished: `charm.when('x')` without `.run(fn)` registers
// nothing, and a charm that silently lacks a handler is a bug found late. Each builder is
// recorded with the place it was started; the charm refuses to run while one is left open.

/** A handler definition that was never given `.run(fn)`. */
export interface UnfinishedDefinition {
  /** The chain as written so far, e.g. `charm.when('x').whenNot('y')`. */
  readonly expression: string;
  /** Where it was started (`file:line:column` of the charm's code), when known. */
  readonly site: string | undefined;
}

/** Thrown when a charm with an unfinished handler definition is run. */
export class UnfinishedHandlerError extends Error {
  override readonly name = 'UnfinishedHandlerError';
  constructor(readonly definitions: readonly UnfinishedDefinition[]) {
    super(
      definitions
        .map(
          (d) =>
            `${d.expression}${d.site === undefined ? '' : ` (at ${d.site})`} was never given .run(fn), so it registers no handler`,
        )
        .join('; ') + ': end each chain with .run(function name(rt) { ... })',
    );
  }
}

/**
 * The first stack frame outside this library's charm/reactive modules: the charm's own line.
 * `at`: an Error made at the call to describe (default: here); V8 formats its stack only when
 * it is read, so keeping the Error and reading it later costs a definition almost nothing.
 */
export function callerSite(at: Error = new Error()): string | undefined {
  const frames = (at.stack ?? '').split('\n').slice(1);
  for (const frame of frames) {
    if (/[/\\](charm|reactive)[/\\](charm|unfinished)\.[cm]?[jt]s/.test(frame)) continue;
    const where = /\(?((?:file:\/\/)?[^\s()]+:\d+:\d+)\)?\s*$/.exec(frame.trim());
    if (where?.[1] !== undefined) return where[1].replace(/^file:\/\//, '');
  }
  return undefined;
}

/** The open definitions of one charm. */
export class UnfinishedDefinitions {
  private readonly open = new Map<object, { describe: () => string; at: Error }>();

  /** Record `owner` as started at the caller's site; `describe` renders its chain so far. */
  start(owner: object, describe: () => string): void {
    // The site is worked out only for a definition left open (check): most never are.
    this.open.set(owner, { describe, at: new Error() });
  }

  /** `owner` was finished (`.run(fn)` was called). */
  finish(owner: object): void {
    this.open.delete(owner);
  }

  /** Throws {@link UnfinishedHandlerError} when a definition is still open. */
  check(): void {
    if (this.open.size === 0) return;
    throw new UnfinishedHandlerError(
      [...this.open.values()].map((d) => ({ expression: d.describe(), site: callerSite(d.at) })),
    );
  }
}
