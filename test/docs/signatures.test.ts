// Signatures the docs list by hand (blocks marked not-run: they are declarations, not code),
// checked against the library: every option the type has is in the listing (issue 22, item 7:
// the README's setClusterConnectionInfo lacked passwordSecretId, which the example uses).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterConnectionInfoOptions } from '../../interfaces/mysql-innodb-cluster/index.js';
import { REPO } from '../pack/packed-project.js';
import { parseBlocks } from './blocks.js';

// Every key of the options type, checked by the compiler: adding an option without listing
// it here fails the typecheck, and listing it here without the README fails the test.
const OPTIONS: Record<keyof ClusterConnectionInfoOptions, true> = {
  clusterHost: true,
  passwordSecret: true,
  passwordSecretId: true,
  passwordTransport: true,
  addressFrom: true,
};

describe('interfaces/mysql-innodb-cluster/README.md', () => {
  it('lists every option of setClusterConnectionInfo in its signature', () => {
    const doc = 'interfaces/mysql-innodb-cluster/README.md';
    const blocks = parseBlocks(doc, readFileSync(join(REPO, doc), 'utf8'));
    const signature = blocks.find((b) => b.code.startsWith('setClusterConnectionInfo('));
    expect(signature?.code).toBeDefined();
    const listed = /options\?: \{([^}]*)\}/.exec(signature?.code ?? '')?.[1] ?? '';
    const names = [...listed.matchAll(/(\w+)\?:/g)].map((m) => m[1]);
    expect(names.sort()).toEqual(Object.keys(OPTIONS).sort());
  });
});
