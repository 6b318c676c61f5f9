/**
 * /health cannot be used to hammer dependencies: concurrent and repeated probes within the
 * cache TTL share one run, and a run that outlived its timeout is never joined by another.
 * Against real PostgreSQL and Redis; invocations are counted by the servers or the pool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createHealth, healthHandler, listenHealth, pgCheck, redisCheck, type Health } from '../src/index.js';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from './support/servers.js';
import { listen, type Listening } from './support/http.js';

async function pingCalls(admin: Redis): Promise<number> {
  const info = await admin.info('commandstats');
  return Number(/cmdstat_ping:calls=(\d+)/.exec(info)?.[1] ?? 0);
}

async function flood(url: string, requests: number, headers: Record<string, string> = {}): Promise<number[]> {
  return Promise.all(
    Array.from({ length: requests }, async () => {
      const response = await fetch(url, { headers, signal: AbortSignal.timeout(20_000) });
      await response.arrayBuffer();
      return response.status;
    }),
  );
}

describe('single-flight health checks against real dependencies', () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  let admin: Redis;
  let client: Redis;
  const pools: pg.Pool[] = [];
  const healths: Health[] = [];
  const servers: Listening[] = [];

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    admin = new Redis({ host: redis.host, port: redis.port });
    client = new Redis({ host: redis.host, port: redis.port });
    await Promise.all([admin.ping(), client.ping()]);
  });

  afterAll(async () => {
    for (const health of healths) health.close();
    await Promise.all(servers.map((server) => server.close()));
    await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
    admin?.disconnect();
    client?.disconnect();
    await Promise.all([postgres?.close(), redis?.close()]);
  });

  const serve = async (health: Health): Promise<string> => {
    healths.push(health);
    const handle = healthHandler(health);
    const server = await listen((req, res) => {
      if (!handle(req, res)) res.writeHead(404).end();
    });
    servers.push(server);
    return `${server.url}/health`;
  };

  const slowPool = (): { pool: pg.Pool; acquired: () => number } => {
    const pool = new pg.Pool({ connectionString: postgres.connectionString, max: 5, connectionTimeoutMillis: 2000 });
    pool.on('error', () => undefined);
    let acquired = 0;
    pool.on('acquire', () => (acquired += 1));
    pools.push(pool);
    return { pool, acquired: () => acquired };
  };

  it('runs PING once for 300 concurrent and 100 repeated /health requests within the TTL', async () => {
    const url = await serve(
      createHealth({ registry: null, refreshIntervalMs: 0, cacheTtlMs: 60_000, checks: [redisCheck(client, { name: 'redis' })] }),
    );
    const before = await pingCalls(admin);
    const statuses = await flood(url, 300);
    for (let i = 0; i < 100; i++) statuses.push(...(await flood(url, 1)));
    const after = await pingCalls(admin);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(after - before).toBe(1);
  });

  it('shares results for 1 s by default: back-to-back probes cost one PING', async () => {
    const health = createHealth({ registry: null, refreshIntervalMs: 0, checks: [redisCheck(client, { name: 'redis' })] });
    healths.push(health);
    const before = await pingCalls(admin);
    await health.diagnostics();
    await health.ready();
    await health.diagnostics();
    expect((await pingCalls(admin)) - before).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await health.ready();
    expect((await pingCalls(admin)) - before).toBe(2);
  });

  it('runs a slow PostgreSQL query one at a time however many requests arrive (TTL 0)', async () => {
    const { pool, acquired } = slowPool();
    const url = await serve(
      createHealth({
        registry: null,
        refreshIntervalMs: 0,
        cacheTtlMs: 0,
        checks: [pgCheck(pool, { query: 'SELECT pg_sleep(0.5)', timeoutMs: 5000 })],
      }),
    );
    const started = Date.now();
    const statuses = await flood(url, 200);
    const elapsed = Date.now() - started;
    expect(statuses.every((status) => status === 200)).toBe(true);
    // Each run takes at least 500 ms and runs never overlap: at most one per 500 ms elapsed.
    expect(acquired()).toBeGreaterThanOrEqual(1);
    expect(acquired()).toBeLessThanOrEqual(Math.ceil(elapsed / 500));
  });

  it('never starts another run while one that timed out is still pending on a hung query', async () => {
    // A single pg.Client queues queries: without the guard every probe would queue one more.
    const single = new pg.Client({ connectionString: postgres.connectionString });
    single.on('error', () => undefined);
    await single.connect();
    let sent = 0;
    const counted = { query: (text: string) => ((sent += 1), single.query(text)) };
    const health = createHealth({
      registry: null,
      refreshIntervalMs: 0,
      cacheTtlMs: 0,
      checks: [pgCheck(counted, { query: 'SELECT pg_sleep(1.5)', timeoutMs: 100 })],
    });
    const url = await serve(health);
    try {
      const deadline = Date.now() + 1000;
      const bodies: string[] = [];
      while (Date.now() < deadline) {
        const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
        bodies.push(await response.text());
        expect(response.status).toBe(503);
      }
      expect(bodies.length).toBeGreaterThan(5);
      expect(sent).toBe(1);
      expect(bodies.at(-1)).toContain('is still pending, so no new run was started');
      // Once the hung query settles, the next probe runs the check again.
      await new Promise((resolve) => setTimeout(resolve, 800));
      await fetch(url).then((response) => response.arrayBuffer());
      expect(sent).toBe(2);
    } finally {
      await single.end().catch(() => undefined);
    }
  });

  it('serves diagnostics on a port of their own with a token; without it only the status', async () => {
    const token = 'health-token-0123456789abcdef';
    const health = createHealth({
      registry: null,
      refreshIntervalMs: 0,
      checks: [redisCheck(client, { name: 'redis' }), pgCheck(slowPool().pool)],
    });
    healths.push(health);
    const server = await listenHealth(health, { port: 0, token });
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    const base = `http://127.0.0.1:${address.port}`;
    try {
      const anonymous = await fetch(`${base}/health`);
      expect(anonymous.status).toBe(200);
      expect(await anonymous.json()).toEqual({ status: 'pass' });
      const wrong = await fetch(`${base}/health/ready`, { headers: { authorization: 'Bearer not-the-token-at-all' } });
      expect(await wrong.json()).toEqual({ status: 'pass' });
      const detailed = await fetch(`${base}/health`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await detailed.json()) as { checks: Array<{ name: string }>; pid: number };
      expect(body.checks.map((check) => check.name)).toEqual(['redis', 'postgres']);
      expect(body.pid).toBe(process.pid);
      expect((await fetch(`${base}/api`)).status).toBe(404);
      await expect(listenHealth(health, { port: 0, token: 'short' })).rejects.toThrow('at least 16 characters');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
