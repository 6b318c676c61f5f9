import { catalog } from '@vigil/metrics/catalog';
import type { ExporterDependencyModel, Model } from '../../model/types.js';
import { serviceDefaults } from '../../model/defaults.js';
import { alertingRule, exporterFor, promtoolTest, quietChecks, selector, serviceLabels, testClock, testInterval, tierSeverity, type AlertTemplates } from '../common.js';
import { SeriesBuilder, seriesName } from '../series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest } from '../types.js';

const name = 'DependencyDown';

const healthCheckTemplates = (service: string): AlertTemplates => ({
  summary: [`${service}: critical dependency `, { label: 'check' }, ' is failing'],
  description: [
    `The critical health check `,
    { label: 'check' },
    ` of ${service} (job `,
    { label: 'job' },
    ') has been failing; health_check_status is ',
    { value: 'g4' },
    '.',
  ],
});

const exporterTemplates = (dependency: string): AlertTemplates => ({
  summary: [`Dependency ${dependency} is down`],
  description: [
    `The ${dependency} exporter (`,
    { label: 'instance' },
    `) cannot reach ${dependency}; its up metric is `,
    { value: 'g4' },
    '.',
  ],
});

/** The exporter metric that says whether the exporter reaches its database (node has none). */
const exporterUpMetric: Partial<Record<ExporterDependencyModel['kind'], string>> = { postgres: 'pg_up', redis: 'redis_up' };

export function dependencyDownRules(model: Model): AlertingRule[] {
  const rules = model.services.map((service) => {
    const expr = `min by (job, check) (${selector(catalog.healthCheckStatus.name, { job: service.job, criticality: 'critical' })}) == 0`;
    return alertingRule(model, name, expr, service.alerts.dependencyDown.for, serviceLabels(service, 'P1'), healthCheckTemplates(service.name));
  });
  const defaultFor = exporterFor(model, (service) => service.alerts.dependencyDown.for, serviceDefaults.alerts.dependencyDown.for);
  for (const dependency of model.dependencies) {
    if (dependency.kind === 'healthCheck') continue;
    const metric = exporterUpMetric[dependency.kind];
    if (metric === undefined) continue;
    rules.push(
      alertingRule(
        model,
        name,
        `${selector(metric, { job: dependency.job })} == 0`,
        defaultFor,
        { check: dependency.name, priority: 'P1', service: dependency.name, severity: tierSeverity.P1, team: dependency.team },
        exporterTemplates(dependency.name),
      ),
    );
  }
  return rules;
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
  const templates = healthCheckTemplates(service.name);
  const firing = promtoolTest(
    model,
    `${name}: critical check "${check}" fails from step ${failAt}`,
    clock,
    name,
    templates,
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
    templates,
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
};
