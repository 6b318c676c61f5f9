import { DashboardBuilder, RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { catalog } from '@vigil/metrics/catalog';
import type { Model } from '../model/types.js';
import { durationSeconds } from '../spec/duration.js';
import { recordingRuleNames as rules } from '../rules/recording.js';
import { alertNames } from './alerts.js';
import { vigilDashboardsLink } from './links.js';
import { PanelIds, timeseriesPanel } from './panels.js';
import { pipelineThresholds } from './thresholds.js';
import { datasourceVariable, labelVariable } from './variables.js';
import { dashboardUids, pipelineNames } from './scope.js';

const selected = 'pipeline=~"$pipeline"';

export function pipelineDashboard(model: Model): Dashboard {
  const ids = new PanelIds();
  // Pipelines that have no series yet still show a zero line rather than "No data".
  const zeroPerPipeline = `on(pipeline) (0 * ${rules.pipelineItemsCreatedRate5m}{${selected}})`;

  return new DashboardBuilder('Vigil / Pipelines')
    .uid(dashboardUids.pipeline)
    .description(`Item creation, validation and required-field coverage per pipeline. Generated from ${model.source}; do not edit.`)
    .tags(['vigil', 'pipeline'])
    .readonly()
    .time({ from: 'now-24h', to: 'now' })
    .refresh('1m')
    .link(vigilDashboardsLink())
    .withVariable(datasourceVariable(model))
    .withVariable(labelVariable('pipeline', 'Pipeline', `label_values(${catalog.pipelineLastItemCreated.name}, pipeline)`, pipelineNames(model)))
    .withRow(new RowBuilder('Creation').id(ids.next()))
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Creation rate against the expected floor',
        description:
          'Items per second over the last hour. The dashed line is the floor of each pipeline with an expected volume: below it for long enough, PipelineItemRateLow fires.',
        unit: 'cps',
        min: 0,
        queries: [{ expr: `${rules.pipelineItemsCreatedRate1h}{${selected}}`, legend: '{{pipeline}}' }],
        alerts: [alertNames.pipelineItemRateLow],
        thresholds: model.pipelines.flatMap((pipeline) =>
          pipeline.alerts.itemRateLow
            ? [{ series: pipeline.name, value: pipeline.alerts.itemRateLow.floorPerSecond, bad: 'below' as const }]
            : [],
        ),
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
        description: 'Age of the newest item. The dashed line is the no-items window: past it, PipelineNoItemsCreated fires.',
        unit: 's',
        min: 0,
        queries: [{ expr: `${rules.pipelineLastItemAgeSeconds}{${selected}}`, legend: '{{pipeline}}' }],
        alerts: [alertNames.pipelineNoItemsCreated],
        thresholds: pipelineThresholds(model, (pipeline) => durationSeconds(pipeline.alerts.noItemsCreated.window)),
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
        queries: [{ expr: `${rules.pipelineValidationErrorsRatioRate5m}{${selected}}`, legend: '{{pipeline}}' }],
        alerts: [alertNames.pipelineValidationErrorsHigh],
        thresholds: pipelineThresholds(model, (pipeline) => pipeline.alerts.validationErrorsHigh.ratio),
      }),
    )
    .withPanel(
      timeseriesPanel(model, ids, {
        title: 'Required-field coverage',
        description: 'Share of created items that carry each required field, over the last hour. The dashed line is the floor of PipelineFieldCoverageDrop.',
        unit: 'percentunit',
        min: 0,
        max: 1,
        queries: [{ expr: `${rules.pipelineFieldCoverageRatioRate1h}{${selected}}`, legend: '{{pipeline}} {{field}}' }],
        alerts: [alertNames.pipelineFieldCoverageDrop],
        thresholds: model.pipelines.flatMap((pipeline) => {
          const coverage = pipeline.alerts.fieldCoverageDrop;
          if (!coverage) return [];
          return coverage.requiredFields.map((field) => ({ series: `${pipeline.name} ${field}`, value: coverage.floor, bad: 'below' as const }));
        }),
        width: 24,
      }),
    )
    .build();
}
