import { catalog } from '@vigil/metrics/catalog';
import type { Model } from '../../model/types.js';
import { kindAlertRules, promtoolTest, quietChecks, serviceLabels, serviceParameter, serviceSettings, testClock, testInterval, windowTestInterval, type AlertTemplates } from '../common.js';
import { serviceDefaults } from '../../model/defaults.js';
import { compare, settingsParameters, type ParameterValues } from '../parameters.js';
import { recordingRuleNames } from '../recording.js';
import { SeriesBuilder, seriesName } from '../series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest } from '../types.js';

const name = 'HighErrorRate';

const defaults = serviceDefaults.alerts.highErrorRate;

function parameters(model: Model): { ratio: ParameterValues; minEvents: ParameterValues } {
  return {
    ratio: serviceParameter(model, name, 'ratio', defaults.ratio, (service) => service.alerts.highErrorRate.ratio),
    minEvents: serviceParameter(model, name, 'min_events', defaults.minEvents, (service) => service.alerts.highErrorRate.minEvents ?? defaults.minEvents),
  };
}

function templates(model: Model): AlertTemplates {
  const { ratio, minEvents } = parameters(model);
  return {
    summary: [{ label: 'service' }, ' answers more than ', { parameter: ratio, format: 'humanizePercentage' }, ' of requests with 5xx'],
    description: [
      { value: 'humanizePercentage' },
      ' of the requests to job ',
      { label: 'job' },
      ' were answered 5xx over the last 5 minutes, or 30 minutes for a service too quiet for 5 (threshold ',
      { parameter: ratio, format: 'humanizePercentage' },
      ', with at least ',
      { parameter: minEvents, format: 'g4' },
      ' requests in the window).',
    ],
  };
}

const settings = (model: Model) => serviceSettings(model, 'highErrorRate', (service) => service.alerts.highErrorRate.for);

/**
 * Window of a low-traffic service: where 5m hold fewer than `min_events` requests, the share is
 * read over 30m. Two requests a minute failing outright then page within about 15 minutes, while
 * one or two 5xx among the 60 requests of the window stay far under the threshold.
 */
const lowTrafficWindow = { range: '30m', seconds: 1800 } as const;

/**
 * The 5xx share over 5m, only with evidence: at least `min_events` requests in the window, so
 * one or two 5xx on a quiet service (or just after a restart) never page; a service too quiet
 * for that evidence in 5m is judged over the low-traffic window, with the same evidence minimum.
 */
export function highErrorRateRules(model: Model): AlertingRule[] {
  const { ratio, minEvents } = parameters(model);
  const evidence = compare(`${recordingRuleNames.jobRequestsRate5m} * 300`, '>=', minEvents);
  const requests = `${catalog.httpRequestDuration.name}_count`;
  const slowRequests = `sum by (job) (rate(${requests}[${lowTrafficWindow.range}]))`;
  const slowErrors = `sum by (job) (rate(${requests}{status_code=~"5.."}[${lowTrafficWindow.range}]))`;
  const slowRatio = `(${slowErrors} / ${slowRequests})`;
  const slowEvidence = compare(`${slowRequests} * ${lowTrafficWindow.seconds}`, '>=', minEvents);
  const condition =
    `${compare(recordingRuleNames.jobRequestErrorsRatioRate5m, '>', ratio)}\nand on (job)\n${evidence}` +
    `\nor\n(${compare(slowRatio, '>', ratio)}\nand on (job)\n${slowEvidence}\nunless on (job)\n${evidence})`;
  return kindAlertRules(model, { name, kind: 'service', priority: 'P1', condition, settings: settings(model), templates: templates(model) });
}

export function highErrorRateTests(model: Model): PromtoolTest[] {
  const service = model.services.find((candidate) => candidate.kind === 'api') ?? model.services[0];
  if (service === undefined) return [];
  const { ratio, for: forDuration } = service.alerts.highErrorRate;
  const minEvents = service.alerts.highErrorRate.minEvents ?? defaults.minEvents;
  const clock = testClock(windowTestInterval(testInterval(model, service), '5m'), forDuration);
  const window = clock.steps('5m');
  const instance = service.targets[0]!;
  const count = (status: string): string =>
    seriesName(`${catalog.httpRequestDuration.name}_count`, {
      job: service.job,
      instance,
      method: 'GET',
      route: '/api/items/:id',
      status_code: status,
    });
  // 100 requests per step; the failing share is halfway between the threshold and 100%.
  const failing = Math.ceil(((ratio + 1) / 2) * 100);
  const quiet = Math.floor((ratio / 2) * 100);
  const startAt = window + 2;
  const length = startAt + window + clock.forSteps + 5;
  const labels = { ...serviceLabels(service, 'P1'), job: service.job };
  const firing = promtoolTest(
    model,
    `${name}: ${failing}% of requests fail from step ${startAt}`,
    clock,
    name,
    templates(model),
    [
      { name: count('200'), values: new SeriesBuilder().ramp(0, 100, startAt).rise(100 - failing, length - startAt).encode() },
      { name: count('500'), values: new SeriesBuilder().constant(0, startAt).rise(failing, length - startAt).encode() },
    ],
    [
      { at: (startAt + clock.forSteps - 1) * clock.step, alerts: [] },
      { at: (startAt + window + clock.forSteps) * clock.step, alerts: [{ labels, value: failing / 100 }] },
    ],
  );
  // Healthy: errors under the threshold, a restart (both counters reset) and a scrape gap.
  const restartAt = window + 5;
  const gapAt = restartAt + window + 5;
  const healthyLength = gapAt + window * 2;
  const healthyCounter = (perStep: number): string =>
    SeriesBuilder.restartingCounter(perStep, { restartAt, gapAt, gapSteps: clock.steps('2m'), length: healthyLength })
      .encode();
  const healthy = promtoolTest(
    model,
    `${name}: ${quiet}% of requests fail, with a restart and a scrape gap; never fires`,
    clock,
    name,
    templates(model),
    [
      { name: count('200'), values: healthyCounter(100 - quiet) },
      { name: count('500'), values: healthyCounter(quiet) },
    ],
    quietChecks(clock, window, healthyLength - 1, Math.max(1, Math.floor(window / 2))),
  );
  // Low traffic: half the evidence minimum per 5m, after a restart, with one 5xx per 30m. Each
  // 5m window holds too few requests to judge; over 30m the share stays under the threshold.
  const quietPerStep = minEvents / (2 * window);
  const slowWindow = clock.steps(lowTrafficWindow.range);
  const lowLength = window + slowWindow * 3;
  const lowTraffic = promtoolTest(
    model,
    `${name}: ${quietPerStep} request(s) per step with one 5xx per ${lowTrafficWindow.range}, under ${minEvents} requests per 5m; never fires`,
    clock,
    name,
    templates(model),
    [
      { name: count('200'), values: new SeriesBuilder().ramp(0, quietPerStep, window).gap(1).ramp(0, quietPerStep, lowLength - window - 1).encode() },
      { name: count('500'), values: new SeriesBuilder().constant(0, window).gap(1).ramp(0, 1 / slowWindow, lowLength - window - 1).encode() },
    ],
    quietChecks(clock, window, lowLength - 1, Math.max(1, Math.floor(window / 4))),
  );
  // The same quiet service failing every request from step `failAt`: judged over 30m, it fires.
  const failAt = slowWindow + 2;
  const failLength = failAt + slowWindow + clock.forSteps + 5;
  const lowTrafficFailing = promtoolTest(
    model,
    `${name}: ${quietPerStep} request(s) per step, all answered 5xx from step ${failAt}; fires from the ${lowTrafficWindow.range} window`,
    clock,
    name,
    templates(model),
    [
      { name: count('200'), values: new SeriesBuilder().ramp(0, quietPerStep, failAt).constant(quietPerStep * (failAt - 1), failLength - failAt).encode() },
      { name: count('500'), values: new SeriesBuilder().constant(0, failAt).rise(quietPerStep, failLength - failAt).encode() },
    ],
    [
      { at: (failAt - 1) * clock.step, alerts: [] },
      { at: (failAt + slowWindow + clock.forSteps) * clock.step, alerts: [{ labels, value: 1 }] },
    ],
  );
  return [firing, healthy, lowTraffic, lowTrafficFailing];
}

export const highErrorRateAlert: AlertDefinition = {
  name,
  priority: 'P1',
  severity: 'critical',
  title: 'Too many requests answered 5xx',
  runbook: {
    meaning:
      'The share of HTTP requests answered with a 5xx status, over the last 5 minutes, has been above the threshold for the whole `for` duration. Users are seeing failures now.',
    causes: [
      'A dependency (database, cache, upstream API) is failing or timing out.',
      'A bad deploy: an exception on a hot route, a missing migration or configuration.',
      'Overload: the service sheds requests or runs out of connections.',
    ],
    firstChecks: [
      'Break the error ratio down by route and status (job_route recording rules, or http_request_duration_seconds_count by route, status_code).',
      'Look for a DependencyDown or ServiceDown alert and for a deploy in the last hour.',
      'Read the service logs for the failing route around the start of the alert.',
    ],
  },
  rules: highErrorRateRules,
  tests: highErrorRateTests,
  parameters: (model) => {
    const { ratio, minEvents } = parameters(model);
    return [ratio, minEvents, ...settingsParameters(name, 'service', settings(model))];
  },
};
