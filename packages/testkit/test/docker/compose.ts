/**
 * Drives docker-compose and the docker CLI for the compose stack test: a copy of the generated
 * stack in a temp directory, brought up on the local images, inspected, and torn down.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const commandTimeoutMs = 300_000;

/** Runs a command and returns its exit code and output; never throws on a non-zero exit. */
export function runCommand(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(command, [...args], { cwd: options.cwd, env: options.env ?? process.env, timeout: commandTimeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() + (error && typeof error.code !== 'number' ? `\n${error.message}` : '') });
    });
  });
}

/** Runs a command and returns stdout; throws with its output on a non-zero exit. */
export async function mustRun(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}:\n${result.stderr}\n${result.stdout}`.slice(0, 8_000));
  return result.stdout;
}

export const engineHint =
  'The compose stack test needs a Docker engine and docker-compose. As root on Debian/Ubuntu: ' +
  '`apt-get install -y docker.io docker-compose debootstrap && bash scripts/docker/engine.sh start && bash scripts/docker/build-images.sh`, ' +
  'then export the DOCKER_HOST engine.sh prints (scripts/docker/container-tests.sh does all of it).';

/** Fails (never skips) when no engine answers or docker-compose is missing. */
export async function requireEngine(): Promise<void> {
  const engine = await runCommand('docker', ['version', '--format', '{{.Server.Version}}']);
  if (engine.code !== 0) throw new Error(`No Docker engine answers at DOCKER_HOST=${process.env.DOCKER_HOST ?? '(default socket)'}: ${engine.stderr.trim()}\n${engineHint}`);
  const compose = await runCommand('docker-compose', ['version', '--short']);
  if (compose.code !== 0) throw new Error(`docker-compose is not installed: ${compose.stderr.trim()}\n${engineHint}`);
}

/** The generated files the compose file bind-mounts, copied from the repository into a temp project directory. */
export function copyStack(repoRoot: string, paths: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-compose-'));
  for (const path of paths) cpSync(join(repoRoot, path), join(dir, path), { recursive: true });
  return dir;
}

/** A random secret in a file readable by the containers' unprivileged users. */
export function writeSecretFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  writeFileSync(path, randomBytes(18).toString('base64'), { mode: 0o644 });
}

/** The subset of `docker inspect` the test reads. */
export interface ContainerInspect {
  readonly Id: string;
  readonly Name: string;
  readonly State: { readonly Pid: number; readonly Running: boolean; readonly Health?: { readonly Status: string; readonly Log?: readonly { readonly Output: string }[] } };
  readonly Config: { readonly User: string; readonly Labels: Readonly<Record<string, string>>; readonly Image: string };
  readonly HostConfig: { readonly CapDrop: readonly string[] | null; readonly SecurityOpt: readonly string[] | null };
  readonly NetworkSettings: { readonly Ports: Readonly<Record<string, readonly { readonly HostIp: string; readonly HostPort: string }[] | null>> };
  readonly Mounts: readonly { readonly Type: string; readonly Source: string; readonly Destination: string; readonly RW: boolean }[];
}

export async function inspectContainers(ids: readonly string[]): Promise<ContainerInspect[]> {
  if (ids.length === 0) return [];
  return JSON.parse(await mustRun('docker', ['inspect', ...ids])) as ContainerInspect[];
}
