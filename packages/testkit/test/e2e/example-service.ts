import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { postJson } from '../../src/http.js';

export const repoRoot = join(import.meta.dirname, '../../../..');
const entryPoint = join(repoRoot, 'examples/service/src/main.ts');
const startTimeoutMs = 30_000;

/** The example service's failure switches (POST /admin/faults). */
export interface Faults {
  readonly stopItems?: boolean;
  readonly failValidations?: boolean;
  readonly dropField?: string | null;
  readonly latencyMs?: number;
  readonly errorRate?: number;
  readonly crash?: boolean;
}

export interface ExampleService {
  readonly name: string;
  readonly url: string;
  /** host:port, the scrape target. */
  readonly target: string;
  setFaults(faults: Faults): Promise<void>;
  /** SIGKILL: the process dies as in a crash, without a chance to clean up. */
  kill(): Promise<void>;
  stop(): Promise<void>;
  output(): string;
}

/** Starts examples/service as a child process on a free port and waits for its listening line. */
export async function startExampleService(name: string, env: Readonly<Record<string, string>> = {}): Promise<ExampleService> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', entryPoint], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', VIGIL_SERVICE: name, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`example service ${name} printed no listening line within ${startTimeoutMs} ms:\n${output}`));
    }, startTimeoutMs);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      output = (output + line + '\n').slice(-20_000);
      try {
        const event = JSON.parse(line) as { event?: string; url?: string };
        if (event.event === 'listening' && typeof event.url === 'string') {
          clearTimeout(timer);
          resolve(event.url);
        }
      } catch {
        // Log lines that are not JSON are kept in the output only.
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`example service ${name} exited with ${code} before listening:\n${output}`));
    });
  });
  const stopWith = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  return {
    name,
    url,
    target: new URL(url).host,
    async setFaults(faults) {
      await postJson(`${url}/admin/faults`, faults);
    },
    kill: () => stopWith('SIGKILL'),
    stop: () => stopWith('SIGTERM'),
    output: () => output,
  };
}
