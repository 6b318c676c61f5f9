import { alertNames, type AlertName } from '../dashboards/alerts.js';
import { alertParameter } from '../dashboards/thresholds.js';
import { runbookAlertName } from '../model/runbook.js';
import type { Model } from '../model/types.js';
import { silenceThreshold } from '../rules/alerts/pipeline-no-items-created.js';
import { thresholdSelector } from '../rules/parameters.js';

/**
 * What a panel linking to an alert must read to draw that alert's threshold:
 * - `reads`: a series the rules compare against (the `vigil:alert_threshold` selector of the
 *   parameter, or a recorded threshold such as the pipeline's silence threshold);
 * - `defaultValue`: the rules' default for targets without an override, which a line over the
 *   parameter series must fall back to;
 * - `fixed`: a threshold that is the same for every target (a stat panel's colour step), e.g. `up` below 1.
 * Alerts without a drawable threshold (DependencyDown, UnhandledErrorsBurst: a state or a
 * windowed count, not a line on a graph) are absent.
 */
export interface ThresholdExpectation {
  readonly alert: AlertName;
  readonly reads?: string;
  readonly defaultValue?: number;
  readonly fixed?: number;
}

const parameterNames: Partial<Record<AlertName, string>> = {
  [alertNames.highErrorRate]: 'ratio',
  [alertNames.highLatencyP95]: 'seconds',
  [alertNames.memoryHigh]: 'ratio',
  [alertNames.cpuHigh]: 'ratio',
  [alertNames.eventLoopLagHigh]: 'seconds',
  [alertNames.pipelineItemRateLow]: 'floor_ratio',
  [alertNames.pipelineValidationErrorsHigh]: 'ratio',
  [alertNames.pipelineFieldCoverageDrop]: 'floor',
};

export function thresholdExpectation(model: Model, alert: AlertName): ThresholdExpectation | undefined {
  // The rule is `up == 0`: below 1, a target is down.
  if (alert === alertNames.serviceDown) return { alert, fixed: 1 };
  // Drawn as the recorded silence, or as the age's share of it (red from 1).
  if (alert === alertNames.pipelineNoItemsCreated) return { alert, reads: silenceThreshold, fixed: 1 };
  const parameterName = parameterNames[alert];
  if (parameterName === undefined) return undefined;
  const parameter = alertParameter(model, alert, parameterName);
  return { alert, reads: thresholdSelector(parameter), defaultValue: parameter.defaultValue };
}

/** The alert a runbook URL points at, when it is one of this model's runbooks. */
export function alertOfRunbookUrl(model: Model, url: string | undefined): AlertName | undefined {
  const candidate = runbookAlertName(model, url);
  return candidate !== undefined && (Object.values(alertNames) as string[]).includes(candidate) ? (candidate as AlertName) : undefined;
}
