import { defineConfig } from 'vitest/config';

// Three projects: `unit` needs nothing but Node; `component` renders React in jsdom; `integration` talks to the real PostgreSQL and MariaDB
// on 127.0.0.1 (see .ci/run for how they are started and made to accept the test credentials).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', testTimeout: 20_000 } },
      {
        // React components in jsdom with Testing Library (the desk's filter editor, query builder).
        test: { name: 'component', include: ['test/component/**/*.test.tsx'], environment: 'jsdom', testTimeout: 20_000 },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // The integration suites each create their own databases; running files one at a time keeps
          // the 2-core machines from timing out under load.
          fileParallelism: false,
        },
      },
    ],
  },
});
