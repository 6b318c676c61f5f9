/**
 * Real PostgreSQL and Redis servers for tests: 127.0.0.1, a free port each, data under a
 * temp dir, stoppable and restartable on the same port (to test outages and recovery).
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` OS user.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const installHint = 'apt-get install -y postgresql redis-server';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port, or rejects after timeoutMs. */
export async function waitForPort(port: number, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`process exited with code ${child.exitCode} before listening on ${port}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listening on 127.0.0.1:${port} after ${timeoutMs}ms`);
}

async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals, timeoutMs = 10_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

function collectOutput(child: ChildProcess): () => string {
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => output;
}

// ---------------------------------------------------------------- PostgreSQL

export interface PostgresServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** postgresql://user:password@127.0.0.1:port/database */
  readonly connectionString: string;
  /** Fast shutdown: open sessions are terminated, as in a real outage. */
  stop(): Promise<void>;
  /** Starts again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops the server and deletes its data directory. */
  close(): Promise<void>;
}

function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')) && existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const version = versions.includes('15') ? '15' : versions[0];
  if (version === undefined) {
    throw new Error(`PostgreSQL server binaries (initdb, postgres) not found under ${root}: run \`${installHint}\``);
  }
  return join(root, version, 'bin');
}

/**
 * As root, run as the `postgres` OS user (the server refuses to run as root). Spawning with
 * uid/gid rather than through runuser keeps the server our direct child, so signals reach it.
 */
function postgresIdentity(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) throw new Error(`OS user "postgres" not found: run \`${installHint}\``);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export async function startPostgres(options: { user?: string; password?: string; database?: string } = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const user = options.user ?? 'vigil';
  const password = options.password ?? 'pg-Secret-4711';
  const database = options.database ?? user;
  const base = await mkdtemp(join(tmpdir(), 'vigil-pg-'));
  const dataDir = join(base, 'data');
  const pwFile = join(base, 'pwfile');
  await writeFile(pwFile, `${password}\n`);
  const identity = postgresIdentity();
  const env = { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };
  if (identity.uid !== undefined && identity.gid !== undefined) {
    await chmod(base, 0o700);
    await chown(base, identity.uid, identity.gid);
    await chown(pwFile, identity.uid, identity.gid);
  }

  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', dataDir, '-U', user, `--pwfile=${pwFile}`, '--auth=scram-sha-256', '--no-sync', '--no-instructions', '-E', 'UTF8'],
    { encoding: 'utf8', cwd: base, env, ...identity },
  );
  if (init.status !== 0) {
    await rm(base, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout}`);
  }

  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const args = [
      '-D', dataDir, '-p', String(port), '-k', base, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off',
      '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
    ];
    child = spawn(join(bin, 'postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: base, env, ...identity });
    const output = collectOutput(child);
    try {
      await waitForPort(port, 20_000, child);
      // The port opens before the server accepts sessions; wait until a login succeeds.
      await waitForPostgresLogin(bin, port, 20_000);
    } catch (error) {
      await stopChild(child, 'SIGKILL');
      throw new Error(`PostgreSQL did not start on 127.0.0.1:${port}: ${(error as Error).message}\n${output()}`);
    }
  };

  const stop = async (): Promise<void> => {
    // SIGINT = fast shutdown: terminates sessions, like a crash from the client's view.
    await stopChild(child, 'SIGINT');
    child = undefined;
  };

  await start();
  if (database !== 'postgres') {
    const created = spawnSync(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', user, database], {
      encoding: 'utf8',
      env: { ...env, PGPASSWORD: password },
    });
    if (created.status !== 0) {
      await stop();
      throw new Error(`createdb ${database} failed: ${created.stderr}`);
    }
  }
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    database,
    connectionString: `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    start,
    stop,
    async close() {
      await stop();
      await rm(base, { recursive: true, force: true });
    },
  };
}

async function waitForPostgresLogin(bin: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ready = spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-t', '1'], { encoding: 'utf8' });
    if (ready.status === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`pg_isready never succeeded within ${timeoutMs}ms`);
}

// ---------------------------------------------------------------- Redis

export interface RedisServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const binary = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) => existsSync(path));
  if (!binary) throw new Error(`redis-server not found: run \`${installHint}\``);
  const dir = await mkdtemp(join(tmpdir(), 'vigil-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    child = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--protected-mode', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output = collectOutput(child);
    try {
      await waitForPort(port, 10_000, child);
    } catch (error) {
      await stopChild(child, 'SIGKILL');
      throw new Error(`redis-server did not start on 127.0.0.1:${port}: ${(error as Error).message}\n${output()}`);
    }
  };
  const stop = async (): Promise<void> => {
    await stopChild(child, 'SIGTERM');
    child = undefined;
  };

  await start();
  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
