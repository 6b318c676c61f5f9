/**
 * SLO recording rules, rendered into `alerts/recording-rules.yml` after Vigil's own group.
 *
 * - Parameters: one constant series per SLO (`vigil:slo_objective`, plus the latency bucket or
 *   the freshness bound, plus `minEvents` where the spec overrides it). Only these grow with
 *   the number of SLOs, in groups of at most `maxRulesPerGroup`.
 * - SLI at 5m: events and bad events per second from the raw series, one rule per series name
 *   for every SLO, joined on `job` (and `le`, `pipeline`) with the constant series, which gives
 *   each result the SLO's identity labels.
 * - Windows 30m to 3d: from the 5m series (`sum_over_time`), never from raw counters over long
 *   ranges. The whole period: from hourly sums of the 5m series, read once an hour.
 * - Burn rates and the remaining error budget: plain arithmetic with the objective.
 */
import { catalog } from '@vigil/metrics/catalog';
import type { Model, SloModel } from '../model/types.js';
import { durationSeconds } from '../spec/duration.js';
import { sloDefaults } from '../model/defaults.js';
import { exactAlternation, quote } from '../rules/common.js';
import { promNumber } from '../rules/format.js';
import { slowGroupFields } from '../rules/group-interval.js';
import { recordingRuleNames } from '../rules/recording.js';
import type { RecordingRule, RuleGroup } from '../rules/types.js';
import { longSloWindows, shortSloWindows, sloLabels, sloSeries, type SloWindow } from './series.js';

/** A recording rule that also sets labels (constant series). */
export interface LabelledRecordingRule extends RecordingRule {
  readonly labels?: Readonly<Record<string, string>>;
}

/** Mimir's default ruler limit of rules per group; the parameter groups are cut to it. */
export const maxRulesPerGroup = 20;

export const sloGroupNames = {
  parameters: 'vigil-slo-parameters',
  sli: 'vigil-slo-sli',
  shortWindows: 'vigil-slo-windows-short',
  longWindows: 'vigil-slo-windows-long',
  budget: 'vigil-slo-budget',
} as const;

const requestCount = `${catalog.httpRequestDuration.name}_count`;
const requestBucket = `${catalog.httpRequestDuration.name}_bucket`;
const s = sloSeries;

/** `0 * series + 1`: the series' labels with value 1, to copy labels onto another series by `*`. */
const ones = (series: string): string => `(0 * ${series} + 1)`;
const objectiveOf = (slis: readonly string[]): string =>
  `${s.objective}{sli${slis.length === 1 ? '=' : '=~'}${quote(slis.join('|'))}}`;
const anyOf = (expressions: readonly string[]): string => expressions.join('\n  or\n');

function parameterRules(slo: SloModel): LabelledRecordingRule[] {
  const labels = sloLabels(slo);
  const rules: LabelledRecordingRule[] = [{ record: s.objective, expr: `vector(${promNumber(slo.objective)})`, labels }];
  if (slo.sli === 'latency') {
    rules.push({ record: s.latencyThreshold, expr: `vector(${promNumber(slo.thresholdSeconds)})`, labels: { ...labels, le: slo.le } });
  }
  if (slo.sli === 'freshness') rules.push({ record: s.freshnessMaxAge, expr: `vector(${promNumber(slo.maxAgeSeconds)})`, labels });
  if (slo.minEvents !== sloDefaults.minEvents) {
    rules.push({ record: s.minEventsOverride, expr: `vector(${promNumber(slo.minEvents)})`, labels });
  }
  return rules;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

function sliRules(slos: readonly SloModel[]): LabelledRecordingRule[] {
  const kinds = new Set(slos.map((slo) => slo.sli));
  const requestKinds = (['availability', 'latency'] as const).filter((kind) => kinds.has(kind));
  const lastItemAge = recordingRuleNames.pipelineLastItemAgeSeconds;
  const events: string[] = [];
  const errors: string[] = [];
  if (requestKinds.length > 0) {
    events.push(`sum by (job) (rate(${requestCount}[5m])) * on (job) group_right () ${ones(objectiveOf(requestKinds))}`);
  }
  if (kinds.has('freshness')) {
    // Time-based: every second is an event while the pipeline has a newest item at all.
    events.push(`${ones(lastItemAge)} * on (job, pipeline) group_right () ${ones(objectiveOf(['freshness']))}`);
  }
  if (kinds.has('availability')) {
    // No 5xx series yet means no bad request, not no data.
    errors.push(
      `(sum by (job) (rate(${requestCount}{status_code=~"5.."}[5m])) or 0 * sum by (job) (rate(${requestCount}[5m])))` +
        ` * on (job) group_right () ${ones(objectiveOf(['availability']))}`,
    );
  }
  if (kinds.has('latency')) {
    const buckets = [...new Set(slos.flatMap((slo) => (slo.sli === 'latency' ? [slo.le] : [])))].sort();
    const good = `sum by (job, le) (rate(${requestBucket}{le=~${quote(exactAlternation(buckets))}}[5m])) * on (job, le) group_right () ${ones(s.latencyThreshold)}`;
    errors.push(`${s.events5m}{sli="latency"} - ignoring (le) (${good})`);
  }
  if (kinds.has('freshness')) errors.push(`${lastItemAge} > bool on (job, pipeline) group_right () ${s.freshnessMaxAge}`);

  const overridden = slos.some((slo) => slo.minEvents !== sloDefaults.minEvents);
  const minEventsDefault = `0 * ${s.objective} + ${promNumber(sloDefaults.minEvents)}`;
  return [
    { record: s.events5m, expr: anyOf(events) },
    { record: s.errors5m, expr: anyOf(errors) },
    { record: s.minEvents, expr: overridden ? `${s.minEventsOverride} or ${minEventsDefault}` : minEventsDefault },
  ];
}

function windowRules(window: SloWindow): LabelledRecordingRule[] {
  const seconds = durationSeconds(window);
  const fromFiveMinutes = window === '5m';
  return [
    {
      record: s.errorRatio(window),
      expr: fromFiveMinutes ? `${s.errors5m} / ${s.events5m}` : `sum_over_time(${s.errors5m}[${window}]) / sum_over_time(${s.events5m}[${window}])`,
    },
    { record: s.burnRate(window), expr: `${s.errorRatio(window)} / (1 - ${s.objective})` },
    {
      record: s.events(window),
      expr: fromFiveMinutes ? `${s.events5m} * ${seconds}` : `avg_over_time(${s.events5m}[${window}]) * ${seconds}`,
    },
  ];
}

function budgetRules(slos: readonly SloModel[]): LabelledRecordingRule[] {
  const periods = [...new Set(slos.map((slo) => slo.period))].sort((a, b) => durationSeconds(a) - durationSeconds(b));
  // Hour-aligned subquery steps pick one hourly sum per hour: disjoint hours that add up to the
  // period. Until an SLO's first hour boundary has passed there is no pick yet, and the last hour is
  // all there is to judge it by.
  const perPeriod = periods.map((period) => {
    const selector = `{period="${period}"}`;
    const hourly = `sum_over_time(${s.errorsHour}${selector}[${period}:1h]) / sum_over_time(${s.eventsHour}${selector}[${period}:1h])`;
    return `(${hourly})\n  or\n(${s.errorsHour}${selector} / ${s.eventsHour}${selector})`;
  });
  return [
    { record: s.errorsHour, expr: `sum_over_time(${s.errors5m}[1h])` },
    { record: s.eventsHour, expr: `sum_over_time(${s.events5m}[1h])` },
    { record: s.errorRatioPeriod, expr: anyOf(perPeriod) },
    { record: s.budgetRemaining, expr: `1 - ${s.errorRatioPeriod} / (1 - ${s.objective})` },
  ];
}

/**
 * The SLO groups, in evaluation order; none when the spec declares no SLO. The constants, the
 * windows of 6h and more and the period's hourly sums run at the slow interval
 * (rules/group-interval.ts): the 3d windows read a sample of the 5m series per evaluation over
 * three days, and none of them moves by more than a minute's share of its window in between.
 */
export function sloRecordingGroups(model: Model): RuleGroup[] {
  if (model.slos.length === 0) return [];
  const slow = slowGroupFields(model.prometheus.evaluationInterval);
  const parameters = chunk(model.slos.flatMap(parameterRules), maxRulesPerGroup);
  return [
    ...parameters.map((rules, index) => ({ name: parameters.length === 1 ? sloGroupNames.parameters : `${sloGroupNames.parameters}-${index + 1}`, ...slow, rules })),
    { name: sloGroupNames.sli, rules: sliRules(model.slos) },
    { name: sloGroupNames.shortWindows, rules: shortSloWindows.flatMap(windowRules) },
    { name: sloGroupNames.longWindows, ...slow, rules: longSloWindows.flatMap(windowRules) },
    { name: sloGroupNames.budget, ...slow, rules: budgetRules(model.slos) },
  ];
}
