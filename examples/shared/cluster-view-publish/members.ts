// From a charm's own idea of its members (unit, address, port, role) to the members clients
// see: the weight from the `weight` config, `hidden` and `disconnect` from the AdminAPI
// instance tags, routed exactly as MySQL Router routes them (../adminapi-tags/routing.ts).

import { MAX_WEIGHT } from '../../../interfaces/cluster-view/schema.js';
import type { ClusterMember, MemberMode, MemberRole } from '../../../src/discovery/view.js';
import { instanceLabel, routeMembers, type TagMap } from '../adminapi-tags/index.js';

/** A member as the database charm knows it, before weights and tags. */
export interface TopologyMember {
  /** The unit name (`mysql/0`). */
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly role: MemberRole;
  /** Default: `read_write` for the PRIMARY, `read_only` for every other role. */
  readonly mode?: MemberMode;
}

/** The `weight` config, parsed: a default weight and per-unit overrides. */
export interface Weights {
  readonly fallback: number;
  readonly units: ReadonlyMap<string, number>;
}

/** Every member weight 1 (Fabric's default). */
export const DEFAULT_WEIGHTS: Weights = { fallback: 1, units: new Map() };

/** The config text is refused past this many characters, before it is split. */
export const MAX_WEIGHT_CONFIG = 4096;

const UNIT_RE = /^[a-z][a-z0-9-]*\/(0|[1-9][0-9]{0,8})$/;
const NUMBER_RE = /^(?:[0-9]+(?:\.[0-9]+)?)$/;

/** A `weight` config that cannot be used, with what is wrong (never the whole value). */
export class WeightConfigError extends Error {
  override readonly name = 'WeightConfigError';
}

function weightOf(text: string, where: string): number {
  const n = NUMBER_RE.test(text) ? Number(text) : Number.NaN;
  if (!(n > 0 && n <= MAX_WEIGHT))
    throw new WeightConfigError(
      `weight: ${where} must be a number greater than 0 and at most ${MAX_WEIGHT}`,
    );
  return n;
}

/**
 * Parse the `weight` config: a number for every member (`2`), or comma-separated entries, each
 * `<unit>=<number>` for one member or a bare number for the others (`1, mysql/2=3`). Weights
 * are relative shares of read-only work among the secondaries, as in Fabric. Empty means 1.
 * Throws WeightConfigError naming the entry that is wrong.
 */
export function parseWeights(text: string): Weights {
  if (text.length > MAX_WEIGHT_CONFIG)
    throw new WeightConfigError(`weight: longer than ${MAX_WEIGHT_CONFIG} characters`);
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  let fallback: number | undefined;
  const units = new Map<string, number>();
  entries.forEach((entry, i) => {
    const eq = entry.indexOf('=');
    if (eq < 0) {
      if (fallback !== undefined)
        throw new WeightConfigError(`weight: entry ${i + 1} is a second default weight`);
      fallback = weightOf(entry, `entry ${i + 1}`);
      return;
    }
    const unit = entry.slice(0, eq).trim();
    if (!UNIT_RE.test(unit))
      throw new WeightConfigError(`weight: entry ${i + 1} does not start with a unit name`);
    if (units.has(unit)) throw new WeightConfigError(`weight: ${unit} is given twice`);
    units.set(unit, weightOf(entry.slice(eq + 1).trim(), unit));
  });
  return { fallback: fallback ?? 1, units };
}

/** The members clients see, plus Router's warnings about tags it ignored (for the log). */
export interface BuiltMembers {
  readonly members: ClusterMember[];
  readonly warnings: readonly string[];
}

/**
 * Build the published members: weight from `weights`, `hidden` as Router reads `_hidden`,
 * `disconnect` when Router drops existing connections (hidden and
 * `_disconnect_existing_sessions_when_hidden`, true unless set). `tags` holds each unit's
 * instance tags (readStoredTags(...).units); a unit without tags is routed normally.
 * @example
 * buildMembers([{ name: 'db/0', address: '10.0.0.1', port: 3306, role: 'PRIMARY' }]).members[0]?.mode // 'read_write'
 */
export function buildMembers(
  topology: readonly TopologyMember[],
  weights: Weights = DEFAULT_WEIGHTS,
  tags: ReadonlyMap<string, TagMap> = new Map(),
): BuiltMembers {
  const routing = routeMembers(
    topology.map((m) => ({
      label: instanceLabel(m.address, m.port),
      tags: tags.get(m.name),
      m,
    })),
  );
  const members = routing.members.map(
    ({ member: { m }, hidden, dropExistingConnections }): ClusterMember => ({
      name: m.name,
      address: m.address,
      port: m.port,
      role: m.role,
      mode: m.mode ?? (m.role === 'PRIMARY' ? 'read_write' : 'read_only'),
      weight: weights.units.get(m.name) ?? weights.fallback,
      hidden,
      disconnect: dropExistingConnections,
    }),
  );
  return { members, warnings: routing.warnings };
}
