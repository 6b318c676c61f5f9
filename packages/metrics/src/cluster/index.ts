/**
 * `@vigil/metrics/cluster`: multi-process and multi-thread services. A separate entry point, so
 * a service that runs one process never loads node:cluster or node:worker_threads through Vigil.
 */
export { createClusterAggregator, type ClusterAggregator, type ClusterAggregatorOptions } from './aggregator.js';
export { defaultGaugeAggregation, type GaugeAggregation } from './merge.js';
export { reportMetricsToPrimary, type ReportOptions } from './report.js';
export { restartDelayMs, superviseWorkers, workerSlotEnv, type BackoffOptions, type Supervisor, type SupervisorOptions } from './supervisor.js';
export { planWorkerCount, workerCountFor, type PlanWorkerCountOptions, type WorkerCountInput, type WorkerCountPlan } from './worker-count.js';
