import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    // Docker-engine tests run from scripts/docker/container-tests.sh (vitest.docker.config.ts).
    exclude: ['**/node_modules/**', 'packages/*/test/docker/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
