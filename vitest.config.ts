// Projects: unit tests run with no servers; integration and chaos tests share one PostgreSQL and one
// Temporal dev server started by test/setup/stack.ts (or reuse running ones named in the env); the
// cluster suite brings its own production Temporal server (test/setup/cluster.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          sequence: { groupOrder: 0 },
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          sequence: { groupOrder: 1 },
          globalSetup: ['test/setup/stack.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Each file gets its own database and task queues; two at a time fit two cores.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'chaos',
          include: ['test/chaos/**/*.test.ts'],
          globalSetup: ['test/setup/stack.ts'],
          sequence: { groupOrder: 2 },
          testTimeout: 600_000,
          hookTimeout: 300_000,
          // Crashes and restarts: one scenario at a time, so each one's figures are its own.
          maxWorkers: 1,
        },
      },
      {
        test: {
          // npm run test:cluster: Temporal's production server on PostgreSQL with mTLS, real
          // worker processes (test/setup/cluster.ts). Not part of `npm test`; CI runs both.
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          globalSetup: ['test/setup/cluster.ts'],
          sequence: { groupOrder: 3 },
          testTimeout: 300_000,
          hookTimeout: 300_000,
          maxWorkers: 1,
        },
      },
    ],
  },
});
