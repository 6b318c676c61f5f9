/**
 * The `/metrics` render. Vigil's own families are written from label blocks cached per series,
 * straight into one buffer; anything else in the Registry (prom-client's default metrics, user
 * metrics, the cgroup gauges) goes through prom-client's own formatter, one metric at a time,
 * so it appears exactly as `registry.metrics()` would write it.
 *
 * Three properties keep a scrape from stalling the service:
 * - single flight: scrapes that arrive while a render of the same format runs share its result;
 * - slices: the render yields to the event loop whenever a slice has run `sliceMs`;
 * - abandonment: when every client waiting for a render has gone away, it stops at the next
 *   slice boundary, so an abandoned scrape costs at most one slice.
 * The single flight and the slices (slices.ts) are shared with the cluster primary's merge.
 */
import { Registry } from 'prom-client';
import { Family, type LabelSet, type RenderContext, type SeriesBase } from './families.js';
import { checkedSliceMs, ScrapeAbortedError, seriesPerClockRead, SingleFlights, SliceClock, type Flight } from './slices.js';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export const prometheusContentType = Registry.PROMETHEUS_CONTENT_TYPE;
export const openMetricsContentType = Registry.OPENMETRICS_CONTENT_TYPE;

/** One rendered exposition. Concurrent scrapes share it, so it is read-only. */
export interface Scrape {
  readonly contentType: string;
  /** The exposition as UTF-8 bytes: what `/metrics` writes. */
  readonly bytes: Buffer;
  /** The same exposition as a string, decoded on first read. */
  readonly body: string;
}

export class RenderedScrape implements Scrape {
  private decoded: string | undefined;
  constructor(
    readonly contentType: string,
    readonly bytes: Buffer,
  ) {}

  get body(): string {
    this.decoded ??= this.bytes.toString('utf8');
    return this.decoded;
  }
}

/** Pending text is encoded into the buffer once it reaches this many UTF-16 units. */
const flushChars = 32 * 1024;

/** The part of prom-client's Registry the per-metric formatter reads from `this`. */
interface ForeignFormatterThis {
  readonly _defaultLabels: LabelSet;
  readonly contentType: string;
}
/** Any collector in the Registry: a prom-client metric or a custom one. */
interface ForeignMetric {
  readonly type?: unknown;
  getForPromString?: () => Promise<ForeignFamily>;
  get(): Promise<ForeignFamily>;
}
interface ForeignFamily {
  readonly name: string;
}
const formatForeign = (Registry.prototype as unknown as {
  getMetricsAsString(this: ForeignFormatterThis, metric: object): Promise<string>;
}).getMetricsAsString;

/**
 * prom-client's formatter for one metric, run against a stand-in for the registry so nothing in
 * the registry is switched or renamed (its own `metrics()` renames counters in place for
 * OpenMetrics). For an OpenMetrics counter the family name loses `_total`, as prom-client does.
 */
function renderForeign(metric: ForeignMetric, defaultLabels: LabelSet, openMetrics: boolean): Promise<string> {
  if (!openMetrics) return formatForeign.call({ _defaultLabels: defaultLabels, contentType: prometheusContentType }, metric);
  const asOpenMetrics = { _defaultLabels: defaultLabels, contentType: openMetricsContentType };
  if (metric.type !== 'counter') return formatForeign.call(asOpenMetrics, metric);
  const renamed = {
    async getForPromString(): Promise<ForeignFamily> {
      const family = typeof metric.getForPromString === 'function' ? await metric.getForPromString() : await metric.get();
      return { ...family, name: family.name.replace(/_total$/, '') };
    },
  };
  return formatForeign.call(asOpenMetrics, renamed);
}

/**
 * Encodes text into one growing buffer. It starts at the previous render's size, so a steady
 * registry is written without a single reallocation, and text is encoded once, in pieces spread
 * over the slices, never as one large string at the end.
 */
export class ExpositionWriter {
  private buffer: Buffer;
  private length = 0;
  private pending = '';

  constructor(expectedBytes: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(64 * 1024, Math.ceil(expectedBytes * 1.1)));
  }

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= flushChars) this.flush();
  }

  flush(): void {
    const text = this.pending;
    if (text === '') return;
    this.pending = '';
    // A UTF-16 unit encodes to at most 3 bytes.
    const needed = this.length + text.length * 3;
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  finish(): Buffer {
    this.flush();
    return this.buffer.subarray(0, this.length);
  }
}

export interface RendererOptions {
  /** Longest stretch of rendering between two yields to the event loop; default 4 ms. */
  readonly sliceMs?: number;
}

export class ExpositionRenderer {
  private readonly flights = new SingleFlights<ExpositionFormat, Scrape>();
  private readonly sliceMs: number;
  private defaultLabels: LabelSet | null = null;
  private generation = 0;
  private lastBytes = 0;

  constructor(
    private readonly registry: Registry,
    options: RendererOptions = {},
  ) {
    this.sliceMs = checkedSliceMs(options.sliceMs);
  }

  /**
   * The exposition in `format`: joins the render in flight for that format, or starts one. When
   * `signal` aborts, this caller's promise rejects with ScrapeAbortedError at once, and the render
   * itself stops if no other caller waits for it.
   */
  scrape(format: ExpositionFormat, signal?: AbortSignal): Promise<Scrape> {
    return this.flights.join(format, (flight) => this.render(format, flight), signal);
  }

  /** The context every render (and cluster snapshot) of this registry writes label blocks with. */
  contextFor(openMetrics: boolean): RenderContext {
    // prom-client keeps default labels here; setDefaultLabels() replaces the object, so a new
    // identity means the cached label blocks are stale.
    const defaults = (this.registry as unknown as { _defaultLabels?: LabelSet })._defaultLabels ?? {};
    if (defaults !== this.defaultLabels) {
      this.defaultLabels = defaults;
      this.generation += 1;
    }
    return { openMetrics, defaultLabels: defaults, generation: this.generation };
  }

  private async render(format: ExpositionFormat, flight: Flight): Promise<Scrape> {
    // Let callers in the same turn join before any work, and let microtasks queued before the
    // scrape (the pipeline last-item stamp) land.
    await null;
    const openMetrics = format === 'openmetrics';
    const context = this.contextFor(openMetrics);
    const metrics = this.registry.getMetricsAsArray() as unknown as Array<ForeignMetric | Family<SeriesBase>>;
    // prom-client collectors may be async (default metrics read the process); they run together,
    // as in registry.metrics(), before Vigil's families are written in slices.
    const foreignText = await Promise.all(
      metrics.map((metric) => (metric instanceof Family ? null : renderForeign(metric, context.defaultLabels, openMetrics))),
    );
    if (flight.abandoned) throw new ScrapeAbortedError();
    const writer = new ExpositionWriter(this.lastBytes);
    const slices = new SliceClock(this.sliceMs, flight);
    for (let m = 0; m < metrics.length; m++) {
      const metric = metrics[m]!;
      if (!(metric instanceof Family)) {
        writer.write(`${foreignText[m]!}\n`);
        continue;
      }
      writer.write(metric.renderHeader(openMetrics));
      const series = metric.seriesToRender();
      for (let i = 0; i < series.length; i++) {
        writer.write(metric.renderSeries(series[i]!, context));
        if (i % seriesPerClockRead === seriesPerClockRead - 1 && slices.due) await slices.next();
      }
    }
    if (openMetrics) writer.write('# EOF\n');
    const bytes = writer.finish();
    this.lastBytes = bytes.length;
    return new RenderedScrape(openMetrics ? openMetricsContentType : prometheusContentType, bytes);
  }
}
