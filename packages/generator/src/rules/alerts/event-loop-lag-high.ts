import { defaultNodeMetrics } from '@vigil/metrics/catalog';
import type { Model } from '../../model/types.js';
import { kindAlertRules, promtoolTest, quietChecks, serviceLabels, serviceParameter, serviceSettings, testClock, testInterval, type AlertTemplates } from '../common.js';
import { serviceDefaults } from '../../model/defaults.js';
import { humanizeDuration, percentText } from '../format.js';
import { compare, settingsParameters, type ParameterValues } from '../parameters.js';
import { SeriesBuilder, seriesName } from '../series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest } from '../types.js';

const name = 'EventLoopLagHigh';
const lagMetric = defaultNodeMetrics.eventLoopLagP99.name;

const templates = (threshold: ParameterValues): AlertTemplates => ({
  summary: [{ label: 'service' }, ' (', { label: 'instance' }, '): event-loop lag p99 above ', { parameter: threshold, format: 'humanizeDuration' }],
  description: [
    'The p99 event-loop lag of ',
    { label: 'instance' },
    ' (job ',
    { label: 'job' },
    ') is ',
    { value: 'humanizeDuration' },
    ' (threshold ', { parameter: threshold, format: 'humanizeDuration' }, '). Every request and timer on the instance waits this long.',
  ],
});

const parameter = (model: Model): ParameterValues =>
  serviceParameter(model, name, 'seconds', serviceDefaults.alerts.eventLoopLagHigh.seconds, (service) => service.alerts.eventLoopLagHigh.seconds);

const settings = (model: Model) => serviceSettings(model, 'eventLoopLagHigh', (service) => service.alerts.eventLoopLagHigh.for);

export function eventLoopLagHighRules(model: Model): AlertingRule[] {
  const threshold = parameter(model);
  return kindAlertRules(model, { name, kind: 'service', priority: 'P2', condition: compare(`max by (job, instance) (${lagMetric})`, '>', threshold), settings: settings(model), templates: templates(threshold) });
}

export function eventLoopLagHighTests(model: Model): PromtoolTest[] {
  const service = model.services[0];
  if (service === undefined) return [];
  const { seconds, for: forDuration } = service.alerts.eventLoopLagHigh;
  const clock = testClock(testInterval(model, service), forDuration);
  const instance = service.targets[0]!;
  const lag = seriesName(lagMetric, { job: service.job, instance });
  const lagFrom = 10;
  const length = lagFrom + clock.forSteps + 5;
  const t = templates(parameter(model));
  const firing = promtoolTest(
    model,
    `${name}: lag p99 jumps to ${humanizeDuration(seconds * 2)} at step ${lagFrom}`,
    clock,
    name,
    t,
    [{ name: lag, values: new SeriesBuilder().constant(seconds / 10, lagFrom).constant(seconds * 2, length - lagFrom).encode() }],
    [
      { at: (lagFrom + clock.forSteps - 1) * clock.step, alerts: [] },
      { at: (lagFrom + clock.forSteps) * clock.step, alerts: [{ labels: { ...serviceLabels(service, 'P2'), job: service.job, instance }, value: seconds * 2 }] },
    ],
  );
  // Healthy: low lag with a one-scrape spike (a GC pause), a restart gap and a scrape gap.
  const healthySeries = new SeriesBuilder()
    .constant(seconds / 4, 10)
    .constant(seconds * 2, 1)
    .constant(seconds / 4, 10)
    .gap(2)
    .constant(seconds / 8, 10)
    .gap(clock.forSteps + 2)
    .constant(seconds / 4, clock.forSteps + 10);
  const healthy = promtoolTest(
    model,
    `${name}: low lag with a one-scrape spike, a restart and a scrape gap; never fires`,
    clock,
    name,
    t,
    [{ name: lag, values: healthySeries.encode() }],
    quietChecks(clock, 0, healthySeries.length - 1, 1),
  );
  return [firing, healthy];
}

export const eventLoopLagHighAlert: AlertDefinition = {
  name,
  priority: 'P2',
  severity: 'warning',
  title: 'Event-loop lag p99 above the threshold',
  runbook: {
    meaning:
      'The p99 event-loop lag reported by the process (nodejs_eventloop_lag_p99_seconds, from prom-client) has stayed above the threshold (default 0.5s) for the whole `for` duration: synchronous work blocks the loop, so every request, timer and health check on the instance is delayed.',
    causes: [
      'Synchronous CPU work on the main thread: big JSON, regexes, sync file or crypto calls.',
      'CPU starvation: the container is throttled (see CPUHigh) or the host is overloaded.',
      'Long garbage-collection pauses from a large heap.',
    ],
    firstChecks: [
      'Check CPUHigh and process_cpu_seconds_total for the instance.',
      'Look at nodejs_gc_duration_seconds and heap size for long GC pauses.',
      'Take a CPU profile and look for long synchronous frames.',
    ],
  },
  rules: eventLoopLagHighRules,
  tests: eventLoopLagHighTests,
  parameters: (model) => [parameter(model), ...settingsParameters(name, 'service', settings(model))],
};
