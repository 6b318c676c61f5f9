import type { CheckDetails, Criticality, HealthCheck } from '../checks.js';
import { registerSecret } from '../secrets.js';

/** The parts of a client checked out of a `pg` Pool that the check uses. */
export interface PgPoolClientLike {
  query(text: string): Promise<unknown>;
  /** `release(error)` removes the client from the pool and ends it. */
  release(destroy?: boolean | Error): void;
  /** pg's socket; destroyed at once when a check times out, so a hung server keeps no socket of ours. */
  readonly connection?: { readonly stream?: { destroy(): void } };
}

/**
 * Where a pg.Client connects (its own fields) or a pg.Pool's clients connect (its `options`).
 * `| undefined` throughout: pg declares them so, and a user's exactOptionalPropertyTypes must
 * still accept a real pg.Pool or pg.Client.
 */
interface PgConnectionFields {
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly database?: string | undefined;
  readonly user?: string | undefined;
  readonly password?: unknown;
}

/**
 * The parts of a `pg` Pool or Client the check uses, typed structurally so this package
 * never imports `pg` (an optional peer dependency). The connection fields are pg.Client's.
 */
export interface PgQueryable extends PgConnectionFields {
  query(text: string): Promise<unknown>;
  /** pg.Pool: checks a client out (pg.Client's `connect()` resolves to nothing and is not used). */
  connect?(): Promise<unknown>;
  /** Pool figures (pg.Pool). */
  readonly totalCount?: number | undefined;
  readonly idleCount?: number | undefined;
  readonly waitingCount?: number | undefined;
  /** pg.Pool configuration. */
  readonly options?: PgConnectionConfig | undefined;
}

interface PgConnectionConfig extends PgConnectionFields {
  /** pg.Pool: how long `connect()` waits for a connection; required, see {@link pgCheck}. */
  readonly connectionTimeoutMillis?: number | undefined;
  readonly connectionString?: string | undefined;
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
 *
 * A Pool must set `connectionTimeoutMillis`: without it, a database that accepts connections
 * and never answers keeps every probe's connection attempt waiting forever. With a Pool the
 * check checks out its own client, and when the check times out it removes that client from
 * the pool and destroys its socket, so a hung database never costs a pool slot per probe.
 */
export function pgCheck(db: PgQueryable, options: PgCheckOptions = {}): HealthCheck {
  const config: PgConnectionConfig = db.options ?? db;
  const pool = isPool(db) ? db : undefined;
  if (pool && !(typeof pool.options?.connectionTimeoutMillis === 'number' && pool.options.connectionTimeoutMillis > 0)) {
    throw new TypeError(
      '@vigil/health: pgCheck: the pool has no connectionTimeoutMillis; without it a hung database keeps each probe waiting for a connection forever. Set e.g. new pg.Pool({ connectionTimeoutMillis: 2000, ... })',
    );
  }
  if (typeof config.password === 'string') registerSecret(config.password);
  if (config.connectionString) registerSecret(passwordOf(config.connectionString));
  const target = describeTarget(config);
  return {
    name: options.name ?? 'postgres',
    criticality: options.criticality ?? 'critical',
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.cacheTtlMs === undefined ? {} : { cacheTtlMs: options.cacheTtlMs }),
    async run(signal) {
      const query = options.query ?? 'SELECT 1';
      try {
        if (pool) await queryThroughPool(pool, query, signal);
        else await db.query(query);
      } catch (error) {
        throw new Error(`postgres ${target}: ${error instanceof Error ? messageOf(error) : String(error)}`, { cause: error });
      }
    },
    details: () => poolDetails(db),
  };
}

type PgPool = PgQueryable & { connect(): Promise<unknown> };

function isPool(db: PgQueryable): db is PgPool {
  return typeof db.connect === 'function' && typeof db.totalCount === 'number';
}

/**
 * One query on a client of the check's own. On abort (the check's timeout) the client leaves
 * the pool and its socket is destroyed; a connection that arrives after the abort goes the same way.
 */
async function queryThroughPool(pool: PgPool, query: string, signal: AbortSignal): Promise<void> {
  const client = (await pool.connect()) as PgPoolClientLike;
  let released = false;
  const release = (destroy?: Error): void => {
    if (released) return;
    released = true;
    client.release(destroy);
    if (destroy) client.connection?.stream?.destroy();
  };
  const onAbort = (): void => release(new Error('health check timed out'));
  if (signal.aborted) {
    onAbort();
    throw signal.reason;
  }
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await client.query(query);
    release();
  } catch (error) {
    // A client whose query failed may be in any state; it must not go back to the pool.
    release(error instanceof Error ? error : new Error(String(error)));
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
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
