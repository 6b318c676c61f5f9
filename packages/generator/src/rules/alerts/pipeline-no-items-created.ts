import { catalog } from '@vigil/metrics/catalog';
import type { Model, PipelineModel } from '../../model/types.js';
import { durationSeconds } from '../../spec/duration.js';
import { pipelineDefaults } from '../../model/defaults.js';
import { kindAlertRules, pipelineLabels, pipelineParameter, pipelineSettings, promtoolTest, quietChecks, testClock, testInterval, windowTestInterval, type AlertTemplates, type TestClock } from '../common.js';
import { promNumber } from '../format.js';
import { overrides, parameterSeries, parameterVector, settingsParameters, thresholdSelector, type ParameterValues } from '../parameters.js';
import { recordingRuleNames } from '../recording.js';
import { SeriesBuilder, seriesName } from '../series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest, RecordingRule } from '../types.js';

const name = 'PipelineNoItemsCreated';
const lastItem = catalog.pipelineLastItemCreated.name;

/** Per pipeline, the silence that pages (recorded by this alert's own group; dashboards draw it). */
export const silenceThreshold = 'pipeline:silence_threshold_seconds';

const windowParameter = (model: Model): ParameterValues =>
  pipelineParameter(model, name, 'window_seconds', durationSeconds(pipelineDefaults.zeroItemsWindow), (pipeline) => durationSeconds(pipeline.alerts.noItemsCreated.window));

/** Expected items per second (the spec's expectedItemsPerDay): only pipelines that declare one have a series. */
export const expectedRateParameter = (model: Model): ParameterValues =>
  pipelineParameter(model, name, 'expected_per_second', 0, (pipeline) =>
    pipeline.expectedItemsPerDay === undefined ? undefined : pipeline.expectedItemsPerDay / 86_400,
  );

const templates = (): AlertTemplates => ({
  summary: ['Pipeline ', { label: 'pipeline' }, ' has created no item for ', { value: 'humanizeDuration' }],
  description: [
    'Pipeline ',
    { label: 'pipeline' },
    ' (job ',
    { label: 'job' },
    ') has created no item for ',
    { value: 'humanizeDuration' },
    ', beyond doubt at its normal rate for this hour (or beyond its zero-items window). The process may be down, stuck, or never have created an item.',
  ],
});

/**
 * How long a silence must last before it pages, per pipeline: 14 mean inter-arrival times at
 * the normal rate for this hour (no item in that time has a probability under 1e-6), at least
 * `minSilence`, at most the zero-items window. The normal rate is the recorded baseline (the
 * same hours a week earlier, or the discounted day before), else (no history yet) the spec's expected rate at its quiet-hour
 * share; only pipelines that declare an expected rate have one. Bursty pipelines have only
 * the window.
 */
export function silenceThresholdRules(model: Model): RecordingRule[] {
  const expected = expectedRateParameter(model);
  const window = parameterVector(windowParameter(model), parameterSeries.pipelineInfo);
  const terms = [`label_replace(${window}, "vigil_bound", "window", "", "")`];
  if (overrides(expected).length > 0) {
    const declared = thresholdSelector(expected);
    const normalRate =
      `(${recordingRuleNames.pipelineItemsCreatedRate1hBaseline} or on (job, pipeline) ${declared} * ${promNumber(pipelineDefaults.quietHourShare)})` +
      ` and on (job, pipeline) ${declared}`;
    const silence = `clamp_min(${promNumber(pipelineDefaults.silenceInterArrivals)} / (${normalRate}), ${durationSeconds(pipelineDefaults.minSilence)})`;
    terms.push(`label_replace(${silence}, "vigil_bound", "rate", "", "")`);
  }
  return [{ record: silenceThreshold, expr: `min by (job, pipeline) (\n  ${terms.join('\n  or\n  ')}\n)` }];
}

/**
 * Time since the last item across processes (carried forward by a recording rule, so a
 * restart or a deploy during an outage does not reset it), or since Prometheus first saw the
 * job when the pipeline never created one; pages past the pipeline's silence threshold.
 */
export function noItemsExpression(): string {
  const r = recordingRuleNames;
  const lastEvidence = `${r.pipelineLastItemTimestamp}\n  or on (job, pipeline)\n  max by (job, pipeline) (${parameterSeries.pipelineInfo}) * on (job) group_left () ${r.jobFirstScrapeTimestamp}`;
  return `time() - (\n  ${lastEvidence}\n)\n> on (job, pipeline) ${silenceThreshold}`;
}

const settings = (model: Model) => pipelineSettings(model, 'noItemsCreated', () => undefined);

export function pipelineNoItemsCreatedRules(model: Model): AlertingRule[] {
  return kindAlertRules(model, { name, kind: 'pipeline', priority: 'P1', condition: noItemsExpression(), settings: settings(model), templates: templates() });
}

/** Series of a test: the pipeline's gauge, `up`, and healthy gauges of the job's other pipelines. */
function scenario(
  model: Model,
  pipeline: PipelineModel,
  instance: string,
  clock: TestClock,
  length: number,
  gauge: SeriesBuilder | undefined,
  up: SeriesBuilder,
): { name: string; values: string }[] {
  const labels = (pipelineName: string) => ({ job: pipeline.job, instance, pipeline: pipelineName });
  const series = [{ name: seriesName('up', { job: pipeline.job, instance }), values: up.padTo(length).encode() }];
  if (gauge !== undefined) series.push({ name: seriesName(lastItem, labels(pipeline.name)), values: gauge.encode() });
  for (const other of model.pipelines) {
    if (other.job !== pipeline.job || other.name === pipeline.name) continue;
    series.push({ name: seriesName(lastItem, labels(other.name)), values: new SeriesBuilder().gap(1).ramp(clock.step, clock.step, length - 1).encode() });
  }
  return series;
}

export function pipelineNoItemsCreatedTests(model: Model): PromtoolTest[] {
  const pipeline = model.pipelines[0];
  if (pipeline === undefined) return [];
  const service = model.services.find((candidate) => candidate.name === pipeline.service);
  const instance = service?.targets[0] ?? `${pipeline.job}:9464`;
  const window = pipeline.alerts.noItemsCreated.window;
  // At least 90 samples per window: the scenarios place events at fractions of it.
  const clock = testClock(windowTestInterval(testInterval(model, service), window, 90), undefined);
  const windowSteps = clock.steps(window);
  const windowSeconds = windowSteps * clock.step;
  const t = templates();
  const labels = { ...pipelineLabels(pipeline, 'P1'), job: pipeline.job };
  const s = clock.step;
  const last = 10;
  const items = (): SeriesBuilder => new SeriesBuilder().gap(1).ramp(s, s, last);

  const stoppedLength = last + windowSteps + 5;
  const stopped = promtoolTest(
    model,
    `${name}: items stop after step ${last} while the process keeps running`,
    clock,
    name,
    t,
    scenario(model, pipeline, instance, clock, stoppedLength, items().padTo(stoppedLength), new SeriesBuilder().constant(1, stoppedLength)),
    [
      { at: last * s + windowSeconds, alerts: [] },
      { at: last * s + windowSeconds + s, alerts: [{ labels, value: windowSeconds + s }] },
    ],
  );

  const downLength = last + windowSteps + 5;
  const down = promtoolTest(
    model,
    `${name}: the target goes down at step ${last + 1} and its series go stale`,
    clock,
    name,
    t,
    scenario(
      model,
      pipeline,
      instance,
      clock,
      downLength,
      items().stale(),
      new SeriesBuilder().constant(1, last + 1).constant(0, downLength - last - 1),
    ),
    [
      { at: last * s + windowSeconds, alerts: [] },
      { at: last * s + windowSeconds + s, alerts: [{ labels, value: windowSeconds + s }] },
    ],
  );

  const neverLength = windowSteps + 5;
  const never = promtoolTest(
    model,
    `${name}: the pipeline never exports its last-item timestamp`,
    clock,
    name,
    t,
    scenario(model, pipeline, instance, clock, neverLength, undefined, new SeriesBuilder().constant(1, neverLength)),
    [
      { at: windowSeconds, alerts: [] },
      { at: windowSeconds + s, alerts: [{ labels, value: windowSeconds + s }] },
    ],
  );

  // Items stop, then the process restarts: the new process reports 0 (no item yet).
  const restartAt = last + 1 + Math.floor(windowSteps / 2);
  const restartLength = last + windowSteps + 5;
  const restartGauge = items()
    .padTo(restartAt)
    .gap(2)
    .constant(0, restartLength - restartAt - 2);
  const restarted = promtoolTest(
    model,
    `${name}: items stop, then the process restarts (timestamp and counters reset)`,
    clock,
    name,
    t,
    scenario(
      model,
      pipeline,
      instance,
      clock,
      restartLength,
      restartGauge,
      new SeriesBuilder().constant(1, restartAt).constant(0, 1).constant(1, restartLength - restartAt - 1),
    ),
    [
      { at: last * s + windowSeconds, alerts: [] },
      { at: last * s + windowSeconds + s, alerts: [{ labels, value: windowSeconds + s }] },
    ],
  );

  // Healthy: steady items with a restart (timestamp gone until the next item), a scrape gap
  // of a third of the window, then a bursty stretch with an item every half window.
  const half = Math.max(1, Math.floor(windowSteps / 2));
  const third = Math.max(1, Math.floor(windowSteps / 3));
  const healthyGauge = new SeriesBuilder().gap(1).ramp(s, s, windowSteps + 5);
  healthyGauge.gap(3);
  healthyGauge.ramp(healthyGauge.length * s, s, 10);
  healthyGauge.gap(third);
  healthyGauge.ramp(healthyGauge.length * s, s, windowSteps);
  for (let burst = 0; burst < 3; burst++) {
    healthyGauge.constant(healthyGauge.length * s, half);
  }
  const healthyLength = healthyGauge.length;
  const healthy = promtoolTest(
    model,
    `${name}: steady items with a restart and a scrape gap, then bursty items; never fires`,
    clock,
    name,
    t,
    scenario(model, pipeline, instance, clock, healthyLength, healthyGauge, new SeriesBuilder().constant(1, windowSteps + 6).constant(0, 1).constant(1, healthyLength - windowSteps - 7)),
    quietChecks(clock, 0, healthyLength - 1, Math.max(1, Math.floor(windowSteps / 8))),
  );
  return [stopped, down, never, restarted, healthy];
}

export const pipelineNoItemsCreatedAlert: AlertDefinition = {
  name,
  priority: 'P1',
  severity: 'critical',
  title: 'A pipeline has created no item for its whole window',
  runbook: {
    meaning:
      'The pipeline has not created a single item for the zero-items window (default 6h). It fires whether the pipeline is stuck, its process is down, the process restarted and produced nothing since, or the pipeline never exported its metrics at all: the one condition it exists for is "no evidence of an item within the window".',
    causes: [
      'The upstream source is empty, unreachable or its credentials expired, so nothing comes in.',
      'The pipeline process is down, crash-looping or stuck (a hung await, a lock, a full queue).',
      'Every item is rejected before creation (look at PipelineValidationErrorsHigh), or the pipeline was deployed without its instrumentation.',
    ],
    firstChecks: [
      'Is the service up? Check ServiceDown and Prometheus → Targets for the job.',
      'Graph pipeline_last_item_created_timestamp_seconds and items_created_total for the pipeline over the last day to see when it stopped.',
      'Read the pipeline logs around that time: source errors, validation errors, crashes.',
    ],
  },
  rules: pipelineNoItemsCreatedRules,
  tests: pipelineNoItemsCreatedTests,
  parameters: (model) => [windowParameter(model), expectedRateParameter(model), ...settingsParameters(name, 'pipeline', settings(model))],
  recordingRules: silenceThresholdRules,
};
