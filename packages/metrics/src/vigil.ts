/**
 * The entry point: one VigilMetrics per registry holds every catalog metric this package feeds.
 */
import { collectDefaultMetrics, register as globalRegistry, type Metric, type Registry } from 'prom-client';
import { instrumentBreaker, type BreakerLike } from './breaker.js';
import { catalog, type MetricDefinition } from './catalog.js';
import { readCgroupLimits, type CgroupLimits } from './cgroup.js';
import { metricsRequestHandler, negotiateFormat, rendererFor, scrapeRegistry, type Scrape } from './exposition.js';
import {
  assertMaxLabelSets,
  CardinalityGuard,
  CounterFamily,
  GaugeFamily,
  HistogramFamily,
} from './families.js';
import {
  defaultExcludedPaths,
  expressHandler,
  expressMiddleware,
  fastifyPlugin,
  HttpRecorder,
  instrumentNodeHandler,
  type ExpressMiddleware,
  type FastifyPlugin,
  type NodeHandler,
  type NodeHttpOptions,
} from './http.js';
import { ItemTracker, PipelineMetrics, type PipelineOptions, type TrackItemOptions } from './items.js';
import { assertLabelName, assertLabelValue, defaultMaxLabelValueBytes } from './names.js';
import { countUnhandledErrors } from './process-errors.js';
import { timedOperationWith, timedWith, type OperationDecorator } from './timed.js';

export interface VigilMetricsOptions {
  /** Registry to expose through; default prom-client's global `register`. */
  readonly registry?: Registry;
  /** Labels on every series of the registry, typically `{ service, version }`. */
  readonly defaultLabels?: Readonly<Record<string, string>>;
  /** Label sets each metric accepts before folding new ones into its overflow series; default 1000. */
  readonly maxLabelSets?: number;
  /**
   * Bytes (UTF-8) a label value set at run time may take (a route, a validation reason); longer
   * values are folded to a prefix plus a hash, counted in `metrics_label_value_truncated_total`
   * and warned about once per metric. Default 128, at least 32.
   */
  readonly maxLabelValueBytes?: number;
  /** Register prom-client's default Node metrics on the registry; default true. */
  readonly collectDefaultMetrics?: boolean;
  /** Count unhandled rejections and uncaught exceptions; default true. */
  readonly countUnhandledErrors?: boolean;
  /** cgroup filesystem root, for the container limit gauges; default `/sys/fs/cgroup`. */
  readonly cgroupRoot?: string;
  /**
   * Request paths the HTTP middleware never measures; default `/metrics` and @vigil/health's
   * `/health`, `/health/live`, `/health/ready`. Pass `[]` to measure everything.
   */
  readonly excludePaths?: readonly string[];
  /**
   * Longest stretch, in milliseconds, a `/metrics` render runs before yielding to the event
   * loop; default 4. Smaller keeps request latency flatter during large scrapes.
   */
  readonly renderSliceMs?: number;
}

export interface VigilMetrics {
  readonly registry: Registry;
  /** Method decorator (standard and experimentalDecorators); name defaults to `Class.method`. */
  timedOperation(name?: string): OperationDecorator;
  /** Times a function or arrow function under the operation `name`. */
  timed<F extends (...args: never[]) => unknown>(name: string, fn: F): F;
  /** Item tracking bound to one pipeline (and item type, source). */
  pipeline(name: string, options?: PipelineOptions): PipelineMetrics;
  trackItemCreation(pipeline: string, itemType: string, source: string, item?: object, options?: TrackItemOptions): void;
  /** Wraps a node:http request handler. */
  httpHandler(handler: NodeHandler, options: NodeHttpOptions): NodeHandler;
  /**
   * An Express app measured at the server, the cheaper of the two Express integrations:
   * `http.createServer(vigil.expressHandler(app))`. Sees every request; a Vigil middleware in the
   * same app stands aside, so nothing is counted twice.
   */
  expressHandler(app: NodeHandler): NodeHandler;
  /** Express middleware; `app.use()` it before the routes. Costs more than `expressHandler`. */
  expressMiddleware(): ExpressMiddleware;
  /** Fastify plugin (not encapsulated): `app.register(vigil.fastifyPlugin)`. */
  readonly fastifyPlugin: FastifyPlugin;
  /** `/metrics` handler for node:http and Express, negotiating text vs OpenMetrics. */
  readonly metricsHandler: (request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) => Promise<void>;
  /**
   * The exposition for an Accept header, for frameworks that send it themselves (Fastify):
   * `reply.type(scrape.contentType).send(scrape.bytes)`. Concurrent calls share one render.
   * When `signal` aborts (the client went away), the promise rejects with ScrapeAbortedError.
   */
  scrape(accept?: string, signal?: AbortSignal): Promise<Scrape>;
  /**
   * Circuit-breaker metrics for an opossum breaker (or anything with its events): state,
   * transitions and calls by outcome, labelled `breaker` (default: the breaker's `name`).
   * Returns the function that stops listening.
   */
  instrumentBreaker(breaker: BreakerLike, name?: string): () => void;
  setDefaultLabels(labels: Readonly<Record<string, string>>): void;
  setMaxLabelSets(limit: number): void;
  /** Unhooks the process error counters. Metrics stay registered. */
  close(): void;
}

const instances = new WeakMap<Registry, VigilMetrics>();
const defaultMetricsCollected = new WeakSet<Registry>();

function validateDefaultLabels(labels: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(labels)) {
    assertLabelName(name, 'defaultLabels');
    assertLabelValue(value, name, 'defaultLabels');
  }
}

/** A gauge read from the cgroup filesystem at scrape time; no sample when unlimited. */
class CgroupLimitGauge {
  readonly type = 'gauge' as const;
  readonly aggregator = 'omit' as const;
  readonly name: string;
  readonly help: string;

  constructor(
    definition: MetricDefinition,
    private readonly read: () => Promise<CgroupLimits>,
    private readonly pick: (limits: CgroupLimits) => number | undefined,
  ) {
    this.name = definition.name;
    this.help = definition.help;
  }

  async get(): Promise<{ name: string; help: string; type: 'gauge'; aggregator: 'omit'; values: Array<{ value: number; labels: Record<string, never> }> }> {
    const value = this.pick(await this.read());
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: value === undefined ? [] : [{ value, labels: {} }],
    };
  }

  reset(): void {}
}

function register(registry: Registry, collector: object): void {
  registry.registerMetric(collector as unknown as Metric);
}

/**
 * prom-client adds three gauges named `*_total` next to the per-type gauges they sum
 * (`nodejs_active_handles{type}` ...); `promtool check metrics` rejects `_total` on a non-counter,
 * so they are dropped: `sum(nodejs_active_handles)` gives the same number.
 */
const lintFailingDefaults = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

function removeLintFailingDefaults(registry: Registry): void {
  for (const name of lintFailingDefaults) registry.removeSingleMetric(name);
}

export function createVigilMetrics(options: VigilMetricsOptions = {}): VigilMetrics {
  const registry = options.registry ?? globalRegistry;
  if (instances.has(registry)) {
    throw new Error('@vigil/metrics: this registry already has a VigilMetrics; share that one (or pass another registry)');
  }
  const guard = new CardinalityGuard(options.maxLabelSets ?? 1000, options.maxLabelValueBytes ?? defaultMaxLabelValueBytes);
  rendererFor(registry, options.renderSliceMs === undefined ? {} : { sliceMs: options.renderSliceMs });
  const overflow = new CounterFamily(catalog.cardinalityOverflow, null);
  guard.overflowCounter = overflow;
  const truncated = new CounterFamily(catalog.labelValueTruncated, null);
  guard.truncatedCounter = truncated;

  // Durations are observed in performance.now() milliseconds and exposed in seconds.
  const operationDuration = new HistogramFamily(catalog.operationDuration, guard, 1000);
  const httpDuration = new HistogramFamily(catalog.httpRequestDuration, guard, 1000);
  const items = {
    created: new CounterFamily(catalog.itemsCreated, guard),
    validationErrors: new CounterFamily(catalog.itemValidationErrors, guard),
    fieldMissing: new CounterFamily(catalog.itemFieldMissing, guard),
    lastCreated: new GaugeFamily(catalog.pipelineLastItemCreated, guard, 1000),
  };
  const breakers = {
    state: new GaugeFamily(catalog.circuitBreakerState, guard),
    transitions: new CounterFamily(catalog.circuitBreakerTransitions, guard),
    calls: new CounterFamily(catalog.circuitBreakerCalls, guard),
  };
  const unhandled = new CounterFamily(catalog.unhandledErrors, null);
  const errorSeries = {
    unhandledRejection: unhandled.seriesFor(['unhandledRejection']),
    uncaughtException: unhandled.seriesFor(['uncaughtException']),
  };
  let cgroupRead: Promise<CgroupLimits> | null = null;
  // One filesystem read serves both gauges of a scrape.
  const readLimits = (): Promise<CgroupLimits> => {
    if (cgroupRead === null) {
      cgroupRead = readCgroupLimits(options.cgroupRoot).finally(() => {
        setImmediate(() => {
          cgroupRead = null;
        });
      });
    }
    return cgroupRead;
  };

  for (const family of [operationDuration, httpDuration, items.created, items.validationErrors, items.fieldMissing, items.lastCreated, breakers.state, breakers.transitions, breakers.calls, unhandled, overflow, truncated]) {
    register(registry, family);
  }
  register(registry, new CgroupLimitGauge(catalog.containerMemoryLimit, readLimits, (limits) => limits.memoryBytes));
  register(registry, new CgroupLimitGauge(catalog.containerCpuLimit, readLimits, (limits) => limits.cpuCores));

  if (options.defaultLabels !== undefined) {
    validateDefaultLabels(options.defaultLabels);
    registry.setDefaultLabels({ ...options.defaultLabels });
  }
  if (options.collectDefaultMetrics !== false && !defaultMetricsCollected.has(registry)) {
    defaultMetricsCollected.add(registry);
    collectDefaultMetrics({ register: registry });
    removeLintFailingDefaults(registry);
  }
  const uninstall = options.countUnhandledErrors === false ? () => {} : countUnhandledErrors(errorSeries);

  const http = new HttpRecorder(httpDuration, () => guard.maxLabelSets, options.excludePaths ?? defaultExcludedPaths);
  const tracker = new ItemTracker(items, () => guard.maxLabelSets);

  const vigil: VigilMetrics = {
    registry,
    timedOperation: (name) => timedOperationWith(operationDuration, name),
    timed: (name, fn) => timedWith(operationDuration, name, fn),
    pipeline: (name, pipelineOptions) => new PipelineMetrics(items, name, pipelineOptions),
    trackItemCreation: (pipeline, itemType, source, item, trackOptions) =>
      tracker.track(pipeline, itemType, source, item, trackOptions),
    httpHandler: (handler, handlerOptions) => instrumentNodeHandler(http, handler, handlerOptions),
    expressHandler: (app) => expressHandler(http, app),
    expressMiddleware: () => expressMiddleware(http),
    fastifyPlugin: fastifyPlugin(http),
    metricsHandler: metricsRequestHandler(registry),
    scrape: (accept, signal) => scrapeRegistry(registry, negotiateFormat(accept), signal),
    instrumentBreaker: (breaker, name) => instrumentBreaker(breakers, breaker, name ?? String(breaker.name)),
    setDefaultLabels(labels) {
      validateDefaultLabels(labels);
      registry.setDefaultLabels({ ...labels });
    },
    setMaxLabelSets(limit) {
      assertMaxLabelSets(limit);
      guard.maxLabelSets = limit;
    },
    close: uninstall,
  };
  instances.set(registry, vigil);
  return vigil;
}

let defaultInstance: VigilMetrics | undefined;

/**
 * The VigilMetrics on prom-client's global registry, created on first use; the module-level
 * `timedOperation`, `timed`, `trackItemCreation` and `pipelineMetrics` use it. Decorators bind
 * when their class is defined, so labels and limits are set afterwards with `setDefaultLabels`
 * and `setMaxLabelSets` (both apply at scrape / next new label set).
 */
export function defaultVigilMetrics(): VigilMetrics {
  defaultInstance ??= instances.get(globalRegistry) ?? createVigilMetrics();
  return defaultInstance;
}

export function timedOperation(name?: string): OperationDecorator {
  return defaultVigilMetrics().timedOperation(name);
}

export function timed<F extends (...args: never[]) => unknown>(name: string, fn: F): F {
  return defaultVigilMetrics().timed(name, fn);
}

export function trackItemCreation(pipeline: string, itemType: string, source: string, item?: object, options?: TrackItemOptions): void {
  defaultVigilMetrics().trackItemCreation(pipeline, itemType, source, item, options);
}

export function pipelineMetrics(name: string, options?: PipelineOptions): PipelineMetrics {
  return defaultVigilMetrics().pipeline(name, options);
}
