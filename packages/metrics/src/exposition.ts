/**
 * `/metrics`: Prometheus text 0.0.4 or OpenMetrics 1.0.0, chosen from the Accept header.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { ExpositionRenderer, type ExpositionFormat, type RendererOptions, type Scrape } from './render.js';
import { ScrapeAbortedError } from './slices.js';

export { openMetricsContentType, prometheusContentType, type ExpositionFormat, type Scrape } from './render.js';
export { ScrapeAbortedError } from './slices.js';

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

const renderers = new WeakMap<Registry, ExpositionRenderer>();

/** The one renderer of a registry, so every scrape of it shares single flight. */
export function rendererFor(registry: Registry, options?: RendererOptions): ExpositionRenderer {
  let renderer = renderers.get(registry);
  if (renderer === undefined) {
    renderer = new ExpositionRenderer(registry, options);
    renderers.set(registry, renderer);
  }
  return renderer;
}

/** Serialises `registry` in `format`; see ExpositionRenderer. */
export function scrapeRegistry(registry: Registry, format: ExpositionFormat, signal?: AbortSignal): Promise<Scrape> {
  return rendererFor(registry).scrape(format, signal);
}

/**
 * Responses that share one render are written one per event-loop turn: twenty multi-megabyte
 * socket writes in a row would otherwise block the loop as long as a render.
 */
let writeTurns: Promise<void> = Promise.resolve();
function nextWriteTurn(): Promise<void> {
  const turn = writeTurns.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  writeTurns = turn;
  return turn;
}

export type MetricsRequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/**
 * A `/metrics` handler over any sliced, single-flight scrape (a registry's render, the cluster
 * primary's merge); `work` names it in a failure's body.
 */
export function scrapeRequestHandler(
  scrapeFor: (format: ExpositionFormat, signal: AbortSignal) => Promise<Scrape>,
  work: 'collection' | 'aggregation',
): MetricsRequestHandler {
  return async function metricsHandler(request, response) {
    // A client that goes away before its exposition is ready leaves the render; when no client
    // is left, the render stops.
    const gone = new AbortController();
    const onClose = (): void => gone.abort();
    response.once('close', onClose);
    try {
      const scrape = await scrapeFor(negotiateFormat(request.headers.accept), gone.signal);
      await nextWriteTurn();
      if (response.destroyed) return;
      response.writeHead(200, { 'content-type': scrape.contentType, 'content-length': scrape.bytes.length });
      response.end(request.method === 'HEAD' ? undefined : scrape.bytes);
    } catch (error) {
      if (error instanceof ScrapeAbortedError || response.destroyed) return;
      response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`# metrics ${work} failed: ${(error as Error).message}\n`);
    } finally {
      response.off('close', onClose);
    }
  };
}

export function metricsRequestHandler(registry: Registry): MetricsRequestHandler {
  return scrapeRequestHandler((format, signal) => scrapeRegistry(registry, format, signal), 'collection');
}
