import type { Model } from '../../model/types.js';
import { serviceDefaults } from '../../model/defaults.js';
import { exporterFor, kindAlertRules, promtoolTest, serviceLabels, serviceSettings, testClock, testInterval, type AlertTemplates } from '../common.js';
import { settingsParameters, type TargetSettings } from '../parameters.js';
import { SeriesBuilder, seriesName } from '../series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest } from '../types.js';

const name = 'ServiceDown';

const templates = (): AlertTemplates => ({
  summary: ['Scrape target ', { label: 'instance' }, ' of ', { label: 'service' }, ' is down'],
  description: [
    'Prometheus cannot scrape ',
    { label: 'instance' },
    ' (job ',
    { label: 'job' },
    '): up is ',
    { value: 'g4' },
    '. The process is down, unreachable, or not serving /metrics.',
  ],
});

/** Scrape jobs this alert covers: every service and every exporter dependency (with the shortest service `for`). */
function settings(model: Model): TargetSettings[] {
  const exporterForDuration = exporterFor(model, (service) => service.alerts.serviceDown.for, serviceDefaults.alerts.serviceDown.for);
  const exporters = model.dependencies.flatMap((dependency): TargetSettings[] =>
    dependency.kind === 'healthCheck' ? [] : [{ target: { job: dependency.job }, for: exporterForDuration, disabled: false }],
  );
  return [...serviceSettings(model, 'serviceDown', (service) => service.alerts.serviceDown.for), ...exporters];
}

export function serviceDownRules(model: Model): AlertingRule[] {
  return kindAlertRules(model, { name, kind: 'service', priority: 'P1', condition: 'up == 0', settings: settings(model), templates: templates() });
}

export function serviceDownTests(model: Model): PromtoolTest[] {
  const service = model.services[0];
  if (service === undefined) return [];
  const clock = testClock(testInterval(model, service), service.alerts.serviceDown.for);
  const instance = service.targets[0]!;
  const up = seriesName('up', { job: service.job, instance });
  const labels = { ...serviceLabels(service, 'P1'), instance, job: service.job };
  const downAt = 10;
  const length = downAt + clock.forSteps + 10;
  const firing = promtoolTest(
    model,
    `${name}: the target stops answering at step ${downAt}; fires once down for ${service.alerts.serviceDown.for}`,
    clock,
    name,
    templates(),
    [{ name: up, values: new SeriesBuilder().constant(1, downAt).constant(0, length - downAt).encode() }],
    [
      { at: (downAt - 1) * clock.step, alerts: [] },
      { at: (downAt + clock.forSteps - 1) * clock.step, alerts: [] },
      { at: (downAt + clock.forSteps) * clock.step, alerts: [{ labels, value: 0 }] },
    ],
  );
  // Healthy: a restart caught by one failed scrape and a gap in scraping never fire.
  const restartAt = 10;
  const gapAt = restartAt + clock.forSteps + 10;
  const healthySeries = new SeriesBuilder()
    .constant(1, restartAt)
    .constant(0, 1)
    .constant(1, gapAt - restartAt - 1)
    .gap(clock.forSteps + 5)
    .constant(1, 10);
  const healthy = promtoolTest(
    model,
    `${name}: a restart (one failed scrape) and a scrape gap do not fire`,
    clock,
    name,
    templates(),
    [{ name: up, values: healthySeries.encode() }],
    Array.from({ length: Math.ceil(healthySeries.length / 2) }, (_, i) => ({ at: i * 2 * clock.step, alerts: [] })),
  );
  return [firing, healthy];
}

export const serviceDownAlert: AlertDefinition = {
  name,
  priority: 'P1',
  severity: 'critical',
  title: 'A scrape target is down',
  runbook: {
    meaning:
      'Prometheus has failed to scrape a target of the service (or of an exporter) for the whole `for` duration. While a target is down none of its other alerts can see data, which is why this one pages.',
    causes: [
      'The process crashed or is restarting in a loop (out of memory, failed start-up, bad deploy).',
      'The container or host is gone, or the network/DNS between Prometheus and the target is broken.',
      'The metrics endpoint moved or now fails (wrong port or path, TLS change, handler throwing).',
    ],
    firstChecks: [
      'Open Prometheus → Status → Targets and read the scrape error for the instance.',
      'Check the process: container status, restarts and the last lines of its logs.',
      'From the Prometheus host, curl the target\'s metrics URL to separate network problems from application problems.',
    ],
  },
  rules: serviceDownRules,
  tests: serviceDownTests,
  parameters: (model) => settingsParameters(name, 'service', settings(model)),
};
