import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createHealth } from '../src/index.js';

/** The value of health_check_status for one check, read from the registry's exposition. */
async function statusOf(registry: Registry, check: string): Promise<number | undefined> {
  const text = await registry.metrics();
  const match = new RegExp(`^health_check_status\\{check="${check}",criticality="\\w+"\\} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Polls `read` until it returns `expected` (bounded), returning the last value read. */
async function until<T>(read: () => Promise<T> | T, expected: T, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (value !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    value = await read();
  }
  return value;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('background refresh', () => {
  it('keeps health_check_status current without any probe', async () => {
    const registry = new Registry();
    let healthy = true;
    const health = createHealth({
      registry,
      refreshIntervalMs: 30,
      checks: [{ name: 'db', run: () => { if (!healthy) throw new Error('down'); } }],
    });
    expect(await until(() => statusOf(registry, 'db'), 1)).toBe(1);
    healthy = false;
    expect(await until(() => statusOf(registry, 'db'), 0)).toBe(0);
    healthy = true;
    expect(await until(() => statusOf(registry, 'db'), 1)).toBe(1);
    health.close();
  });

  it('shares an in-flight run with probes and honours the cache TTL', async () => {
    let runs = 0;
    let release: (() => void) | undefined;
    const health = createHealth({
      registry: null,
      refreshIntervalMs: 20,
      checks: [{
        name: 'slow',
        cacheTtlMs: 60_000,
        run: async () => {
          runs++;
          await new Promise<void>((resolve) => (release = resolve));
        },
      }],
    });
    expect(await until(() => runs, 1)).toBe(1);
    // Refresh ticks and a probe while the first run is still in flight all join it.
    await sleep(100);
    const probe = health.ready();
    expect(runs).toBe(1);
    release?.();
    expect((await probe).status).toBe('pass');
    // Within the TTL neither ticks nor probes run the check again.
    await sleep(100);
    await health.ready();
    expect(runs).toBe(1);
    health.close();
  });

  it('stops at close() and when shutdown begins', async () => {
    let runs = 0;
    const closed = createHealth({ registry: null, refreshIntervalMs: 20, checks: [{ name: 'a', run: () => void runs++ }] });
    expect(await until(() => runs > 0, true)).toBe(true);
    closed.close();
    const afterClose = runs;
    await sleep(120);
    expect(runs).toBe(afterClose);

    let shutdownRuns = 0;
    const stopping = createHealth({ registry: null, refreshIntervalMs: 20, checks: [{ name: 'b', run: () => void shutdownRuns++ }] });
    expect(await until(() => shutdownRuns > 0, true)).toBe(true);
    stopping.beginShutdown();
    const afterShutdown = shutdownRuns;
    await sleep(120);
    expect(shutdownRuns).toBe(afterShutdown);
    stopping.close();
  });

  it('is off with 0 and rejects a negative interval, naming the option', async () => {
    let runs = 0;
    const off = createHealth({ registry: null, refreshIntervalMs: 0, checks: [{ name: 'c', run: () => void runs++ }] });
    await sleep(60);
    expect(runs).toBe(0);
    off.close();
    expect(() => createHealth({ registry: null, refreshIntervalMs: -1 })).toThrow(
      'createHealth: refreshIntervalMs must be 0 (off) or a positive number of milliseconds, got -1',
    );
  });
});
