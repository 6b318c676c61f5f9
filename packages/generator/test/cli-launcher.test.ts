import { execFile } from 'node:child_process';
import { readFile, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findRepoRoot } from '../src/index.js';

const run = promisify(execFile);
const repoRoot = findRepoRoot();
const packageDir = join(repoRoot, 'packages', 'generator');
const launcher = join(packageDir, 'bin', 'generate.mjs');
const cacheDir = join(packageDir, 'node_modules', '.cache', 'vigil-generator');

async function launch(args: readonly string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [launcher, ...args], { cwd: repoRoot, timeout: 120_000 });
  return stdout;
}

async function manifest(): Promise<Record<string, string>> {
  const parsed = JSON.parse(await readFile(join(cacheDir, 'inputs.json'), 'utf8')) as { inputs: Record<string, string> };
  return parsed.inputs;
}

describe('the pnpm generate launcher (bin/generate.mjs)', () => {
  it('runs the CLI from a bundle that records every source it was built from', async () => {
    expect(await launch(['--help'])).toContain('usage: pnpm generate');
    const inputs = Object.keys(await manifest());
    for (const source of [
      join(packageDir, 'src', 'cli.ts'),
      join(packageDir, 'src', 'writer.ts'),
      join(packageDir, 'src', 'yaml-text.ts'),
      join(repoRoot, 'packages', 'metrics', 'src', 'catalog.ts'),
      launcher,
    ]) {
      expect(inputs, source).toContain(source);
    }
    expect(inputs.some((path) => path.includes(`${join('node_modules', 'yaml')}`) || path.includes('/yaml@'))).toBe(true);
  });

  it('rebuilds the bundle when a source file changed since it was built', async () => {
    await launch(['--help']);
    const before = await stat(join(cacheDir, 'cli.mjs'));
    // Same content, another mtime: the launcher must notice without trusting the old bundle. A
    // second ago, not in the future: a file edited during a build keeps the manifest unwritten.
    const source = join(packageDir, 'src', 'yaml-text.ts');
    const touched = new Date(Date.now() - 1_000);
    await utimes(source, touched, touched);
    expect(await launch(['--help'])).toContain('usage: pnpm generate');
    const after = await stat(join(cacheDir, 'cli.mjs'));
    expect(after.mtimeMs).toBeGreaterThan(before.mtimeMs);
    const recorded = (await manifest())[source];
    const current = await stat(source);
    expect(recorded).toBe(`${current.size}:${current.mtimeMs}`);
  });
});
