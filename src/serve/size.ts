// Instance sizes as Mysos reads them: a JSON object of `cpus` (a number), `mem` and `disk`
// (data sizes like `512mb`), each larger than what Mysos' executor itself consumes.
// Pure parsing; never throws on bad input, returns a message saying what is wrong instead.

/** One instance's resources: cpus, and memory and disk in bytes. */
export interface InstanceSize {
  /** CPU shares, like 1.0. */
  readonly cpus: number;
  /** Memory, in bytes. */
  readonly memBytes: number;
  /** Disk, in bytes. */
  readonly diskBytes: number;
}

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

/**
 * The size Mysos gives an instance when the request has none: `{"mem": "512mb", "disk": "2gb",
 * "cpus": 1.0}` (DEFAULT_TASK_CPUS/MEM/DISK in mysos/scheduler/scheduler.py).
 */
export const DEFAULT_SIZE: InstanceSize = { cpus: 1.0, memBytes: 512 * MIB, diskBytes: 2 * GIB };

/**
 * What Mysos' executor consumes; an instance must be strictly larger in every dimension
 * (EXECUTOR_CPUS_EPSILON = 0.01, EXECUTOR_MEM_EPSILON = 32 MB, EXECUTOR_DISK_EPSILON = 1 MB in
 * mysos/scheduler/launcher.py; the `<=` test in create_cluster, mysos/scheduler/scheduler.py).
 */
export const SIZE_MINIMUMS: InstanceSize = { cpus: 0.01, memBytes: 32 * MIB, diskBytes: 1 * MIB };

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: KIB,
  kb: KIB,
  m: MIB,
  mb: MIB,
  g: GIB,
  gb: GIB,
  t: 1024 * GIB,
  tb: 1024 * GIB,
};

const DATA_SIZE_RE = /^(\d{1,15})([a-z]{0,2})$/i;

/**
 * Parse a data size: a whole number with an optional 1024-based unit (k/kb/m/mb/g/gb/t/tb, any
 * case), no spaces and no decimals, as twitter.common.quantity's parse_data reads Mysos' sizes.
 * @example parseDataSize('512mb') // 536870912
 */
export function parseDataSize(text: string): number | undefined {
  const match = DATA_SIZE_RE.exec(text);
  if (match === null) return undefined;
  const factor = UNITS[(match[2] ?? '').toLowerCase()];
  if (factor === undefined) return undefined;
  const bytes = Number(match[1]) * factor;
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** A data size the way a person reads it: `512 MiB`, `2 GiB`, `1536 KiB`. */
export function formatDataSize(bytes: number): string {
  for (const [unit, factor] of [
    ['TiB', 1024 * GIB],
    ['GiB', GIB],
    ['MiB', MIB],
    ['KiB', KIB],
  ] as const) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor} ${unit}`;
  }
  return `${bytes} B`;
}

/** The size as Juju constraints (`cores`, `mem` and `root-disk` in MiB, rounded up). */
export function sizeConstraints(size: InstanceSize): string {
  const mib = (bytes: number) => Math.ceil(bytes / MIB);
  return `cores=${size.cpus} mem=${mib(size.memBytes)}M root-disk=${mib(size.diskBytes)}M`;
}

const SHAPE = "'size' should be a JSON dictionary with keys 'cpus', 'mem' and 'disk'";
const TOO_SMALL =
  'It should be larger than what Mysos executor consumes: (cpus, mem, disk) = (0.01, 32 MB, 1 MB)';

/**
 * Parse the `size` form field. Absent or empty: {@link DEFAULT_SIZE} (Mysos' `if not size`).
 * Returns the size, or an error message naming the field that is wrong.
 */
export function parseSize(
  text: string | undefined,
): { ok: true; size: InstanceSize } | { ok: false; error: string } {
  if (text === undefined || text === '') return { ok: true, size: DEFAULT_SIZE };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: `${SHAPE} (it is not valid JSON)` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: `${SHAPE} (it is not a JSON object)` };
  }
  const fields = value as Record<string, unknown>;
  const missing = ['cpus', 'mem', 'disk'].filter((k) => !(k in fields));
  if (missing.length > 0) return { ok: false, error: `${SHAPE} (missing: ${missing.join(', ')})` };
  const cpus = parseCpus(fields['cpus']);
  if (cpus === undefined) return { ok: false, error: `${SHAPE} ('cpus' must be a number)` };
  const sizes: Record<'mem' | 'disk', number> = { mem: 0, disk: 0 };
  for (const key of ['mem', 'disk'] as const) {
    const raw = fields[key];
    const bytes = typeof raw === 'string' ? parseDataSize(raw) : undefined;
    if (bytes === undefined) {
      return {
        ok: false,
        error: `${SHAPE} ('${key}' must be a string like "512mb": a whole number with an optional unit k, kb, m, mb, g, gb, t or tb)`,
      };
    }
    sizes[key] = bytes;
  }
  const size: InstanceSize = { cpus, memBytes: sizes.mem, diskBytes: sizes.disk };
  const small: string[] = [];
  if (size.cpus <= SIZE_MINIMUMS.cpus) small.push(`cpus ${size.cpus} is not more than 0.01`);
  if (size.memBytes <= SIZE_MINIMUMS.memBytes)
    small.push(`mem ${fields['mem']} is not more than 32 MB`);
  if (size.diskBytes <= SIZE_MINIMUMS.diskBytes)
    small.push(`disk ${fields['disk']} is not more than 1 MB`);
  if (small.length > 0) {
    return { ok: false, error: `Instance 'size' too small (${small.join('; ')}). ${TOO_SMALL}` };
  }
  return { ok: true, size };
}

// Python's float() takes numbers and numeric strings; NaN and infinities are no size.
function parseCpus(raw: unknown): number | undefined {
  const n =
    typeof raw === 'number'
      ? raw
      : typeof raw === 'string' && /^\s*[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(raw)
        ? Number(raw)
        : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}
