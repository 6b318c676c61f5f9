import { catalog } from '@vigil/metrics/catalog';
import type { Model } from '../../model/types.js';
import { alertingRule, promtoolTest, quietChecks, selector, serviceLabels, testClock, testInterval, windowTestInterval, type AlertTemplates } from '../common.js';
import { percentText, promNumber } from '../format.js';
import { recordingRuleNames } from '../recording.js';
import { SeriesBuilder, seriesName } from '../series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest } from '../types.js';

const name = 'HighErrorRate';

function templates(service: string, ratio: number): AlertTemplates {
  return {
    summary: [`${service} answers more than ${percentText(ratio)} of requests with 5xx`],
    description: [
      { value: 'humanizePercentage' },
      ` of the requests to ${'job '}`,
      { label: 'job' },
      ` were answered 5xx over the last 5 minutes (threshold ${percentText(ratio)}).`,
    ],
  };
}

export function highErrorRateRules(model: Model): AlertingRule[] {
  return model.services.map((service) => {
    const { ratio, for: forDuration } = service.alerts.highErrorRate;
    const expr = `${selector(recordingRuleNames.jobRequestErrorsRatioRate5m, { job: service.job })} > ${promNumber(ratio)}`;
    return alertingRule(model, name, expr, forDuration, serviceLabels(service, 'P1'), templates(service.name, ratio));
  });
}

export function highErrorRateTests(model: Model): PromtoolTest[] {
  const service = model.services.find((candidate) => candidate.kind === 'api') ?? model.services[0];
  if (service === undefined) return [];
  const { ratio, for: forDuration } = service.alerts.highErrorRate;
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
    templates(service.name, ratio),
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
    templates(service.name, ratio),
    [
      { name: count('200'), values: healthyCounter(100 - quiet) },
      { name: count('500'), values: healthyCounter(quiet) },
    ],
    quietChecks(clock, window, healthyLength - 1, Math.max(1, Math.floor(window / 2))),
  );
  return [firing, healthy];
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
};
