// Argument rules of the hook tools whose arguments are data: action-set keys and port ranges.
// Shared by every HookTools implementation so both refuse what Juju's tools refuse, in its words.
import type { PortProtocol, PortRange } from './hook-tools.js';

/**
 * One dot-separated part of an `action-set` key: Juju's action name rule
 * (internal/charm/actions.go `actionNameRule`, used by jujuc/action-set.go as `keyRule`).
 */
export const ACTION_KEY_RE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** Keys `action-set` refuses (jujuc/action-set.go `reservedKeys`): Juju fills them itself. */
export const RESERVED_ACTION_KEYS: readonly string[] = [
  'stdout',
  'stdout-encoding',
  'stderr',
  'stderr-encoding',
];

/**
 * Why Juju's `action-set` would refuse this dotted key, or undefined when it accepts it.
 * Texts are jujuc/action-set.go's.
 */
export function actionKeyProblem(key: string): string | undefined {
  for (const part of key.split('.')) {
    if (!ACTION_KEY_RE.test(part)) {
      return `key "${part}" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods`;
    }
    if (RESERVED_ACTION_KEYS.includes(part)) return `cannot set reserved action key "${part}"`;
  }
  return undefined;
}

/** A nested results value: strings, numbers and booleans at the leaves. */
export type ActionResultValue =
  | string
  | number
  | boolean
  | { readonly [key: string]: ActionResultValue };

/** Deepest nesting of action results accepted; deeper input is refused, not walked. */
const MAX_RESULT_DEPTH = 16;

/**
 * Flatten nested results into the dotted `key=value` pairs `action-set` takes: Juju nests
 * `foo.bar=1` back into `{foo: {bar: "1"}}` (jujuc/action-set.go). Keys sorted.
 * @example flattenActionResults({ outfile: { size: '10G' } }) // { 'outfile.size': '10G' }
 */
export function flattenActionResults(
  results: Readonly<Record<string, ActionResultValue>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (prefix: string, value: ActionResultValue, depth: number): void => {
    if (typeof value === 'object' && value !== null) {
      if (depth >= MAX_RESULT_DEPTH) {
        throw new TypeError(
          `action results under "${prefix}" nest deeper than ${MAX_RESULT_DEPTH}`,
        );
      }
      for (const [k, v] of Object.entries(value))
        walk(prefix === '' ? k : `${prefix}.${k}`, v, depth + 1);
      return;
    }
    out[prefix] = String(value);
  };
  walk('', results as ActionResultValue, 0);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Why Juju would refuse this port range, or undefined (texts from jujuc/ports.go validate()).
 */
export function portRangeProblem(range: PortRange): string | undefined {
  const { from, to, protocol } = range;
  if (protocol === 'icmp') return undefined;
  if (protocol !== 'tcp' && protocol !== 'udp') {
    return `protocol must be "tcp", "udp", or "icmp"; got "${String(protocol)}"`;
  }
  if (!Number.isInteger(from) || from < 1 || from > 65535) {
    return `fromPort must be in the range [1, 65535]; got "${from}"`;
  }
  if (!Number.isInteger(to) || to < 1 || to > 65535) {
    return `toPort must be in the range [1, 65535]; got "${to}"`;
  }
  if (from > to) return `invalid port range ${from}-${to}/${protocol}; expected fromPort <= toPort`;
  return undefined;
}

/** The argument form Juju's tools take and print: `80/tcp`, `8000-8099/udp`, `icmp`. */
export function formatPortRange(range: PortRange): string {
  if (range.protocol === 'icmp') return 'icmp';
  const ports = range.from === range.to ? `${range.from}` : `${range.from}-${range.to}`;
  return `${ports}/${range.protocol}`;
}

const PORT_RANGE_RE = /^(?:(icmp)|([0-9]+)(?:-([0-9]+))?(?:\/(tcp|udp|icmp))?)$/;

/** Parse `opened-ports` output entries (`80/tcp`, `8000-8099/udp`, `icmp`); undefined if malformed. */
export function parsePortRange(text: string): PortRange | undefined {
  const m = PORT_RANGE_RE.exec(text.trim().toLowerCase());
  if (m === null) return undefined;
  if (m[1] === 'icmp') return { from: -1, to: -1, protocol: 'icmp' };
  const from = Number(m[2]);
  const to = m[3] === undefined ? from : Number(m[3]);
  const protocol = (m[4] ?? 'tcp') as PortProtocol;
  const range = { from, to, protocol };
  return portRangeProblem(range) === undefined ? range : undefined;
}
