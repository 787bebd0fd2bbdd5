// Juju's deterministic orderings: relation ids and unit names sort by their number,
// so `cluster:2` comes before `cluster:10` and `mysql/2` before `mysql/10`.

/** Numeric order of relation ids: `cluster:2` before `cluster:10`. */
export function compareRelationIds(a: string, b: string): number {
  const [an = '', ai = ''] = a.split(':');
  const [bn = '', bi = ''] = b.split(':');
  if (an !== bn) return an < bn ? -1 : 1;
  return Number(ai) - Number(bi);
}

/** Numeric order of unit names: `mysql/2` before `mysql/10`. */
export function compareUnitNames(a: string, b: string): number {
  const [an = '', ai = ''] = a.split('/');
  const [bn = '', bi = ''] = b.split('/');
  if (an !== bn) return an < bn ? -1 : 1;
  return Number(ai) - Number(bi);
}
