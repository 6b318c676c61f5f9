import { catalog } from '@vigil/metrics/catalog';
import type { ExporterDependencyModel, Model } from '../../model/types.js';
import { serviceDefaults } from '../../model/defaults.js';
import { exporterFor, kindAlertRules, promtoolTest, quietChecks, selector, serviceLabels, serviceSettings, testClock, testInterval, type AlertTemplates } from '../common.js';
import { settingsParameters, type TargetSettings } from '../parameters.js';
import { SeriesBuilder, seriesName } from '../series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest } from '../types.js';

const name = 'DependencyDown';

const templates = (): AlertTemplates => ({
  summary: [{ label: 'service' }, ': critical dependency ', { label: 'check' }, ' is failing'],
  description: [
    'The critical dependency ',
    { label: 'check' },
    ' of job ',
    { label: 'job' },
    ' has been failing (its health check, or its exporter\'s up metric, is ',
    { value: 'g4' },
    ').',
  ],
});

/** The exporter metric that says whether the exporter reaches its database (node has none). */
const exporterUpMetric: Partial<Record<ExporterDependencyModel['kind'], string>> = { postgres: 'pg_up', redis: 'redis_up' };

/** Services (their critical checks) and the exporters that report a reachable database. */
function settings(model: Model): TargetSettings[] {
  const exporterForDuration = exporterFor(model, (service) => service.alerts.dependencyDown.for, serviceDefaults.alerts.dependencyDown.for);
  const exporters = model.dependencies.flatMap((dependency): TargetSettings[] =>
    dependency.kind === 'healthCheck' || exporterUpMetric[dependency.kind] === undefined
      ? []
      : [{ target: { job: dependency.job }, for: exporterForDuration, disabled: false }],
  );
  return [...serviceSettings(model, 'dependencyDown', (service) => service.alerts.dependencyDown.for), ...exporters];
}

/** A failing critical health check of a service, or an exporter that cannot reach its database (check = the dependency). */
export function dependencyDownRules(model: Model): AlertingRule[] {
  const kinds = [...new Set(model.dependencies.flatMap((dependency) => (dependency.kind === 'healthCheck' ? [] : [dependency.kind])))].sort();
  const exporterTerms = kinds.flatMap((kind) => {
    const metric = exporterUpMetric[kind];
    return metric === undefined ? [] : [`label_replace(${metric} == 0, "check", "$1", "job", "(.*)")`];
  });
  const healthChecks = `min by (job, check) (${selector(catalog.healthCheckStatus.name, { criticality: 'critical' })}) == 0`;
  const condition = [healthChecks, ...exporterTerms].join('\nor\n');
  return kindAlertRules(model, { name, kind: 'service', priority: 'P1', condition, settings: settings(model), templates: templates() });
}

export function dependencyDownTests(model: Model): PromtoolTest[] {
  const service = model.services.find((candidate) => candidate.healthChecks.length > 0) ?? model.services[0];
  if (service === undefined) return [];
  const check = service.healthChecks[0] ?? 'database';
  const clock = testClock(testInterval(model, service), service.alerts.dependencyDown.for);
  const instance = service.targets[0]!;
  const status = (checkName: string, criticality: string): string =>
    seriesName(catalog.healthCheckStatus.name, { job: service.job, instance, check: checkName, criticality });
  const failAt = 10;
  const length = failAt + clock.forSteps + 10;
  const labels = { ...serviceLabels(service, 'P1'), job: service.job, check };
  const firing = promtoolTest(
    model,
    `${name}: critical check "${check}" fails from step ${failAt}`,
    clock,
    name,
    templates(),
    [{ name: status(check, 'critical'), values: new SeriesBuilder().constant(1, failAt).constant(0, length - failAt).encode() }],
    [
      { at: (failAt + clock.forSteps - 1) * clock.step, alerts: [] },
      { at: (failAt + clock.forSteps) * clock.step, alerts: [{ labels, value: 0 }] },
    ],
  );
  // Healthy: one failed run, a restart gap, and a failing non-critical ("warning") check.
  const healthyLength = 20 + clock.forSteps * 3;
  const flapping = new SeriesBuilder()
    .constant(1, 10)
    .constant(0, 1)
    .constant(1, 10)
    .gap(clock.forSteps + 2)
    .padTo(healthyLength);
  const quiet = promtoolTest(
    model,
    `${name}: a single failed run, a restart gap and a failing warning-level check never fire`,
    clock,
    name,
    templates(),
    [
      { name: status(check, 'critical'), values: flapping.encode() },
      { name: status('optional-feed', 'warning'), values: new SeriesBuilder().constant(0, healthyLength).encode() },
    ],
    quietChecks(clock, 0, healthyLength - 1, 1),
  );
  return [firing, quiet];
}

export const dependencyDownAlert: AlertDefinition = {
  name,
  priority: 'P1',
  severity: 'critical',
  title: 'A critical dependency is failing',
  runbook: {
    meaning:
      'A critical health check of a service (health_check_status{criticality="critical"}) has reported failure for the whole `for` duration, or an exporter reports that it cannot reach its database. The service cannot do its work without this dependency.',
    causes: [
      'The dependency (database, cache, upstream) is down, overloaded or refusing connections.',
      'Credentials, certificates or network policy changed between the service and the dependency.',
      'The service exhausted its connection pool or the check itself times out too aggressively.',
    ],
    firstChecks: [
      'Read the check label and the service\'s /health output for the failure reason.',
      'Check the dependency directly (its own metrics or exporter, e.g. pg_up, redis_up, and its logs).',
      'Compare with other services using the same dependency: one failing service points at its config or pool.',
    ],
  },
  rules: dependencyDownRules,
  tests: dependencyDownTests,
  parameters: (model) => settingsParameters(name, 'service', settings(model)),
};
