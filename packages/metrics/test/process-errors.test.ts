/**
 * Each case runs a real child process, once without and once with the counters installed: the
 * exit code, stderr and stdout must be the same, and the counter must have seen the error.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/process-errors.ts', import.meta.url));

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runScenario(scenario: string, counting: boolean): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, scenario, counting ? 'count' : 'plain'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The first line of the error report, stripped of paths that differ between runs. */
function errorHeadline(stderr: string): string {
  return stderr.split('\n').find((line) => /^(Error|TypeError|RangeError)/.test(line)) ?? '';
}

describe('unhandled error counting', () => {
  it('an unhandled rejection still crashes the process exactly as without it, after being counted', async () => {
    const plain = await runScenario('rejection', false);
    const counted = await runScenario('rejection', true);
    expect(plain.code).toBe(1);
    expect(counted.code).toBe(plain.code);
    expect(errorHeadline(counted.stderr)).toBe(errorHeadline(plain.stderr));
    expect(errorHeadline(counted.stderr)).toContain('rejected on purpose');
    expect(counted.stdout).toContain('unhandled_errors_total{kind="unhandledRejection"} 1');
  });

  it('an uncaught exception still crashes the process exactly as without it, after being counted', async () => {
    const plain = await runScenario('exception', false);
    const counted = await runScenario('exception', true);
    expect(plain.code).toBe(1);
    expect(counted.code).toBe(plain.code);
    expect(errorHeadline(counted.stderr)).toBe(errorHeadline(plain.stderr));
    expect(counted.stdout).toContain('unhandled_errors_total{kind="uncaughtException"} 1');
  });

  it('a process with its own handlers keeps running and both kinds are counted', async () => {
    const plain = await runScenario('handled', false);
    const counted = await runScenario('handled', true);
    expect(plain.code).toBe(0);
    expect(counted.code).toBe(0);
    expect(counted.stdout).toContain('handlers saw: rejection,exception');
    expect(counted.stdout).toContain('unhandled_errors_total{kind="unhandledRejection"} 1');
    expect(counted.stdout).toContain('unhandled_errors_total{kind="uncaughtException"} 1');
  });
});
