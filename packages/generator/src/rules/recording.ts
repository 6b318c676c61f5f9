/**
 * Recording rules: every ratio and quantile is computed once here, and alerts and dashboards
 * read the recorded series. Names follow `level:metric:operations`. The rules are the same for
 * every model (they aggregate by job, pipeline, route...), so alerts filter the recorded series.
 */
import { catalog, defaultNodeMetrics } from '@vigil/metrics/catalog';
import { pipelineDefaults } from '../model/defaults.js';
import type { Duration } from '../model/types.js';
import { slowGroupFields } from './group-interval.js';
import type { RecordingRule, RuleGroup } from './types.js';

export const recordingRuleNames = {
  jobRequestsRate5m: 'job:http_requests:rate5m',
  jobRequestErrorsRate5m: 'job:http_request_errors:rate5m',
  jobRequestErrorsRatioRate5m: 'job:http_request_errors:ratio_rate5m',
  jobRouteRequestDurationBucketRate5m: 'job_route:http_request_duration_seconds_bucket:rate5m',
  jobRequestDurationP95: 'job:http_request_duration_seconds:p95_5m',
  jobRouteRequestDurationP50: 'job_route:http_request_duration_seconds:p50_5m',
  jobRouteRequestDurationP95: 'job_route:http_request_duration_seconds:p95_5m',
  jobRouteRequestDurationP99: 'job_route:http_request_duration_seconds:p99_5m',
  jobOperationDurationP95: 'job_operation:operation_duration_seconds:p95_5m',
  pipelineItemsCreatedRate5m: 'pipeline:items_created:rate5m',
  pipelineItemsCreatedRate1h: 'pipeline:items_created:rate1h',
  pipelineItemsCreatedIncrease24h: 'pipeline:items_created:increase24h',
  pipelineItemsCreatedRate1hBaseline: 'pipeline:items_created:rate1h_baseline',
  pipelineValidationErrorsRate5m: 'pipeline:item_validation_errors:rate5m',
  pipelineValidationErrorsRatioRate5m: 'pipeline:item_validation_errors:ratio_rate5m',
  pipelineFieldMissingRate1h: 'pipeline_field:item_field_missing:rate1h',
  pipelineFieldCoverageRatioRate1h: 'pipeline_field:item_field_coverage:ratio_rate1h',
  pipelineLastItemTimestamp: 'pipeline:last_item_timestamp_seconds',
  pipelineLastItemAgeSeconds: 'pipeline:last_item_age_seconds',
  jobFirstScrapeTimestamp: 'job:up:first_timestamp_seconds',
  instanceMemoryLimitRatio: 'instance:process_resident_memory_bytes:ratio_container_limit',
  instanceCpuLimitRatio: 'instance:process_cpu_seconds:ratio_rate5m_container_limit',
} as const;

export type RecordingRuleName = (typeof recordingRuleNames)[keyof typeof recordingRuleNames];

const n = recordingRuleNames;
const requestCount = `${catalog.httpRequestDuration.name}_count`;
const requestBucket = `${catalog.httpRequestDuration.name}_bucket`;
const operationBucket = `${catalog.operationDuration.name}_bucket`;
const itemsCreated = catalog.itemsCreated.name;
const validationErrors = catalog.itemValidationErrors.name;
const fieldMissing = catalog.itemFieldMissing.name;
const lastItem = catalog.pipelineLastItemCreated.name;

/** The expression behind each recorded name (also shown in runbooks and dashboards' docs). */
export const recordingRuleExpressions: Readonly<Record<RecordingRuleName, string>> = {
  [n.jobRequestsRate5m]: `sum by (job) (rate(${requestCount}[5m]))`,
  [n.jobRequestErrorsRate5m]: `sum by (job) (rate(${requestCount}{status_code=~"5.."}[5m]))`,
  // A job with requests but no 5xx series yet records 0, not nothing.
  [n.jobRequestErrorsRatioRate5m]: `(${n.jobRequestErrorsRate5m} or ${n.jobRequestsRate5m} * 0) / ${n.jobRequestsRate5m}`,
  // The raw buckets' rate once, by job, route and bucket: the four latency quantiles read it,
  // where each computing its own rate over every raw bucket series was most of the group's cost.
  [n.jobRouteRequestDurationBucketRate5m]: `sum by (job, route, le) (rate(${requestBucket}[5m]))`,
  [n.jobRequestDurationP95]: `histogram_quantile(0.95, sum by (job, le) (${n.jobRouteRequestDurationBucketRate5m}))`,
  [n.jobRouteRequestDurationP50]: `histogram_quantile(0.5, ${n.jobRouteRequestDurationBucketRate5m})`,
  [n.jobRouteRequestDurationP95]: `histogram_quantile(0.95, ${n.jobRouteRequestDurationBucketRate5m})`,
  [n.jobRouteRequestDurationP99]: `histogram_quantile(0.99, ${n.jobRouteRequestDurationBucketRate5m})`,
  [n.jobOperationDurationP95]: `histogram_quantile(0.95, sum by (job, operation, le) (rate(${operationBucket}[5m])))`,
  [n.pipelineItemsCreatedRate5m]: `sum by (job, pipeline) (rate(${itemsCreated}[5m]))`,
  [n.pipelineItemsCreatedRate1h]: `sum by (job, pipeline) (rate(${itemsCreated}[1h]))`,
  [n.pipelineItemsCreatedIncrease24h]: `sum by (job, pipeline) (increase(${itemsCreated}[1d]))`,
  // The normal rate for this hour: the same two hours a week earlier (a Monday is compared with
  // last Monday, a night with a night), centred on the hour the 1h rate covers now (offset
  // 167h plus a 2h range centres on 168h ago) and averaged over two hours, so one hot or cold
  // hour a week ago does not set the bar. Without a week of history, the day before at
  // dayBasisShare (it may be a different kind of day); without a day, nothing. The 1h rate is
  // smooth already, so a sample every 10m averages as well as all of them, at 12 samples a
  // series instead of 480 at a 15s interval.
  [n.pipelineItemsCreatedRate1hBaseline]:
    `avg_over_time(${'pipeline:items_created:rate1h'}[2h:10m] offset 167h)` +
    ` or avg_over_time(${'pipeline:items_created:rate1h'}[2h:10m] offset 23h) * ${pipelineDefaults.dayBasisShare}`,
  [n.pipelineValidationErrorsRate5m]: `sum by (job, pipeline) (rate(${validationErrors}[5m]))`,
  // Errors per created item. Either counter may be missing: no errors yet records 0, and
  // errors with no created item records +Inf (every item rejected), never nothing.
  [n.pipelineValidationErrorsRatioRate5m]:
    `(${n.pipelineValidationErrorsRate5m} or ${n.pipelineItemsCreatedRate5m} * 0)` +
    ` / (${n.pipelineItemsCreatedRate5m} or ${n.pipelineValidationErrorsRate5m} * 0)`,
  [n.pipelineFieldMissingRate1h]: `sum by (job, pipeline, field) (rate(${fieldMissing}[1h]))`,
  [n.pipelineFieldCoverageRatioRate1h]: `1 - ${n.pipelineFieldMissingRate1h} / on (job, pipeline) group_left () ${n.pipelineItemsCreatedRate1h}`,
  // The last item across processes: a new process reports 0 until its own first item, and the
  // recorded value carries the latest timestamp forward across restarts, deploys and scrape
  // gaps (up to an hour without any evaluation, e.g. a Prometheus restart).
  [n.pipelineLastItemTimestamp]: `max by (job, pipeline) (${lastItem} > 0 or last_over_time(${'pipeline:last_item_timestamp_seconds'}[1h]))`,
  [n.pipelineLastItemAgeSeconds]: `time() - ${'pipeline:last_item_timestamp_seconds'}`,
  // When Prometheus first saw each job (carried forward like the last item): a pipeline that
  // never created an item has been silent since then.
  [n.jobFirstScrapeTimestamp]: `min by (job) (timestamp(up) or last_over_time(${'job:up:first_timestamp_seconds'}[1h]))`,
  [n.instanceMemoryLimitRatio]:
    `max by (job, instance) (${defaultNodeMetrics.processResidentMemory.name})` +
    ` / on (job, instance) max by (job, instance) (${catalog.containerMemoryLimit.name})`,
  // Without a CPU quota the process is measured against one core.
  [n.instanceCpuLimitRatio]:
    `sum by (job, instance) (rate(${defaultNodeMetrics.processCpuSeconds.name}[5m]))` +
    ` / on (job, instance) (max by (job, instance) (${catalog.containerCpuLimit.name})` +
    ` or on (job, instance) max by (job, instance) (${defaultNodeMetrics.processCpuSeconds.name}) * 0 + 1)`,
};

/** Rule order matters: a rule may read series recorded earlier in the same group and evaluation. */
export function recordingRules(): RecordingRule[] {
  return (Object.keys(recordingRuleExpressions) as RecordingRuleName[]).map((record) => ({
    record,
    expr: recordingRuleExpressions[record],
  }));
}

/** Rules over hour-long and day-long windows: a group of their own, run at the slow interval (group-interval.ts). */
const slowRules = new Set<RecordingRuleName>([
  n.pipelineItemsCreatedRate1h,
  n.pipelineItemsCreatedIncrease24h,
  n.pipelineItemsCreatedRate1hBaseline,
  n.pipelineFieldMissingRate1h,
  n.pipelineFieldCoverageRatioRate1h,
  n.jobFirstScrapeTimestamp,
]);

export function recordingRuleGroups(evaluationInterval: Duration): RuleGroup[] {
  const rules = recordingRules();
  const slow = slowGroupFields(evaluationInterval);
  return [
    { name: 'vigil-recording', rules: rules.filter((rule) => !slowRules.has(rule.record as RecordingRuleName)) },
    { name: 'vigil-recording-1h', ...slow, rules: rules.filter((rule) => slowRules.has(rule.record as RecordingRuleName)) },
  ];
}
