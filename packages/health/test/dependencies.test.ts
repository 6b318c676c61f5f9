import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { Registry } from 'prom-client';
import { createHealth, healthHandler, httpCheck, pgCheck, redisCheck, startup, type Health } from '../src/index.js';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from './support/servers.js';
import { getJson, listen, type Listening } from './support/http.js';

describe('readiness against real PostgreSQL and Redis', () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  let pool: pg.Pool;
  let ioredis: Redis;
  let nodeRedis: ReturnType<typeof createClient>;
  let upstream: Listening;
  let upstreamStatus = 200;
  let upstreamAuthorization: string | undefined;
  let service: Listening;
  let health: Health;
  let registry: Registry;
  const poolErrors: Error[] = [];

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    pool = new pg.Pool({ connectionString: postgres.connectionString, max: 3, connectionTimeoutMillis: 2000 });
    // Idle connections that the server terminates are reported here; without a listener pg crashes the process.
    pool.on('error', (error) => poolErrors.push(error));
    ioredis = new Redis({ host: redis.host, port: redis.port, maxRetriesPerRequest: 1, retryStrategy: () => 100, lazyConnect: true });
    ioredis.on('error', () => undefined);
    await ioredis.connect();
    nodeRedis = createClient({ url: redis.url, socket: { reconnectStrategy: () => 100 } });
    nodeRedis.on('error', () => undefined);
    await nodeRedis.connect();
    upstream = await listen((req, res) => {
      upstreamAuthorization = req.headers.authorization;
      res.writeHead(upstreamStatus).end('ok');
    });
    registry = new Registry();
    // TTL 0: these tests stop a server and expect the very next probe to see it.
    health = createHealth({
      registry,
      cacheTtlMs: 0,
      version: '1.2.3',
      checks: [
        pgCheck(pool, { timeoutMs: 3000 }),
        redisCheck(ioredis, { name: 'redis', timeoutMs: 1000 }),
        redisCheck(nodeRedis, { name: 'redis-node', timeoutMs: 1000 }),
        httpCheck({ name: 'billing-api', url: `${upstream.url.replace('http://', 'http://svc:tok3n-Value@')}/ping`, criticality: 'warning', timeoutMs: 1000 }),
      ],
    });
    const handle = healthHandler(health);
    service = await listen((req, res) => {
      if (!handle(req, res)) res.writeHead(404).end();
    });
  });

  afterAll(async () => {
    health?.close();
    await service?.close();
    await upstream?.close();
    await pool?.end().catch(() => undefined);
    ioredis?.disconnect();
    await nodeRedis?.destroy();
    await Promise.all([postgres?.close(), redis?.close()]);
  });

  it('is ready when every dependency answers, and diagnostics show pool figures without secrets', async () => {
    const ready = await getJson(`${service.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'pass', failing: [] });

    const diagnostics = await getJson(`${service.url}/health`);
    expect(diagnostics.status).toBe(200);
    expect(diagnostics.body).toMatchObject({ status: 'pass', version: '1.2.3', pid: process.pid });
    expect(upstreamAuthorization).toBe(`Basic ${Buffer.from('svc:tok3n-Value').toString('base64')}`);
    const checks = diagnostics.body.checks as Array<Record<string, unknown>>;
    expect(checks.map((c) => c.name)).toEqual(['postgres', 'redis', 'redis-node', 'billing-api']);
    const pgResult = checks.find((c) => c.name === 'postgres');
    expect(pgResult).toMatchObject({ status: 'pass', criticality: 'critical' });
    expect(pgResult?.details).toMatchObject({ totalCount: expect.any(Number), idleCount: expect.any(Number), waitingCount: 0 });
    expect((pgResult?.details as { totalCount: number }).totalCount).toBeGreaterThanOrEqual(1);
    expect(diagnostics.body.memory).toMatchObject({ rssBytes: expect.any(Number), container: { source: expect.any(String) } });
    expect(diagnostics.text).not.toContain(postgres.password);
    expect(diagnostics.text).not.toContain('tok3n-Value');
  });

  it('turns readiness 503 naming PostgreSQL when it stops, keeps liveness 200, and recovers after a restart', async () => {
    await postgres.stop();
    try {
      const ready = await getJson(`${service.url}/health/ready`);
      expect(ready.status).toBe(503);
      const failing = ready.body.failing as Array<{ name: string; error: string }>;
      expect(failing.map((f) => f.name)).toEqual(['postgres']);
      expect(failing[0]?.error).toMatch(/ECONNREFUSED|terminat|connect/i);
      expect(ready.text).not.toContain(postgres.password);

      const live = await getJson(`${service.url}/health/live`);
      expect(live.status).toBe(200);
      expect(live.body.status).toBe('pass');

      const metrics = await registry.getSingleMetricAsString('health_check_status');
      expect(metrics).toContain('health_check_status{check="postgres",criticality="critical"} 0');
      expect(metrics).toContain('health_check_status{check="redis",criticality="critical"} 1');
    } finally {
      await postgres.start();
    }
    const recovered = await getJson(`${service.url}/health/ready`);
    expect(recovered.status).toBe(200);
    expect(recovered.body.failing).toEqual([]);
    const metrics = await registry.getSingleMetricAsString('health_check_status');
    expect(metrics).toContain('health_check_status{check="postgres",criticality="critical"} 1');
  });

  it('checks a single pg Client too, without pool figures', async () => {
    const client = new pg.Client({ host: postgres.host, port: postgres.port, user: postgres.user, password: postgres.password, database: postgres.database });
    client.on('error', () => undefined);
    await client.connect();
    const single = createHealth({ registry: null, cacheTtlMs: 0, checks: [pgCheck(client, { name: 'postgres-client' })] });
    try {
      const diagnostics = await single.diagnostics();
      expect(diagnostics.checks[0]).toMatchObject({ name: 'postgres-client', status: 'pass' });
      expect(diagnostics.checks[0]?.details).toBeUndefined();
      await client.end();
      const after = await single.ready();
      expect(after.failing.map((f) => f.name)).toEqual(['postgres-client']);
      expect(after.failing[0]?.error).toMatch(new RegExp(`^postgres 127\\.0\\.0\\.1:${postgres.port}/${postgres.database}: `));
    } finally {
      single.close();
    }
  });

  it('lets a Redis check used as a start-up step wait for the first connection', async () => {
    const fresh = new Redis({ host: redis.host, port: redis.port });
    fresh.on('error', () => undefined);
    try {
      expect(fresh.status).not.toBe('ready');
      const report = await startup([{ name: 'dependencies', steps: [redisCheck(fresh, { timeoutMs: 3000 })] }], {
        registry: null,
        log: () => undefined,
      });
      expect(report.steps).toMatchObject([{ phase: 'dependencies', step: 'redis', status: 'ok' }]);
    } finally {
      fresh.disconnect();
    }
  });

  it('names both Redis clients when Redis stops, and recovers once they reconnect', async () => {
    await redis.stop();
    try {
      const started = Date.now();
      const ready = await getJson(`${service.url}/health/ready`);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(ready.status).toBe(503);
      const failing = ready.body.failing as Array<{ name: string; error: string }>;
      expect(failing.map((f) => f.name).sort()).toEqual(['redis', 'redis-node']);
      expect((await getJson(`${service.url}/health/live`)).status).toBe(200);
    } finally {
      await redis.start();
    }
    const deadline = Date.now() + 10_000;
    let ready = await getJson(`${service.url}/health/ready`);
    while (ready.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ready = await getJson(`${service.url}/health/ready`);
    }
    expect(ready.status).toBe(200);
  });

  it('reports a failing warning check in diagnostics without failing readiness, and masks its URL credentials', async () => {
    upstreamStatus = 503;
    try {
      const ready = await getJson(`${service.url}/health/ready`);
      expect(ready.status).toBe(200);
      const diagnostics = await getJson(`${service.url}/health`);
      expect(diagnostics.status).toBe(200);
      expect(diagnostics.body.status).toBe('warn');
      const billing = (diagnostics.body.checks as Array<Record<string, unknown>>).find((c) => c.name === 'billing-api');
      expect(billing).toMatchObject({ status: 'fail', criticality: 'warning' });
      expect(billing?.error).toMatch(/answered 503/);
      expect(billing?.error).toContain('svc:***@');
      expect(diagnostics.text).not.toContain('tok3n-Value');
    } finally {
      upstreamStatus = 200;
    }
  });
});
