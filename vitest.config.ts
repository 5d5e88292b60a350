import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Ingest, crash and evaluation tests spawn processes and build small organizations.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
