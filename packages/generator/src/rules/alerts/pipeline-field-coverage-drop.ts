import { catalog } from '@vigil/metrics/catalog';
import type { Model, PipelineModel } from '../../model/types.js';
import { exactAlternation, kindAlertRules, pipelineLabels, pipelineParameter, pipelineSettings, promtoolTest, quietChecks, selector, testClock, testInterval, windowTestInterval, type AlertTemplates } from '../common.js';
import { pipelineDefaults } from '../../model/defaults.js';
import { compare, settingsParameters, type ParameterValues } from '../parameters.js';
import { recordingRuleNames } from '../recording.js';
import { SeriesBuilder, seriesName } from '../series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest } from '../types.js';

const name = 'PipelineFieldCoverageDrop';

const floorParameter = (model: Model): ParameterValues =>
  pipelineParameter(model, name, 'floor', pipelineDefaults.coverageFloor, (pipeline) => pipeline.alerts.fieldCoverageDrop?.floor);

const templates = (floor: ParameterValues): AlertTemplates => ({
  summary: ['Pipeline ', { label: 'pipeline' }, ': required field ', { label: 'field' }, ' is often missing'],
  description: [
    'Only ',
    { value: 'humanizePercentage' },
    ' of the items pipeline ',
    { label: 'pipeline' },
    ' created over the last hour carried the required field ',
    { label: 'field' },
    ' (floor ',
    { parameter: floor, format: 'humanizePercentage' },
    ').',
  ],
});

const applies = (pipeline: PipelineModel): boolean => pipeline.alerts.fieldCoverageDrop !== undefined;
const settings = (model: Model) => pipelineSettings(model, 'fieldCoverageDrop', (pipeline) => pipeline.alerts.fieldCoverageDrop?.for).filter((_, index) => applies(model.pipelines[index]!));

/**
 * Coverage of the fields any pipeline of the spec requires (a bounded set of names, not one
 * per pipeline): only pipelines that track a field have its series.
 */
export function pipelineFieldCoverageDropRules(model: Model): AlertingRule[] {
  const fields = [...new Set(model.pipelines.flatMap((pipeline) => pipeline.alerts.fieldCoverageDrop?.requiredFields ?? []))].sort();
  if (fields.length === 0) return [];
  const coverage = selector(recordingRuleNames.pipelineFieldCoverageRatioRate1h, {}, { field: exactAlternation(fields) });
  return kindAlertRules(model, {
    name,
    kind: 'pipeline',
    priority: 'P2',
    condition: compare(coverage, '<', floorParameter(model)),
    settings: settings(model),
    templates: templates(floorParameter(model)),
  });
}

export function pipelineFieldCoverageDropTests(model: Model): PromtoolTest[] {
  const pipeline = model.pipelines.find((candidate) => candidate.alerts.fieldCoverageDrop !== undefined);
  const parameters = pipeline?.alerts.fieldCoverageDrop;
  if (pipeline === undefined || parameters === undefined) return [];
  const service = model.services.find((candidate) => candidate.name === pipeline.service);
  const instance = service?.targets[0] ?? `${pipeline.job}:9464`;
  const clock = testClock(windowTestInterval(testInterval(model, service), '1h'), parameters.for);
  const window = clock.steps('1h');
  const field = parameters.requiredFields[0]!;
  const base = { job: pipeline.job, instance, pipeline: pipeline.name, item_type: 'item' };
  const created = seriesName(catalog.itemsCreated.name, { ...base, source: 'test' });
  const missing = (fieldName: string): string => seriesName(catalog.itemFieldMissing.name, { ...base, field: fieldName });
  const labels = { ...pipelineLabels(pipeline, 'P2'), job: pipeline.job, field };
  const t = templates(floorParameter(model));
  // 100 items per step; coverage falls to half the floor.
  const missingPerStep = Math.ceil(100 - 50 * parameters.floor);
  const dropAt = window + 2;
  const length = dropAt + window + clock.forSteps + 5;
  const firing = promtoolTest(
    model,
    `${name}: ${missingPerStep}% of items lack "${field}" from step ${dropAt}`,
    clock,
    name,
    t,
    [
      { name: created, values: new SeriesBuilder().ramp(0, 100, length).encode() },
      // The missing-field counter appears with the first item that lacks the field.
      { name: missing(field), values: new SeriesBuilder().gap(dropAt).ramp(missingPerStep, missingPerStep, length - dropAt).encode() },
    ],
    [
      { at: (dropAt + clock.forSteps - 1) * clock.step, alerts: [] },
      { at: (dropAt + window + clock.forSteps) * clock.step, alerts: [{ labels, value: 1 - missingPerStep / 100 }] },
    ],
  );
  // Healthy: the field is rarely missing, with a restart and a gap; a field that is not
  // required is missing from every item and must not fire.
  const rarelyMissing = Math.floor((1 - parameters.floor) * 50);
  const restartAt = window + 10;
  const gapAt = restartAt + window;
  const healthyLength = gapAt + window + clock.forSteps;
  const counter = (perStep: number): string =>
    new SeriesBuilder()
      .ramp(0, perStep, restartAt)
      .gap(2)
      .ramp(0, perStep, gapAt - restartAt - 2)
      .gap(clock.steps('10m'))
      .padTo(healthyLength)
      .encode();
  const optionalField = parameters.requiredFields.includes('comment') ? 'comment_optional' : 'comment';
  const healthy = promtoolTest(
    model,
    `${name}: "${field}" missing from ${rarelyMissing}% of items with a restart and a gap, and an optional field always missing; never fires`,
    clock,
    name,
    t,
    [
      { name: created, values: counter(100) },
      { name: missing(field), values: counter(rarelyMissing) },
      { name: missing(optionalField), values: counter(100) },
    ],
    quietChecks(clock, window + 1, healthyLength - 1, Math.max(1, Math.floor(window / 4))),
  );
  return [firing, healthy];
}

export const pipelineFieldCoverageDropAlert: AlertDefinition = {
  name,
  priority: 'P2',
  severity: 'warning',
  title: 'Items of a pipeline often lack a required field',
  runbook: {
    meaning:
      'Over the last hour, the share of created items that carried a required field fell under the coverage floor (default 95%) for the whole `for` duration. Items still flow, but downstream consumers get incomplete data.',
    causes: [
      'The upstream stopped sending the field or renamed it.',
      'A mapping bug in the pipeline drops the field for some item types or sources.',
      'A new source or item type that legitimately lacks the field (then the spec needs updating).',
    ],
    firstChecks: [
      'Break item_field_missing_total down by item_type and field for the pipeline.',
      'Look at a few recent items lacking the field and at their source.',
      'Check recent deploys of the pipeline and upstream change notices.',
    ],
  },
  rules: pipelineFieldCoverageDropRules,
  tests: pipelineFieldCoverageDropTests,
  parameters: (model) => [floorParameter(model), ...settingsParameters(name, 'pipeline', settings(model))],
};
