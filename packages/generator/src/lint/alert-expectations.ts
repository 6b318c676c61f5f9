import { alertNames, type AlertName } from '../dashboards/alerts.js';
import { runbookAlertName } from '../model/runbook.js';
import type { Model } from '../model/types.js';
import { durationSeconds } from '../spec/duration.js';

/**
 * For each alert a panel can draw, the threshold each series must carry, read from the model
 * field the alert rule reads. Keyed by series display name (job, pipeline, or
 * "pipeline field"). Alerts without a drawable threshold (DependencyDown,
 * UnhandledErrorsBurst: a state or a windowed count, not a line on a graph) are absent.
 */
export function expectedAlertThresholds(model: Model, alert: AlertName): Map<string, number> | undefined {
  const perService = (value: (alerts: Model['services'][number]['alerts']) => number) =>
    new Map(model.services.map((service) => [service.job, value(service.alerts)]));
  switch (alert) {
    case alertNames.serviceDown:
      // The rule is `up == 0`: every service's line sits at 1, below which a target is down.
      return perService(() => 1);
    case alertNames.highErrorRate:
      return perService((alerts) => alerts.highErrorRate.ratio);
    case alertNames.highLatencyP95:
      return perService((alerts) => alerts.highLatencyP95.seconds);
    case alertNames.memoryHigh:
      return perService((alerts) => alerts.memoryHigh.ratio);
    case alertNames.cpuHigh:
      return perService((alerts) => alerts.cpuHigh.ratio);
    case alertNames.eventLoopLagHigh:
      return perService((alerts) => alerts.eventLoopLagHigh.seconds);
    case alertNames.pipelineNoItemsCreated:
      return new Map(model.pipelines.map((pipeline) => [pipeline.name, durationSeconds(pipeline.alerts.noItemsCreated.window)]));
    case alertNames.pipelineItemRateLow:
      return new Map(
        model.pipelines.flatMap((pipeline) => (pipeline.alerts.itemRateLow ? [[pipeline.name, pipeline.alerts.itemRateLow.floorPerSecond] as const] : [])),
      );
    case alertNames.pipelineValidationErrorsHigh:
      return new Map(model.pipelines.map((pipeline) => [pipeline.name, pipeline.alerts.validationErrorsHigh.ratio]));
    case alertNames.pipelineFieldCoverageDrop:
      return new Map(
        model.pipelines.flatMap((pipeline) => {
          const coverage = pipeline.alerts.fieldCoverageDrop;
          return coverage ? coverage.requiredFields.map((field) => [`${pipeline.name} ${field}`, coverage.floor] as const) : [];
        }),
      );
    default:
      return undefined;
  }
}

/** The alert a runbook URL points at, when it is one of this model's runbooks. */
export function alertOfRunbookUrl(model: Model, url: string | undefined): AlertName | undefined {
  const candidate = runbookAlertName(model, url);
  return candidate !== undefined && (Object.values(alertNames) as string[]).includes(candidate) ? (candidate as AlertName) : undefined;
}
