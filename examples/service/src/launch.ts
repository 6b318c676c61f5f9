/**
 * Runs the example service as a child process, the way Prometheus and the tests meet it: one
 * launcher shared by every test that spawns it. The process prints its listening line first on
 * stdout (see main.ts); anything else before it is a broken start-up, reported with the output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Faults } from './faults.js';

const entryPoint = fileURLToPath(new URL('./main.ts', import.meta.url));
/** tsx is resolved from here by `--import tsx`. */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface LaunchOptions {
  /** How long to wait for the listening line before killing the process (default 30 s). */
  readonly startTimeoutMs?: number;
  /** How long `stop` waits after its signal before SIGKILL (default 5 s). */
  readonly stopTimeoutMs?: number;
  /** The output kept: only the last this many characters (default 1,000,000). */
  readonly maxOutputChars?: number;
}

export interface LaunchedExampleService {
  readonly child: ChildProcess;
  /** The service's base URL; rejects (with the output) on exit, a wrong first line or timeout. */
  readonly listening: Promise<string>;
  /** The exit code once the process and its output streams closed; null when ended by a signal. */
  readonly exited: Promise<number | null>;
  /** Complete stdout and stderr lines in arrival order (capped to the most recent). */
  output(): string;
  /** Sends `signal` (default SIGTERM), then SIGKILL if still running after the stop timeout. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Headers that `/admin/faults` accepts (the launch enables it with a fresh token). */
  readonly adminHeaders: Readonly<Record<string, string>>;
}

const running = new Set<ChildProcess>();
// Tests that fail mid-way must not leave services behind once their worker ends.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Keeps the most recent lines up to a character budget. */
class OutputTail {
  private readonly lines: string[] = [];
  private chars = 0;
  private dropped = false;

  constructor(private readonly maxChars: number) {}

  add(line: string): void {
    this.lines.push(line);
    this.chars += line.length + 1;
    while (this.chars > this.maxChars && this.lines.length > 1) {
      this.chars -= this.lines.shift()!.length + 1;
      this.dropped = true;
    }
  }

  text(): string {
    const kept = this.lines.map((line) => `${line}\n`).join('');
    return this.dropped ? `[earlier output dropped]\n${kept}` : kept;
  }
}

function parseListening(line: string): string | undefined {
  try {
    const event = JSON.parse(line) as { event?: unknown; url?: unknown };
    return event.event === 'listening' && typeof event.url === 'string' ? event.url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Spawns examples/service with PORT=0 and HOST=127.0.0.1 unless `env` says otherwise. Test rigs
 * drive the fault switches, so the launch enables them (ADMIN_FAULTS=1) with a fresh random
 * ADMIN_TOKEN; `env` may turn them off or set its own token.
 */
export function launchExampleService(env: Readonly<Record<string, string>> = {}, options: LaunchOptions = {}): LaunchedExampleService {
  const { startTimeoutMs = 30_000, stopTimeoutMs = 5_000, maxOutputChars = 1_000_000 } = options;
  const fullEnv: Record<string, string | undefined> = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_FAULTS: '1',
    ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    ...env,
  };
  const adminHeaders = { authorization: `Bearer ${fullEnv['ADMIN_TOKEN'] ?? ''}` };
  const child = spawn(process.execPath, ['--import', 'tsx', entryPoint], {
    cwd: repoRoot,
    env: fullEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const tail = new OutputTail(maxOutputChars);
  const output = (): string => tail.text();

  // 'close' comes after both streams ended, so the output is complete when `exited` settles.
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => {
      running.delete(child);
      resolve(code);
    });
    child.once('error', () => {
      running.delete(child);
      resolve(null);
    });
  });

  const listening = new Promise<string>((resolve, reject) => {
    const fail = (reason: string): void => {
      clearTimeout(timer);
      reject(new Error(`example service ${reason}:\n${output()}`));
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(`printed no listening line within ${startTimeoutMs} ms`);
    }, startTimeoutMs);
    let firstLine = true;
    createInterface({ input: child.stdout }).on('line', (line) => {
      tail.add(line);
      if (!firstLine) return;
      firstLine = false;
      const url = parseListening(line);
      if (url === undefined) {
        child.kill('SIGKILL');
        fail(`printed ${JSON.stringify(line)} as its first stdout line instead of the listening line`);
        return;
      }
      clearTimeout(timer);
      resolve(url);
    });
    child.once('error', (error) => fail(`could not be started: ${error.message}`));
    void exited.then((code) => fail(`exited with ${code ?? child.signalCode} before listening`));
  });
  // Callers that only await `exited` must not see an unhandled rejection.
  listening.catch(() => undefined);
  createInterface({ input: child.stderr }).on('line', (line) => tail.add(line));

  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    }
    return exited;
  };

  return { child, listening, exited, output, stop, adminHeaders };
}

export interface ExampleService {
  readonly name: string;
  readonly url: string;
  /** host:port, the scrape target. */
  readonly target: string;
  /** POST /admin/faults; throws with the answer when the service refuses the update. */
  setFaults(faults: Readonly<Partial<Faults>>): Promise<void>;
  /** SIGKILL: the process dies as in a crash, without a chance to clean up. */
  kill(): Promise<void>;
  stop(): Promise<void>;
  output(): string;
}

const requestTimeoutMs = 10_000;

/** Starts the example service as `name` (VIGIL_SERVICE) on a free port and waits until it listens. */
export async function startExampleService(
  name: string,
  env: Readonly<Record<string, string>> = {},
  options: LaunchOptions = {},
): Promise<ExampleService> {
  const launched = launchExampleService({ VIGIL_SERVICE: name, ...env }, options);
  const url = await launched.listening;
  return {
    name,
    url,
    target: new URL(url).host,
    async setFaults(faults) {
      const response = await fetch(`${url}/admin/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...launched.adminHeaders },
        body: JSON.stringify(faults),
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`POST ${url}/admin/faults answered ${response.status}: ${text.slice(0, 500)}`);
    },
    kill: async () => void (await launched.stop('SIGKILL')),
    stop: async () => void (await launched.stop('SIGTERM')),
    output: launched.output,
  };
}
