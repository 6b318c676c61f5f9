import { defineConfig } from 'vitest/config';

// Tests that need a Docker engine (scripts/docker/container-tests.sh runs them after starting
// one and building the local images). The default run (vitest.config.ts) leaves them out.
export default defineConfig({
  test: {
    include: ['packages/*/test/docker/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
