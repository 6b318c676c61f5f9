/**
 * promtool tests of the burn-rate alerts, on the first request SLO (availability or latency)
 * and the first freshness SLO of the model:
 * - a burn at the alert's rate pages (fast) or tickets (slow), with the exact value;
 * - a healthy SLO with noise under the budget, a restart and a scrape gap stays quiet;
 * - (fast, request SLOs) a low-traffic service with a few errors does not page: the
 *   evidence floor (`minEvents`) holds it back;
 * - (fast, request SLOs) a burn just over the factor pages on thousands of bad events in the
 *   long window but not on ninety (the significance condition).
 */
import { catalog } from '@vigil/metrics/catalog';
import type { FreshnessSloModel, Model, SloModel } from '../model/types.js';
import { promtoolTest, quietChecks, testClock, tierSeverity, type ExpectedAlert, type TestClock } from '../rules/common.js';
import { encodeSeries, seriesName, type Sample } from '../rules/series.js';
import type { PromtoolTest } from '../rules/types.js';
import { burnRateTemplates, type BurnRateAlert, type BurnRatePair } from './alerts.js';
import { sloLabels } from './series.js';

type RequestSlo = Exclude<SloModel, FreshnessSloModel>;

/** Requests per step of the request-SLO tests. */
const requestsPerStep = 100;
const instance = 'slo-test:9464';

/** Counter samples from per-step increments; `restartAt` resets to 0 after a missed scrape, `gapAt` misses `gapSteps` scrapes. */
function counter(increments: readonly number[], noise: { restartAt?: number; gapAt?: number; gapSteps?: number } = {}): Sample[] {
  const samples: Sample[] = [];
  let value = 0;
  increments.forEach((increment, step) => {
    if (step === noise.restartAt) {
      value = 0;
      samples.push(null);
      return;
    }
    value += increment;
    const inGap = noise.gapAt !== undefined && step >= noise.gapAt && step < noise.gapAt + (noise.gapSteps ?? 1);
    samples.push(inGap ? null : value);
  });
  return samples;
}

function requestSeries(slo: RequestSlo, good: readonly number[], bad: readonly number[], noise: Parameters<typeof counter>[1] = {}) {
  const base = { job: slo.job, instance, method: 'GET', route: '/api/items/:id' };
  const count = `${catalog.httpRequestDuration.name}_count`;
  // The target answered every scrape: long burn windows count only once observed (slo/alerts.ts).
  const up = { name: seriesName('up', { job: slo.job, instance }), values: encodeSeries(good.map(() => 1)) };
  if (slo.sli === 'availability') {
    return [
      up,
      { name: seriesName(count, { ...base, status_code: '200' }), values: encodeSeries(counter(good, noise)) },
      { name: seriesName(count, { ...base, status_code: '500' }), values: encodeSeries(counter(bad, noise)) },
    ];
  }
  // Latency: every request answers 200; the bad ones land above the threshold's bucket.
  return [
    up,
    { name: seriesName(`${catalog.httpRequestDuration.name}_bucket`, { ...base, status_code: '200', le: slo.le }), values: encodeSeries(counter(good, noise)) },
    { name: seriesName(count, { ...base, status_code: '200' }), values: encodeSeries(counter(good.map((g, i) => g + bad[i]!), noise)) },
  ];
}

/**
 * The pair a test drives: the first whose factor the budget allows with some margin (with a
 * 10% budget a 14.4x burn is more than 100% errors), and the error ratio that burns at `burn`.
 */
function drivenPair(alert: BurnRateAlert, budget: number): { pair: BurnRatePair; burn: number } {
  for (const pair of alert.pairs) {
    const burn = Math.min(Math.ceil(pair.factor * 1.4), Math.floor(1 / budget));
    if (burn > pair.factor) return { pair, burn };
  }
  throw new Error(`no burn-rate pair of ${alert.name} can fire with an error budget of ${budget}`);
}

function expectedLabels(alert: BurnRateAlert, slo: SloModel): Record<string, string> {
  return { ...sloLabels(slo), priority: alert.priority, severity: tierSeverity[alert.priority] };
}

const repeat = (value: number, count: number): number[] => Array.from({ length: count }, () => value);
const stepsOf = (clock: TestClock, window: string): number => clock.steps(window);

/**
 * Test step: 2m, still two samples per 5m rate. promtool evaluates every rule at every step,
 * and the ticket's tests replay more than a day.
 */
const sloTestStep = '2m';

function requestTests(model: Model, alert: BurnRateAlert, slo: RequestSlo): PromtoolTest[] {
  const clock = testClock(sloTestStep, undefined);
  const budget = 1 - slo.objective;
  const templates = burnRateTemplates(alert);
  const labels = expectedLabels(alert, slo);
  const { pair, burn } = drivenPair(alert, budget);
  const healthyFor = stepsOf(clock, '1h');
  // Settle checks once the long window holds only faulty 5m rates.
  const settled = healthyFor + stepsOf(clock, pair.long) + stepsOf(clock, '10m');
  const length = settled + 5;
  const badPerStep = requestsPerStep * budget * burn;
  const good = [...repeat(requestsPerStep, healthyFor), ...repeat(requestsPerStep - badPerStep, length - healthyFor)];
  const bad = [...repeat(0, healthyFor), ...repeat(badPerStep, length - healthyFor)];
  const burning = promtoolTest(
    model,
    `${alert.name}: ${slo.name} burns its budget at ${burn}x from step ${healthyFor}`,
    clock,
    alert.name,
    templates,
    requestSeries(slo, good, bad),
    [
      { at: (healthyFor - 1) * clock.step, alerts: [] },
      { at: settled * clock.step, alerts: [{ labels, value: burn } satisfies ExpectedAlert] },
    ],
  );

  // Healthy: bad events between 10% and 90% of the budget (never a burn of 1), a restart and a
  // scrape gap, for longer than the alert's longest window.
  const healthyLength = stepsOf(clock, '8h');
  const noisyBad = Array.from({ length: healthyLength }, (_, step) => requestsPerStep * budget * (0.5 + 0.4 * Math.sin(step / 7)));
  const noise = { restartAt: stepsOf(clock, '90m'), gapAt: stepsOf(clock, '200m'), gapSteps: 2 };
  const healthy = promtoolTest(
    model,
    `${alert.name}: ${slo.name} under budget with noise, a restart and a scrape gap; never fires`,
    clock,
    alert.name,
    templates,
    requestSeries(slo, noisyBad.map((b) => requestsPerStep - b), noisyBad, noise),
    quietChecks(clock, 5, healthyLength - 1, stepsOf(clock, '15m')),
  );
  if (alert.priority !== 'P1') return [burning, healthy];

  // Low traffic: one request every 10 minutes, three of them failing within 20 minutes. The
  // error ratio burns hundreds of times the budget, but no window pair holds minEvents events.
  const lowLength = stepsOf(clock, '7h');
  const failing = [100, 105, 110];
  const lowGood = Array.from({ length: lowLength }, (_, step) => (step % 5 === 0 && !failing.includes(step) ? 1 : 0));
  const lowBad = Array.from({ length: lowLength }, (_, step) => (failing.includes(step) ? 1 : 0));
  const lowTraffic = promtoolTest(
    model,
    `${alert.name}: ${slo.name} with one request per 10m and 3 errors in 20m; under minEvents, never pages`,
    clock,
    alert.name,
    templates,
    requestSeries(slo, lowGood, lowBad),
    quietChecks(clock, 5, lowLength - 1, 5),
  );
  return [burning, healthy, lowTraffic, ...significanceTests(model, alert, slo, clock)];
}

/**
 * The same burn, just over the last pair's factor, on few and on many bad events: a quiet
 * night's 6h window with ~90 bad events reads over the factor by chance as often as a true
 * burn does, so it must not page; with thousands of bad events the excess is real and pages.
 */
function significanceTests(model: Model, alert: BurnRateAlert, slo: RequestSlo, clock: TestClock): PromtoolTest[] {
  const pair = alert.pairs.at(-1)!;
  const budget = 1 - slo.objective;
  const burn = pair.factor * 1.08;
  const warmUp = stepsOf(clock, '1h');
  const settled = warmUp + stepsOf(clock, pair.long) + stepsOf(clock, '10m');
  const length = settled + 5;
  const series = (badInLongWindow: number) => {
    const badPerStep = badInLongWindow / stepsOf(clock, pair.long);
    const requests = badPerStep / (budget * burn);
    return requestSeries(slo, [...repeat(requests, warmUp), ...repeat(requests - badPerStep, length - warmUp)], [...repeat(0, warmUp), ...repeat(badPerStep, length - warmUp)]);
  };
  const name = `${alert.name}: ${slo.name} burns at ${promNumberText(burn)}x, just over ${pair.factor}x over ${pair.long}`;
  return [
    promtoolTest(model, `${name}, on 90 bad events in ${pair.long}: within the count's noise, never pages`, clock, alert.name, burnRateTemplates(alert), series(90), quietChecks(clock, 5, length - 1, 5)),
    promtoolTest(model, `${name}, on 9000 bad events in ${pair.long}: beyond doubt, pages`, clock, alert.name, burnRateTemplates(alert), series(9000), [
      { at: (warmUp - 1) * clock.step, alerts: [] },
      { at: settled * clock.step, alerts: [{ labels: expectedLabels(alert, slo), value: burn }] },
    ]),
  ];
}

function freshnessTests(model: Model, alert: BurnRateAlert, slo: FreshnessSloModel): PromtoolTest[] {
  // Steps well under the bound, so a healthy pipeline never looks stale between two items.
  const clock = testClock(slo.maxAgeSeconds >= 600 ? sloTestStep : '15s', undefined);
  const budget = 1 - slo.objective;
  const templates = burnRateTemplates(alert);
  const labels = expectedLabels(alert, slo);
  const gauge = seriesName(catalog.pipelineLastItemCreated.name, { job: slo.job, instance, pipeline: slo.pipeline });
  // A stopped pipeline is stale all the time: it burns at 1 / budget, fast enough for either alert.
  const burn = 1 / budget;
  const pair = alert.pairs.find((candidate) => burn > candidate.factor) ?? alert.pairs.at(-1)!;
  const itemsFor = stepsOf(clock, '1h');
  const staleFrom = itemsFor + Math.ceil(slo.maxAgeSeconds / clock.step);
  const settled = staleFrom + stepsOf(clock, pair.long) + stepsOf(clock, '10m');
  const lastItemAt = (step: number): number => step * clock.step;
  const stopped: Sample[] = Array.from({ length: settled + 5 }, (_, step) => lastItemAt(Math.min(step, itemsFor)));
  const stoppedTest = promtoolTest(
    model,
    `${alert.name}: pipeline ${slo.pipeline} stops at step ${itemsFor}; ${slo.name} burns at ${promNumberText(burn)}x`,
    clock,
    alert.name,
    templates,
    [{ name: gauge, values: encodeSeries(stopped) }],
    [
      { at: (staleFrom - 1) * clock.step, alerts: [] },
      { at: settled * clock.step, alerts: [{ labels, value: burn }] },
    ],
  );
  // Healthy: an item every step, a scrape gap and a restart (the new process starts from its own first item).
  const healthyLength = stepsOf(clock, '8h');
  const healthySamples: Sample[] = Array.from({ length: healthyLength }, (_, step) => (step >= 100 && step < 102 ? null : lastItemAt(step)));
  const healthy = promtoolTest(
    model,
    `${alert.name}: ${slo.name} with an item every step and a scrape gap; never fires`,
    clock,
    alert.name,
    templates,
    [{ name: gauge, values: encodeSeries(healthySamples) }],
    quietChecks(clock, 5, healthyLength - 1, Math.max(1, stepsOf(clock, '15m'))),
  );
  return [stoppedTest, healthy];
}

const promNumberText = (value: number): string => String(Number(value.toPrecision(6)));

export function sloAlertTests(model: Model, alert: BurnRateAlert): PromtoolTest[] {
  const requestSlo = model.slos.find((slo): slo is RequestSlo => slo.sli !== 'freshness');
  const freshnessSlo = model.slos.find((slo): slo is FreshnessSloModel => slo.sli === 'freshness');
  return [
    ...(requestSlo === undefined ? [] : requestTests(model, alert, requestSlo)),
    // The freshness SLI feeds both alerts through the same series; the page's tests cover it.
    ...(freshnessSlo === undefined || alert.priority !== 'P1' ? [] : freshnessTests(model, alert, freshnessSlo)),
  ];
}
