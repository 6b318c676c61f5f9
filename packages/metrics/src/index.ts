export * from './catalog.js';
export {
  createVigilMetrics,
  defaultVigilMetrics,
  pipelineMetrics,
  timed,
  timedOperation,
  trackItemCreation,
  type VigilMetrics,
  type VigilMetricsOptions,
} from './vigil.js';
export type { OperationDecorator } from './timed.js';
export { PipelineMetrics, type PipelineOptions, type TrackItemOptions } from './items.js';
export {
  clientClosedStatus,
  defaultExcludedPaths,
  setRouteTemplate,
  unmatchedRoute,
  type ExpressMiddleware,
  type FastifyPlugin,
  type NodeHandler,
  type NodeHttpOptions,
} from './http.js';
export {
  negotiateFormat,
  openMetricsContentType,
  prometheusContentType,
  ScrapeAbortedError,
  type ExpositionFormat,
  type Scrape,
} from './exposition.js';
export { overflowLabelValue } from './families.js';
export { MetricsNameError } from './names.js';
export { readCgroupLimits, type CgroupLimits } from './cgroup.js';
export { breakerStateValue, type BreakerLike, type BreakerOutcome } from './breaker.js';
