/**
 * The primary's aggregated scrape at production size: worker threads holding 4,000 histogram
 * series each, merged in the main thread in slices of 1 ms. What the tests read is the
 * order of events, never a duration: a ticker that gets to run, the identity of shared results,
 * merge steps that stop.
 */
import { request as httpRequest, createServer, type Server, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClusterAggregator, type ClusterAggregator } from '../src/cluster/index.js';
import { FamilyMerger, MergedFamily } from '../src/cluster/merge.js';
import { isMetricsSnapshot } from '../src/cluster/wire.js';
import { ScrapeAbortedError } from '../src/index.js';
import { ExpositionWriter } from '../src/render.js';
import { findSamples, parseExposition, sampleValue } from './helpers/exposition.js';
import { startTicker } from './helpers/ticker.js';
import { until } from './helpers/until.js';

const threadFixture = fileURLToPath(new URL('./fixtures/metrics-thread.mjs', import.meta.url));
const seriesPerThread = 2000;
const threadCount = 2;
const openMetricsAccept = 'application/openmetrics-text; version=1.0.0';

const threads: Worker[] = [];
const servers: Server[] = [];
let aggregator: ClusterAggregator | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  aggregator?.close();
  aggregator = undefined;
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await Promise.all(threads.splice(0).map((thread) => thread.terminate()));
});

/**
 * An aggregator over two threads of `seriesPerThread` operations (two histogram series each), whose primary
 * registry holds only the aggregator's own metrics: collecting it involves no I/O, so from the
 * last thread's answer to the scrape's end only the merge's own yields let other callbacks in.
 */
async function largeAggregator(): Promise<ClusterAggregator> {
  const created = createClusterAggregator({ registry: new Registry(), cluster: false, sliceMs: 1 });
  aggregator = created;
  for (let t = 0; t < threadCount; t++) {
    const thread = new Worker(threadFixture, { workerData: { items: 1, series: seriesPerThread } });
    threads.push(thread);
    created.addWorkerThread(thread);
  }
  await until('every thread reporting', async () => created.reportingWorkers, (n) => n === threadCount);
  return created;
}

/** Calls `then` in the turn the last thread's snapshot for the next scrape arrives (listeners run after the aggregator's). */
function onLastSnapshot(then: () => void): void {
  let answered = 0;
  for (const thread of threads) {
    const listener = (message: unknown): void => {
      if (!isMetricsSnapshot(message)) return;
      thread.off('message', listener);
      if (++answered === threads.length) then();
    };
    thread.on('message', listener);
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await turn();
}

/**
 * Steps of work from now on: merge steps (MergedFamily.add) and render steps
 * (ExpositionWriter.write), a few dozen series each.
 */
function countWorkSteps(): { readonly count: number; restore(): void } {
  const merged = vi.spyOn(MergedFamily.prototype, 'add');
  const written = vi.spyOn(ExpositionWriter.prototype, 'write');
  return {
    get count() {
      return merged.mock.calls.length + written.mock.calls.length;
    },
    restore() {
      merged.mockRestore();
      written.mockRestore();
    },
  };
}

async function workStepsOf(run: () => Promise<unknown>): Promise<number> {
  const steps = countWorkSteps();
  await run();
  const count = steps.count;
  steps.restore();
  return count;
}

describe('aggregated scrape in slices', () => {
  it('lets other callbacks run between the last answer and the merged exposition', async () => {
    const primary = await largeAggregator();
    const ticker = startTicker();
    // Counted from the last answer on: what the merge and the render let through.
    onLastSnapshot(() => {
      ticker.ticks = 0;
    });
    const scrape = await primary.scrape();
    ticker.stop();
    const samples = parseExposition(scrape.body);
    expect(findSamples(samples, 'operation_duration_seconds_count', { outcome: 'success' })).toHaveLength(seriesPerThread);
    expect(sampleValue(samples, 'operation_duration_seconds_count', { operation: 'op_0', outcome: 'success' })).toBe(threadCount);
    expect(sampleValue(samples, 'items_created_total', { pipeline: 'orders' })).toBe(threadCount);
    // Merging 8,000 histogram series and rendering 4,000 takes well over 1 ms: the ticker ran in
    // between (a merge in one go leaves it no turn at all).
    expect(ticker.ticks).toBeGreaterThan(3);
  }, 30_000);

  it('shares one merge and render per format among concurrent scrapes', async () => {
    const primary = await largeAggregator();
    const concurrent = await Promise.all(Array.from({ length: 20 }, () => primary.scrape()));
    // One result object for all twenty: it was merged and rendered once.
    expect(new Set(concurrent).size).toBe(1);
    expect(sampleValue(parseExposition(concurrent[0]!.body), 'operation_duration_seconds_count', { operation: 'op_1', outcome: 'error' })).toBe(0);

    const mixed = await Promise.all([primary.scrape(), primary.scrape(openMetricsAccept), primary.scrape(), primary.scrape(openMetricsAccept)]);
    expect(mixed[2]).toBe(mixed[0]);
    expect(mixed[3]).toBe(mixed[1]);
    expect(mixed[1]).not.toBe(mixed[0]);
    expect(mixed[1]!.body.endsWith('# EOF\n')).toBe(true);
    expect(mixed[1]!.body).toContain('# TYPE items_created counter');
    expect(mixed[0]!.body).not.toContain('# EOF');
    // A scrape after the flight landed merges afresh.
    expect(await primary.scrape()).not.toBe(mixed[0]);
  }, 30_000);

  it('merges once for a Prometheus and an OpenMetrics scrape that arrive together, and renders each from it', async () => {
    const primary = await largeAggregator();
    const sourcesMerged = vi.spyOn(FamilyMerger.prototype, 'addSteps');
    await primary.scrape();
    // The primary's own registry and each thread: one merge.
    expect(sourcesMerged).toHaveBeenCalledTimes(threadCount + 1);
    sourcesMerged.mockClear();

    const [text, openMetrics] = await Promise.all([primary.scrape(), primary.scrape(openMetricsAccept)]);
    expect(sourcesMerged).toHaveBeenCalledTimes(threadCount + 1);
    expect(openMetrics.contentType).toContain('application/openmetrics-text');
    expect(openMetrics.body.endsWith('# EOF\n')).toBe(true);
    for (const body of [text.body, openMetrics.body]) {
      const samples = parseExposition(body);
      expect(sampleValue(samples, 'items_created_total', { pipeline: 'orders' })).toBe(threadCount);
      expect(findSamples(samples, 'operation_duration_seconds_count', { outcome: 'success' })).toHaveLength(seriesPerThread);
    }
  }, 30_000);

  it('goes on merging for the format still waiting when the other format\'s client leaves', async () => {
    const primary = await largeAggregator();
    const gone = new AbortController();
    // The text client leaves once the shared merge has begun (its first step), not before it joined.
    const mergeStep = MergedFamily.prototype.add;
    vi.spyOn(MergedFamily.prototype, 'add').mockImplementation(function (this: MergedFamily, ...args: Parameters<MergedFamily['add']>) {
      if (!gone.signal.aborted) gone.abort();
      return mergeStep.apply(this, args);
    });
    const text = primary.scrape(undefined, gone.signal);
    const openMetrics = primary.scrape(openMetricsAccept);
    await expect(text).rejects.toBeInstanceOf(ScrapeAbortedError);
    const samples = parseExposition((await openMetrics).body);
    expect(sampleValue(samples, 'items_created_total', { pipeline: 'orders' })).toBe(threadCount);
  }, 30_000);

  it("keeps exited threads' counts in every scrape, while they are folded into the retired totals and after", async () => {
    const primary = await largeAggregator();
    const before = parseExposition((await primary.scrape()).body);
    await Promise.all(threads.map((thread) => thread.terminate()));
    // No thread left to ask: these collect at once, most likely while the fold (in slices) runs.
    const atOnce = await Promise.all([primary.scrape(), primary.scrape(openMetricsAccept)]);
    await turns(50);
    const later = await primary.scrape();
    for (const { body } of [...atOnce, later]) {
      const samples = parseExposition(body);
      expect(sampleValue(samples, 'operation_duration_seconds_count', { operation: 'op_0', outcome: 'success' })).toBe(threadCount);
      expect(findSamples(samples, 'operation_duration_seconds_bucket', { le: '+Inf', outcome: 'error' })).toHaveLength(seriesPerThread);
      expect(sampleValue(samples, 'cluster_workers_exited_total')).toBe(threadCount);
      // Gauges leave with their worker.
      expect(findSamples(samples, 'pipeline_last_item_created_timestamp_seconds')).toHaveLength(0);
    }
    expect(findSamples(before, 'pipeline_last_item_created_timestamp_seconds')).toHaveLength(1);
  }, 30_000);

  it('stops merging at the next slice boundary once every caller has gone away', async () => {
    const primary = await largeAggregator();
    const fullScrape = await workStepsOf(() => primary.scrape());

    const steps = countWorkSteps();
    const first = new AbortController();
    const second = new AbortController();
    const leaving = [primary.scrape(undefined, first.signal), primary.scrape(undefined, second.signal)];
    // Both leave after the merge's first slice: the merge is under way, far from done.
    onLastSnapshot(() =>
      setImmediate(() => {
        first.abort();
        second.abort();
      }),
    );
    for (const scrape of leaving) await expect(scrape).rejects.toBeInstanceOf(ScrapeAbortedError);
    await turns(2);
    const stoppedAt = steps.count;
    // Twenty more turns: a merge still running would take one more slice in each.
    await turns(20);
    expect(steps.count).toBe(stoppedAt);
    expect(stoppedAt).toBeGreaterThan(0);
    expect(stoppedAt).toBeLessThan(fullScrape);
    steps.restore();

    // A caller gone before it asks costs no merge at all, and the next scrape is complete.
    expect(await workStepsOf(() => expect(primary.scrape(undefined, AbortSignal.abort())).rejects.toBeInstanceOf(ScrapeAbortedError))).toBe(0);
    const complete = parseExposition((await primary.scrape()).body);
    expect(findSamples(complete, 'operation_duration_seconds_count', { outcome: 'success' })).toHaveLength(seriesPerThread);
  }, 30_000);

  it("stops when the metricsHandler's client hangs up, and serves the next one", async () => {
    const primary = await largeAggregator();
    const responses: ServerResponse[] = [];
    const server = createServer((request, response) => {
      responses.push(response);
      void primary.metricsHandler(request, response);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const fullScrape = await workStepsOf(async () => {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      expect(findSamples(parseExposition(await response.text()), 'operation_duration_seconds_count', { outcome: 'error' })).toHaveLength(seriesPerThread);
    });

    const steps = countWorkSteps();
    const hangingUp = httpRequest({ host: '127.0.0.1', port, path: '/metrics', agent: false });
    hangingUp.on('error', () => undefined);
    hangingUp.end();
    onLastSnapshot(() => hangingUp.destroy());
    await until('the request to reach the server', async () => responses.length, (n) => n === 2);
    const served = responses[1]!;
    if (!served.destroyed) await new Promise((resolve) => served.once('close', resolve));
    await turns(2);
    const stoppedAt = steps.count;
    await turns(20);
    expect(steps.count).toBe(stoppedAt);
    expect(stoppedAt).toBeLessThan(fullScrape);
    expect(served.headersSent).toBe(false);
    steps.restore();

    const next = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { accept: openMetricsAccept } });
    expect(next.status).toBe(200);
    expect((await next.text()).endsWith('# EOF\n')).toBe(true);
  }, 30_000);
});
