import { catalog } from '@vigil/metrics/catalog';
import type { Model } from '../../model/types.js';
import { alertingRule, pipelineLabels, promtoolTest, quietChecks, selector, testClock, testInterval, windowTestInterval, type AlertTemplates } from '../common.js';
import { formatG4, percentText, promNumber } from '../format.js';
import { recordingRuleNames } from '../recording.js';
import { SeriesBuilder, seriesName } from '../series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest } from '../types.js';

const name = 'PipelineItemRateLow';

const templates = (pipeline: string, floorPerSecond: number, floorRatio: number, expectedPerDay: number): AlertTemplates => ({
  summary: [`Pipeline ${pipeline} creates items below its expected rate`],
  description: [
    `Pipeline ${pipeline} (job `,
    { label: 'job' },
    ') created ',
    { value: 'g4' },
    ` items/s over the last hour, under the floor of ${formatG4(floorPerSecond)} items/s (${percentText(floorRatio)} of the expected ${expectedPerDay} a day).`,
  ],
});

export function pipelineItemRateLowRules(model: Model): AlertingRule[] {
  return model.pipelines.flatMap((pipeline) => {
    const parameters = pipeline.alerts.itemRateLow;
    if (parameters === undefined || pipeline.expectedItemsPerDay === undefined) return [];
    // rate over 1h underestimates while Prometheus has less than an hour of samples; wait for a
    // full window of scrapes so a fresh Prometheus (or a short-`for` test profile) does not fire.
    const expr =
      `${selector(recordingRuleNames.pipelineItemsCreatedRate1h, { job: pipeline.job, pipeline: pipeline.name })} < ${promNumber(parameters.floorPerSecond)}` +
      `\nand on (job) count by (job) (${selector('up', { job: pipeline.job })} offset 1h)`;
    return [
      alertingRule(
        model,
        name,
        expr,
        parameters.for,
        pipelineLabels(pipeline, 'P2'),
        templates(pipeline.name, parameters.floorPerSecond, parameters.floorRatio, pipeline.expectedItemsPerDay),
      ),
    ];
  });
}

export function pipelineItemRateLowTests(model: Model): PromtoolTest[] {
  const pipeline = model.pipelines.find((candidate) => candidate.alerts.itemRateLow !== undefined);
  const parameters = pipeline?.alerts.itemRateLow;
  if (pipeline === undefined || parameters === undefined || pipeline.expectedItemsPerDay === undefined) return [];
  const service = model.services.find((candidate) => candidate.name === pipeline.service);
  const instance = service?.targets[0] ?? `${pipeline.job}:9464`;
  const clock = testClock(windowTestInterval(testInterval(model, service), '1h'), parameters.for);
  const window = clock.steps('1h');
  const created = seriesName(catalog.itemsCreated.name, {
    job: pipeline.job,
    instance,
    pipeline: pipeline.name,
    item_type: 'item',
    source: 'test',
  });
  const labels = { ...pipelineLabels(pipeline, 'P2'), job: pipeline.job };
  const up = (length: number) => ({ name: seriesName('up', { job: pipeline.job, instance }), values: new SeriesBuilder().constant(1, length).encode() });
  const t = templates(pipeline.name, parameters.floorPerSecond, parameters.floorRatio, pipeline.expectedItemsPerDay);
  const expectedPerStep = (pipeline.expectedItemsPerDay / 86_400) * clock.step;
  const lowPerSecond = parameters.floorPerSecond / 4;
  const dropAt = window + 2;
  const length = dropAt + window + clock.forSteps + 5;
  const firing = promtoolTest(
    model,
    `${name}: the rate drops to a quarter of the floor at step ${dropAt}`,
    clock,
    name,
    t,
    [up(length), { name: created, values: new SeriesBuilder().ramp(0, expectedPerStep, dropAt).rise(lowPerSecond * clock.step, length - dropAt).encode() }],
    [
      { at: (dropAt + clock.forSteps - 1) * clock.step, alerts: [] },
      { at: (dropAt + window + clock.forSteps) * clock.step, alerts: [{ labels, value: lowPerSecond }] },
    ],
  );
  // Healthy: the expected rate with a restart (counter reset) and a 10-minute scrape gap.
  const restartAt = window + 10;
  const gapAt = restartAt + window;
  const healthyLength = gapAt + clock.forSteps + window;
  const healthySeries = new SeriesBuilder()
    .ramp(0, expectedPerStep, restartAt)
    .gap(2)
    .ramp(0, expectedPerStep, gapAt - restartAt - 2)
    .gap(clock.steps('10m'));
  healthySeries.ramp(healthySeries.last() + expectedPerStep * (clock.steps('10m') + 1), expectedPerStep, healthyLength - healthySeries.length);
  const healthy = promtoolTest(
    model,
    `${name}: items at the expected rate with a restart and a scrape gap; never fires`,
    clock,
    name,
    t,
    [up(healthySeries.length), { name: created, values: healthySeries.encode() }],
    quietChecks(clock, 0, healthySeries.length - 1, Math.max(1, Math.floor(window / 4))),
  );
  return [firing, healthy];
}

export const pipelineItemRateLowAlert: AlertDefinition = {
  name,
  priority: 'P2',
  severity: 'warning',
  title: 'A pipeline creates items below its expected rate',
  runbook: {
    meaning:
      'The pipeline declares an expected volume (items a day). Over the last hour it created items at less than the floor (default half the expected rate) for the whole `for` duration. Items still arrive, so PipelineNoItemsCreated stays quiet, but volume is abnormally low. It waits until Prometheus has scraped the job for an hour, because the hourly rate is incomplete before that.',
    causes: [
      'The upstream source slowed down or some of its partitions/feeds stopped.',
      'The pipeline is throttled: slow dependencies, retries, a shrinking worker pool.',
      'A growing share of items is rejected or filtered before creation.',
    ],
    firstChecks: [
      'Compare pipeline:items_created:rate1h with the same hour yesterday (pipeline:items_created:increase24h).',
      'Check latency and errors of the pipeline\'s operations (HighLatencyP95, PipelineValidationErrorsHigh).',
      'Ask the upstream owner whether volume dropped at the source.',
    ],
  },
  rules: pipelineItemRateLowRules,
  tests: pipelineItemRateLowTests,
};
