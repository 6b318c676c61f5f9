import { spawn, type ChildProcess } from 'node:child_process';
import { loadTestcontainers, type LauncherKind } from './launcher.js';

/** A started Prometheus or Alertmanager, whichever launcher runs it. */
export interface RunningProcess {
  readonly kind: LauncherKind;
  /** Everything the process wrote so far (stdout and stderr), capped, for error messages. */
  output(): string;
  /** Whether the process has already exited (a crash during start-up, say). */
  exited(): boolean;
  stop(): Promise<void>;
  /** Ends the process at once, with no chance to clean up (SIGKILL): a crash, for failover tests. */
  kill(): Promise<void>;
}

/** Where the component's work directory appears to the process: the host path, or the container mount. */
export const containerWorkDir = '/vigil';

const outputCapChars = 64_000;
const stopGraceMs = 5_000;

/** Children still running, killed if the test process exits without calling stop(). */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
  });
}

/** Starts `binary` as a child; `env` adds to (never replaces) the test process's environment. */
export function runLocal(binary: string, args: readonly string[], cwd: string, env: Readonly<Record<string, string>> = {}): RunningProcess {
  installExitHook();
  const child = spawn(binary, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  liveChildren.add(child);
  let output = '';
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-outputCapChars);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let hasExited = false;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      hasExited = true;
      liveChildren.delete(child);
      resolve();
    });
    child.once('error', (error) => {
      output += `\nspawn error: ${error.message}`;
      hasExited = true;
      liveChildren.delete(child);
      resolve();
    });
  });
  return {
    kind: 'local',
    output: () => output,
    exited: () => hasExited,
    async stop() {
      if (hasExited) return;
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
      await exitedPromise;
      clearTimeout(killTimer);
    },
    async kill() {
      if (hasExited) return;
      child.kill('SIGKILL');
      await exitedPromise;
    },
  };
}

/**
 * Runs the image with host networking, so the component listens on 127.0.0.1 exactly as a
 * local binary would and reaches the services under test on 127.0.0.1 too (Linux engines).
 */
export async function runContainer(
  image: string,
  args: readonly string[],
  workDir: string,
): Promise<RunningProcess> {
  const { GenericContainer } = await loadTestcontainers();
  let output = '';
  // The log stream ends when the container exits: that is how a crash during start-up shows.
  let streamEnded = false;
  let stopped = false;
  const container = await new GenericContainer(image)
    .withNetworkMode('host')
    .withCommand([...args])
    .withBindMounts([{ source: workDir, target: containerWorkDir, mode: 'rw' }])
    .withStartupTimeout(120_000)
    .withLogConsumer((stream) => {
      stream.on('data', (chunk: Buffer | string) => {
        output = (output + chunk.toString()).slice(-outputCapChars);
      });
      stream.on('end', () => {
        streamEnded = true;
      });
    })
    .start();
  return {
    kind: 'container',
    output: () => `container ${container.getId()} (${image}):\n${output}`,
    exited: () => stopped || streamEnded,
    async stop() {
      if (stopped) return;
      stopped = true;
      await container.stop({ timeout: stopGraceMs });
    },
    async kill() {
      if (stopped) return;
      stopped = true;
      // A zero grace period: the engine sends SIGKILL straight away.
      await container.stop({ timeout: 0 });
    },
  };
}
