import { createServer, type Server } from 'node:http';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { createVigilMetrics, negotiateFormat, openMetricsContentType, prometheusContentType } from '../src/index.js';
import { parseExposition, sampleValue } from './helpers/exposition.js';
import { promtoolCheckMetrics as promtoolCheck } from './helpers/promtool.js';
import { isolatedVigil } from './helpers/vigil.js';

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('negotiateFormat', () => {
  it('picks OpenMetrics only when asked for at least as strongly as text', () => {
    expect(negotiateFormat(undefined)).toBe('prometheus');
    expect(negotiateFormat('text/plain')).toBe('prometheus');
    expect(negotiateFormat('*/*')).toBe('prometheus');
    expect(negotiateFormat('application/openmetrics-text')).toBe('openmetrics');
    // Prometheus 2.42's scrape Accept header
    expect(
      negotiateFormat('application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'),
    ).toBe('openmetrics');
    expect(negotiateFormat('application/openmetrics-text;q=0.2,text/plain;q=0.9')).toBe('prometheus');
    expect(negotiateFormat('application/openmetrics-text;q=0')).toBe('prometheus');
  });
});

describe('/metrics exposition', () => {
  it('serves text by default and OpenMetrics on request, and both read back', async () => {
    const vigil = createVigilMetrics({
      registry: new Registry(),
      countUnhandledErrors: false,
      defaultLabels: { service: 'checkout', version: '1.4.2' },
    });
    vigil.pipeline('orders').created();
    vigil.timed('render', () => 'html')();
    const server = createServer((request, response) => void vigil.metricsHandler(request, response));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const url = `http://127.0.0.1:${port}/metrics`;

    const text = await fetch(url);
    expect(text.headers.get('content-type')).toBe(prometheusContentType);
    const textBody = await text.text();
    const textSamples = parseExposition(textBody);
    expect(sampleValue(textSamples, 'items_created_total', { pipeline: 'orders', service: 'checkout', version: '1.4.2' })).toBe(1);
    expect(sampleValue(textSamples, 'operation_duration_seconds_count', { operation: 'render', outcome: 'success' })).toBe(1);
    // prom-client's default Node metrics carry the default labels too
    expect(sampleValue(textSamples, 'process_cpu_seconds_total', { service: 'checkout' })).toBeGreaterThanOrEqual(0);
    expect(textSamples.some((s) => s.name === 'nodejs_heap_size_used_bytes')).toBe(true);

    const openMetrics = await fetch(url, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
    expect(openMetrics.headers.get('content-type')).toBe(openMetricsContentType);
    const omBody = await openMetrics.text();
    expect(omBody.endsWith('# EOF\n')).toBe(true);
    expect(omBody).toContain('# TYPE items_created counter');
    expect(sampleValue(parseExposition(omBody), 'items_created_total', { pipeline: 'orders' })).toBe(1);

    // prom-client renames counters in place for OpenMetrics; the next text scrape must not see that.
    const again = await (await fetch(url)).text();
    expect(again).toContain('# TYPE items_created_total counter');
    expect(again).toContain('# TYPE process_cpu_seconds_total counter');
    expect(await promtoolCheck(again)).toEqual({ code: 0, output: '' });
  });

  it('passes promtool check metrics with every catalog family populated', async () => {
    const vigil = isolatedVigil({ maxLabelSets: 2 });
    const pipeline = vigil.pipeline('orders', { requiredFields: ['id'] });
    pipeline.created({});
    pipeline.validationFailed('schema');
    pipeline.validationFailed('range');
    vigil.timed('a', () => 1)();
    vigil.timed('b', () => 1)();
    expect(await promtoolCheck(await vigil.registry.metrics())).toEqual({ code: 0, output: '' });
  });

  it('works with the rest of the Registry API: JSON and resetMetrics', async () => {
    const vigil = isolatedVigil();
    vigil.timed('json', () => 1)();
    vigil.pipeline('orders').created();
    const json = await vigil.registry.getMetricsAsJSON();
    const histogram = json.find((metric) => metric.name === 'operation_duration_seconds')!;
    expect(histogram.type).toBe('histogram');
    expect(histogram.values).toContainEqual(
      expect.objectContaining({ metricName: 'operation_duration_seconds_count', value: 1, labels: { operation: 'json', outcome: 'success' } }),
    );
    expect(histogram.values).toContainEqual(
      expect.objectContaining({ metricName: 'operation_duration_seconds_bucket', value: 1, labels: { operation: 'json', outcome: 'success', le: '+Inf' } }),
    );
    vigil.registry.resetMetrics();
    const samples = parseExposition(await vigil.registry.metrics());
    expect(sampleValue(samples, 'operation_duration_seconds_count', { operation: 'json', outcome: 'success' })).toBe(0);
    expect(sampleValue(samples, 'items_created_total', { pipeline: 'orders' })).toBe(0);
  });

  it('HEAD gets headers only', async () => {
    const vigil = isolatedVigil();
    const server = createServer((request, response) => void vigil.metricsHandler(request, response));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('refuses a second VigilMetrics on the same registry', () => {
    const vigil = isolatedVigil();
    expect(() => createVigilMetrics({ registry: vigil.registry })).toThrow(/already has a VigilMetrics/);
  });

  it('rejects bad default label names and values', () => {
    expect(() => isolatedVigil({ defaultLabels: { 'bad-name': 'x' } })).toThrow(/invalid label name "bad-name"/);
    expect(() => isolatedVigil({ defaultLabels: { service: '' } })).toThrow(/label "service"/);
  });
});
