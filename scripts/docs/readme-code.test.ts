import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

async function checkReadmes(...files: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--conditions=vigil-source', 'scripts/docs/check-readmes.ts', ...files], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

const scratch = path.join(repoRoot, '.vigil-tmp', 'docs-check');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('every code block in the docs', () => {
  it('type-checks (strict), parses or bash -n checks every block of every hand-written README', async () => {
    const { code, output } = await checkReadmes();
    expect(output).toMatch(/docs: \d+ code blocks .* in \d+ files; 0 problem\(s\)/);
    const files = Number(/in (\d+) files/.exec(output)?.[1]);
    const typescript = Number(/\((\d+) ts,/.exec(output)?.[1]);
    expect(files).toBeGreaterThanOrEqual(5);
    expect(typescript).toBeGreaterThanOrEqual(9);
    expect(code).toBe(0);
  }, 300_000);

  it('names the README and line of a broken block', async () => {
    mkdirSync(scratch, { recursive: true });
    const readme = path.join(scratch, 'README.md');
    writeFileSync(
      readme,
      [
        '# Broken',
        '',
        '```ts',
        "import { createVigilMetrics } from '@vigil/metrics';",
        "const vigil = createVigilMetrics({ maxLabelSets: 'many' });",
        '```',
        '',
        '```sh',
        'if true; then',
        '```',
        '',
        '```yaml',
        'a: [1, 2',
        '```',
        '',
      ].join('\n'),
    );
    const { code, output } = await checkReadmes(readme);
    expect(code).toBe(1);
    expect(output).toMatch(/^\.vigil-tmp\/docs-check\/README\.md:5: Type 'string' is not assignable to type 'number'/m);
    expect(output).toMatch(/^\.vigil-tmp\/docs-check\/README\.md:8: .*syntax error/m);
    expect(output).toMatch(/^\.vigil-tmp\/docs-check\/README\.md:1[34]: /m);
    expect(output).toMatch(/3 problem\(s\)/);
  }, 300_000);
});
