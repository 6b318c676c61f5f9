import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createVigilMetrics, ScrapeAbortedError, type VigilMetrics } from '../src/index.js';
import { Family } from '../src/families.js';
import { parseExposition, type Sample } from './helpers/exposition.js';
import { promtoolCheckMetrics } from './helpers/promtool.js';
import { startTicker } from './helpers/ticker.js';
import { isolatedVigil } from './helpers/vigil.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Sample identities (name and sorted labels) with values, order-free, for comparing two renders. */
function keyed(samples: readonly Sample[]): Map<string, number> {
  return new Map(
    samples.map((sample) => {
      const labels = Object.entries(sample.labels).sort(([a], [b]) => a.localeCompare(b));
      return [`${sample.name}${JSON.stringify(labels)}`, sample.value];
    }),
  );
}

/** prom-client's own OpenMetrics rendering of a registry, its content type restored afterwards. */
async function promClientOpenMetrics(registry: Registry): Promise<string> {
  const original = registry.contentType;
  const metrics = registry.getMetricsAsArray();
  const names = metrics.map((metric) => (metric as unknown as { name: string }).name);
  (registry as unknown as Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>).setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  try {
    return await registry.metrics();
  } finally {
    (registry as unknown as Registry<typeof original>).setContentType(original);
    metrics.forEach((metric, i) => {
      (metric as unknown as { name: string }).name = names[i]!;
    });
  }
}

// Label values a hostile caller could pass: every character the formats must escape.
const hostileValues = ['quote"inside', 'back\\slash', 'new\nline', 'trailing\\', '"\\\n"', 'ünïcödé ✓', '{a="b"}'];

function populated(): VigilMetrics {
  const vigil = isolatedVigil({ defaultLabels: { service: 'checkout', version: '1.2.3' } });
  for (const value of hostileValues) {
    vigil.pipeline('orders', { source: value.replace(/\n/g, ' ') }).validationFailed(value);
    vigil.timed(`op.${hostileValues.indexOf(value)}`, () => 1)();
  }
  const pipeline = vigil.pipeline('invoices', { requiredFields: ['id'] });
  pipeline.created({});
  return vigil;
}

describe('exposition render', () => {
  it("writes Vigil's families exactly as prom-client would, in both formats, hostile label values included", async () => {
    const vigil = populated();
    await new Promise((resolve) => setImmediate(resolve));
    const ours = await vigil.scrape('text/plain');
    const reference = await vigil.registry.metrics();
    expect(keyed(parseExposition(ours.body))).toEqual(keyed(parseExposition(reference)));
    expect(ours.body).toContain('reason="quote\\"inside"');
    expect(ours.body).toContain('reason="new\\nline"');
    expect(await promtoolCheckMetrics(ours.body)).toEqual({ code: 0, output: '' });

    const openMetrics = await vigil.scrape('application/openmetrics-text');
    const referenceOpenMetrics = await promClientOpenMetrics(vigil.registry);
    expect(keyed(parseExposition(openMetrics.body.replace(/# EOF\n$/, '')))).toEqual(
      keyed(parseExposition(referenceOpenMetrics.replace(/# EOF\n$/, ''))),
    );
    expect(openMetrics.body).toContain('# TYPE item_validation_errors counter');
    expect(openMetrics.body.endsWith('# EOF\n')).toBe(true);
    expect(openMetrics.body.match(/# EOF/g)).toHaveLength(1);
    expect(openMetrics.bytes.equals(Buffer.from(openMetrics.body))).toBe(true);
  });

  it('keeps prom-client default metrics and user metrics of the same Registry unchanged and valid', async () => {
    const registry = new Registry();
    const vigil = createVigilMetrics({ registry, countUnhandledErrors: false, defaultLabels: { service: 'api' } });
    new Counter({ name: 'user_jobs_total', help: 'Jobs "done"\nper worker', labelNames: ['queue'], registers: [registry] }).inc({ queue: 'a\\b' }, 3);
    new Gauge({ name: 'user_queue_depth', help: 'Depth', registers: [registry] }).set(7);
    new Histogram({ name: 'user_job_seconds', help: 'Job time', buckets: [0.1, 1], registers: [registry] }).observe(0.5);
    new Summary({ name: 'user_payload_bytes', help: 'Payload', percentiles: [0.5, 0.9], registers: [registry] }).observe(100);
    vigil.timed('work', () => 1)();

    const ours = (await vigil.scrape()).body;
    const reference = await registry.metrics();
    // Every line prom-client writes for its own metrics appears verbatim, process values aside.
    const stable = (line: string): boolean => line.startsWith('user_') || line.startsWith('# ') || line.startsWith('nodejs_version_info');
    for (const line of reference.split('\n').filter(stable)) expect(ours.split('\n')).toContain(line);
    // Series per GC kind and per active handle/request type come and go with the process's state.
    const volatile = /^nodejs_(gc_duration_seconds|active_)/;
    const identities = (text: string): string[] => [...keyed(parseExposition(text)).keys()].filter((key) => !volatile.test(key)).sort();
    const names = (text: string): string[] => [...new Set(parseExposition(text).map((sample) => sample.name))].filter((name) => !volatile.test(name)).sort();
    expect(names(ours)).toEqual(names(reference));
    expect(identities(ours)).toEqual(identities(reference));
    expect(await promtoolCheckMetrics(ours)).toEqual({ code: 0, output: '' });

    const openMetrics = (await vigil.scrape('application/openmetrics-text')).body;
    expect(openMetrics).toContain('# TYPE user_jobs counter');
    expect(openMetrics).toContain('user_jobs_total{queue="a\\\\b",service="api"} 3');
    expect(openMetrics).toContain('# TYPE process_cpu_seconds counter');
    // The registry itself was never switched or renamed.
    expect(registry.contentType).toBe(Registry.PROMETHEUS_CONTENT_TYPE);
    expect(await registry.metrics()).toContain('# TYPE user_jobs_total counter');
    vigil.close();
  });

  it('refreshes cached label blocks when default labels change', async () => {
    const vigil = isolatedVigil({ defaultLabels: { version: '1' } });
    vigil.timed('op', () => 1)();
    expect((await vigil.scrape()).body).toContain('operation_duration_seconds_count{operation="op",outcome="success",version="1"} 1');
    vigil.setDefaultLabels({ version: '2' });
    expect((await vigil.scrape()).body).toContain('operation_duration_seconds_count{operation="op",outcome="success",version="2"} 1');
  });

  it('lets concurrent scrapes share one render (single flight)', async () => {
    const vigil = isolatedVigil();
    const collect = vi.fn(function (this: Gauge) {
      this.set(1);
    });
    new Gauge({ name: 'collected_gauge', help: 'Counts collections', registers: [vigil.registry], collect });
    const scrapes = await Promise.all(Array.from({ length: 20 }, () => vigil.scrape()));
    expect(collect).toHaveBeenCalledTimes(1);
    expect(new Set(scrapes).size).toBe(1);
    // A scrape after the flight landed renders afresh.
    await vigil.scrape();
    expect(collect).toHaveBeenCalledTimes(2);
  });

  it('yields to the event loop during a large render', async () => {
    const vigil = isolatedVigil({ maxLabelSets: 5_000, renderSliceMs: 1 });
    for (let i = 0; i < 2_000; i++) vigil.timed(`op_${i}`, () => i)();
    const ticker = startTicker();
    const scrape = await vigil.scrape();
    ticker.stop();
    expect(parseExposition(scrape.body).filter((s) => s.name === 'operation_duration_seconds_count')).toHaveLength(4_000);
    // A render of 4,000 histogram series takes well over 1 ms; other callbacks ran in between.
    expect(ticker.ticks).toBeGreaterThan(3);
  });

  it('stops a render once every client waiting for it has gone away', async () => {
    const vigil = isolatedVigil({ maxLabelSets: 5_000, renderSliceMs: 1 });
    for (let i = 0; i < 2_000; i++) vigil.timed(`op_${i}`, () => i)();
    const rendered = vi.spyOn(Family.prototype, 'renderSeries');
    const first = new AbortController();
    const second = new AbortController();
    const scrapes = [vigil.scrape(undefined, first.signal), vigil.scrape(undefined, second.signal)];
    setImmediate(() => {
      first.abort();
      second.abort();
    });
    for (const scrape of scrapes) await expect(scrape).rejects.toBeInstanceOf(ScrapeAbortedError);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rendered.mock.calls.length).toBeLessThan(4_000);
    // A client already gone before it asks costs nothing at all.
    rendered.mockClear();
    await expect(vigil.scrape(undefined, AbortSignal.abort())).rejects.toBeInstanceOf(ScrapeAbortedError);
    expect(rendered).not.toHaveBeenCalled();
    // The next scrape is complete.
    const full = await vigil.scrape();
    expect(parseExposition(full.body).filter((s) => s.name === 'operation_duration_seconds_count')).toHaveLength(4_000);
  });
});
