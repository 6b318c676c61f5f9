import { catalog } from '@vigil/metrics/catalog';
import type { Model } from '../../model/types.js';
import { pipelineDefaults } from '../../model/defaults.js';
import { kindAlertRules, pipelineLabels, pipelineParameter, pipelineSettings, promtoolTest, quietChecks, testClock, testInterval, windowTestInterval, type AlertTemplates } from '../common.js';
import { compare, overrides, settingsParameters, thresholdSelector, type ParameterValues } from '../parameters.js';
import { expectedRateParameter } from './pipeline-no-items-created.js';
import { recordingRuleNames } from '../recording.js';
import { encodeSeries, seriesName } from '../series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest } from '../types.js';

const name = 'PipelineItemRateLow';

const floorParameter = (model: Model): ParameterValues =>
  pipelineParameter(model, name, 'floor_ratio', pipelineDefaults.rateFloorRatio, (pipeline) => pipeline.alerts.itemRateLow?.floorRatio);

const minItemsParameter = (model: Model): ParameterValues =>
  pipelineParameter(model, name, 'min_items', pipelineDefaults.rateFloorMinItems, () => undefined);

const templates = (floor: ParameterValues): AlertTemplates => ({
  summary: ['Pipeline ', { label: 'pipeline' }, ' creates items well below its usual rate for this hour'],
  description: [
    'Pipeline ',
    { label: 'pipeline' },
    ' (job ',
    { label: 'job' },
    ') created items over the last hour at ',
    { value: 'humanizePercentage' },
    ' of its rate at the same hours a week earlier (without a week of history: the day before, discounted), under the floor of ',
    { parameter: floor, format: 'humanizePercentage' },
    '.',
  ],
});

const settings = (model: Model) =>
  pipelineSettings(model, 'itemRateLow', (pipeline) => pipeline.alerts.itemRateLow?.for).filter((_, index) => model.pipelines[index]!.alerts.itemRateLow !== undefined);

/**
 * The hourly rate against the same hours a week earlier (seasonality-aware: a normal night is
 * compared with normal nights, a Saturday with a Saturday), or the day before at
 * `dayBasisShare` while there is no week of history, with a volume guard: the baseline must
 * hold at least `min_items` items an hour, so a quiet hour's noise never raises a ticket. Only pipelines that
 * declare an expected rate (steady ones) are covered; without history there is no baseline.
 */
export function pipelineItemRateLowRules(model: Model): AlertingRule[] {
  const declared = expectedRateParameter(model);
  if (overrides(declared).length === 0) return [];
  const r = recordingRuleNames;
  const ratio = `${r.pipelineItemsCreatedRate1h} / on (job, pipeline) ${r.pipelineItemsCreatedRate1hBaseline}`;
  const condition = [
    compare(ratio, '<', floorParameter(model)),
    compare(`${r.pipelineItemsCreatedRate1hBaseline} * 3600`, '>=', minItemsParameter(model)),
    thresholdSelector(declared),
  ].join('\nand on (job, pipeline)\n');
  return kindAlertRules(model, { name, kind: 'pipeline', priority: 'P2', condition, settings: settings(model), templates: templates(floorParameter(model)) });
}

/** Share of the daily mean per hour of day: a people-driven day with a night lull at a tenth. */
export function diurnalShare(hour: number): number {
  return hour < 6 ? 0.1 : 1.3;
}

export function pipelineItemRateLowTests(model: Model): PromtoolTest[] {
  const pipeline = model.pipelines.find((candidate) => candidate.alerts.itemRateLow !== undefined && !candidate.disabledAlerts?.includes('itemRateLow'));
  const parameters = pipeline?.alerts.itemRateLow;
  if (pipeline === undefined || parameters === undefined || pipeline.expectedItemsPerDay === undefined) return [];
  const service = model.services.find((candidate) => candidate.name === pipeline.service);
  const instance = service?.targets[0] ?? `${pipeline.job}:9464`;
  const clock = testClock(windowTestInterval(testInterval(model, service), '1h'), parameters.for);
  const created = seriesName(catalog.itemsCreated.name, { job: pipeline.job, instance, pipeline: pipeline.name, item_type: 'item', source: 'test' });
  const labels = { ...pipelineLabels(pipeline, 'P2'), job: pipeline.job };
  const t = templates(floorParameter(model));
  const meanPerStep = (pipeline.expectedItemsPerDay / 86_400) * clock.step;
  const dayStep = 86_400 / clock.step;
  // Items per step at the diurnal share. The firing test reads an even rate: the baseline
  // averages two hours and the current rate one, so only an even rate gives the exact ratio the
  // description shows. The healthy test adds a deterministic +-20% wobble from step to step.
  const evenDiurnalItems = (step: number): number => meanPerStep * diurnalShare(((step * clock.step) % 86_400) / 3600);
  const wobblingDiurnalItems = (step: number): number => evenDiurnalItems(step) * (1 + 0.2 * Math.sin((step % dayStep) * 1.7));
  /** A counter over `length` steps adding `itemsAt(step)` each step, restarting from 0 at `restartAt` after one missed scrape, with `gap` missed scrapes at `gapAt`. */
  const counter = (length: number, itemsAt: (step: number) => number, restartAt = -1, gapAt = -1, gap = 0): string => {
    const samples: (number | null)[] = [];
    let total = 0;
    for (let step = 0; step < length; step++) {
      total += itemsAt(step);
      if (step === restartAt) {
        total = 0;
        samples.push(null);
      } else samples.push(step >= gapAt && step < gapAt + gap ? null : total);
    }
    return encodeSeries(samples);
  };
  // Day 2, 10:00: the pipeline drops to 30% of its normal rate. There is no week of history, so
  // the baseline is the day before at dayBasisShare, and the drop reads 0.3 / dayBasisShare.
  const dropAt = dayStep + Math.round((10 * 3600) / clock.step);
  const window = clock.steps('1h');
  const firedBy = dropAt + window + clock.forSteps + 1;
  const length = firedBy + 2;
  const firing = promtoolTest(
    model,
    `${name}: a diurnal pipeline drops 70% on day 2 at 10:00; a ticket within the hour and its for`,
    clock,
    name,
    t,
    [{ name: created, values: counter(length, (step) => evenDiurnalItems(step) * (step >= dropAt ? 0.3 : 1)) }],
    [
      { at: (dropAt - 1) * clock.step, alerts: [] },
      { at: firedBy * clock.step, alerts: [{ labels, value: 0.3 / pipelineDefaults.dayBasisShare }] },
    ],
  );
  // Healthy: two diurnal days (night at a tenth of the day), a restart at night and a 10-minute scrape gap.
  const healthyLength = dayStep * 2 + window;
  const nightRestart = dayStep + Math.round((3 * 3600) / clock.step);
  const healthy = promtoolTest(
    model,
    `${name}: two diurnal days with a night lull, a restart at night and a scrape gap; never fires`,
    clock,
    name,
    t,
    [{ name: created, values: counter(healthyLength, wobblingDiurnalItems, nightRestart, dayStep + Math.round((14 * 3600) / clock.step), clock.steps('10m')) }],
    quietChecks(clock, dayStep, healthyLength - 1, Math.max(1, Math.floor(window / 4))),
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
      'The pipeline declares an expected volume (items a day), so it is steady. Over the last hour it created items at less than the floor (default half) of its baseline for the whole `for` duration (default 1h), and the baseline held enough items to judge (volume guard). The baseline is the rate of the same two hours a week earlier, so a night is compared with nights and a weekend with weekends. Without a week of history it is the day before counted at ' + `${pipelineDefaults.dayBasisShare * 100}%` + ', because the day before may be a busier kind of day (a Friday before a Saturday); in that first week only a deeper drop files a ticket. Items still arrive, so PipelineNoItemsCreated stays quiet, but volume is abnormally low for this time of day. Without a day of history there is no baseline and it stays quiet.',
    causes: [
      'The upstream source slowed down or some of its partitions/feeds stopped.',
      'The pipeline is throttled: slow dependencies, retries, a shrinking worker pool.',
      'A growing share of items is rejected or filtered before creation.',
    ],
    firstChecks: [
      'Graph pipeline:items_created:rate1h against pipeline:items_created:rate1h_baseline (the same hours a week earlier, or the discounted day before). A low week-ago baseline (an incident last week) hides a drop; a high one (a backfill last week) can raise a false ticket.',
      'Check latency and errors of the pipeline\'s operations (HighLatencyP95, PipelineValidationErrorsHigh).',
      'Ask the upstream owner whether volume dropped at the source.',
    ],
  },
  rules: pipelineItemRateLowRules,
  tests: pipelineItemRateLowTests,
  parameters: (model) => [floorParameter(model), minItemsParameter(model), ...settingsParameters(name, 'pipeline', settings(model))],
};
