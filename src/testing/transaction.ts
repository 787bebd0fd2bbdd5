// A hook's staged writes: relation data, ports, secrets and Juju unit state, held
// until the model learns the hook succeeded. A hook that fails (even halfway through its
// commit) is simply dropped with its transaction, so nothing it wrote becomes visible.
import type { RelationData, SecretAddOptions, SecretGrantOptions } from '../juju/hook-tools.js';
import { ownValue, setOwn } from './optional.js';

export interface StagedBag {
  readonly relationId: string;
  readonly app: boolean;
  /** Key → new value; null deletes. */
  readonly values: Map<string, string | null>;
}

export interface StagedSecretAdd {
  readonly id: string;
  readonly content: Record<string, string>;
  readonly options: SecretAddOptions;
}

export type StagedSecretOp =
  | {
      readonly op: 'set';
      readonly id: string;
      readonly content: Record<string, string>;
      readonly options: Omit<SecretAddOptions, 'owner'>;
    }
  | {
      readonly op: 'grant' | 'revoke';
      readonly id: string;
      readonly relationId: string;
      readonly options: SecretGrantOptions;
    }
  | { readonly op: 'remove'; readonly id: string; readonly revision?: number };

export class HookTransaction {
  readonly bags = new Map<string, StagedBag>();
  readonly secretAdds: StagedSecretAdd[] = [];
  readonly secretOps: StagedSecretOp[] = [];
  readonly state = new Map<string, string | null>();
  /** open-port/close-port calls, in order. */
  readonly ports: { readonly open: boolean; readonly spec: string }[] = [];

  stageBag(relationId: string, app: boolean, data: Readonly<RelationData>): void {
    const key = `${relationId}\u0000${app ? 'app' : 'unit'}`;
    let bag = this.bags.get(key);
    if (bag === undefined) {
      bag = { relationId, app, values: new Map() };
      this.bags.set(key, bag);
    }
    for (const [k, v] of Object.entries(data)) bag.values.set(k, v === '' ? null : v);
  }

  /** A bag with this transaction's staged values applied (for reads of the unit's own bag). */
  overlay(relationId: string, app: boolean, committed: Readonly<RelationData>): RelationData {
    const bag = this.bags.get(`${relationId}\u0000${app ? 'app' : 'unit'}`);
    const out: RelationData = { ...committed };
    if (bag === undefined) return out;
    for (const [k, v] of bag.values) {
      if (v === null) delete out[k];
      else setOwn(out, k, v);
    }
    return out;
  }
}

/**
 * Apply `values` to `bag`; returns the new bag and the keys that really changed
 * (undefined when nothing changed, so callers can skip notifications).
 */
export function applyValues(
  bag: Readonly<RelationData>,
  values: ReadonlyMap<string, string | null>,
): { bag: RelationData; changes: Record<string, string | null> } | undefined {
  let next: RelationData | undefined;
  const changes: Record<string, string | null> = {};
  for (const [k, v] of values) {
    const before = ownValue(bag, k);
    if (v === null ? before === undefined : before === v) continue;
    next ??= { ...bag };
    if (v === null) delete next[k];
    else setOwn(next, k, v);
    setOwn(changes, k, v);
  }
  return next === undefined ? undefined : { bag: next, changes };
}
