import { catalog } from '@vigil/metrics/catalog';
import { circuitBreakerDefaults } from '../../model/defaults.js';
import type { Model, Priority } from '../../model/types.js';
import { kindAlertRules, promtoolTest, quietChecks, serviceLabels, testClock, testInterval, type AlertTemplates } from '../common.js';
import { serviceTarget } from '../parameters.js';
import { humanizeDuration } from '../format.js';
import { durationSeconds } from '../../spec/duration.js';
import { SeriesBuilder, seriesName } from '../series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest } from '../types.js';

const stateMetric = catalog.circuitBreakerState.name;
/** `circuit_breaker_state` at or above this is open (2) or half-open (1); closed is 0. */
const notClosed = 1;
const open = 2;
const halfOpen = 1;

interface Variant {
  readonly name: string;
  readonly priority: Priority;
  readonly forDuration: string;
}

const variants = {
  open: { name: 'CircuitBreakerOpen', priority: 'P2', forDuration: circuitBreakerDefaults.openFor },
  openLong: { name: 'CircuitBreakerOpenLong', priority: 'P1', forDuration: circuitBreakerDefaults.openLongFor },
} as const satisfies Record<string, Variant>;

const templates = (forDuration: string): AlertTemplates => ({
  summary: [{ label: 'service' }, ' (', { label: 'instance' }, '): circuit breaker ', { label: 'breaker' }, ` not closed for ${humanizeDuration(durationSeconds(forDuration))}`],
  description: [
    'Circuit breaker ',
    { label: 'breaker' },
    ' of ',
    { label: 'instance' },
    ' (job ',
    { label: 'job' },
    `) has been open or half-open for over ${humanizeDuration(durationSeconds(forDuration))}: calls to its dependency fail fast and are served by the fallback, if any. Its state is now `,
    { value: 'g4' },
    ' (1 half-open, 2 open).',
  ],
});

/** One rule for the whole fleet; owner labels come from the service info join (rules/parameters.ts). */
function rulesOf(variant: Variant): (model: Model) => AlertingRule[] {
  return (model) =>
    kindAlertRules(model, {
      name: variant.name,
      kind: 'service',
      priority: variant.priority,
      // Half-open counts as open: the `for` clock keeps running while the breaker probes.
      condition: `max by (job, instance, breaker) (${stateMetric}) >= ${notClosed}`,
      settings: model.services.map((service) => ({ target: serviceTarget(service), for: variant.forDuration, disabled: false })),
      templates: templates(variant.forDuration),
    });
}

function testsOf(variant: Variant): (model: Model) => PromtoolTest[] {
  return (model) => {
    const service = model.services[0];
    if (service === undefined) return [];
    const clock = testClock(testInterval(model, service), variant.forDuration);
    const instance = service.targets[0]!;
    const breaker = 'redis';
    const state = seriesName(stateMetric, { job: service.job, instance, breaker });
    const t = templates(variant.forDuration);
    const openFrom = 10;
    // Open, then cycling open / half-open as its probes fail: one episode, never closed.
    const episode = new SeriesBuilder().constant(0, openFrom);
    while (episode.length < openFrom + clock.forSteps + 5) episode.constant(open, 3).constant(halfOpen, 1);
    const labels = { ...serviceLabels(service, variant.priority), job: service.job, instance, breaker };
    const firing = promtoolTest(
      model,
      `${variant.name}: breaker opens at step ${openFrom} and keeps failing its half-open probes`,
      clock,
      variant.name,
      t,
      [{ name: state, values: episode.encode() }],
      [
        { at: (openFrom + clock.forSteps - 1) * clock.step, alerts: [] },
        { at: (openFrom + clock.forSteps + 1) * clock.step, alerts: [{ labels, value: open }] },
      ],
    );
    // Healthy: short outages that close again before `for`, each shorter than the last.
    const healthySeries = new SeriesBuilder().constant(0, 5);
    for (const length of [clock.forSteps - 2, Math.floor(clock.forSteps / 2), 1]) {
      healthySeries.constant(open, Math.max(1, length - 1)).constant(halfOpen, 1).constant(0, 5);
    }
    const healthy = promtoolTest(
      model,
      `${variant.name}: outages that close within ${variant.forDuration}; never fires`,
      clock,
      variant.name,
      t,
      [{ name: state, values: healthySeries.encode() }],
      quietChecks(clock, 0, healthySeries.length - 1, 1),
    );
    return [firing, healthy];
  };
}

const runbook = (forDuration: string, page: boolean): AlertDefinition['runbook'] => ({
  meaning: `A circuit breaker (circuit_breaker_state, from @vigil/metrics' opossum adapter) has been open or half-open for over ${forDuration}: the dependency behind it failed often enough that calls now fail fast, and every half-open probe since has failed too. The service answers from its fallback (the example service: an in-memory cache) or fails those calls.${page ? ' After this long the fallback is no longer a stopgap: data is stale or requests fail.' : ''}`,
  causes: [
    'The dependency is down or unreachable (see DependencyDown and the exporter of that dependency).',
    'The dependency is slow: calls exceed the breaker timeout and count as failures.',
    'A bad deploy or configuration: wrong address, credentials or TLS settings for the dependency.',
  ],
  firstChecks: [
    'Read circuit_breaker_calls_total by outcome for the breaker: timeouts point at slowness, failures at errors.',
    'Check the dependency itself: DependencyDown, its exporter dashboard, its logs.',
    'Check recent deploys and configuration changes of the service and of the dependency.',
  ],
});

export const circuitBreakerOpenAlert: AlertDefinition = {
  name: variants.open.name,
  priority: variants.open.priority,
  severity: 'warning',
  title: 'A circuit breaker has stayed open',
  runbook: runbook(variants.open.forDuration, false),
  rules: rulesOf(variants.open),
  tests: testsOf(variants.open),
};

export const circuitBreakerOpenLongAlert: AlertDefinition = {
  name: variants.openLong.name,
  priority: variants.openLong.priority,
  severity: 'critical',
  title: 'A circuit breaker has stayed open for long',
  runbook: runbook(variants.openLong.forDuration, true),
  rules: rulesOf(variants.openLong),
  tests: testsOf(variants.openLong),
};
