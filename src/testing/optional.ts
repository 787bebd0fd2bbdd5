// Small helpers for the simulator's records: optional members without `undefined` values,
// entries in a stable order, the first line of an error text, and keys that are plain data.

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

/**
 * Set `key` as an own data property, whatever the key: Juju stores any key, and `__proto__`
 * assigned with `obj[key] = v` would replace the prototype instead of storing data.
 */
export function setOwn<V>(record: Record<string, V>, key: string, value: V): void {
  Object.defineProperty(record, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** The own value of `key`, never one inherited from Object.prototype. */
export function ownValue<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
