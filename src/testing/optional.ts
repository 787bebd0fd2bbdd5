// Small helpers for the simulator's records: optional members without `undefined` values,
// entries in a stable order, and the first line of an error text.

/** `{ [key]: value }`, or `{}` when value is undefined: spread it into a record. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Errors carry stacks; timelines and unit views keep the first line. */
export function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}

/** Entries sorted by key, for order-independent comparison. */
export function sortedEntries(record: Record<string, unknown>): [string, unknown][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
