import { DashboardBuilder, RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { catalog } from '@vigil/metrics/catalog';
import type { Model } from '../model/types.js';
import { recordingRuleNames as rules } from '../rules/recording.js';
import { thresholdSelector } from '../rules/parameters.js';
import { alertNames } from './alerts.js';
import { vigilDashboardsLink } from './links.js';
import { PanelIds, timeseriesPanel } from './panels.js';
import { silenceThreshold } from '../rules/alerts/pipeline-no-items-created.js';
import { alertParameter, thresholdLegendSuffix, thresholdLine, parameterOn } from './thresholds.js';
import { datasourceVariable, pipelineVariable } from './variables.js';
import { dashboardUids } from './scope.js';

const selected = 'pipeline=~"$pipeline"';

export function pipelineDashboard(model: Model): Dashboard {
  const ids = new PanelIds();
  // Pipelines that have no series yet still show a zero line rather than "No data".
  const zeroPerPipeline = `on(pipeline) (0 * ${rules.pipelineItemsCreatedRate5m}{${selected}})`;
  const baseline = `${rules.pipelineItemsCreatedRate1hBaseline}{${selected}}`;
  const declaredRate = alertParameter(model, alertNames.pipelineNoItemsCreated, 'expected_per_second');
  // PipelineItemRateLow: the hourly rate under floor_ratio of the baseline, for pipelines that declare a rate.
  const rateFloor =
    `${baseline} * on (job, pipeline) group_left () (${parameterOn(alertParameter(model, alertNames.pipelineItemRateLow, 'floor_ratio'), baseline)})` +
    ` and on (job, pipeline) ${thresholdSelector(declaredRate)}`;
  const validationRatio = `${rules.pipelineValidationErrorsRatioRate5m}{${selected}}`;
  const coverage = `${rules.pipelineFieldCoverageRatioRate1h}{${selected}}`;

  return new DashboardBuilder('Vigil / Pipelines')
    .uid(dashboardUids.pipeline)
    .description(`Item creation, validation and required-field coverage per pipeline. Generated from ${model.source}; do not edit.`)
    .tags(['vigil', 'pipeline'])
    .readonly()
    .time({ from: 'now-24h', to: 'now' })
    .refresh('1m')
    .link(vigilDashboardsLink())
    .withVariable(datasourceVariable(model))
    .withVariable(pipelineVariable())
    .withRow(new RowBuilder('Creation').id(ids.next()))
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Creation rate against the expected floor',
        description:
          'Items per second over the last hour. The dashed line is the floor of each pipeline that declares an expected volume: floor_ratio of its rate at the same hours a week earlier, or of the discounted day before while there is no week of history (none until a day of history exists). Below it for long enough, PipelineItemRateLow opens a ticket.',
        unit: 'cps',
        min: 0,
        queries: [{ expr: `${rules.pipelineItemsCreatedRate1h}{${selected}}`, legend: '{{pipeline}}' }],
        alerts: [alertNames.pipelineItemRateLow],
        thresholdLines: [{ expr: rateFloor, legend: `{{pipeline}} ${thresholdLegendSuffix}` }],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Creation rate by item type and source',
        description: 'Items per second, split by pipeline, item type and source.',
        unit: 'cps',
        min: 0,
        queries: [
          {
            expr: `sum by (pipeline, item_type, source) (rate(${catalog.itemsCreated.name}{${selected}}[$__rate_interval]))`,
            legend: '{{pipeline}} {{item_type}} {{source}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Time since the last item',
        description: 'Age of the newest item. The dashed line is the silence that pages for each pipeline (its usual rate for this hour, at most the no-items window): past it, PipelineNoItemsCreated fires.',
        unit: 's',
        min: 0,
        queries: [{ expr: `${rules.pipelineLastItemAgeSeconds}{${selected}}`, legend: '{{pipeline}}' }],
        alerts: [alertNames.pipelineNoItemsCreated],
        thresholdLines: [{ expr: `${silenceThreshold}{${selected}}`, legend: `{{pipeline}} ${thresholdLegendSuffix}` }],
        width: 24,
      }),
    )
    .withRow(new RowBuilder('Quality').id(ids.next()))
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Validation errors by reason',
        description: 'Items per second rejected by validation, by reason. No rejection yet shows as 0.',
        unit: 'cps',
        min: 0,
        queries: [
          {
            expr: `sum by (pipeline, reason) (rate(${catalog.itemValidationErrors.name}{${selected}}[$__rate_interval])) or ${zeroPerPipeline}`,
            legend: '{{pipeline}} {{reason}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Validation errors per created item',
        description: 'Share of items rejected by validation. The dashed line is the ceiling of PipelineValidationErrorsHigh.',
        unit: 'percentunit',
        min: 0,
        // The recording rule already records 0 for a pipeline with no rejection yet.
        queries: [{ expr: validationRatio, legend: '{{pipeline}}' }],
        alerts: [alertNames.pipelineValidationErrorsHigh],
        thresholdLines: [thresholdLine(alertParameter(model, alertNames.pipelineValidationErrorsHigh, 'ratio'), validationRatio)],
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Required-field coverage',
        description: 'Share of created items that carry each required field, over the last hour. The dashed line is the floor of PipelineFieldCoverageDrop.',
        unit: 'percentunit',
        min: 0,
        max: 1,
        queries: [{ expr: coverage, legend: '{{pipeline}} {{field}}' }],
        alerts: [alertNames.pipelineFieldCoverageDrop],
        thresholdLines: [thresholdLine(alertParameter(model, alertNames.pipelineFieldCoverageDrop, 'floor'), coverage)],
        width: 24,
      }),
    )
    .build();
}
