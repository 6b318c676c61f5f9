/**
 * The pg check under a hanging database: a server that accepts and never answers, and a real
 * PostgreSQL whose query never returns. Over many probes the pool, its sockets and the
 * server's sessions stay bounded, and the check recovers once the database answers again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createHealth, pgCheck } from '../src/index.js';
import { startPostgres, type PostgresServer } from './support/servers.js';
import { startSilentServer, type SilentServer } from './support/silent-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(50);
  }
  return condition();
}

describe('pgCheck under a hanging database', () => {
  let silent: SilentServer;
  let postgres: PostgresServer;
  let admin: pg.Client;

  beforeAll(async () => {
    [silent, postgres] = await Promise.all([startSilentServer(), startPostgres()]);
    admin = new pg.Client({ connectionString: postgres.connectionString });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await Promise.all([silent?.close(), postgres?.close()]);
  });

  it('refuses a Pool without connectionTimeoutMillis, naming the fix', () => {
    const pool = new pg.Pool({ host: '127.0.0.1', port: silent.port });
    expect(() => pgCheck(pool)).toThrow('the pool has no connectionTimeoutMillis');
    void pool.end();
  });

  it('keeps at most one connection to a server that never answers, over 60 probes', async () => {
    const pool = new pg.Pool({ host: '127.0.0.1', port: silent.port, user: 'app', password: 'pw', max: 10, connectionTimeoutMillis: 300 });
    pool.on('error', () => undefined);
    const health = createHealth({ registry: null, refreshIntervalMs: 0, cacheTtlMs: 0, checks: [pgCheck(pool, { timeoutMs: 100 })] });
    const before = silent.accepted;
    let maxOpen = 0;
    let maxTotal = 0;
    let maxWaiting = 0;
    try {
      for (let probe = 0; probe < 60; probe++) {
        const ready = await health.ready();
        expect(ready.status).toBe('fail');
        maxOpen = Math.max(maxOpen, silent.open);
        maxTotal = Math.max(maxTotal, pool.totalCount);
        maxWaiting = Math.max(maxWaiting, pool.waitingCount);
        await sleep(25);
      }
      expect(maxOpen).toBeLessThanOrEqual(1);
      expect(maxTotal).toBeLessThanOrEqual(1);
      expect(maxWaiting).toBeLessThanOrEqual(1);
      // 60 probes over ~2 s, each connection attempt lives 300 ms: far fewer attempts than probes.
      expect(silent.accepted - before).toBeLessThan(20);
      expect(await waitFor(() => silent.open === 0 && pool.totalCount === 0 && pool.waitingCount === 0, 2000)).toBe(true);
    } finally {
      health.close();
      await pool.end();
    }
  });

  it('ends the session of a query that hangs on a real PostgreSQL, over 30 probes, and recovers', async () => {
    const applicationName = 'vigil-hang-test';
    const pool = new pg.Pool({
      connectionString: postgres.connectionString,
      application_name: applicationName,
      max: 10,
      connectionTimeoutMillis: 2000,
      // PostgreSQL notices a vanished client mid-query only when asked to look.
      options: '-c client_connection_check_interval=100',
    });
    pool.on('error', () => undefined);
    const sessions = async (): Promise<number> => {
      const result = await admin.query<{ count: string }>('SELECT count(*) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
      return Number(result.rows[0]?.count);
    };
    const health = createHealth({
      registry: null,
      refreshIntervalMs: 0,
      cacheTtlMs: 0,
      checks: [pgCheck(pool, { timeoutMs: 150, query: 'SELECT pg_sleep(30)' })],
    });
    let maxSessions = 0;
    try {
      for (let probe = 0; probe < 30; probe++) {
        expect((await health.ready()).status).toBe('fail');
        maxSessions = Math.max(maxSessions, await sessions());
        expect(pool.totalCount).toBeLessThanOrEqual(1);
        await sleep(50);
      }
      expect(maxSessions).toBeLessThanOrEqual(2);
      expect(await waitFor(async () => (await sessions()) === 0, 3000)).toBe(true);
      expect(pool.totalCount).toBe(0);
      // The same pool still serves the application and the ordinary check.
      const recovered = createHealth({ registry: null, refreshIntervalMs: 0, checks: [pgCheck(pool, { timeoutMs: 2000 })] });
      expect((await recovered.ready()).status).toBe('pass');
      recovered.close();
    } finally {
      health.close();
      await pool.end();
    }
  });
});
