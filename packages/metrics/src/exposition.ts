/**
 * `/metrics`: Prometheus text 0.0.4 or OpenMetrics 1.0.0, chosen from the Accept header.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Registry } from 'prom-client';

export const prometheusContentType = Registry.PROMETHEUS_CONTENT_TYPE;
export const openMetricsContentType = Registry.OPENMETRICS_CONTENT_TYPE;

export type ExpositionFormat = 'prometheus' | 'openmetrics';

/** Highest q any media range in `accept` gives to the type; 0 when none matches. */
function qualityOf(accept: string, matches: (mediaType: string) => boolean): number {
  let best = 0;
  for (const range of accept.split(',')) {
    const [mediaType = '', ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    if (!matches(mediaType)) continue;
    let q = 1;
    for (const parameter of parameters) {
      if (parameter.startsWith('q=')) {
        const parsed = Number(parameter.slice(2));
        q = Number.isFinite(parsed) ? parsed : 0;
      }
    }
    best = Math.max(best, q);
  }
  return best;
}

/** OpenMetrics only when the client asks for it at least as strongly as for plain text. */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (accept === undefined || accept === '') return 'prometheus';
  const openMetrics = qualityOf(accept, (type) => type === 'application/openmetrics-text');
  if (openMetrics === 0) return 'prometheus';
  const text = qualityOf(accept, (type) => type === 'text/plain' || type === 'text/*' || type === '*/*');
  return openMetrics >= text ? 'openmetrics' : 'prometheus';
}

export interface Scrape {
  readonly contentType: string;
  readonly body: string;
}

const queues = new WeakMap<Registry, Promise<unknown>>();

/**
 * Serialises `registry` in `format`. prom-client writes OpenMetrics by switching the registry's
 * content type and renaming counters (dropping `_total`) in place; scrapes of one registry are
 * therefore queued and both are restored afterwards, so a text scrape never sees OpenMetrics names.
 */
export function scrapeRegistry(registry: Registry, format: ExpositionFormat): Promise<Scrape> {
  const previous = queues.get(registry) ?? Promise.resolve();
  const run = previous.then(async (): Promise<Scrape> => {
    const wanted = format === 'openmetrics' ? openMetricsContentType : prometheusContentType;
    const registryWithType = registry as unknown as Registry<typeof wanted>;
    const originalType = registry.contentType;
    if (originalType === wanted) return { contentType: wanted, body: await registry.metrics() };
    const metrics = registry.getMetricsAsArray() as unknown as Array<{ name: string }>;
    const names = metrics.map((metric) => metric.name);
    try {
      registryWithType.setContentType(wanted);
      return { contentType: wanted, body: await registry.metrics() };
    } finally {
      registryWithType.setContentType(originalType as typeof wanted);
      metrics.forEach((metric, i) => {
        metric.name = names[i]!;
      });
    }
  });
  queues.set(registry, run.catch(() => undefined));
  return run;
}

export function metricsRequestHandler(registry: Registry): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async function metricsHandler(request, response) {
    try {
      const scrape = await scrapeRegistry(registry, negotiateFormat(request.headers.accept));
      response.writeHead(200, { 'content-type': scrape.contentType });
      response.end(request.method === 'HEAD' ? undefined : scrape.body);
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`# metrics collection failed: ${(error as Error).message}\n`);
    }
  };
}
