import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file has its own database; two at a time keeps a 2-core machine responsive.
    maxWorkers: 2,
    pool: 'forks',
    // What a page shows after a click may take seconds on a loaded 2-core machine; a poll still
    // fails when the expected state never comes.
    expect: { poll: { timeout: 10_000 } },
  },
});
