import { catalog, defaultNodeMetrics } from '@vigil/metrics/catalog';
import type { Model } from '../../model/types.js';
import { kindAlertRules, promtoolTest, quietChecks, serviceLabels, serviceParameter, serviceSettings, testClock, testInterval, windowTestInterval, type AlertTemplates } from '../common.js';
import { serviceDefaults } from '../../model/defaults.js';
import { humanizeDuration, percentText } from '../format.js';
import { compare, settingsParameters, type ParameterValues } from '../parameters.js';
import { recordingRuleNames } from '../recording.js';
import { SeriesBuilder, seriesName } from '../series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest } from '../types.js';

const name = 'CPUHigh';

const templates = (threshold: ParameterValues): AlertTemplates => ({
  summary: [{ label: 'service' }, ' (', { label: 'instance' }, ') uses over ', { parameter: threshold, format: 'humanizePercentage' }, ' of its CPU'],
  description: [
    'CPU use of ',
    { label: 'instance' },
    ' (job ',
    { label: 'job' },
    ') is ',
    { value: 'humanizePercentage' },
    ' of its CPU quota, or of one core when it has none (threshold ', { parameter: threshold, format: 'humanizePercentage' }, ').',
  ],
});

const parameter = (model: Model): ParameterValues =>
  serviceParameter(model, name, 'ratio', serviceDefaults.alerts.cpuHigh.ratio, (service) => service.alerts.cpuHigh.ratio);

const settings = (model: Model) => serviceSettings(model, 'cpuHigh', (service) => service.alerts.cpuHigh.for);

export function cpuHighRules(model: Model): AlertingRule[] {
  const threshold = parameter(model);
  return kindAlertRules(model, { name, kind: 'service', priority: 'P2', condition: compare(recordingRuleNames.instanceCpuLimitRatio, '>', threshold), settings: settings(model), templates: templates(threshold) });
}

export function cpuHighTests(model: Model): PromtoolTest[] {
  const service = model.services[0];
  if (service === undefined) return [];
  const { ratio, for: forDuration } = service.alerts.cpuHigh;
  const clock = testClock(windowTestInterval(testInterval(model, service), '5m'), forDuration);
  const window = clock.steps('5m');
  const limited = service.targets[0]!;
  const unlimited = `${limited}-nolimit`;
  const cpu = (instance: string): string => seriesName(defaultNodeMetrics.processCpuSeconds.name, { job: service.job, instance });
  const quota = seriesName(catalog.containerCpuLimit.name, { job: service.job, instance: limited });
  const busyShare = Math.min(1, (1 + ratio) / 2);
  const busyFrom = window + 2;
  const length = busyFrom + window + clock.forSteps + 5;
  const cores = 2;
  const t = templates(parameter(model));
  const usage = (coresAvailable: number, share: number): SeriesBuilder =>
    new SeriesBuilder().ramp(0, 0.1 * clock.step, busyFrom).rise(share * coresAvailable * clock.step, length - busyFrom);
  const labels = (instance: string) => ({ ...serviceLabels(service, 'P2'), job: service.job, instance });
  const firing = promtoolTest(
    model,
    `${name}: ${percentText(busyShare)} of a 2-core quota, and of one core without a quota, from step ${busyFrom}`,
    clock,
    name,
    t,
    [
      { name: quota, values: new SeriesBuilder().constant(cores, length).encode() },
      { name: cpu(limited), values: usage(cores, busyShare).encode() },
      { name: cpu(unlimited), values: usage(1, busyShare).encode() },
    ],
    [
      { at: (busyFrom + clock.forSteps - 1) * clock.step, alerts: [] },
      {
        at: (busyFrom + window + clock.forSteps) * clock.step,
        alerts: [
          { labels: labels(limited), value: busyShare },
          { labels: labels(unlimited), value: busyShare },
        ],
      },
    ],
  );
  // Healthy: a third of the quota with a restart (counter reset) and a scrape gap.
  const restartAt = window + 5;
  const gapAt = restartAt + window + 5;
  const healthyLength = gapAt + window + clock.forSteps * 2;
  const perStep = (cores / 3) * clock.step;
  const healthy = promtoolTest(
    model,
    `${name}: a third of the quota with a restart and a scrape gap; never fires`,
    clock,
    name,
    t,
    [
      { name: quota, values: new SeriesBuilder().constant(cores, healthyLength).encode() },
      {
        name: cpu(limited),
        values: SeriesBuilder.restartingCounter(perStep, { restartAt, gapAt, gapSteps: clock.steps('2m'), length: healthyLength })
          .encode(),
      },
    ],
    quietChecks(clock, window, healthyLength - 1, Math.max(1, Math.floor(window / 2))),
  );
  return [firing, healthy];
}

export const cpuHighAlert: AlertDefinition = {
  name,
  priority: 'P2',
  severity: 'warning',
  title: 'CPU use near the quota (or one core)',
  runbook: {
    meaning:
      'Over 5 minutes the process used more than the threshold (default 80%) of its container CPU quota (container_cpu_limit_cores), or of one core when it has no quota, for the whole `for` duration. A Node process runs JavaScript on one core, so one core is its ceiling without a quota.',
    causes: [
      'More traffic or items than the instance can handle.',
      'An expensive code path: large JSON parsing/serialisation, regexes, synchronous crypto or compression.',
      'Garbage-collection pressure from high memory use.',
    ],
    firstChecks: [
      'Compare with request and item rates: does CPU follow load?',
      'Check EventLoopLagHigh and nodejs_gc_duration_seconds for the same instance.',
      'Take a CPU profile of an affected instance (node --cpu-prof or the inspector).',
    ],
  },
  rules: cpuHighRules,
  tests: cpuHighTests,
  parameters: (model) => [parameter(model), ...settingsParameters(name, 'service', settings(model))],
};
