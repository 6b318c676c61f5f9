import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createClusterAggregator, restartDelayMs, workerCountFor } from '../src/cluster/index.js';
import { FamilyMerger } from '../src/cluster/merge.js';
import { snapshotRegistry } from '../src/cluster/snapshot.js';
import { findSamples, parseExposition, sampleValue, type Sample } from './helpers/exposition.js';
import { promtoolCheckMetrics } from './helpers/promtool.js';
import { until } from './helpers/until.js';
import { isolatedVigil } from './helpers/vigil.js';

const serviceFixture = fileURLToPath(new URL('./fixtures/cluster-service.ts', import.meta.url));
const threadFixture = fileURLToPath(new URL('./fixtures/metrics-thread.mjs', import.meta.url));

const children: ChildProcess[] = [];
const threads: Worker[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // A child that crashed may still look alive here; its closed channel must not throw into the runner.
      if (child.connected) child.send('stop', (error) => error && child.kill('SIGKILL'));
      else child.kill('SIGKILL');
      await exited;
    }
  }
  await Promise.all(threads.splice(0).map((thread) => thread.terminate()));
});

async function startService(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(serviceFixture, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: 'inherit' });
  children.push(child);
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`cluster fixture exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

async function workersOf(url: string): Promise<{ pids: Record<string, number>; reporting: number }> {
  return (await fetch(`${url}/workers`)).json() as Promise<{ pids: Record<string, number>; reporting: number }>;
}

async function scrape(url: string): Promise<Sample[]> {
  return parseExposition(await (await fetch(`${url}/metrics`)).text());
}

const itemsOf = (samples: Sample[]): number => sampleValue(samples, 'items_created_total', { pipeline: 'orders' });
const callsOf = (samples: Sample[]): number => sampleValue(samples, 'operation_duration_seconds_count', { operation: 'fixture.work', outcome: 'success' });

describe('node:cluster aggregation', () => {
  it('keeps totals monotonic when a worker is killed mid-traffic, and counts the exit and the restart', async () => {
    const { url } = await startService({ WORKERS: '2' });
    await until('two reporting workers', () => workersOf(url), (w) => w.reporting === 2);
    const totals: Array<{ items: number; calls: number }> = [];
    const record = async (): Promise<Sample[]> => {
      const samples = await scrape(url);
      totals.push({ items: itemsOf(samples), calls: callsOf(samples) });
      return samples;
    };
    for (let i = 0; i < 3; i++) {
      await record();
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const before = await record();
    // One series per worker for a per-process gauge; the service label stays.
    expect(findSamples(before, 'nodejs_heap_size_used_bytes', { service: 'fixture' }).map((s) => s.labels.worker).sort()).toEqual(['0', '1']);
    expect(sampleValue(before, 'cluster_workers_exited_total')).toBe(0);
    // Every slot's restart series exists at 0 before its first crash, so increase() sees the first one.
    expect(findSamples(before, 'cluster_worker_restarts_total').map((s) => [s.labels.worker, s.value]).sort()).toEqual([['0', 0], ['1', 0]]);

    const { pids } = await workersOf(url);
    process.kill(pids['0']!, 'SIGKILL');
    const afterRestart = await until(
      'the killed worker to be restarted and report',
      async () => ({ workers: await workersOf(url), samples: await record() }),
      ({ workers, samples }) => workers.reporting === 2 && workers.pids['0'] !== pids['0'] && sampleValue(samples, 'cluster_worker_restarts_total', { worker: '0' }) === 1,
    );
    for (let i = 0; i < 3; i++) {
      await record();
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const last = await record();

    for (let i = 1; i < totals.length; i++) {
      expect(totals[i]!.items, `items_created_total at scrape ${i}`).toBeGreaterThanOrEqual(totals[i - 1]!.items);
      expect(totals[i]!.calls, `operation count at scrape ${i}`).toBeGreaterThanOrEqual(totals[i - 1]!.calls);
    }
    expect(itemsOf(last)).toBeGreaterThan(itemsOf(before));
    expect(sampleValue(afterRestart.samples, 'cluster_workers_exited_total')).toBe(1);
    expect(sampleValue(last, 'cluster_workers_exited_total')).toBe(1);
    expect(sampleValue(last, 'cluster_worker_restarts_total', { worker: '1' })).toBe(0);
    // The replacement keeps slot 0's label: its start time is one series, not a new one per restart.
    expect(findSamples(last, 'process_start_time_seconds', { worker: '0' })).toHaveLength(1);
    expect(await promtoolCheckMetrics(await (await fetch(`${url}/metrics`)).text())).toEqual({ code: 0, output: '' });
    const openMetrics = await fetch(`${url}/metrics`, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
    const omBody = await openMetrics.text();
    expect(omBody.endsWith('# EOF\n')).toBe(true);
    expect(omBody).toContain('# TYPE items_created counter');
  }, 60_000);

  it('survives scrapes sent down a killed worker\'s closing channel', async () => {
    const { url, child } = await startService({ WORKERS: '2' });
    await until('two reporting workers', () => workersOf(url), (w) => w.reporting === 2);
    for (let round = 0; round < 3; round++) {
      const before = await workersOf(url);
      const slot = String(round % 2);
      const killed = (await (await fetch(`${url}/kill?slot=${slot}`)).json()) as { scrapes: number };
      expect(killed.scrapes).toBeGreaterThan(0);
      await until('the killed worker to be replaced', () => workersOf(url), (w) => w.reporting === 2 && w.pids[slot] !== before.pids[slot]);
    }
    expect(child.exitCode).toBeNull();
    expect(sampleValue(await scrape(url), 'cluster_workers_exited_total')).toBe(3);
  }, 60_000);

  it('answers a scrape with the workers that answered when one does not, within the collect timeout', async () => {
    const collectTimeoutMs = 400;
    const { url } = await startService({ WORKERS: '2', SILENT_SLOT: '1', COLLECT_TIMEOUT_MS: String(collectTimeoutMs) });
    await until('two reporting workers', () => workersOf(url), (w) => w.reporting === 2);
    const first = await scrape(url);
    expect(sampleValue(first, 'cluster_metrics_collect_timeouts_total')).toBe(0);
    const silentHeap = sampleValue(first, 'nodejs_heap_size_used_bytes', { worker: '1' });
    await new Promise((resolve) => setTimeout(resolve, 200));

    const started = performance.now();
    const second = await scrape(url);
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(collectTimeoutMs - 20);
    expect(took).toBeLessThan(collectTimeoutMs + 3000);
    expect(sampleValue(second, 'cluster_metrics_collect_timeouts_total')).toBe(1);
    // The silent worker's last snapshot stands in for it; the other worker's counts moved on.
    expect(sampleValue(second, 'nodejs_heap_size_used_bytes', { worker: '1' })).toBe(silentHeap);
    expect(itemsOf(second)).toBeGreaterThan(itemsOf(first));
  }, 60_000);
});

describe('worker_threads aggregation', () => {
  it('merges threads into the main thread and keeps an exited thread counts', async () => {
    const main = isolatedVigil();
    main.pipeline('orders').created();
    const aggregator = createClusterAggregator({ registry: main.registry, cluster: false });
    for (const items of [3, 5]) {
      const thread = new Worker(threadFixture, { workerData: { items } });
      threads.push(thread);
      aggregator.addWorkerThread(thread);
    }
    await until('two reporting threads', async () => aggregator.reportingWorkers, (n) => n === 2);
    const merged = parseExposition((await aggregator.scrape()).body);
    expect(itemsOf(merged)).toBe(1 + 3 + 5);

    await threads[0]!.terminate();
    const after = parseExposition((await aggregator.scrape()).body);
    expect(itemsOf(after)).toBe(1 + 3 + 5);
    expect(sampleValue(after, 'cluster_workers_exited_total')).toBe(1);
    aggregator.close();
  }, 30_000);
});

describe('merging', () => {
  it('sums counters and histograms, takes the newest last item, keeps per-worker gauges apart, and carries NaN through JSON', async () => {
    const a = isolatedVigil();
    const b = isolatedVigil();
    a.pipeline('orders').created();
    b.pipeline('orders').created();
    b.pipeline('orders').created();
    a.timed('op', () => 1)();
    b.timed('op', () => 1)();
    const gauge = a.registry.getSingleMetric('circuit_breaker_state') as unknown as { seriesFor(values: string[]): { value: number } };
    gauge.seriesFor(['redis']).value = Number.NaN;
    const merger = new FamilyMerger({ circuit_breaker_state: 'worker', container_cpu_limit_cores: 'omit' });
    merger.add({ worker: 'a', families: JSON.parse(JSON.stringify(await snapshotRegistry(a.registry))) });
    merger.add({ worker: 'b', families: await snapshotRegistry(b.registry) });
    const samples = parseExposition(merger.render(false));
    expect(itemsOf(samples)).toBe(3);
    expect(sampleValue(samples, 'operation_duration_seconds_count', { operation: 'op', outcome: 'success' })).toBe(2);
    expect(sampleValue(samples, 'operation_duration_seconds_bucket', { operation: 'op', outcome: 'success', le: '+Inf' })).toBe(2);
    const lastItems = [a, b].map(async (v) => sampleValue(parseExposition(await v.registry.metrics()), 'pipeline_last_item_created_timestamp_seconds'));
    expect(sampleValue(samples, 'pipeline_last_item_created_timestamp_seconds')).toBe(Math.max(...(await Promise.all(lastItems))));
    expect(sampleValue(samples, 'circuit_breaker_state', { breaker: 'redis', worker: 'a' })).toBeNaN();
    expect(samples.some((sample) => sample.name === 'container_cpu_limit_cores')).toBe(false);
    expect(await promtoolCheckMetrics(merger.render(false))).toEqual({ code: 0, output: '' });
  });
});

describe('worker count and restart backoff', () => {
  it('takes the lower of the CPU and memory bounds, never below one worker', () => {
    const gib = 1024 ** 3;
    expect(workerCountFor({ perWorkerMemoryBytes: gib }, { cpuCores: 8, memoryBytes: 3 * gib })).toEqual({ workers: 3, limitedBy: 'memory', cpuWorkers: 8, memoryWorkers: 3 });
    expect(workerCountFor({ perWorkerMemoryBytes: gib }, { cpuCores: 2.5, memoryBytes: 16 * gib })).toEqual({ workers: 2, limitedBy: 'cpu', cpuWorkers: 2, memoryWorkers: 16 });
    expect(workerCountFor({ perWorkerMemoryBytes: gib, reservedMemoryBytes: gib }, { cpuCores: 0.5, memoryBytes: gib }).workers).toBe(1);
    expect(() => workerCountFor({ perWorkerMemoryBytes: 0 }, { cpuCores: 1, memoryBytes: gib })).toThrow(/perWorkerMemoryBytes/);
  });

  it('reports the plan as cluster_workers_planned', async () => {
    const { planWorkerCount } = await import('../src/cluster/index.js');
    const registry = new Registry();
    const plan = await planWorkerCount({ perWorkerMemoryBytes: 1, registry, limits: { cpuCores: 1, memoryBytes: 10 } });
    expect(plan).toMatchObject({ workers: 1, limitedBy: 'cpu' });
    expect(sampleValue(parseExposition(await registry.metrics()), 'cluster_workers_planned', { limited_by: 'cpu' })).toBe(1);
  });

  it('doubles the restart delay per crash in a row, up to the maximum', () => {
    const backoff = { initialMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5].map((n) => restartDelayMs(n, backoff))).toEqual([100, 200, 400, 800, 1000]);
  });
});
