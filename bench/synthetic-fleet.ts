/**
 * A synthetic exporter for a whole fleet, for the rule-evaluation bench: one HTTP server on
 * 127.0.0.1 that answers `/metrics?service=NAME` with the series a Vigil service of that spec
 * exposes (RED histogram, pipeline counters and last-item gauge, process and container gauges,
 * health checks), their counters growing with time. Every 25th API service answers 30% 5xx and
 * every 25th pipeline has stopped, so some alerts really fire.
 */
import { createServer, type Server } from 'node:http';
import { catalog, latencyBucketsSeconds } from '@vigil/metrics/catalog';
import type { MonitoringSpec } from '@vigil/generator';

interface ServiceSeries {
  readonly kind: string;
  readonly index: number;
  readonly pipelines: readonly { readonly name: string; readonly index: number; readonly fields: readonly string[] }[];
}

export interface SyntheticFleet {
  readonly target: string;
  close(): Promise<void>;
}

const started = Date.now() / 1000;
const line = (name: string, labels: Readonly<Record<string, string>>, value: number): string => {
  const pairs = Object.entries(labels).map(([key, text]) => `${key}="${text}"`);
  return `${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${Number.isInteger(value) ? value : value.toFixed(6)}\n`;
};

function exposition(service: ServiceSeries, now: number): string {
  const elapsed = now - started;
  let text = '';
  if (service.kind === 'api') {
    const failing = service.index % 25 === 0;
    const perSecond = 5;
    for (const [status, share] of [['200', failing ? 0.7 : 0.99], ['500', failing ? 0.3 : 0.01]] as const) {
      const labels = { method: 'GET', route: '/api/items/:id', status_code: status };
      const count = Math.floor(elapsed * perSecond * share) + 100;
      latencyBucketsSeconds.forEach((bound) => {
        text += line(`${catalog.httpRequestDuration.name}_bucket`, { ...labels, le: String(bound) }, Math.floor(count * Math.min(1, bound / 0.25)));
      });
      text += line(`${catalog.httpRequestDuration.name}_bucket`, { ...labels, le: '+Inf' }, count);
      text += line(`${catalog.httpRequestDuration.name}_count`, labels, count);
      text += line(`${catalog.httpRequestDuration.name}_sum`, labels, count * 0.05);
    }
  }
  for (const pipeline of service.pipelines) {
    const stopped = pipeline.index % 25 === 0;
    const created = stopped ? 100 : Math.floor(elapsed * 2) + 100;
    const labels = { pipeline: pipeline.name, item_type: 'order', source: 'api' };
    text += line(catalog.itemsCreated.name, labels, created);
    text += line(catalog.itemValidationErrors.name, { pipeline: pipeline.name, item_type: 'order', reason: 'schema' }, Math.floor(created / 200));
    for (const field of pipeline.fields) text += line(catalog.itemFieldMissing.name, { pipeline: pipeline.name, item_type: 'order', field }, Math.floor(created / 500));
    text += line(catalog.pipelineLastItemCreated.name, { pipeline: pipeline.name }, stopped ? started - 86_400 : Math.floor(now));
  }
  text += line('process_cpu_seconds_total', {}, elapsed * 0.05);
  text += line('process_resident_memory_bytes', {}, 150e6 + (service.index % 7) * 1e6);
  text += line('process_start_time_seconds', {}, Math.floor(started));
  text += line('nodejs_eventloop_lag_p99_seconds', {}, 0.01);
  text += line(catalog.containerMemoryLimit.name, {}, 512e6);
  text += line(catalog.containerCpuLimit.name, {}, 1);
  text += line(catalog.unhandledErrors.name, { kind: 'rejection' }, 0);
  text += line(catalog.healthCheckStatus.name, { check: 'postgres', criticality: 'critical' }, 1);
  return text;
}

export async function startSyntheticFleet(spec: MonitoringSpec): Promise<SyntheticFleet> {
  const byService = new Map<string, ServiceSeries>();
  spec.services.forEach((service, index) => byService.set(service.name, { kind: service.kind ?? 'api', index, pipelines: [] }));
  (spec.pipelines ?? []).forEach((pipeline, index) => {
    const owner = byService.get(pipeline.service);
    if (owner) (owner.pipelines as { name: string; index: number; fields: readonly string[] }[]).push({ name: pipeline.name, index, fields: pipeline.requiredFields ?? [] });
  });
  const server: Server = createServer((request, response) => {
    const name = new URL(request.url ?? '/', 'http://fleet').searchParams.get('service') ?? '';
    const service = byService.get(name);
    if (service === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition(service, Date.now() / 1000));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('synthetic fleet: no TCP address');
  return {
    target: `127.0.0.1:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
