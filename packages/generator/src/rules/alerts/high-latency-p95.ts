import { catalog, latencyBucketsSeconds } from '@vigil/metrics/catalog';
import type { Model } from '../../model/types.js';
import { alertingRule, promtoolTest, quietChecks, selector, serviceLabels, testClock, testInterval, windowTestInterval, type AlertTemplates } from '../common.js';
import { humanizeDuration, promNumber } from '../format.js';
import { recordingRuleNames } from '../recording.js';
import { SeriesBuilder, seriesName } from '../series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest } from '../types.js';

const name = 'HighLatencyP95';

const requestTemplates = (service: string, seconds: number): AlertTemplates => ({
  summary: [`${service}: p95 request latency above ${humanizeDuration(seconds)}`],
  description: [
    'The p95 latency of HTTP requests to job ',
    { label: 'job' },
    ' is ',
    { value: 'humanizeDuration' },
    ` over the last 5 minutes (threshold ${humanizeDuration(seconds)}).`,
  ],
});

const operationTemplates = (service: string, seconds: number): AlertTemplates => ({
  summary: [`${service}: p95 latency of operation `, { label: 'operation' }, ` above ${humanizeDuration(seconds)}`],
  description: [
    'The p95 latency of operation ',
    { label: 'operation' },
    ' in job ',
    { label: 'job' },
    ' is ',
    { value: 'humanizeDuration' },
    ` over the last 5 minutes (threshold ${humanizeDuration(seconds)}).`,
  ],
});

export function highLatencyP95Rules(model: Model): AlertingRule[] {
  return model.services.flatMap((service) => {
    const { seconds, for: forDuration } = service.alerts.highLatencyP95;
    // Two rules share the alert name; the `signal` label keeps their series distinct.
    const labels = serviceLabels(service, 'P2');
    return [
      alertingRule(
        model,
        name,
        `${selector(recordingRuleNames.jobRequestDurationP95, { job: service.job })} > ${promNumber(seconds)}`,
        forDuration,
        { ...labels, signal: 'requests' },
        requestTemplates(service.name, seconds),
      ),
      alertingRule(
        model,
        name,
        `${selector(recordingRuleNames.jobOperationDurationP95, { job: service.job })} > ${promNumber(seconds)}`,
        forDuration,
        { ...labels, signal: 'operations' },
        operationTemplates(service.name, seconds),
      ),
    ];
  });
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
    requestTemplates(service.name, seconds),
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
    operationTemplates(service.name, seconds),
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
    requestTemplates(service.name, seconds),
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
};
