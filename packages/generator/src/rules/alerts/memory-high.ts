import { catalog, defaultNodeMetrics } from '@vigil/metrics/catalog';
import type { Model } from '../../model/types.js';
import { kindAlertRules, promtoolTest, quietChecks, serviceLabels, serviceParameter, serviceSettings, testClock, testInterval, type AlertTemplates } from '../common.js';
import { serviceDefaults } from '../../model/defaults.js';
import { humanizeDuration, percentText } from '../format.js';
import { compare, settingsParameters, type ParameterValues } from '../parameters.js';
import { recordingRuleNames } from '../recording.js';
import { SeriesBuilder, seriesName } from '../series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest } from '../types.js';

const name = 'MemoryHigh';

const templates = (threshold: ParameterValues): AlertTemplates => ({
  summary: [{ label: 'service' }, ' (', { label: 'instance' }, ') uses over ', { parameter: threshold, format: 'humanizePercentage' }, ' of its container memory limit'],
  description: [
    'Resident memory of ',
    { label: 'instance' },
    ' (job ',
    { label: 'job' },
    ') is ',
    { value: 'humanizePercentage' },
    " of its container's memory limit (threshold ", { parameter: threshold, format: 'humanizePercentage' }, '). Near the limit the process is OOM-killed.',
  ],
});

/** Only instances that export container_memory_limit_bytes have the ratio: a host's memory is not the limit. */
const parameter = (model: Model): ParameterValues =>
  serviceParameter(model, name, 'ratio', serviceDefaults.alerts.memoryHigh.ratio, (service) => service.alerts.memoryHigh.ratio);

const settings = (model: Model) => serviceSettings(model, 'memoryHigh', (service) => service.alerts.memoryHigh.for);

export function memoryHighRules(model: Model): AlertingRule[] {
  const threshold = parameter(model);
  return kindAlertRules(model, { name, kind: 'service', priority: 'P2', condition: compare(recordingRuleNames.instanceMemoryLimitRatio, '>', threshold), settings: settings(model), templates: templates(threshold) });
}

export function memoryHighTests(model: Model): PromtoolTest[] {
  const service = model.services[0];
  if (service === undefined) return [];
  const { ratio, for: forDuration } = service.alerts.memoryHigh;
  const clock = testClock(testInterval(model, service), forDuration);
  const instance = service.targets[0]!;
  const limitBytes = 1_000_000_000;
  const rss = (target: string): string => seriesName(defaultNodeMetrics.processResidentMemory.name, { job: service.job, instance: target });
  const limit = (target: string): string => seriesName(catalog.containerMemoryLimit.name, { job: service.job, instance: target });
  const highShare = (1 + ratio) / 2;
  const growAt = 10;
  const length = growAt + clock.forSteps + 5;
  const t = templates(parameter(model));
  const firing = promtoolTest(
    model,
    `${name}: resident memory reaches ${percentText(highShare)} of the limit at step ${growAt}`,
    clock,
    name,
    t,
    [
      { name: limit(instance), values: new SeriesBuilder().constant(limitBytes, length).encode() },
      {
        name: rss(instance),
        values: new SeriesBuilder().constant(limitBytes * 0.4, growAt).constant(Math.round(limitBytes * highShare), length - growAt).encode(),
      },
    ],
    [
      { at: (growAt + clock.forSteps - 1) * clock.step, alerts: [] },
      {
        at: (growAt + clock.forSteps) * clock.step,
        alerts: [{ labels: { ...serviceLabels(service, 'P2'), job: service.job, instance }, value: Math.round(limitBytes * highShare) / limitBytes }],
      },
    ],
  );
  // Healthy: half the limit with a restart and a gap; and an instance with no container limit
  // using far more memory (a host process) never fires.
  const hostInstance = `${instance}-host`;
  const healthyLength = 20 + clock.forSteps * 3;
  const healthy = promtoolTest(
    model,
    `${name}: half the limit with a restart and a gap, and an instance without a limit; never fires`,
    clock,
    name,
    t,
    [
      { name: limit(instance), values: new SeriesBuilder().constant(limitBytes, 10).gap(2).constant(limitBytes, healthyLength - 12).encode() },
      {
        name: rss(instance),
        values: new SeriesBuilder()
          .constant(limitBytes / 2, 10)
          .gap(2)
          .constant(limitBytes / 10, 5)
          .gap(clock.forSteps)
          .constant(limitBytes / 2, healthyLength - 17 - clock.forSteps)
          .encode(),
      },
      { name: rss(hostInstance), values: new SeriesBuilder().constant(limitBytes * 8, healthyLength).encode() },
    ],
    quietChecks(clock, 0, healthyLength - 1, 1),
  );
  return [firing, healthy];
}

export const memoryHighAlert: AlertDefinition = {
  name,
  priority: 'P2',
  severity: 'warning',
  title: 'Resident memory near the container limit',
  runbook: {
    meaning:
      'The resident memory of an instance has been above the threshold (default 90%) of its container memory limit (container_memory_limit_bytes, read from the cgroup) for the whole `for` duration. Instances without a container limit are not compared with the host\'s memory and never fire.',
    causes: [
      'A memory leak: caches without bounds, listeners or timers never released, growing maps.',
      'A burst of large payloads or a batch job holding everything in memory.',
      'The limit is too small for the current load.',
    ],
    firstChecks: [
      'Graph process_resident_memory_bytes and nodejs_heap_size_used_bytes: steady growth means a leak, steps mean load.',
      'Check restarts of the instance (OOM kills show as restarts with exit code 137).',
      'Take a heap snapshot of an affected instance before it restarts.',
    ],
  },
  rules: memoryHighRules,
  tests: memoryHighTests,
  parameters: (model) => [parameter(model), ...settingsParameters(name, 'service', settings(model))],
};
