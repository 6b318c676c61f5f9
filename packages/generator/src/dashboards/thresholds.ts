import { ThresholdsConfigBuilder, ThresholdsMode, type DynamicConfigValue, type Threshold } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Model } from '../model/types.js';
import { promNumber } from '../rules/format.js';
import { allAlertDefinitions } from '../rules/generator.js';
import { targetLabelNames, thresholdSelector, type ParameterValues } from '../rules/parameters.js';
import type { AlertName } from './alerts.js';

/**
 * Threshold lines are queries, not per-series overrides: each reads the alert's parameter from
 * the same `vigil:alert_threshold` series the rules read (rules/parameters.ts), falling back to
 * the rules' default, on every target the panel shows. A dashboard is then the same size for ten
 * services or ten thousand, and a line can never disagree with the rule it stands for.
 */

/** Legends of threshold lines end with this word (lint and readers rely on it). */
export const thresholdLegendSuffix = 'threshold';

/** The parameter of `alert` named `parameter`, as its rule definition declares it for this model. */
export function alertParameter(model: Model, alert: AlertName, parameter: string): ParameterValues {
  const definition = allAlertDefinitions.find((candidate) => candidate.name === alert);
  const found = definition?.parameters?.(model).find((candidate) => candidate.parameter === parameter);
  if (found === undefined) throw new Error(`dashboards: alert ${alert} declares no parameter ${parameter}`);
  return found;
}

/**
 * The parameter's value on every target of `shown` (a PromQL expression labelled by the
 * target's labels): the target's override series, else the default.
 */
export function parameterOn(parameter: ParameterValues, shown: string): string {
  const by = targetLabelNames[parameter.kind].join(', ');
  return (
    `max by (${by}) (${thresholdSelector(parameter)}) and on (${by}) ${shown}` +
    ` or on (${by}) max by (${by}) (${shown}) * 0 + ${promNumber(parameter.defaultValue)}`
  );
}

/** A dashed line per target at the alert's parameter; its legend names the target. */
export function thresholdLine(parameter: ParameterValues, shown: string): { expr: string; legend: string } {
  const target = parameter.kind === 'service' ? '{{job}}' : '{{pipeline}}';
  return { expr: parameterOn(parameter, shown), legend: `${target} ${thresholdLegendSuffix}` };
}

/** How a panel shows its alert thresholds, by query ref id. */
export interface ThresholdStyle {
  /** Ref ids of the panel's threshold lines (dashed). */
  readonly lineRefIds: readonly string[];
  /**
   * One fixed value for every series of a ref id (colour of stat panels), when the value is
   * the same for every target, e.g. `up` below 1, or a ratio to the target's own threshold.
   */
  readonly fixed?: { readonly refId: string; readonly value: number; readonly bad: 'above' | 'below' };
}

function fixedSteps(value: number, bad: 'above' | 'below'): Threshold[] {
  // Grafana's first step has a null value: it is the colour below every other step.
  return bad === 'above'
    ? [
        { value: null, color: 'green' },
        { value, color: 'red' },
      ]
    : [
        { value: null, color: 'red' },
        { value, color: 'green' },
      ];
}

interface FieldOverride {
  readonly matcher: { readonly id: string; readonly options: string };
  readonly properties: DynamicConfigValue[];
}

/** Overrides by query (ref id), never by series: their number does not depend on the fleet. */
export function thresholdOverrides(style: ThresholdStyle): FieldOverride[] {
  const overrides: FieldOverride[] = style.lineRefIds.map((refId) => ({
    matcher: { id: 'byFrameRefID', options: refId },
    properties: [
      { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
      { id: 'custom.fillOpacity', value: 0 },
    ],
  }));
  if (style.fixed !== undefined) {
    overrides.push({
      matcher: { id: 'byFrameRefID', options: style.fixed.refId },
      properties: [
        { id: 'thresholds', value: new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(fixedSteps(style.fixed.value, style.fixed.bad)).build() },
      ],
    });
  }
  return overrides;
}
