/**
 * The real node, postgres and redis exporters as local child processes on 127.0.0.1 and a free
 * port, for tests that scrape them. Local binaries only (no container fallback): they watch this
 * host's filesystems and servers on this host's loopback, which a container would not see as is.
 * A missing binary is an error naming the Debian package to install.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireExporterBinary, type Exporter } from './executables.js';
import { freePort } from './ports.js';
import { runLocal, type RunningProcess } from './runner.js';
import { waitForReady } from './wait.js';
import { makeWorkDir, removeWorkDir } from './workdir.js';

export interface ExporterInstance {
  readonly exporter: Exporter;
  readonly url: string;
  /** `host:port` for a scrape config's static target. */
  readonly address: string;
  /** The exporter's current `/metrics` text. */
  metrics(): Promise<string>;
  /** Everything the process wrote so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartNodeExporterOptions {
  /**
   * `--collector.filesystem.mount-points-exclude`: mount points the filesystem collector skips.
   * node_exporter 1.5 (Debian bookworm) has no include flag, so a test that stages a mount
   * before showing it passes the default plus its staging directory.
   */
  readonly mountPointsExclude?: string;
  readonly extraArgs?: readonly string[];
}

export interface StartPostgresExporterOptions {
  /** `host:port` of the PostgreSQL server (DATA_SOURCE_URI, as the compose stack sets it). */
  readonly address: string;
  readonly user: string;
  /** Written to a 0600 file and passed as DATA_SOURCE_PASS_FILE: never on the command line or in logs. */
  readonly password: string;
  readonly database?: string;
  readonly extraArgs?: readonly string[];
}

export interface StartRedisExporterOptions {
  /** `host:port` of the Redis server. */
  readonly address: string;
  readonly extraArgs?: readonly string[];
}

const readyTimeoutMs = 20_000;
const metricsTimeoutMs = 5_000;

/** node_exporter's own default for the mount points its filesystem collector skips. */
export const nodeExporterDefaultMountPointsExclude = '^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)';

async function startExporter(
  exporter: Exporter,
  buildArgs: (listen: string, workDir: string) => readonly string[],
  buildEnv: (workDir: string) => Readonly<Record<string, string>> = () => ({}),
): Promise<ExporterInstance> {
  const binary = requireExporterBinary(exporter, process.env.PATH);
  const workDir = makeWorkDir(exporter);
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const url = `http://${address}`;
  let running: RunningProcess;
  try {
    running = runLocal(binary, buildArgs(address, workDir), workDir, buildEnv(workDir));
    await waitForReady(
      `${url}/metrics`,
      readyTimeoutMs,
      () => `${exporter} output:\n${running.output()}`,
      () => (running.exited() ? `${exporter} exited during start-up` : undefined),
    ).catch(async (error: unknown) => {
      await running.stop();
      throw error;
    });
  } catch (error) {
    removeWorkDir(workDir);
    throw error;
  }
  return {
    exporter,
    url,
    address,
    async metrics() {
      const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(metricsTimeoutMs) });
      const text = await response.text();
      if (!response.ok) throw new Error(`GET ${url}/metrics answered ${response.status}: ${text.slice(0, 500)}`);
      return text;
    },
    output: () => running.output(),
    async stop() {
      try {
        await running.stop();
      } finally {
        removeWorkDir(workDir);
      }
    },
  };
}

/** node_exporter with its default collectors (filesystem, meminfo, cpu, timex...). */
export function startNodeExporter(options: StartNodeExporterOptions = {}): Promise<ExporterInstance> {
  return startExporter('node-exporter', (listen) => [
    `--web.listen-address=${listen}`,
    ...(options.mountPointsExclude === undefined ? [] : [`--collector.filesystem.mount-points-exclude=${options.mountPointsExclude}`]),
    ...(options.extraArgs ?? []),
  ]);
}

/** postgres_exporter reading one server, configured through the variables the compose stack sets. */
export function startPostgresExporter(options: StartPostgresExporterOptions): Promise<ExporterInstance> {
  return startExporter(
    'postgres-exporter',
    (listen) => [`--web.listen-address=${listen}`, ...(options.extraArgs ?? [])],
    (workDir) => {
      const passwordFile = join(workDir, 'password');
      writeFileSync(passwordFile, options.password, { mode: 0o600 });
      chmodSync(passwordFile, 0o600);
      return {
        DATA_SOURCE_URI: `${options.address}/${options.database ?? 'postgres'}?sslmode=disable`,
        DATA_SOURCE_USER: options.user,
        DATA_SOURCE_PASS_FILE: passwordFile,
      };
    },
  );
}

/** redis_exporter reading one server. */
export function startRedisExporter(options: StartRedisExporterOptions): Promise<ExporterInstance> {
  return startExporter('redis-exporter', (listen) => [`--web.listen-address=${listen}`, `--redis.addr=redis://${options.address}`, ...(options.extraArgs ?? [])]);
}
