/**
 * The real dependencies the service talks to when the environment names them: PostgreSQL
 * (`DATABASE_URL`) and Redis (`REDIS_URL`). Each yields a readiness check, a start-up step
 * and a close for shutdown. Clients are created lazily connected, so nothing touches the
 * network before the `dependencies` start-up phase.
 */
import pg from 'pg';
import { Redis } from 'ioredis';
import { maskSecrets, pgCheck, redisCheck, type HealthCheck, type StartupStep } from '@vigil/health';
import type { ServiceConfig } from './config.js';

export interface Dependency {
  readonly name: string;
  /** Readiness check (critical). */
  readonly check: HealthCheck;
  /** The same probe as a start-up step: start-up fails fast when it does not pass. */
  readonly startupStep: StartupStep;
  /** Set on the Redis dependency: the client the item cache uses. */
  readonly redis?: Redis;
  close(): Promise<void>;
}

const checkTimeoutMs = 1_000;
const startupStepTimeoutMs = 5_000;

/** Logs a client's error once per distinct message: a reconnecting client repeats the same one. */
function errorReporter(dependency: string): (error: Error) => void {
  let last: string | undefined;
  return (error) => {
    const message = maskSecrets(error.message || String(error));
    if (message === last) return;
    last = message;
    process.stderr.write(`${JSON.stringify({ event: 'dependency_error', dependency, error: message })}\n`);
  };
}

function postgres(databaseUrl: string): Dependency {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4, connectionTimeoutMillis: 2_000, idleTimeoutMillis: 10_000 });
  // pg emits an error for every idle connection the server ends; without a listener it crashes the process.
  pool.on('error', errorReporter('postgres'));
  return {
    name: 'postgres',
    check: pgCheck(pool, { timeoutMs: checkTimeoutMs }),
    startupStep: pgCheck(pool, { timeoutMs: startupStepTimeoutMs }),
    close: () => pool.end(),
  };
}

function redis(redisUrl: string): Dependency {
  const client = new Redis(redisUrl, {
    lazyConnect: true,
    // Commands fail instead of queueing for long while the server is away; the check reports it.
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  client.on('error', errorReporter('redis'));
  return {
    name: 'redis',
    redis: client,
    check: redisCheck(client, { timeoutMs: checkTimeoutMs }),
    startupStep: redisCheck(client, { timeoutMs: startupStepTimeoutMs }),
    async close() {
      // QUIT would wait for a connection that is not there; only a ready client can say goodbye.
      if (client.status === 'ready') await client.quit();
      else client.disconnect();
    },
  };
}

export function openDependencies(config: ServiceConfig): Dependency[] {
  const dependencies: Dependency[] = [];
  if (config.databaseUrl !== undefined) dependencies.push(postgres(config.databaseUrl));
  if (config.redisUrl !== undefined) dependencies.push(redis(config.redisUrl));
  return dependencies;
}
