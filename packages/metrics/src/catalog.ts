/**
 * The metrics catalog: the one list of every metric Vigil emits.
 *
 * Services get these metrics from `@vigil/metrics`; the generators import this module (and
 * only this module: it has no runtime dependencies) to write PromQL, so an alert or a
 * dashboard can never name a metric the package does not emit. Names follow Prometheus
 * conventions: base units, `_total` on counters, `_seconds` for durations.
 *
 * The names below are a public contract: alerts and dashboards depend on them.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDefinition {
  /** Name as exposed, without the `_total` / `_bucket` / `_sum` / `_count` suffixes a client adds. */
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labelNames: readonly string[];
  /** Histogram bucket upper bounds, in the metric's base unit. */
  readonly buckets?: readonly number[];
}

/**
 * Latency buckets for request and operation durations, in seconds. They bracket the default
 * latency thresholds (0.25 s to 2.5 s) closely, so `histogram_quantile` interpolates p95
 * within one bucket of the alert thresholds instead of across a wide one.
 */
export const latencyBucketsSeconds = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 5, 10,
] as const;

/** Start-up phases are slower than requests: database migrations, cache warm-up. */
export const startupBucketsSeconds = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120] as const;

export const catalog = {
  operationDuration: {
    name: 'operation_duration_seconds',
    type: 'histogram',
    help: 'Duration of instrumented operations (timedOperation, timed), by outcome.',
    labelNames: ['operation', 'outcome'],
    buckets: latencyBucketsSeconds,
  },
  itemsCreated: {
    name: 'items_created_total',
    type: 'counter',
    help: 'Items created by a pipeline.',
    labelNames: ['pipeline', 'item_type', 'source'],
  },
  itemValidationErrors: {
    name: 'item_validation_errors_total',
    type: 'counter',
    help: 'Items rejected by schema or validation checks, by reason.',
    labelNames: ['pipeline', 'item_type', 'reason'],
  },
  itemFieldMissing: {
    name: 'item_field_missing_total',
    type: 'counter',
    help: 'Created items that lacked a required field, by field.',
    labelNames: ['pipeline', 'item_type', 'field'],
  },
  pipelineLastItemCreated: {
    name: 'pipeline_last_item_created_timestamp_seconds',
    type: 'gauge',
    help: 'Unix time at which the pipeline last created an item.',
    labelNames: ['pipeline'],
  },
  httpRequestDuration: {
    name: 'http_request_duration_seconds',
    type: 'histogram',
    help: 'Duration of HTTP requests, labelled by route template.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: latencyBucketsSeconds,
  },
  unhandledErrors: {
    name: 'unhandled_errors_total',
    type: 'counter',
    help: 'Unhandled promise rejections and uncaught exceptions seen by the process.',
    labelNames: ['kind'],
  },
  cardinalityOverflow: {
    name: 'metrics_cardinality_overflow_total',
    type: 'counter',
    help: 'Observations folded into the overflow series because a metric reached its label-set limit.',
    labelNames: ['metric'],
  },
  labelValueTruncated: {
    name: 'metrics_label_value_truncated_total',
    type: 'counter',
    help: 'Label values longer than the byte limit, folded into a bounded prefix plus hash before use.',
    labelNames: ['metric'],
  },
  circuitBreakerState: {
    name: 'circuit_breaker_state',
    type: 'gauge',
    help: 'State of a circuit breaker: 0 closed, 1 half-open, 2 open.',
    labelNames: ['breaker'],
  },
  circuitBreakerTransitions: {
    name: 'circuit_breaker_transitions_total',
    type: 'counter',
    help: 'Circuit breaker state changes, by the state entered (open, half_open, closed).',
    labelNames: ['breaker', 'to'],
  },
  circuitBreakerCalls: {
    name: 'circuit_breaker_calls_total',
    type: 'counter',
    help: 'Calls through a circuit breaker by outcome: success, failure, timeout, rejected (open), fallback (served by the fallback).',
    labelNames: ['breaker', 'outcome'],
  },
  containerMemoryLimit: {
    name: 'container_memory_limit_bytes',
    type: 'gauge',
    help: "Memory limit of the container (cgroup) the process runs in; absent when there is none.",
    labelNames: [],
  },
  containerCpuLimit: {
    name: 'container_cpu_limit_cores',
    type: 'gauge',
    help: 'CPU quota of the container (cgroup) the process runs in, in cores; absent when there is none.',
    labelNames: [],
  },
  clusterWorkersExited: {
    name: 'cluster_workers_exited_total',
    type: 'counter',
    help: 'Worker processes or threads that exited; their last counters and histograms stay in the aggregated totals.',
    labelNames: [],
  },
  clusterCollectTimeouts: {
    name: 'cluster_metrics_collect_timeouts_total',
    type: 'counter',
    help: 'Aggregated scrapes in which a worker did not answer in time; its last reported values were exposed instead.',
    labelNames: [],
  },
  clusterWorkerRestarts: {
    name: 'cluster_worker_restarts_total',
    type: 'counter',
    help: 'Crashed workers the supervisor started again, after its backoff, by slot (`worker`, the label the slot\'s per-worker series carry).',
    labelNames: ['worker'],
  },
  clusterWorkersPlanned: {
    name: 'cluster_workers_planned',
    type: 'gauge',
    help: 'Worker count chosen from CPU and memory limits: min(cpu workers, memory limit / memory per worker); limited_by says which bound won.',
    labelNames: ['limited_by'],
  },
  healthCheckStatus: {
    name: 'health_check_status',
    type: 'gauge',
    help: 'Result of the last run of a health check: 1 passing, 0 failing.',
    labelNames: ['check', 'criticality'],
  },
  healthCheckDuration: {
    name: 'health_check_duration_seconds',
    type: 'histogram',
    help: 'Duration of health check runs.',
    labelNames: ['check'],
    buckets: latencyBucketsSeconds,
  },
  startupPhaseDuration: {
    name: 'startup_phase_duration_seconds',
    type: 'histogram',
    help: 'Duration of start-up phases.',
    labelNames: ['phase'],
    buckets: startupBucketsSeconds,
  },
} as const satisfies Record<string, MetricDefinition>;

export type CatalogKey = keyof typeof catalog;

/**
 * prom-client's default Node.js metrics (collectDefaultMetrics, prom-client 15) that rules
 * and dashboards may read. Listed so PromQL checks know them; the package does not define them.
 */
export const defaultNodeMetrics = {
  processCpuSeconds: { name: 'process_cpu_seconds_total', type: 'counter' },
  processCpuUserSeconds: { name: 'process_cpu_user_seconds_total', type: 'counter' },
  processCpuSystemSeconds: { name: 'process_cpu_system_seconds_total', type: 'counter' },
  processStartTime: { name: 'process_start_time_seconds', type: 'gauge' },
  processResidentMemory: { name: 'process_resident_memory_bytes', type: 'gauge' },
  processVirtualMemory: { name: 'process_virtual_memory_bytes', type: 'gauge' },
  processHeap: { name: 'process_heap_bytes', type: 'gauge' },
  processOpenFds: { name: 'process_open_fds', type: 'gauge' },
  processMaxFds: { name: 'process_max_fds', type: 'gauge' },
  eventLoopLagSeconds: { name: 'nodejs_eventloop_lag_seconds', type: 'gauge' },
  eventLoopLagP50: { name: 'nodejs_eventloop_lag_p50_seconds', type: 'gauge' },
  eventLoopLagP90: { name: 'nodejs_eventloop_lag_p90_seconds', type: 'gauge' },
  eventLoopLagP99: { name: 'nodejs_eventloop_lag_p99_seconds', type: 'gauge' },
  eventLoopLagMax: { name: 'nodejs_eventloop_lag_max_seconds', type: 'gauge' },
  eventLoopLagMean: { name: 'nodejs_eventloop_lag_mean_seconds', type: 'gauge' },
  heapSizeTotal: { name: 'nodejs_heap_size_total_bytes', type: 'gauge' },
  heapSizeUsed: { name: 'nodejs_heap_size_used_bytes', type: 'gauge' },
  externalMemory: { name: 'nodejs_external_memory_bytes', type: 'gauge' },
  // Per-type gauges (label `type`); sum them for the total. prom-client's extra `*_total`
  // gauges are not exposed: `promtool check metrics` rejects `_total` on a non-counter.
  activeHandles: { name: 'nodejs_active_handles', type: 'gauge' },
  activeRequests: { name: 'nodejs_active_requests', type: 'gauge' },
  activeResources: { name: 'nodejs_active_resources', type: 'gauge' },
  gcDuration: { name: 'nodejs_gc_duration_seconds', type: 'histogram' },
  version: { name: 'nodejs_version_info', type: 'gauge' },
} as const satisfies Record<string, { name: string; type: MetricType }>;

/** Series names a metric of this type exposes. */
export function exposedSeriesNames(name: string, type: MetricType): string[] {
  if (type === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
  return [name];
}

/** Every series name Vigil's services expose: catalog plus prom-client defaults, plus `up`-style synthetics excluded. */
export function allExposedSeriesNames(): Set<string> {
  const names = new Set<string>();
  for (const metric of Object.values(catalog)) {
    for (const series of exposedSeriesNames(metric.name, metric.type)) names.add(series);
  }
  for (const metric of Object.values(defaultNodeMetrics)) {
    for (const series of exposedSeriesNames(metric.name, metric.type)) names.add(series);
  }
  return names;
}
