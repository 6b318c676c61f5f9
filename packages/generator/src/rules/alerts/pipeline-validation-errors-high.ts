import { catalog } from '@vigil/metrics/catalog';
import type { Model } from '../../model/types.js';
import { kindAlertRules, pipelineLabels, pipelineParameter, pipelineSettings, promtoolTest, quietChecks, testClock, testInterval, windowTestInterval, type AlertTemplates } from '../common.js';
import { pipelineDefaults } from '../../model/defaults.js';
import { compare, settingsParameters, type ParameterValues } from '../parameters.js';
import { recordingRuleNames } from '../recording.js';
import { SeriesBuilder, seriesName } from '../series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest } from '../types.js';

const name = 'PipelineValidationErrorsHigh';

const ceilingParameter = (model: Model): ParameterValues =>
  pipelineParameter(model, name, 'ratio', pipelineDefaults.validationErrorCeiling, (pipeline) => pipeline.alerts.validationErrorsHigh.ratio);

const minEventsParameter = (model: Model): ParameterValues =>
  pipelineParameter(model, name, 'min_events', pipelineDefaults.validationErrorsMinEvents, (pipeline) => pipeline.alerts.validationErrorsHigh.minEvents ?? pipelineDefaults.validationErrorsMinEvents);

const templates = (ceiling: ParameterValues, minEvents: ParameterValues): AlertTemplates => ({
  summary: ['Pipeline ', { label: 'pipeline' }, ' rejects too many items'],
  description: [
    'Pipeline ',
    { label: 'pipeline' },
    ' (job ',
    { label: 'job' },
    ') had ',
    { value: 'humanizePercentage' },
    ' as many validation errors as created items over the last 5 minutes (ceiling ',
    { parameter: ceiling, format: 'humanizePercentage' },
    ', with at least ',
    { parameter: minEvents, format: 'g4' },
    ' items and errors in the window).',
  ],
});

const settings = (model: Model) => pipelineSettings(model, 'validationErrorsHigh', (pipeline) => pipeline.alerts.validationErrorsHigh.for);

/**
 * Errors per created item over 5m, only with evidence: at least `min_events` items and errors
 * in the window, so a handful of events after a restart in a quiet hour never pages.
 */
export function pipelineValidationErrorsHighRules(model: Model): AlertingRule[] {
  const r = recordingRuleNames;
  const events = `(${r.pipelineValidationErrorsRate5m} + (${r.pipelineItemsCreatedRate5m} or ${r.pipelineValidationErrorsRate5m} * 0)) * 300`;
  const condition = `${compare(r.pipelineValidationErrorsRatioRate5m, '>', ceilingParameter(model))}\nand on (job, pipeline)\n${compare(events, '>=', minEventsParameter(model))}`;
  return kindAlertRules(model, {
    name,
    kind: 'pipeline',
    priority: 'P1',
    condition,
    settings: settings(model),
    templates: templates(ceilingParameter(model), minEventsParameter(model)),
  });
}

export function pipelineValidationErrorsHighTests(model: Model): PromtoolTest[] {
  const pipeline = model.pipelines[0];
  if (pipeline === undefined) return [];
  const service = model.services.find((candidate) => candidate.name === pipeline.service);
  const instance = service?.targets[0] ?? `${pipeline.job}:9464`;
  const { ratio, for: forDuration } = pipeline.alerts.validationErrorsHigh;
  const clock = testClock(windowTestInterval(testInterval(model, service), '5m'), forDuration);
  const window = clock.steps('5m');
  const base = { job: pipeline.job, instance, pipeline: pipeline.name, item_type: 'item' };
  const created = seriesName(catalog.itemsCreated.name, { ...base, source: 'test' });
  const errors = seriesName(catalog.itemValidationErrors.name, { ...base, reason: 'schema' });
  const labels = { ...pipelineLabels(pipeline, 'P1'), job: pipeline.job };
  const t = templates(ceilingParameter(model), minEventsParameter(model));
  // 100 items per step; errors at twice the ceiling.
  const failing = Math.ceil(2 * ratio * 100);
  const startAt = window + 2;
  const length = startAt + window + clock.forSteps + 5;
  const firing = promtoolTest(
    model,
    `${name}: ${failing} validation errors per 100 created items from step ${startAt}`,
    clock,
    name,
    t,
    [
      { name: created, values: new SeriesBuilder().ramp(0, 100, length).encode() },
      { name: errors, values: new SeriesBuilder().constant(0, startAt).rise(failing, length - startAt).encode() },
    ],
    [
      { at: (startAt + clock.forSteps - 1) * clock.step, alerts: [] },
      { at: (startAt + window + clock.forSteps) * clock.step, alerts: [{ labels, value: failing / 100 }] },
    ],
  );
  // Every item rejected: nothing is created any more, so the ratio is +Inf, not missing.
  const rejectingAll = promtoolTest(
    model,
    `${name}: every item is rejected from step ${startAt} (no item created)`,
    clock,
    name,
    t,
    [
      { name: created, values: new SeriesBuilder().ramp(0, 100, startAt).hold(length - startAt).encode() },
      { name: errors, values: new SeriesBuilder().constant(0, startAt).rise(100, length - startAt).encode() },
    ],
    [{ at: (startAt + window + clock.forSteps) * clock.step, alerts: [{ labels, value: Infinity }] }],
  );
  // Healthy: errors at half the ceiling, a restart (counters reset) and a scrape gap.
  const quiet = Math.floor(ratio * 50);
  const restartAt = window + 5;
  const gapAt = restartAt + window + 5;
  const healthyLength = gapAt + window * 3;
  const counter = (perStep: number): string =>
    SeriesBuilder.restartingCounter(perStep, { restartAt, gapAt, gapSteps: clock.steps('2m'), length: healthyLength })
      .encode();
  const healthy = promtoolTest(
    model,
    `${name}: ${quiet} errors per 100 items, a restart and a scrape gap; never fires`,
    clock,
    name,
    t,
    [
      { name: created, values: counter(100) },
      { name: errors, values: counter(quiet) },
    ],
    quietChecks(clock, window, healthyLength - 1, Math.max(1, Math.floor(window / 2))),
  );
  // A quiet hour just after a restart: a handful of items, and two of them rejected. The ratio
  // is far above the ceiling, but the window holds fewer events than the evidence minimum.
  const minEvents = pipeline.alerts.validationErrorsHigh.minEvents ?? pipelineDefaults.validationErrorsMinEvents;
  const fewLength = window * 4;
  const perStep = minEvents / (3 * window);
  const fewEvents = promtoolTest(
    model,
    `${name}: a restart in a quiet hour, a few items and errors (under ${minEvents} per window); never fires`,
    clock,
    name,
    t,
    [
      { name: created, values: new SeriesBuilder().gap(window).ramp(0, perStep, fewLength - window).encode() },
      { name: errors, values: new SeriesBuilder().gap(window).ramp(0, perStep / 2, fewLength - window).encode() },
    ],
    quietChecks(clock, window, fewLength - 1, Math.max(1, Math.floor(window / 4))),
  );
  return [firing, rejectingAll, healthy, fewEvents];
}

export const pipelineValidationErrorsHighAlert: AlertDefinition = {
  name,
  priority: 'P1',
  severity: 'critical',
  title: 'A pipeline rejects too many items',
  runbook: {
    meaning:
      'Over the last 5 minutes the pipeline counted more schema/validation errors per created item than its ceiling, for the whole `for` duration. Data is being dropped: when every item is rejected the ratio is infinite and the alert still fires.',
    causes: [
      'The upstream changed its payload format (renamed or retyped a field, new enum value).',
      'A deploy tightened validation or broke the mapping from source records to items.',
      'Corrupt or partial input (truncated files, encoding problems) from the source.',
    ],
    firstChecks: [
      'Break item_validation_errors_total down by reason and item_type for the pipeline.',
      'Inspect a few rejected records in the pipeline logs and compare with the expected schema.',
      'Check for a recent deploy of the pipeline or a change announced by the upstream source.',
    ],
  },
  rules: pipelineValidationErrorsHighRules,
  tests: pipelineValidationErrorsHighTests,
  parameters: (model) => [ceilingParameter(model), minEventsParameter(model), ...settingsParameters(name, 'pipeline', settings(model))],
};
