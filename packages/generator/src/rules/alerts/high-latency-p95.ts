import { catalog, latencyBucketsSeconds } from '@vigil/metrics/catalog';
import type { Model } from '../../model/types.js';
import { kindAlertRules, promtoolTest, quietChecks, serviceLabels, serviceParameter, serviceSettings, testClock, testInterval, windowTestInterval, type AlertTemplates } from '../common.js';
import { serviceDefaults } from '../../model/defaults.js';
import { humanizeDuration, percentText } from '../format.js';
import { compare, settingsParameters, type ParameterValues } from '../parameters.js';
import { recordingRuleNames } from '../recording.js';
import { SeriesBuilder, seriesName } from '../series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest } from '../types.js';

const name = 'HighLatencyP95';

const parameter = (model: Model): ParameterValues =>
  serviceParameter(model, name, 'seconds', serviceDefaults.alerts.highLatencyP95.seconds, (service) => service.alerts.highLatencyP95.seconds);

const requestTemplates = (seconds: ParameterValues): AlertTemplates => ({
  summary: [{ label: 'service' }, ': p95 request latency above ', { parameter: seconds, format: 'humanizeDuration' }],
  description: [
    'The p95 latency of HTTP requests to job ',
    { label: 'job' },
    ' is ',
    { value: 'humanizeDuration' },
    ' over the last 5 minutes (threshold ',
    { parameter: seconds, format: 'humanizeDuration' },
    ').',
  ],
});

const operationTemplates = (seconds: ParameterValues): AlertTemplates => ({
  summary: [{ label: 'service' }, ': p95 latency of operation ', { label: 'operation' }, ' above ', { parameter: seconds, format: 'humanizeDuration' }],
  description: [
    'The p95 latency of operation ',
    { label: 'operation' },
    ' in job ',
    { label: 'job' },
    ' is ',
    { value: 'humanizeDuration' },
    ' over the last 5 minutes (threshold ',
    { parameter: seconds, format: 'humanizeDuration' },
    ').',
  ],
});

const settings = (model: Model) => serviceSettings(model, 'highLatencyP95', (service) => service.alerts.highLatencyP95.for);

/** Two rules (sets) share the alert name; the `signal` label keeps their series distinct. */
export function highLatencyP95Rules(model: Model): AlertingRule[] {
  const seconds = parameter(model);
  const common = { name, kind: 'service' as const, priority: 'P2' as const, settings: settings(model) };
  return [
    ...kindAlertRules(model, {
      ...common,
      condition: compare(recordingRuleNames.jobRequestDurationP95, '>', seconds),
      labels: { signal: 'requests' },
      templates: requestTemplates(seconds),
    }),
    ...kindAlertRules(model, {
      ...common,
      condition: compare(recordingRuleNames.jobOperationDurationP95, '>', seconds),
      labels: { signal: 'operations' },
      templates: operationTemplates(seconds),
    }),
  ];
}

const bounds = [...latencyBucketsSeconds.map(String), '+Inf'];
const upperBounds = [...latencyBucketsSeconds, Infinity];

/** Bucket counters of a histogram where each step adds 10 observations just above `above`. */
function bucketSeries(
  metric: string,
  labels: Record<string, string>,
  observationAbove: number,
  shape: (perStep: number) => SeriesBuilder,
): { name: string; values: string }[] {
  return bounds.map((le, index) => ({
    name: seriesName(`${metric}_bucket`, { ...labels, le }),
    values: shape(upperBounds[index]! > observationAbove ? 10 : 0).encode(),
  }));
}

export function highLatencyP95Tests(model: Model): PromtoolTest[] {
  const service = model.services.find((candidate) => candidate.kind === 'api') ?? model.services[0];
  if (service === undefined) return [];
  const { seconds, for: forDuration } = service.alerts.highLatencyP95;
  const clock = testClock(windowTestInterval(testInterval(model, service), '5m'), forDuration);
  const window = clock.steps('5m');
  const instance = service.targets[0]!;
  const slowIndex = upperBounds.findIndex((bound) => bound >= seconds);
  const slowFloor = upperBounds[slowIndex]!;
  const slowCeiling = upperBounds[slowIndex + 1]!;
  // All observations in (slowFloor, slowCeiling]: histogram_quantile interpolates p95 at 95% of the bucket.
  const p95 = Number.isFinite(slowCeiling) ? slowFloor + (slowCeiling - slowFloor) * 0.95 : slowFloor;
  const fastLimit = upperBounds[0]!;
  const slowFrom = window + 2;
  const length = slowFrom + window + clock.forSteps + 5;
  const slowShape = (perStep: number): SeriesBuilder => new SeriesBuilder().constant(0, slowFrom).rise(perStep, length - slowFrom);
  const requestLabels = { job: service.job, instance, method: 'GET', route: '/api/items/:id', status_code: '200' };
  const operationLabels = { job: service.job, instance, operation: 'db.query', outcome: 'success' };
  const labels = { ...serviceLabels(service, 'P2'), job: service.job };
  const requests = promtoolTest(
    model,
    `${name}: requests take about ${humanizeDuration(p95)} from step ${slowFrom}`,
    clock,
    name,
    requestTemplates(parameter(model)),
    bucketSeries(catalog.httpRequestDuration.name, requestLabels, slowFloor, slowShape),
    [
      { at: (slowFrom + clock.forSteps - 1) * clock.step, alerts: [] },
      { at: (slowFrom + window + clock.forSteps) * clock.step, alerts: [{ labels: { ...labels, signal: 'requests' }, value: p95 }] },
    ],
  );
  const operations = promtoolTest(
    model,
    `${name}: operation db.query takes about ${humanizeDuration(p95)} from step ${slowFrom}`,
    clock,
    name,
    operationTemplates(parameter(model)),
    bucketSeries(catalog.operationDuration.name, operationLabels, slowFloor, slowShape),
    [
      { at: (slowFrom + clock.forSteps - 1) * clock.step, alerts: [] },
      { at: (slowFrom + window + clock.forSteps) * clock.step, alerts: [{ labels: { ...labels, signal: 'operations', operation: 'db.query' }, value: p95 }] },
    ],
  );
  if (seconds <= fastLimit) return [requests, operations];
  // Healthy: every observation in the fastest bucket, a restart (all counters reset) and a gap.
  const restartAt = window + 5;
  const gapAt = restartAt + window + 5;
  const healthyLength = gapAt + window + clock.forSteps * 2;
  const fastObservations = (perStep: number): SeriesBuilder =>
    SeriesBuilder.restartingCounter(perStep, { restartAt, gapAt, gapSteps: clock.steps('2m'), length: healthyLength });
  const healthy = promtoolTest(
    model,
    `${name}: fast requests and operations with a restart and a scrape gap; never fires`,
    clock,
    name,
    requestTemplates(parameter(model)),
    [
      ...bucketSeries(catalog.httpRequestDuration.name, requestLabels, 0, fastObservations),
      ...bucketSeries(catalog.operationDuration.name, operationLabels, 0, fastObservations),
    ],
    quietChecks(clock, window, healthyLength - 1, Math.max(1, Math.floor(window / 2))),
  );
  return [requests, operations, healthy];
}

export const highLatencyP95Alert: AlertDefinition = {
  name,
  priority: 'P2',
  severity: 'warning',
  title: 'p95 latency of requests or operations above the threshold',
  runbook: {
    meaning:
      'The 95th percentile latency of the service\'s HTTP requests, or of one of its instrumented operations (label operation), computed over 5 minutes from the histograms, has stayed above the threshold (default 1s) for the whole `for` duration.',
    causes: [
      'A slow dependency: database queries, cache misses, an upstream API.',
      'Saturation: CPU throttling, event-loop lag, connection-pool waits, garbage collection.',
      'A change in traffic or payloads (larger responses, a new expensive route).',
    ],
    firstChecks: [
      'Find the slow route or operation: job_route:http_request_duration_seconds:p95_5m and job_operation:operation_duration_seconds:p95_5m.',
      'Check CPUHigh, EventLoopLagHigh and the latency of the service\'s dependencies.',
      'Correlate with deploys and traffic volume (job:http_requests:rate5m).',
    ],
  },
  rules: highLatencyP95Rules,
  tests: highLatencyP95Tests,
  parameters: (model) => [parameter(model), ...settingsParameters(name, 'service', settings(model))],
};
