import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^juju-reactive\/testing$/, replacement: here('./src/testing/index.ts') },
      { find: /^juju-reactive\/client$/, replacement: here('./src/client/index.ts') },
      {
        find: /^juju-reactive\/interfaces\/cluster-view$/,
        replacement: here('./interfaces/cluster-view/index.ts'),
      },
      {
        find: /^juju-reactive\/interfaces\/mysql-innodb-cluster$/,
        replacement: here('./interfaces/mysql-innodb-cluster/index.ts'),
      },
      { find: /^juju-reactive$/, replacement: here('./src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
