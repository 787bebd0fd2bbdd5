// Juju's deterministic orderings: relation ids and unit names sort by their number,
// so `cluster:2` comes before `cluster:10` and `mysql/2` before `mysql/10`.

/** Numeric order of relation ids: `cluster:2` before `cluster:10`. */
export function compareRelationIds(a: string, b: string): number {
  const [an = '', ai = ''] = a.split(':');
  const [bn = '', bi = ''] = b.split(':');
  if (an !== bn) return an < bn ? -1 : 1;
  return Number(ai) - Number(bi);
}

/**
 * Numeric order of unit names: `mysql/2` before `mysql/10`. Called for every comparison of
 * every sort of a relation's units, so it reads the names in place (no split, no slices).
 */
export function compareUnitNames(a: string, b: string): number {
  const as = a.indexOf('/');
  const bs = b.indexOf('/');
  const al = as < 0 ? a.length : as;
  const bl = bs < 0 ? b.length : bs;
  // The application names, as `<` orders strings (UTF-16 code units, a prefix first).
  const common = al < bl ? al : bl;
  for (let i = 0; i < common; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  if (al !== bl) return al < bl ? -1 : 1;
  return unitNumber(a, as) - unitNumber(b, bs);
}

/** The number after the first `/` (up to a second one), as Number() reads it: '' is 0. */
function unitNumber(name: string, slash: number): number {
  if (slash < 0) return 0;
  let value = 0;
  let i = slash + 1;
  for (; i < name.length && i - slash <= 15; i++) {
    const c = name.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    value = value * 10 + c;
  }
  if (i === name.length) return value;
  const end = name.indexOf('/', slash + 1);
  return Number(name.slice(slash + 1, end < 0 ? undefined : end));
}
