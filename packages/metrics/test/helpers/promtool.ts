import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The real `promtool check metrics` on an exposition: exit code and everything it printed. */
export async function promtoolCheckMetrics(text: string): Promise<{ code: number; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-promtool-'));
  try {
    const file = join(dir, 'metrics.txt');
    await writeFile(file, text);
    return await run('/bin/sh', ['-c', `/usr/bin/promtool check metrics < "${file}"`], { timeout: 30_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? 1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
