import { catalog } from '@vigil/metrics/catalog';
import type { Model } from '../../model/types.js';
import { alertingRule, promtoolTest, quietChecks, selector, serviceLabels, testClock, testInterval, windowTestInterval, type AlertTemplates } from '../common.js';
import { SeriesBuilder, seriesName } from '../series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest } from '../types.js';

const name = 'UnhandledErrorsBurst';

const templates = (service: string, count: number, window: string): AlertTemplates => ({
  summary: [`${service} keeps hitting unhandled errors`],
  description: [
    { value: 'humanize' },
    ` unhandled rejections or uncaught exceptions in job `,
    { label: 'job' },
    ` over the last ${window} (threshold: more than ${count}), and it has kept up.`,
  ],
});

function expression(job: string, count: number, window: string): string {
  return `sum by (job) (increase(${selector(catalog.unhandledErrors.name, { job })}[${window}])) > ${count}`;
}

export function unhandledErrorsBurstRules(model: Model): AlertingRule[] {
  return model.services.map((service) => {
    const { count, window, for: forDuration } = service.alerts.unhandledErrorsBurst;
    return alertingRule(model, name, expression(service.job, count, window), forDuration, serviceLabels(service, 'P1'), templates(service.name, count, window));
  });
}

export function unhandledErrorsBurstTests(model: Model): PromtoolTest[] {
  const service = model.services[0];
  if (service === undefined) return [];
  const { count, window, for: forDuration } = service.alerts.unhandledErrorsBurst;
  const clock = testClock(windowTestInterval(testInterval(model, service), window), forDuration);
  const windowSteps = clock.steps(window);
  const instance = service.targets[0]!;
  const series = (kind: string): string => seriesName(catalog.unhandledErrors.name, { job: service.job, instance, kind });
  // Enough errors per step that a full window holds at least twice the threshold.
  const perStep = Math.ceil((2 * (count + 1)) / windowSteps);
  const burstAt = windowSteps + 2;
  const length = burstAt + windowSteps + clock.forSteps + 5;
  const labels = { ...serviceLabels(service, 'P1'), job: service.job };
  const firing = promtoolTest(
    model,
    `${name}: ${perStep} unhandled rejections per step from step ${burstAt}`,
    clock,
    name,
    templates(service.name, count, window),
    [{ name: series('unhandledRejection'), values: new SeriesBuilder().constant(0, burstAt).rise(perStep, length - burstAt).encode() }],
    [
      { at: (burstAt + clock.forSteps - 1) * clock.step, alerts: [] },
      { at: (burstAt + windowSteps + clock.forSteps) * clock.step, alerts: [{ labels, value: perStep * windowSteps }] },
    ],
  );
  // Healthy: one error per window, a restart (counter reset after a missed scrape) and a gap.
  const healthy = new SeriesBuilder().constant(0, windowSteps);
  const cycles = Math.max(4, Math.ceil((clock.forSteps * 2) / windowSteps));
  for (let cycle = 0; cycle < cycles; cycle++) {
    healthy.rise(1, 1).hold(windowSteps - 1);
    if (cycle === 1) healthy.gap(1).constant(0, windowSteps);
    if (cycle === 2) healthy.gap(Math.max(1, Math.floor(windowSteps / 2))).hold(windowSteps);
  }
  const quiet = promtoolTest(
    model,
    `${name}: one error per ${window}, a restart and a scrape gap; never fires`,
    clock,
    name,
    templates(service.name, count, window),
    [{ name: series('uncaughtException'), values: healthy.encode() }],
    quietChecks(clock, 0, healthy.length - 1, Math.max(1, Math.floor(clock.forSteps / 2))),
  );
  return [firing, quiet];
}

export const unhandledErrorsBurstAlert: AlertDefinition = {
  name,
  priority: 'P1',
  severity: 'critical',
  title: 'Unhandled rejections or uncaught exceptions keep happening',
  runbook: {
    meaning:
      'The process has seen more unhandled promise rejections or uncaught exceptions per window than the threshold, continuously for the `for` duration. Each one is a code path that failed without handling: requests or items are being lost, and the process may be in a bad state.',
    causes: [
      'A dependency started failing and a code path lacks error handling (a missing await or catch).',
      'A deploy introduced a throwing code path in a timer, event handler or background job.',
      'Bad input (an unexpected payload shape) reaching code that assumes it cannot happen.',
    ],
    firstChecks: [
      'Split unhandled_errors_total by kind (unhandledRejection or uncaughtException) and instance.',
      'Search the service logs for the stack traces logged with each unhandled error.',
      'Correlate the start with deploys and with DependencyDown or HighErrorRate alerts.',
    ],
  },
  rules: unhandledErrorsBurstRules,
  tests: unhandledErrorsBurstTests,
};
