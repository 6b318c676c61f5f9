import { defineConfig } from 'vitest/config';

/**
 * Workspace packages export their TypeScript sources under the `vigil-source` condition (and
 * built `dist/` otherwise), so tests run without a build. Vite resolves imports with these
 * conditions; child processes the tests start (`node --import tsx …`) get them through
 * NODE_OPTIONS.
 */
const sourceCondition = 'vigil-source';
const serverConditions = [sourceCondition, 'module', 'node', 'development|production'];
const nodeOptions = `--conditions=${sourceCondition}`;
if (!(process.env.NODE_OPTIONS ?? '').includes(nodeOptions)) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} ${nodeOptions}`.trim();
}

export default defineConfig({
  resolve: { conditions: serverConditions },
  ssr: { resolve: { conditions: serverConditions, externalConditions: [sourceCondition] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'scripts/docs/*.test.ts'],
    // Docker-engine tests run from scripts/docker/container-tests.sh (vitest.docker.config.ts).
    exclude: ['**/node_modules/**', 'packages/*/test/docker/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
