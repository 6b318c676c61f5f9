import type { CheckDetails, Criticality, HealthCheck } from '../checks.js';
import { registerSecret } from '../secrets.js';

/**
 * The parts of a `pg` Pool or Client the check uses, typed structurally so this package
 * never imports `pg` (an optional peer dependency).
 */
export interface PgQueryable {
  query(text: string): Promise<unknown>;
  /** Pool figures (pg.Pool). */
  readonly totalCount?: number | undefined;
  readonly idleCount?: number | undefined;
  readonly waitingCount?: number | undefined;
  /** pg.Pool configuration. */
  readonly options?: PgConnectionConfig | undefined;
  /** pg.Client connection fields. `| undefined` throughout: pg declares them so, and a user's
   * exactOptionalPropertyTypes must still accept a real pg.Pool or pg.Client. */
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly database?: string | undefined;
  readonly user?: string | undefined;
  readonly password?: unknown;
}

interface PgConnectionConfig {
  readonly connectionString?: string | undefined;
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly database?: string | undefined;
  readonly user?: string | undefined;
  readonly password?: unknown;
}

export interface PgCheckOptions {
  /** Default `postgres`. */
  readonly name?: string;
  /** Default `SELECT 1`. */
  readonly query?: string;
  readonly timeoutMs?: number;
  readonly criticality?: Criticality;
  readonly cacheTtlMs?: number;
}

/**
 * Checks PostgreSQL with a round-trip query. With a Pool, a restarted server is picked up by
 * the next connection the pool opens; a single Client that lost its connection stays failed
 * until the application reconnects it. Pool figures (total/idle/waiting) go into diagnostics.
 *
 * The pool must have an `'error'` listener: pg emits one for every idle connection the server
 * terminates, and an unhandled one crashes the process. This check deliberately does not add
 * one, since that would change how the application handles errors.
 */
export function pgCheck(db: PgQueryable, options: PgCheckOptions = {}): HealthCheck {
  const config: PgConnectionConfig = db.options ?? db;
  if (typeof config.password === 'string') registerSecret(config.password);
  if (config.connectionString) registerSecret(passwordOf(config.connectionString));
  const target = describeTarget(config);
  return {
    name: options.name ?? 'postgres',
    criticality: options.criticality ?? 'critical',
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.cacheTtlMs === undefined ? {} : { cacheTtlMs: options.cacheTtlMs }),
    async run() {
      try {
        await db.query(options.query ?? 'SELECT 1');
      } catch (error) {
        throw new Error(`postgres ${target}: ${error instanceof Error ? messageOf(error) : String(error)}`, { cause: error });
      }
    },
    details: () => poolDetails(db),
  };
}

function poolDetails(db: PgQueryable): CheckDetails | undefined {
  if (typeof db.totalCount !== 'number') return undefined;
  return { totalCount: db.totalCount, idleCount: db.idleCount ?? null, waitingCount: db.waitingCount ?? null };
}

function describeTarget(config: PgConnectionConfig): string {
  if (config.connectionString) {
    try {
      const url = new URL(config.connectionString);
      return `${url.hostname || 'localhost'}:${url.port || 5432}${url.pathname}`;
    } catch {
      return '(connection string)';
    }
  }
  const host = config.host ?? process.env.PGHOST ?? 'localhost';
  const port = config.port ?? 5432;
  const database = config.database ?? process.env.PGDATABASE ?? '';
  return `${host}:${port}/${database}`;
}

function passwordOf(connectionString: string): string | undefined {
  try {
    const password = new URL(connectionString).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return /password\s*=\s*'?([^'\s]+)/i.exec(connectionString)?.[1];
  }
}

function messageOf(error: Error): string {
  const code = (error as { code?: unknown }).code;
  const nested = (error as { errors?: unknown }).errors;
  if (!error.message && Array.isArray(nested) && nested[0] instanceof Error) return messageOf(nested[0]);
  return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
