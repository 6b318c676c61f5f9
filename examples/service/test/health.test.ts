/**
 * @vigil/health wired into the example service, run as a child process: probes, pipeline
 * freshness, background refresh of health_check_status, fail-fast start-up against a real
 * PostgreSQL, Redis outages, and graceful shutdown on SIGTERM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchExampleService, type LaunchedExampleService } from '../src/launch.js';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from '../../../packages/health/test/support/servers.js';

interface Service extends LaunchedExampleService {
  readonly url: string;
}

const launched: LaunchedExampleService[] = [];

/** Spawns the service; `listening` rejects with the exit code and output when it ends before listening. */
function spawnService(env: Record<string, string>): LaunchedExampleService {
  const service = launchExampleService(env);
  launched.push(service);
  return service;
}

const startService = async (env: Record<string, string>): Promise<Service> => {
  const service = spawnService(env);
  return { ...service, url: await service.listening };
};

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Polls `read` until `done` accepts its value (bounded), returning that value. */
async function poll<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: not reached within ${timeoutMs} ms; last value ${JSON.stringify(last)}`);
}

async function checkStatusMetric(url: string, check: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith('health_check_status{') && candidate.includes(`check="${check}"`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

function checkOf(diagnostics: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  return (diagnostics['checks'] as Array<Record<string, unknown>>).find((check) => check['name'] === name);
}

let postgres: PostgresServer;
let redis: RedisServer;

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
}, 60_000);

afterAll(async () => {
  await Promise.all(launched.map((service) => service.stop('SIGKILL')));
  await Promise.allSettled([postgres?.close(), redis?.close()]);
}, 30_000);

describe('example service health', () => {
  it('answers live and ready, and a stopped pipeline turns /health to warn, with the metric refreshed without any probe', async () => {
    const service = await startService({
      VIGIL_SERVICE: 'ingest', PIPELINES: 'orders', ITEM_INTERVAL_MS: '50', FRESHNESS_WINDOW_MS: '400', HEALTH_REFRESH_MS: '100',
    });
    expect((await getJson(`${service.url}/health/live`)).status).toBe(200);
    expect(await getJson(`${service.url}/health/ready`)).toMatchObject({ status: 200, body: { status: 'pass' } });
    const healthy = await getJson(`${service.url}/health`);
    expect(healthy.body).toMatchObject({ status: 'pass', service: 'ingest' });
    expect(checkOf(healthy.body, 'pipeline:orders')).toMatchObject({ status: 'pass', criticality: 'warning' });

    await fetch(`${service.url}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json', ...service.adminHeaders }, body: '{"stopItems":true}' });
    // Only /metrics is read here: the background refresh alone must bring the status to 0.
    await poll('health_check_status{check="pipeline:orders"} to be 0', () => checkStatusMetric(service.url, 'pipeline:orders'), (value) => value === 0);
    const stale = await getJson(`${service.url}/health`);
    expect(stale.status).toBe(200);
    expect(stale.body['status']).toBe('warn');
    expect(String(checkOf(stale.body, 'pipeline:orders')?.['error'])).toMatch(/^last item created .* ago, more than the 400ms window$/);
    // A warning check never fails readiness.
    expect((await getJson(`${service.url}/health/ready`)).status).toBe(200);

    await fetch(`${service.url}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json', ...service.adminHeaders }, body: '{"stopItems":false}' });
    await poll('/health to pass again', async () => (await getJson(`${service.url}/health`)).body['status'], (status) => status === 'pass');
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  }, 60_000);

  it('turns readiness 503 as soon as SIGTERM arrives, stays live, then exits 0', async () => {
    const service = await startService({ PIPELINES: 'orders', ITEM_INTERVAL_MS: '50', SHUTDOWN_READINESS_DELAY_MS: '3000' });
    expect((await getJson(`${service.url}/health/ready`)).status).toBe(200);
    service.child.kill('SIGTERM');
    const ready = await poll('/health/ready to answer 503', () => getJson(`${service.url}/health/ready`), (answer) => answer.status === 503, 2_500);
    expect(ready.body).toMatchObject({ status: 'fail', shuttingDown: true });
    expect((await getJson(`${service.url}/health/live`)).status).toBe(200);
    expect(await service.exited).toBe(0);
    const events = service.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.filter((event) => event['event'] === 'shutdown_hook').map((event) => [event['hook'], event['status']])).toEqual([
      ['pipelines', 'ok'],
      ['health', 'ok'],
    ]);
  }, 60_000);

  it('fails start-up in the dependencies phase on a wrong PostgreSQL password, masked, and exits 1 without listening', async () => {
    const wrongPassword = 'Wrong-Pass-9876';
    const databaseUrl = `postgresql://${postgres.user}:${wrongPassword}@127.0.0.1:${postgres.port}/${postgres.database}`;
    const run = spawnService({ DATABASE_URL: databaseUrl });
    await expect(run.listening).rejects.toThrow(/exited with 1 before listening/);
    expect(await run.exited).toBe(1);
    const output = run.output();
    expect(output).toContain('examples/service: start-up failed in phase "dependencies" at step "postgres": postgres 127.0.0.1:');
    expect(output).toMatch(/password authentication failed for user "vigil"/);
    expect(output).not.toContain(wrongPassword);
    expect(output).not.toContain('"event":"listening"');
  }, 60_000);

  it('checks real PostgreSQL and Redis as critical dependencies: a Redis outage fails readiness and its metric until it returns', async () => {
    const service = await startService({ DATABASE_URL: postgres.connectionString, REDIS_URL: redis.url, HEALTH_REFRESH_MS: '200' });
    const ready = await getJson(`${service.url}/health/ready`);
    expect(ready).toMatchObject({ status: 200, body: { status: 'pass' } });
    const diagnostics = (await getJson(`${service.url}/health`)).body;
    expect(checkOf(diagnostics, 'postgres')).toMatchObject({ status: 'pass', criticality: 'critical' });
    expect(checkOf(diagnostics, 'redis')).toMatchObject({ status: 'pass', criticality: 'critical' });
    expect(JSON.stringify(diagnostics)).not.toContain(postgres.password);

    await redis.stop();
    try {
      await poll('health_check_status{check="redis"} to be 0', () => checkStatusMetric(service.url, 'redis'), (value) => value === 0);
      const failing = await getJson(`${service.url}/health/ready`);
      expect(failing.status).toBe(503);
      expect((failing.body['failing'] as Array<{ name: string }>).map((entry) => entry.name)).toEqual(['redis']);
      expect(await checkStatusMetric(service.url, 'postgres')).toBe(1);
    } finally {
      await redis.start();
    }
    await poll('health_check_status{check="redis"} to be 1 again', () => checkStatusMetric(service.url, 'redis'), (value) => value === 1);
    expect((await getJson(`${service.url}/health/ready`)).status).toBe(200);

    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    const hooks = service.output().split('\n').filter((line) => line.includes('"shutdown_hook"')).map((line) => (JSON.parse(line) as { hook: string; status: string }));
    expect(hooks.map((hook) => `${hook.hook}:${hook.status}`)).toEqual(['pipelines:ok', 'redis:ok', 'postgres:ok', 'health:ok']);
  }, 90_000);
});
