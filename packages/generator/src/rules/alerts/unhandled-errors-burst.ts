import { catalog } from '@vigil/metrics/catalog';
import type { Model } from '../../model/types.js';
import { kindAlertRules, promtoolTest, quietChecks, serviceLabels, serviceParameter, serviceSettings, testClock, testInterval, windowTestInterval, type AlertTemplates } from '../common.js';
import { serviceDefaults } from '../../model/defaults.js';
import { compare, durationGroups, durationParameter, serviceTarget, settingsParameters, type ParameterValues } from '../parameters.js';
import { SeriesBuilder, seriesName } from '../series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest } from '../types.js';

const name = 'UnhandledErrorsBurst';

const defaults = serviceDefaults.alerts.unhandledErrorsBurst;

const countParameter = (model: Model): ParameterValues =>
  serviceParameter(model, name, 'count', defaults.count, (service) => service.alerts.unhandledErrorsBurst.count);

const windows = (model: Model) =>
  model.services.map((service) => ({ target: serviceTarget(service), duration: service.alerts.unhandledErrorsBurst.window }));

const windowParameter = (model: Model): ParameterValues => durationParameter(name, 'service', 'window_seconds', windows(model));

const templates = (count: ParameterValues, window: ParameterValues): AlertTemplates => ({
  summary: [{ label: 'service' }, ' keeps hitting unhandled errors'],
  description: [
    { value: 'humanize' },
    ' unhandled rejections or uncaught exceptions in job ',
    { label: 'job' },
    ' over the last ',
    { parameter: window, format: 'humanizeDuration' },
    ' (threshold: more than ',
    { parameter: count, format: 'g4' },
    '), and it has kept up.',
  ],
});

const settings = (model: Model) => serviceSettings(model, 'unhandledErrorsBurst', (service) => service.alerts.unhandledErrorsBurst.for);

/** Errors are counted over each target's window: one term per distinct window. */
export function unhandledErrorsBurstRules(model: Model): AlertingRule[] {
  const count = countParameter(model);
  const terms = durationGroups(name, 'service', 'window_seconds', windows(model)).map(
    (group) => `${compare(`sum by (job) (increase(${catalog.unhandledErrors.name}[${group.duration ?? defaults.window}]))`, '>', count)}${group.filter}`,
  );
  const condition = terms.length === 1 ? terms[0]! : terms.map((term) => `(${term})`).join('\nor\n');
  return kindAlertRules(model, { name, kind: 'service', priority: 'P1', condition, settings: settings(model), templates: templates(count, windowParameter(model)) });
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
    templates(countParameter(model), windowParameter(model)),
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
    templates(countParameter(model), windowParameter(model)),
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
  parameters: (model) => [countParameter(model), windowParameter(model), ...settingsParameters(name, 'service', settings(model))],
};
