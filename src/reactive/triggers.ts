// Triggers: on a real set or clear of one flag, synchronously set or clear other flags or
// call a callback. Definitions live on the charm; this module only wires them to a FlagSet.
import type { FlagSet } from './flags.js';

/** A trigger definition: exactly one of `whenSet` / `whenCleared`, plus what to do. */
export interface TriggerSpec {
  /** Fire when this flag goes from clear to set. */
  readonly whenSet?: string;
  /** Fire when this flag goes from set to clear. */
  readonly whenCleared?: string;
  /** Flags to set when the trigger fires. */
  readonly set?: readonly string[];
  /** Flags to clear when the trigger fires (after `set`). */
  readonly clear?: readonly string[];
  /** Called when the trigger fires (after `set` and `clear`). */
  readonly callback?: () => void;
}

/** Check a trigger definition; throws on misuse. */
export function validateTrigger(spec: TriggerSpec): void {
  const watched = [spec.whenSet, spec.whenCleared].filter((f) => f !== undefined);
  if (watched.length !== 1) {
    throw new TypeError('a trigger needs exactly one of whenSet or whenCleared');
  }
  if (!spec.set?.length && !spec.clear?.length && !spec.callback) {
    throw new TypeError(`the trigger on ${watched[0]} does nothing: give set, clear or callback`);
  }
}

/** Attach triggers to a flag set. Returns a function that detaches them. */
export function attachTriggers(flags: FlagSet, triggers: readonly TriggerSpec[]): () => void {
  if (triggers.length === 0) return () => {};
  return flags.onChange((flag, set) => {
    for (const t of triggers) {
      if ((set && t.whenSet === flag) || (!set && t.whenCleared === flag)) {
        for (const f of t.set ?? []) flags.set(f);
        for (const f of t.clear ?? []) flags.clear(f);
        t.callback?.();
      }
    }
  });
}
