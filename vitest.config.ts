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
    ],
  },
});
