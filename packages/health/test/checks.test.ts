import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createHealth, type HealthCheck } from '../src/index.js';

describe('checks', () => {
  it('fails a hung check after its timeout instead of hanging the probe, and aborts its signal', async () => {
    let aborted: unknown;
    const hung: HealthCheck = {
      name: 'hung',
      timeoutMs: 150,
      run: (signal) =>
        new Promise<void>(() => {
          signal.addEventListener('abort', () => (aborted = signal.reason));
        }),
    };
    const health = createHealth({ registry: null, checks: [hung] });
    const started = Date.now();
    const ready = await health.ready();
    const elapsed = Date.now() - started;
    health.close();
    expect(ready.status).toBe('fail');
    expect(ready.failing).toEqual([{ name: 'hung', error: 'check "hung" timed out after 150ms' }]);
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(2000);
    expect(aborted).toBeInstanceOf(Error);
  });

  it('shares one in-flight run between concurrent probes', async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    const slow: HealthCheck = {
      name: 'slow',
      run: () => {
        runs += 1;
        return new Promise<void>((resolve) => (release = resolve));
      },
    };
    // TTL 0: only the in-flight sharing is under test here.
    const health = createHealth({ registry: null, cacheTtlMs: 0, checks: [slow] });
    const probes = [health.ready(), health.ready(), health.diagnostics(), health.ready()];
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    const results = await Promise.all(probes);
    expect(runs).toBe(1);
    expect(results.every((r) => r.status === 'pass')).toBe(true);
    const next = health.ready();
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    expect((await next).status).toBe('pass');
    expect(runs).toBe(2);
    health.close();
  });

  it('reuses a result within its cache TTL and runs again after it', async () => {
    let runs = 0;
    const health = createHealth({
      registry: null,
      checks: [{ name: 'cached', cacheTtlMs: 200, run: () => void (runs += 1) }],
    });
    await health.ready();
    await health.ready();
    await health.diagnostics();
    expect(runs).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 250));
    await health.ready();
    expect(runs).toBe(2);
    health.close();
  });

  it('records health_check_status and health_check_duration_seconds per check', async () => {
    const registry = new Registry();
    let healthy = true;
    const health = createHealth({
      registry,
      cacheTtlMs: 0,
      checks: [
        { name: 'db', run: () => { if (!healthy) throw new Error('down'); } },
        { name: 'cache', criticality: 'warning', run: () => { throw new Error('cold'); } },
      ],
    });
    await health.diagnostics();
    let text = await registry.metrics();
    expect(text).toContain('health_check_status{check="db",criticality="critical"} 1');
    expect(text).toContain('health_check_status{check="cache",criticality="warning"} 0');
    expect(text).toContain('health_check_duration_seconds_count{check="db"} 1');
    healthy = false;
    const ready = await health.ready();
    expect(ready.failing).toEqual([{ name: 'db', error: 'down' }]);
    text = await registry.metrics();
    expect(text).toContain('health_check_status{check="db",criticality="critical"} 0');
    expect(text).toContain('health_check_duration_seconds_count{check="db"} 2');
    // A second monitor on the same registry reuses the metrics instead of throwing.
    const other = createHealth({ registry, checks: [{ name: 'queue', run: () => undefined }] });
    await other.ready();
    expect(await registry.metrics()).toContain('health_check_status{check="queue",criticality="critical"} 1');
    health.close();
    other.close();
  });

  it('readiness ignores warning checks; diagnostics report them as warn', async () => {
    const health = createHealth({
      registry: null,
      checks: [
        { name: 'db', run: () => undefined },
        { name: 'search', criticality: 'warning', run: () => { throw new Error('index stale'); } },
      ],
    });
    expect((await health.ready()).status).toBe('pass');
    const diagnostics = await health.diagnostics();
    expect(diagnostics.status).toBe('warn');
    expect(diagnostics.checks.find((c) => c.name === 'search')).toMatchObject({ status: 'fail', error: 'index stale' });
    health.close();
  });

  it('masks secrets that a failing check puts in its error', async () => {
    const health = createHealth({
      registry: null,
      checks: [
        {
          name: 'legacy-db',
          run: () => {
            throw new Error('connect failed for host=db user=app password=hunter22 dbname=app');
          },
        },
      ],
    });
    const ready = await health.ready();
    expect(ready.failing[0]?.error).toBe('connect failed for host=db user=app password=*** dbname=app');
    health.close();
  });

  it('turns readiness off from the moment shutdown begins, without running checks', async () => {
    let runs = 0;
    const health = createHealth({ registry: null, checks: [{ name: 'db', run: () => void (runs += 1) }] });
    health.beginShutdown();
    const ready = await health.ready();
    expect(ready).toMatchObject({ status: 'fail', shuttingDown: true });
    expect(ready.failing.map((f) => f.name)).toEqual(['shutdown']);
    expect(runs).toBe(0);
    expect(health.live().status).toBe('pass');
    health.close();
  });

  it('rejects bad check definitions with the check and field named', () => {
    expect(() => createHealth({ registry: null, checks: [{ name: 'db', timeoutMs: -1, run: () => undefined }] })).toThrow(
      'check "db": timeoutMs must be a positive number of milliseconds, got -1',
    );
    expect(() =>
      createHealth({ registry: null, checks: [{ name: 'db', criticality: 'fatal' as 'critical', run: () => undefined }] }),
    ).toThrow('check "db": criticality must be "critical" or "warning", got "fatal"');
    expect(() =>
      createHealth({ registry: null, checks: [{ name: 'db', run: () => undefined }, { name: 'db', run: () => undefined }] }),
    ).toThrow('a check named "db" is already registered');
  });

  it('fails liveness when the event loop was blocked longer than allowed', async () => {
    const health = createHealth({ registry: null, maxEventLoopDelayMs: 200 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(health.live().status).toBe('pass');
    const until = Date.now() + 400;
    while (Date.now() < until) {
      // Busy-wait: block the loop as a runaway synchronous computation would.
    }
    await new Promise((resolve) => setTimeout(resolve, 30));
    const live = health.live();
    expect(live.status).toBe('fail');
    expect(live.eventLoopDelayMs).toBeGreaterThan(200);
    health.close();
  });
});
