// The wire data the Python mysql-innodb-cluster stack writes (bags, payload bytes, leader
// settings), shared by the interop and migration tests. test/fixtures holds a copy of the
// session's shared vectors (shared/vectors/python-mysql-innodb-cluster-wire.json; reformatted by biome, same data), so the tests
// do not depend on where the checkout sits.
import { readFileSync } from 'node:fs';

/** python-mysql-innodb-cluster-wire.json, parsed: each entry a string map (or a note). */
export const PYTHON_WIRE = JSON.parse(
  readFileSync(
    new URL('../fixtures/python-mysql-innodb-cluster-wire.json', import.meta.url),
    'utf8',
  ),
) as Record<string, Record<string, string>>;
