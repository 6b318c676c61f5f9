import * as common from '@grafana/grafana-foundation-sdk/common';
import { ThresholdsConfigBuilder, ThresholdsMode, type DynamicConfigValue, type Threshold } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Model, PipelineModel, ServiceModel } from '../model/types.js';
import { escapeRegex } from './variables.js';

/** Where a threshold sits and which side of it is bad. */
export interface SeriesThreshold {
  /** Display name of the series (its legend), e.g. the job or pipeline name. */
  readonly series: string;
  /**
   * `name` (default): the series is named exactly `series`. `prefix`: every series whose name
   * starts with `series` and a space, for legends such as "{{job}} {{operation}}".
   */
  readonly match?: 'name' | 'prefix';
  readonly value: number;
  /** `above`: values over the threshold are bad (error ratio); `below`: under it are (coverage). */
  readonly bad: 'above' | 'below';
}

/**
 * One threshold per service series (legend `{{job}}`), each at that service's own value, so
 * services with different alert parameters share one panel.
 */
export function serviceThresholds(
  model: Model,
  value: (service: ServiceModel) => number,
  bad: SeriesThreshold['bad'] = 'above',
): SeriesThreshold[] {
  return model.services.map((service) => ({ series: service.job, value: value(service), bad }));
}

/** One threshold per pipeline series (legend `{{pipeline}}`), each at that pipeline's own value. */
export function pipelineThresholds(
  model: Model,
  value: (pipeline: PipelineModel) => number,
  bad: SeriesThreshold['bad'] = 'above',
): SeriesThreshold[] {
  return model.pipelines.map((pipeline) => ({ series: pipeline.name, value: value(pipeline), bad }));
}

/** A Grafana field-name regex for "every series whose name starts with `prefix` and a space". */
export function seriesPrefixPattern(prefix: string): string {
  return `/^${escapeRegex(prefix)} /`;
}

function thresholdSteps(threshold: SeriesThreshold): Threshold[] {
  // Grafana's first step has a null value: it is the colour below every other step.
  const base = null;
  return threshold.bad === 'above'
    ? [
        { value: base, color: 'green' },
        { value: threshold.value, color: 'red' },
      ]
    : [
        { value: base, color: 'red' },
        { value: threshold.value, color: 'green' },
      ];
}

/**
 * One override per series: each job or pipeline gets its own alert value from the spec, so
 * a dashboard that shows several services still draws each one's threshold correctly.
 */
export function thresholdOverrides(thresholds: readonly SeriesThreshold[], drawLine: boolean) {
  return thresholds.map((threshold) => {
    const properties: DynamicConfigValue[] = [
      { id: 'thresholds', value: new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(thresholdSteps(threshold)).build() },
    ];
    if (drawLine) properties.push({ id: 'custom.thresholdsStyle', value: { mode: common.GraphThresholdsStyleMode.Dashed } });
    const matcher =
      threshold.match === 'prefix'
        ? { id: 'byRegexp', options: seriesPrefixPattern(threshold.series) }
        : { id: 'byName', options: threshold.series };
    return { matcher, properties };
  });
}

