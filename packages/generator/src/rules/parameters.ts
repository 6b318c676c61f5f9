/**
 * Per-target alert parameters as series, so that rule files and dashboards do not grow with the fleet.
 *
 * - Every parameter a spec sets away from its default (a threshold, an evidence minimum, a `for`,
 *   a disabled alert) is one constant series `vigil:alert_threshold{alert,parameter,job[,pipeline]}`.
 *   Targets left at the default have no series: the alert applies the default with `unless`.
 * - Each alert kind is one rule per distinct `for`: targets whose `for` differs from the most
 *   common one carry a `for_seconds` series, and each rule selects its targets with it.
 * - Labels that say who owns a target (service, team) come from info series joined on the
 *   target's labels: `vigil:service_info{job,service,team,target_kind}` and
 *   `vigil:pipeline_info{job,pipeline,service,team}`. `target_kind` tells a spec service
 *   ("service") from an exporter job ("exporter"), so dashboards list services from it alone. They are recorded by the rules rather than
 *   attached as scrape-config target labels because (a) an alert must carry its team even when
 *   the target has no sample at all (absent, never scraped), (b) the same rules then work on a
 *   central Prometheus or Mimir fed by agents (remote write carries only job/instance and the
 *   site's external labels), and (c) moving a service to another team does not change the
 *   identity of every series it exports.
 */
import type { Duration, Model, PipelineModel, ServiceModel } from '../model/types.js';
import { durationSeconds } from '../spec/duration.js';
import { promNumber } from './format.js';
import type { RecordingRule } from './types.js';

export const parameterSeries = {
  threshold: 'vigil:alert_threshold',
  serviceInfo: 'vigil:service_info',
  pipelineInfo: 'vigil:pipeline_info',
} as const;

export type TargetKind = 'service' | 'pipeline';

/** Labels that identify a target in every series the rules read. */
export const targetLabelNames: Readonly<Record<TargetKind, readonly string[]>> = {
  service: ['job'],
  pipeline: ['job', 'pipeline'],
};

export type TargetLabels = Readonly<Record<string, string>>;

export const serviceTarget = (service: Pick<ServiceModel, 'job'>): TargetLabels => ({ job: service.job });
export const pipelineTarget = (pipeline: Pick<PipelineModel, 'job' | 'name'>): TargetLabels => ({ job: pipeline.job, pipeline: pipeline.name });

/** One named per-target number of one alert: its default and every target's value. */
export interface ParameterValues {
  readonly alert: string;
  /** snake_case, as in the series' `parameter` label. */
  readonly parameter: string;
  readonly kind: TargetKind;
  readonly defaultValue: number;
  readonly values: readonly { readonly target: TargetLabels; readonly value: number }[];
}

// An alert asks for its parameters' overrides several times (comparison, template, series), each
// a pass over every target of the fleet: filtered once per parameter object.
const overridesByParameter = new WeakMap<ParameterValues, ParameterValues['values']>();

export function overrides(parameter: ParameterValues): ParameterValues['values'] {
  let values = overridesByParameter.get(parameter);
  if (values === undefined) {
    values = parameter.values.filter((entry) => entry.value !== parameter.defaultValue);
    overridesByParameter.set(parameter, values);
  }
  return values;
}

export function targetKey(target: TargetLabels): string {
  return Object.keys(target)
    .sort()
    .map((key) => `${key}=${target[key]}`)
    .join(',');
}

/** The value a target has (its override, else the default). */
export function valueFor(parameter: ParameterValues, target: TargetLabels): number {
  const key = targetKey(target);
  return parameter.values.find((entry) => targetKey(entry.target) === key)?.value ?? parameter.defaultValue;
}

const quote = (value: string): string => JSON.stringify(value);

export function onTarget(kind: TargetKind): string {
  return `on (${targetLabelNames[kind].join(', ')})`;
}

/** `vigil:alert_threshold{alert="A",parameter="p"}`: the overrides of one parameter. */
export function thresholdSelector(parameter: Pick<ParameterValues, 'alert' | 'parameter'>): string {
  return `${parameterSeries.threshold}{alert=${quote(parameter.alert)},parameter=${quote(parameter.parameter)}}`;
}

/**
 * `value op threshold` for every target: overriding targets against their series, the others
 * against the default. Without any override it is the plain comparison.
 */
export function compare(value: string, op: '>' | '<' | '>=' | '<=', parameter: ParameterValues): string {
  const fallback = `${value} ${op} ${promNumber(parameter.defaultValue)}`;
  if (overrides(parameter).length === 0) return fallback;
  const series = thresholdSelector(parameter);
  const on = onTarget(parameter.kind);
  return `(${value} ${op} ${on} group_left () ${series}\nor\n${fallback} unless ${on} ${series})`;
}

/**
 * The parameter as a series per target (for dashboards and expressions that need the number
 * itself): the override series, else the default on every series of `template`.
 */
export function parameterVector(parameter: ParameterValues, template: string): string {
  const on = onTarget(parameter.kind);
  const fallback = `max by (${targetLabelNames[parameter.kind].join(', ')}) (${template}) * 0 + ${promNumber(parameter.defaultValue)}`;
  if (overrides(parameter).length === 0) return fallback;
  return `max by (${targetLabelNames[parameter.kind].join(', ')}) (${thresholdSelector(parameter)}) or ${on} ${fallback}`;
}

/** A target's `for` and whether the alert is switched off for it. */
export interface TargetSettings {
  readonly target: TargetLabels;
  readonly for: Duration | undefined;
  readonly disabled: boolean;
}

export const forParameterName = 'for_seconds';
export const enabledParameterName = 'enabled';

/** Most common duration (ties: the shorter), the one group that needs no selector. */
function commonDuration(values: readonly (Duration | undefined)[]): Duration | undefined {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value ?? '', (counts.get(value ?? '') ?? 0) + 1);
  const best = [...counts].sort((a, b) => b[1] - a[1] || secondsOf(a[0]) - secondsOf(b[0]))[0];
  return best === undefined || best[0] === '' ? undefined : best[0];
}

const secondsOf = (value: string | undefined): number => (value === undefined || value === '' ? 0 : durationSeconds(value));

/** A duration parameter (a `for`, a counting window) in seconds; series only for the exceptions to the most common value. */
export function durationParameter(alert: string, kind: TargetKind, parameter: string, settings: readonly { readonly target: TargetLabels; readonly duration: Duration | undefined }[]): ParameterValues {
  const common = commonDuration(settings.map((entry) => entry.duration));
  return { alert, parameter, kind, defaultValue: secondsOf(common), values: settings.map((entry) => ({ target: entry.target, value: secondsOf(entry.duration) })) };
}

/** The `for` and `enabled` parameters of an alert, as parameter values (series only for exceptions). */
export function settingsParameters(alert: string, kind: TargetKind, settings: readonly TargetSettings[]): ParameterValues[] {
  const enabled = settings.filter((entry) => !entry.disabled).map((entry) => ({ target: entry.target, duration: entry.for }));
  return [
    durationParameter(alert, kind, forParameterName, enabled),
    { alert, parameter: enabledParameterName, kind, defaultValue: 1, values: settings.map((entry) => ({ target: entry.target, value: entry.disabled ? 0 : 1 })) },
  ];
}

/** One selection per distinct duration: the duration and the filter that picks its targets. */
export interface DurationGroup {
  readonly duration: Duration | undefined;
  /** Appended to a condition (`and ...`/`unless ...`), or '' when every target is in the group. */
  readonly filter: string;
}

/** Targets grouped by a duration parameter (one rule or sub-expression each). */
export function durationGroups(
  alert: string,
  kind: TargetKind,
  parameter: string,
  settings: readonly { readonly target: TargetLabels; readonly duration: Duration | undefined }[],
): DurationGroup[] {
  if (settings.length === 0) return [];
  const common = commonDuration(settings.map((entry) => entry.duration)) ?? '';
  const on = onTarget(kind);
  const series = thresholdSelector({ alert, parameter });
  const distinct = [...new Set(settings.map((entry) => entry.duration ?? ''))].sort((a, b) => secondsOf(a) - secondsOf(b));
  const hasOthers = distinct.length > 1;
  return distinct.map((value) => ({
    duration: value === '' ? undefined : value,
    filter: value === common ? (hasOthers ? ` unless ${on} ${series}` : '') : ` and ${on} (${series} == ${secondsOf(value)})`,
  }));
}

/** One alert rule's selection: its `for` and the expression filter that picks its targets. */
export interface ForGroup {
  readonly for: Duration | undefined;
  readonly filter: string;
}

/** One group per distinct `for` among enabled targets; disabled targets are filtered out of every group. */
export function forGroups(alert: string, kind: TargetKind, settings: readonly TargetSettings[]): ForGroup[] {
  const enabled = settings.filter((entry) => !entry.disabled).map((entry) => ({ target: entry.target, duration: entry.for }));
  const disabled = settings.some((entry) => entry.disabled)
    ? ` unless ${onTarget(kind)} (${thresholdSelector({ alert, parameter: enabledParameterName })} == 0)`
    : '';
  return durationGroups(alert, kind, forParameterName, enabled).map((group) => ({ for: group.duration, filter: `${group.filter}${disabled}` }));
}

/** The info join that gives an alert its owner labels; `info` has value 1, so values are kept. */
export function withOwnerLabels(kind: TargetKind, expr: string): string {
  const info = kind === 'service' ? parameterSeries.serviceInfo : parameterSeries.pipelineInfo;
  return `(${expr})\n* ${onTarget(kind)} group_left (service, team) ${info}`;
}

/** One constant series: its labels and value. */
export interface ConstantSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * A metric no exporter exposes and no rule records. `absent()` of a selector on it returns one
 * series, value 1, whose labels are the selector's equality matchers: a constant series in one
 * cheap call. Setting each label with `label_replace(vector(N), ...)` instead cost a regular
 * expression compile per label per evaluation, about twice the time (bench/rule-eval.ts).
 */
export const noSuchSeries = 'vigil_no_such_series';

/** One constant series as PromQL: `absent()` of a selector with its labels, times its value. */
export function constantSeriesExpr(series: ConstantSeries): string {
  const matchers = Object.entries(series.labels)
    .map(([name, value]) => `${name}=${quote(value)}`)
    .join(', ');
  const one = `absent(${noSuchSeries}{${matchers}})`;
  return series.value === 1 ? one : `${one} * ${promNumber(series.value)}`;
}

/** `a or b or ...` as a balanced tree, so evaluation copies each series O(log n) times, not O(n). */
function balancedOr(terms: readonly string[]): string {
  if (terms.length === 1) return terms[0]!;
  const middle = Math.ceil(terms.length / 2);
  return `(${balancedOr(terms.slice(0, middle))}\nor\n${balancedOr(terms.slice(middle))})`;
}

/**
 * Constant series per rule. Prometheus' time for one `or` tree grows faster than its operands
 * (measured on 2.42: 36 µs a series at 100 operands, 370 µs at 1,000, 1.1 ms at 2,000), so a
 * fleet's series are cut into rules of this many; 100 keeps the rule count small for ruler limits
 * (10,000 targets: 100 rules a name).
 */
export const constantSeriesPerRule = 100;

/**
 * Every constant series of one name, in rules of at most constantSeriesPerRule series. One rule
 * per target (thousands at fleet scale) made the constant groups cost more per cycle than the
 * data they qualify, and broke Mimir's rules-per-group and groups-per-tenant limits; one rule
 * for all of them cost seconds per evaluation at 1,000 targets.
 */
export function constantSeriesRule(record: string, series: readonly ConstantSeries[]): RecordingRule[] {
  const rules: RecordingRule[] = [];
  for (let index = 0; index < series.length; index += constantSeriesPerRule) {
    rules.push({ record, expr: balancedOr(series.slice(index, index + constantSeriesPerRule).map(constantSeriesExpr)) });
  }
  return rules;
}

/** Recording rule of every override of every parameter, in a fixed order so output is deterministic. */
export function parameterRules(parameters: readonly ParameterValues[]): RecordingRule[] {
  const series: ConstantSeries[] = [];
  const seen = new Set<string>();
  for (const parameter of parameters) {
    for (const entry of overrides(parameter)) {
      const labels = { alert: parameter.alert, parameter: parameter.parameter, ...entry.target };
      const key = targetKey(labels);
      if (seen.has(key)) continue;
      seen.add(key);
      series.push({ labels, value: entry.value });
    }
  }
  return constantSeriesRule(parameterSeries.threshold, series);
}

/** `target_kind` of the service info series of spec services and of exporter dependencies. */
export const targetKinds = { service: 'service', exporter: 'exporter' } as const;

/** Who owns each scrape job (services and exporter dependencies) and each pipeline. */
export function infoRules(model: Model): RecordingRule[] {
  const services: ConstantSeries[] = model.services.map((service) => ({
    labels: { job: service.job, service: service.name, team: service.team, target_kind: targetKinds.service },
    value: 1,
  }));
  for (const dependency of model.dependencies) {
    if (dependency.kind === 'healthCheck') continue;
    services.push({ labels: { job: dependency.job, service: dependency.name, team: dependency.team, target_kind: targetKinds.exporter }, value: 1 });
  }
  const pipelines: ConstantSeries[] = model.pipelines.map((pipeline) => ({
    labels: { job: pipeline.job, pipeline: pipeline.name, service: pipeline.service, team: pipeline.team },
    value: 1,
  }));
  return [...constantSeriesRule(parameterSeries.serviceInfo, services), ...constantSeriesRule(parameterSeries.pipelineInfo, pipelines)];
}

/** A Go template that prints a target's parameter: its series when it has one, else the default text. */
export function parameterTemplate(parameter: ParameterValues, format: (value: string) => string, defaultText: string): string {
  if (overrides(parameter).length === 0) return defaultText;
  const names = targetLabelNames[parameter.kind];
  const matchers = names.map((name) => `,${name}=\\"%s\\"`).join('');
  const args = names.map((name) => ` $labels.${name}`).join('');
  const query = `printf "${parameterSeries.threshold}{alert=\\"${parameter.alert}\\",parameter=\\"${parameter.parameter}\\"${matchers}}"${args}`;
  return `{{ with ${query} | query }}{{ ${format('. | first | value')} }}{{ else }}${defaultText}{{ end }}`;
}
