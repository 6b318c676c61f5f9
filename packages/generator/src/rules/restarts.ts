/**
 * Process restarts, as ServiceRestarting (P2) and ServiceRestartingPersistently (P1) count them:
 * the number of times an instance's `process_start_time_seconds` took a new value within a
 * window. Every process exports its own start time (prom-client's default metrics, the Go
 * client of the exporters), so a new value is a new process, whatever ended the old one: a
 * crash, an OOM kill, a deploy. Counting per instance keeps a rolling deploy (each instance
 * restarted once) far under the thresholds; a failed scrape or a Prometheus restart leaves the
 * value unchanged and counts nothing.
 */
import { defaultNodeMetrics } from '@vigil/metrics/catalog';
import type { Duration, Model, ServiceModel } from '../model/types.js';
import { serviceDefaults } from '../model/defaults.js';
import { durationSeconds } from '../spec/duration.js';
import { kindAlertRules, promtoolTest, quietChecks, serviceLabels, serviceParameter, serviceSettings, testClock, testInterval, windowTestInterval, type AlertTemplates } from './common.js';
import { compare, type ParameterValues, type TargetSettings } from './parameters.js';
import { SeriesBuilder, seriesName } from './series.js';
import type { AlertingRule, PromtoolTest } from './types.js';

export const restartDefaults = serviceDefaults.alerts.serviceRestarting;

/** Restarts of each instance within `window` (a fleet-wide literal: PromQL ranges cannot be series). */
export function restartsExpression(window: Duration): string {
  return `changes(${defaultNodeMetrics.processStartTime.name}[${window}])`;
}

/** Both alerts share the spec key `serviceRestarting` (its `for`, and `false` to switch both off). */
export const restartSettings = (model: Model): TargetSettings[] => serviceSettings(model, 'serviceRestarting', (service) => service.alerts.serviceRestarting.for);

/**
 * `process_start_time_seconds` of one instance sampled every `stepSeconds`, with a new process
 * at each step of `restartSteps` (the value becomes that step's time), and optional gaps.
 */
export function startTimeSeries(service: ServiceModel, instance: string, stepSeconds: number, length: number, restartSteps: readonly number[], gaps: readonly number[] = []): { name: string; values: string } {
  const values = new SeriesBuilder();
  let start = 1;
  for (let step = 0; step < length; step++) {
    if (restartSteps.includes(step)) start = step * stepSeconds;
    if (gaps.includes(step)) values.gap(1);
    else values.constant(start, 1);
  }
  return { name: seriesName(defaultNodeMetrics.processStartTime.name, { job: service.job, instance }), values: values.encode() };
}

/** Steps in a window at a test interval. */
export const windowSteps = (window: Duration, stepSeconds: number): number => Math.round(durationSeconds(window) / stepSeconds);

/** What differs between the ticket and the page. */
export interface RestartAlertShape {
  readonly name: string;
  readonly priority: 'P1' | 'P2';
  readonly window: Duration;
  /** The threshold's `parameter` label (snake_case) and its per-service value. */
  readonly parameter: string;
  readonly defaultRestarts: number;
  readonly restartsOf: (service: ServiceModel) => number;
}

export function restartTemplates(shape: RestartAlertShape, threshold: ParameterValues): AlertTemplates {
  return {
    summary: [{ label: 'service' }, ' (', { label: 'instance' }, ') restarted ', { value: 'g4' }, ` times within ${shape.window}`],
    description: [
      'Instance ',
      { label: 'instance' },
      ' (job ',
      { label: 'job' },
      ') started ',
      { value: 'g4' },
      ` new processes within the last ${shape.window} (threshold `,
      { parameter: threshold, format: 'g4' },
      '). It is crashing, being OOM-killed, or redeployed in a loop; every restart drops in-flight work.',
    ],
  };
}

export function restartThreshold(model: Model, shape: RestartAlertShape): ParameterValues {
  return serviceParameter(model, shape.name, shape.parameter, shape.defaultRestarts, shape.restartsOf);
}

export function restartRules(model: Model, shape: RestartAlertShape): AlertingRule[] {
  const threshold = restartThreshold(model, shape);
  return kindAlertRules(model, {
    name: shape.name,
    kind: 'service',
    priority: shape.priority,
    condition: compare(restartsExpression(shape.window), '>=', threshold),
    settings: restartSettings(model),
    templates: restartTemplates(shape, threshold),
  });
}

/**
 * Tests for one service: `restarts` new processes within the window fire once `for` has
 * passed; a healthy stretch (a burst of one restart fewer, a window later another, a second
 * instance restarted once per deploy, a Prometheus restart) never fires.
 */
export function restartTests(model: Model, shape: RestartAlertShape): PromtoolTest[] {
  const service = model.services[0];
  if (service === undefined) return [];
  const restarts = shape.restartsOf(service);
  // At least 60 samples per window: restarts are placed at fractions of it.
  const clock = testClock(windowTestInterval(testInterval(model, service), shape.window, 60), service.alerts.serviceRestarting.for);
  const window = windowSteps(shape.window, clock.step);
  const [instance, other] = [service.targets[0]!, `${service.targets[0]!}-b`];
  const templates = restartTemplates(shape, restartThreshold(model, shape));
  const labels = { ...serviceLabels(service, shape.priority), instance, job: service.job };

  const spacing = Math.max(1, Math.floor(window / (restarts + 1)));
  const loop = Array.from({ length: restarts }, (_, i) => 10 + i * spacing);
  const last = loop.at(-1)!;
  const length = last + clock.forSteps + 5;
  const firing = promtoolTest(
    model,
    `${shape.name}: ${restarts} restarts ${spacing} steps apart fire ${service.alerts.serviceRestarting.for} after the last`,
    clock,
    shape.name,
    templates,
    [startTimeSeries(service, instance, clock.step, length, loop)],
    [
      { at: (last - 1) * clock.step, alerts: [] },
      ...(clock.forSteps > 0 ? [{ at: (last + clock.forSteps - 1) * clock.step, alerts: [] }] : []),
      { at: (last + clock.forSteps) * clock.step, alerts: [{ labels, value: restarts }] },
    ],
  );

  const burst = (from: number): number[] => Array.from({ length: restarts - 1 }, (_, i) => from + i * 2);
  const later = 10 + window + 2 * restarts;
  const healthyLength = later + window;
  const prometheusRestart = [later + 5, later + 6, later + 7, later + 8];
  const healthy = promtoolTest(
    model,
    `${shape.name}: ${restarts - 1} restarts in a burst and again a window later, a rolling deploy and a Prometheus restart; never fires`,
    clock,
    shape.name,
    templates,
    [
      startTimeSeries(service, instance, clock.step, healthyLength, [...burst(10), ...burst(later)], prometheusRestart),
      startTimeSeries(service, other, clock.step, healthyLength, [11, later + 1], prometheusRestart),
    ],
    quietChecks(clock, 0, healthyLength - 1, 1),
  );
  return [firing, healthy];
}
