/**
 * The service's configuration, read from the environment in one place so a bad value fails
 * start-up in its `config` phase with the variable named.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { Criticality } from '@vigil/health';
import { faultsFromEnv, type Faults } from './faults.js';

export interface ServiceConfig {
  readonly port: number;
  readonly host: string;
  readonly service: string;
  readonly version: string;
  readonly pipelines: readonly string[];
  readonly itemIntervalMs: number;
  readonly faults: Partial<Faults>;
  /** Set when ADMIN_FAULTS=1: the bearer token `/admin/faults` requires (ADMIN_TOKEN or ADMIN_TOKEN_FILE). */
  readonly adminToken: string | undefined;
  /** A pipeline that created nothing for this long fails its `pipeline:<name>` check. */
  readonly freshnessWindowMs: number;
  readonly freshnessCriticality: Criticality;
  /** Background run of every health check (keeps health_check_status current); 0 = only on probes. */
  readonly healthRefreshMs: number;
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  /** Directory laid out like /sys/fs/cgroup for the container limit gauges; undefined = the real one. */
  readonly cgroupRoot: string | undefined;
  /** Time between readiness turning 503 and the listener closing, on SIGTERM. */
  readonly shutdownReadinessDelayMs: number;
  readonly shutdownDrainDeadlineMs: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`env ${name}=${JSON.stringify(raw)}: expected an integer from ${min} to ${max}`);
  }
  return value;
}

function criticality(env: Env, name: string, fallback: Criticality): Criticality {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'warning' && raw !== 'critical') {
    throw new ConfigError(`env ${name}=${JSON.stringify(raw)}: expected "warning" or "critical"`);
  }
  return raw;
}

function optional(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

function directory(env: Env, name: string): string | undefined {
  const path = optional(env, name);
  if (path === undefined) return undefined;
  if (!isAbsolute(path) || !statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    throw new ConfigError(`env ${name}=${JSON.stringify(path)}: expected the absolute path of an existing directory`);
  }
  return path;
}

/** The fault endpoint exists only when ADMIN_FAULTS=1, and then only with a token of 16+ characters. */
function adminToken(env: Env): string | undefined {
  const flag = env['ADMIN_FAULTS'];
  if (flag === undefined || flag === '' || flag === '0' || flag === 'false') return undefined;
  if (flag !== '1' && flag !== 'true') throw new ConfigError(`env ADMIN_FAULTS=${JSON.stringify(flag)}: expected 1/true or 0/false`);
  const file = optional(env, 'ADMIN_TOKEN_FILE');
  let token = env['ADMIN_TOKEN'];
  if (file !== undefined) {
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(`env ADMIN_TOKEN_FILE=${JSON.stringify(file)}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (token === undefined || token.length < 16) {
    throw new ConfigError('env ADMIN_FAULTS=1 needs ADMIN_TOKEN or ADMIN_TOKEN_FILE: a token of at least 16 characters');
  }
  return token;
}

export function configFromEnv(env: Env): ServiceConfig {
  let faults: Partial<Faults>;
  try {
    faults = faultsFromEnv(env);
  } catch (error) {
    throw new ConfigError((error as Error).message, { cause: error });
  }
  return {
    port: integer(env, 'PORT', 0, 0, 65_535),
    host: env['HOST'] || '127.0.0.1',
    service: env['VIGIL_SERVICE'] || 'api',
    version: env['SERVICE_VERSION'] || '0.1.0',
    pipelines: (env['PIPELINES'] ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
    itemIntervalMs: integer(env, 'ITEM_INTERVAL_MS', 5_760, 10, 86_400_000),
    faults,
    adminToken: adminToken(env),
    freshnessWindowMs: integer(env, 'FRESHNESS_WINDOW_MS', 15 * 60_000, 1, 7 * 86_400_000),
    freshnessCriticality: criticality(env, 'FRESHNESS_CRITICALITY', 'warning'),
    healthRefreshMs: integer(env, 'HEALTH_REFRESH_MS', 15_000, 0, 86_400_000),
    databaseUrl: optional(env, 'DATABASE_URL'),
    redisUrl: optional(env, 'REDIS_URL'),
    cgroupRoot: directory(env, 'VIGIL_CGROUP_ROOT'),
    shutdownReadinessDelayMs: integer(env, 'SHUTDOWN_READINESS_DELAY_MS', 0, 0, 600_000),
    shutdownDrainDeadlineMs: integer(env, 'SHUTDOWN_DRAIN_DEADLINE_MS', 10_000, 0, 600_000),
  };
}
