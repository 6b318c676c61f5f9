import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildService {
  readonly child: ChildProcess;
  readonly url: string;
  /** Parsed JSON lines printed so far. */
  readonly records: Array<Record<string, unknown>>;
  /** Resolves with the first record matching, or rejects after timeoutMs. */
  waitFor(predicate: (record: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Exit code (or 128 + signal number), rejecting after timeoutMs. */
  exited(timeoutMs?: number): Promise<number>;
  stderr(): string;
}

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a TypeScript fixture under node + tsx and waits for its `listening` line. */
export async function startFixture(file: string, env: Record<string, string> = {}): Promise<ChildService> {
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: packageDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const records: Array<Record<string, unknown>> = [];
  const waiters = new Set<() => void>();
  let buffered = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line.startsWith('{')) {
        try {
          records.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // Not one of ours.
        }
      }
      newline = buffered.indexOf('\n');
    }
    for (const wake of waiters) wake();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // 'close' comes after stdout ended: every line the process printed is in `records` by then.
  const exitPromise = new Promise<number>((resolve) => {
    child.once('close', (code, signal) => {
      resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2));
      for (const wake of waiters) wake();
    });
  });

  const waitFor: ChildService['waitFor'] = (predicate, timeoutMs = 15_000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = records.find(predicate);
        if (found) {
          cleanup();
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          cleanup();
          reject(new Error(`fixture exited (${child.exitCode ?? child.signalCode}) before the expected line; stderr: ${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`expected line not printed within ${timeoutMs}ms; got ${JSON.stringify(records)}; stderr: ${stderr}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  const listening = await waitFor((r) => r.event === 'listening', 20_000);
  return {
    child,
    url: String(listening.url),
    records,
    waitFor,
    stderr: () => stderr,
    exited: (timeoutMs = 15_000) =>
      Promise.race([
        exitPromise,
        new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`fixture still running after ${timeoutMs}ms`)), timeoutMs).unref()),
      ]),
  };
}

export function kill(service: ChildService | undefined): void {
  if (service && service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
}
