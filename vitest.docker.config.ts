import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// Tests that need a Docker engine (scripts/docker/container-tests.sh runs them after starting
// one and building the local images). The default run (vitest.config.ts) leaves them out; this
// one keeps its resolve conditions (workspace sources) and replaces what it runs.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['packages/*/test/docker/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
