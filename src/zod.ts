// `juju-reactive/zod`: zod, the schema library relation data shapes are written in, for interface
// and charm authors: schemas then use the same copy (and version) of zod as this library.

/**
 * zod, the schema library relation data shapes are written in, as this library uses it.
 * @module juju-reactive/zod
 */
/**
 * zod, as this library uses it.
 * @example
 * import { z } from 'juju-reactive/zod';
 * export const clusterData = z.object({ 'cluster-address': z.string() });
 */
export { z } from 'zod';
