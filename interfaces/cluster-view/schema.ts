// The wire format of the cluster-view relation: the keys of the provider's application bag,
// zod schemas for a member and the view, and the parser that turns the bag into a typed view.
// Uses zod/mini (it runs in every hook). Received data is untrusted: sizes are bounded before
// anything is decoded, and a bag that breaks a rule is rejected whole, with a reason.
import { compareUnitNames } from 'juju-reactive';
import * as z from 'zod/mini';
import type { ClusterMember, ClusterView } from '../../src/discovery/view.js';
import { lazyObject } from '../../src/util/lazy.js';
import { isClusterAddress } from '../mysql-innodb-cluster/schema.js';

/** Keys of the provider's application bag (values JSON-encoded). */
export const KEYS = {
  /** The members (JSON array of objects). */
  members: 'members',
  /** A whole number that changes with every change of `members` (JSON number). */
  generation: 'generation',
} as const;

/** At most this many members: far more than any MySQL group has. */
export const MAX_MEMBERS = 128;
/** The raw `members` value is refused past this many characters, before it is decoded. */
export const MAX_MEMBERS_JSON = 64 * 1024;
/** A DNS name is at most 253 characters. */
export const MAX_ADDRESS_LENGTH = 253;
/** A Juju unit name is short; bound it anyway. */
export const MAX_NAME_LENGTH = 128;
/** Weights are relative; bound them to keep the round-robin arithmetic exact. */
export const MAX_WEIGHT = 1000;

/**
 * An IPv4 address, an IPv6 address without brackets or zone, or a DNS hostname: the same rule
 * as the mysql-innodb-cluster interface's `cluster-address` (one check for both interfaces).
 */
export const isMemberAddress = isClusterAddress;

const NAME_RE = /^[a-z][a-z0-9-]*\/(0|[1-9][0-9]{0,8})$/;

/**
 * One member, as published. Built on first use (src/util/lazy.ts), like viewSchema: a hook that
 * neither publishes nor reads a view does not pay for building them (about 1 ms of its start).
 */
export const memberSchema = lazyObject(() =>
  z.strictObject({
    name: z
      .string()
      .check(
        z.minLength(1),
        z.maxLength(MAX_NAME_LENGTH),
        z.regex(NAME_RE, { error: 'must be a unit name like mysql/0' }),
      ),
    address: z.string().check(
      z.refine(isMemberAddress, {
        error: 'must be an IPv4 address, an IPv6 address without brackets, or a DNS hostname',
      }),
    ),
    port: z.number().check(z.int(), z.minimum(1), z.maximum(65535)),
    role: z.enum(['PRIMARY', 'SECONDARY', 'SPARE', 'FAULTY']),
    mode: z.enum(['read_write', 'read_only']),
    weight: z.number().check(z.positive(), z.maximum(MAX_WEIGHT)),
    hidden: z.boolean(),
    disconnect: z.boolean(),
  }),
);

/** The view: members plus generation, with the rules that span members. */
export const viewSchema = lazyObject(() =>
  z
    .object({
      generation: z.number().check(z.int(), z.minimum(1), z.maximum(Number.MAX_SAFE_INTEGER)),
      members: z.array(memberSchema).check(z.maxLength(MAX_MEMBERS)),
    })
    .check(
      z.refine((v) => v.members.filter((m) => m.role === 'PRIMARY').length <= 1, {
        error: 'holds more than one PRIMARY',
        path: ['members'],
      }),
      z.refine((v) => new Set(v.members.map((m) => m.name)).size === v.members.length, {
        error: 'names a member twice',
        path: ['members'],
      }),
      z.refine(
        (v) => new Set(v.members.map((m) => `${m.address}|${m.port}`)).size === v.members.length,
        { error: 'lists one address and port twice', path: ['members'] },
      ),
      z.refine((v) => v.members.every((m) => m.role !== 'PRIMARY' || m.mode === 'read_write'), {
        error: 'has a PRIMARY that is not read_write',
        path: ['members'],
      }),
    ),
);

// The schema's output must be the shared view type: a drift is a compile error here.
type Parsed = z.infer<typeof viewSchema>;
const _sameShape = (v: Parsed): ClusterView => v;
void _sameShape;

/** Why a bag was rejected (never the whole value: it is untrusted and may be large). */
export interface ViewProblem {
  /** The relation key, or the path inside it (`members[2].port`). */
  readonly field: string;
  /** The rule it broke. */
  readonly problem: string;
}

/** The view in a provider's bag; `undefined` with no problem when nothing was published yet. */
export type ParsedView =
  | { readonly view: ClusterView; readonly problem?: undefined }
  | { readonly view?: undefined; readonly problem?: ViewProblem };

/**
 * Parse the provider's raw application bag (strings as relation-get returns them). Neither key
 * published means "no view yet"; anything else that breaks a rule is a problem.
 */
export function parseViewBag(raw: Readonly<Record<string, unknown>>): ParsedView {
  const members = raw[KEYS.members];
  const generation = raw[KEYS.generation];
  if ((members === undefined || members === '') && (generation === undefined || generation === ''))
    return {};
  if (typeof members !== 'string' || members === '')
    return { problem: { field: KEYS.members, problem: 'is missing' } };
  if (typeof generation !== 'string' || generation === '')
    return { problem: { field: KEYS.generation, problem: 'is missing' } };
  if (members.length > MAX_MEMBERS_JSON)
    return {
      problem: { field: KEYS.members, problem: `is longer than ${MAX_MEMBERS_JSON} characters` },
    };
  let decoded: unknown;
  let gen: unknown;
  try {
    decoded = JSON.parse(members);
  } catch {
    return { problem: { field: KEYS.members, problem: 'is not JSON' } };
  }
  try {
    gen = generation.length > 20 ? generation : JSON.parse(generation);
  } catch {
    return { problem: { field: KEYS.generation, problem: 'is not JSON' } };
  }
  const parsed = viewSchema.safeParse({ generation: gen, members: decoded });
  if (parsed.success) {
    const sorted = [...parsed.data.members].sort((a, b) => compareUnitNames(a.name, b.name));
    return { view: { generation: parsed.data.generation, members: sorted } };
  }
  const issue = parsed.error.issues[0];
  const field = (issue?.path ?? [])
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
  return { problem: { field: field || KEYS.members, problem: issue?.message ?? 'is invalid' } };
}

/** The members without the generation, canonically encoded: what the generation tracks. */
export function encodeMembers(members: readonly ClusterMember[]): string {
  const sorted = [...members].sort((a, b) => compareUnitNames(a.name, b.name));
  return JSON.stringify(
    sorted.map((m) => ({
      address: m.address,
      disconnect: m.disconnect,
      hidden: m.hidden,
      mode: m.mode,
      name: m.name,
      port: m.port,
      role: m.role,
      weight: m.weight,
    })),
  );
}
