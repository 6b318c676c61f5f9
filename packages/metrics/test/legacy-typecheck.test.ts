import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const legacyProject = fileURLToPath(new URL('./legacy-decorators/tsconfig.json', import.meta.url));

describe('legacy-decorator tests', () => {
  it('type-check under experimentalDecorators (the root tsconfig excludes them)', async () => {
    const result = await run(process.execPath, [tsc, '-p', legacyProject], { timeout: 120_000 }).then(
      ({ stdout }) => ({ code: 0, output: stdout }),
      (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, output: error.stdout ?? '' }),
    );
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });
});
