// Two projects: unit tests run with no servers; integration tests share one PostgreSQL and one
// Temporal dev server started by test/setup/stack.ts (or reuse running ones named in the env).
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
    ],
  },
});
