/**
 * What every alert shares: the static labels, the runbook link, PromQL selectors with
 * escaped label values, and the timing arithmetic of promtool tests.
 */
import type { Model, PipelineModel, Priority, ServiceModel, Severity } from '../model/types.js';
import { runbookUrl } from '../model/runbook.js';
import { durationSeconds } from '../spec/duration.js';
import { goTemplate, renderTemplate, type TemplatePart } from './format.js';
import { testTime } from './series.js';
import { forGroups, pipelineTarget, serviceTarget, withOwnerLabels, type ParameterValues, type TargetKind, type TargetSettings } from './parameters.js';
import type { AlertingRule, PromtoolTest } from './types.js';

export const tierSeverity: Record<Priority, Severity> = { P1: 'critical', P2: 'warning' };

export function serviceLabels(service: ServiceModel, priority: Priority): Record<string, string> {
  return { priority, service: service.name, severity: tierSeverity[priority], team: service.team };
}

export function pipelineLabels(pipeline: PipelineModel, priority: Priority): Record<string, string> {
  return {
    pipeline: pipeline.name,
    priority,
    service: pipeline.service,
    severity: tierSeverity[priority],
    team: pipeline.team,
  };
}

/** A PromQL string literal for a label value. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** `metric{a="b",c=~"d"}`; matchers given as `name`, `=`/`=~`/`!=`, value. */
export function selector(metric: string, matchers: Readonly<Record<string, string>>, regexMatchers: Readonly<Record<string, string>> = {}): string {
  const parts = [
    ...Object.entries(matchers).map(([name, value]) => `${name}=${quote(value)}`),
    ...Object.entries(regexMatchers).map(([name, value]) => `${name}=~${quote(value)}`),
  ];
  return `${metric}{${parts.join(',')}}`;
}

/** Regex that matches exactly the given strings. */
export function exactAlternation(values: readonly string[]): string {
  return values.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

export interface AlertTemplates {
  readonly summary: readonly TemplatePart[];
  readonly description: readonly TemplatePart[];
}

export function alertingRule(
  model: Model,
  name: string,
  expr: string,
  forDuration: string | undefined,
  labels: Record<string, string>,
  templates: AlertTemplates,
): AlertingRule {
  return {
    alert: name,
    expr,
    ...(forDuration === undefined ? {} : { for: forDuration }),
    labels,
    annotations: {
      summary: goTemplate(templates.summary),
      description: goTemplate(templates.description),
      runbook_url: runbookUrl(model, name),
    },
  };
}

/** Test timing in whole test intervals: the interval and a `for` rounded up to it. */
export interface TestClock {
  /** Seconds between samples and between evaluations. */
  readonly step: number;
  /** Number of steps the alert must stay active before it fires. */
  readonly forSteps: number;
  steps(duration: string): number;
}

export function testClock(interval: string, forDuration: string | undefined): TestClock {
  const step = durationSeconds(interval);
  const stepsOf = (duration: string): number => Math.ceil(durationSeconds(duration) / step);
  return { step, forSteps: forDuration === undefined ? 0 : stepsOf(forDuration), steps: stepsOf };
}

/** The interval promtool tests of a service use: its scrape interval. */
export function testInterval(model: Model, service: ServiceModel | undefined): string {
  return service?.scrapeInterval ?? model.prometheus.scrapeInterval;
}

export function firstWith<T>(items: readonly T[], predicate: (item: T) => boolean = () => true): T | undefined {
  return items.find(predicate);
}

export interface ExpectedAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** One promtool test: series (already encoded) and checks at times given in seconds. */
export function promtoolTest(
  model: Model,
  name: string,
  clock: TestClock,
  alertName: string,
  templates: AlertTemplates,
  series: readonly { readonly name: string; readonly values: string }[],
  checks: readonly { readonly at: number; readonly alerts: readonly ExpectedAlert[] }[],
): PromtoolTest {
  return {
    name,
    interval: testTime(clock.step),
    input_series: series.map((entry) => ({ series: entry.name, values: entry.values })),
    alert_rule_test: checks.map((check) => ({
      eval_time: testTime(check.at),
      alertname: alertName,
      exp_alerts: check.alerts.map((alert) => ({
        exp_labels: alert.labels,
        exp_annotations: {
          summary: renderTemplate(templates.summary, alert.value, alert.labels),
          description: renderTemplate(templates.description, alert.value, alert.labels),
          runbook_url: runbookUrl(model, alertName),
        },
      })),
    })),
  };
}

/** Check times every `every` steps from `from` to `to` (inclusive), in seconds. */
export function quietChecks(clock: TestClock, fromStep: number, toStep: number, everySteps: number): { at: number; alerts: [] }[] {
  const checks: { at: number; alerts: [] }[] = [];
  const stride = Math.max(1, everySteps);
  for (let step = fromStep; step <= toStep; step += stride) checks.push({ at: step * clock.step, alerts: [] });
  if (checks.at(-1)?.at !== toStep * clock.step) checks.push({ at: toStep * clock.step, alerts: [] });
  return checks;
}

/**
 * The sample interval for a test of an alert that looks back over `window`: as coarse as keeps
 * at least `minSteps` samples per window (so rates and timing stay exact) and at most 4m (inside
 * the 5m lookback of instant queries). Hour-long windows at a 1s or 15s scrape interval would
 * otherwise replay thousands of steps. Falls back to the scrape interval.
 */
export function windowTestInterval(scrapeInterval: string, window: string, minSteps = 20): string {
  const windowSeconds = durationSeconds(window);
  for (const seconds of [240, 180, 120, 60, 30, 20, 15, 10, 5, 2, 1]) {
    if (windowSeconds % seconds === 0 && windowSeconds / seconds >= minSteps) return testTime(seconds);
  }
  return scrapeInterval;
}

/**
 * The `for` of an exporter's alert: exporters have no alert settings of their own, so they use
 * the shortest `for` any service has for the same alert (which a profile's `durations.for`
 * also shortens), or the default when the spec has no service.
 */
export function exporterFor(model: Model, pick: (service: ServiceModel) => string, fallback: string): string {
  let shortest: string | undefined;
  for (const service of model.services) {
    const candidate = pick(service);
    if (shortest === undefined || durationSeconds(candidate) < durationSeconds(shortest)) shortest = candidate;
  }
  return shortest ?? fallback;
}

/** How an alert kind renders: one condition for every target, split into one rule per distinct `for`. */
export interface KindAlert {
  readonly name: string;
  readonly kind: TargetKind;
  readonly priority: Priority;
  /** The condition over every target, thresholds already applied (see parameters.ts `compare`). */
  readonly condition: string;
  readonly settings: readonly TargetSettings[];
  /** Static labels besides priority and severity (e.g. `signal`). */
  readonly labels?: Readonly<Record<string, string>>;
  readonly templates: AlertTemplates;
}

/** One rule per distinct `for`, each joined with the owner info (service, team). */
export function kindAlertRules(model: Model, alert: KindAlert): AlertingRule[] {
  const labels = { priority: alert.priority, severity: tierSeverity[alert.priority], ...alert.labels };
  return forGroups(alert.name, alert.kind, alert.settings).map((group) =>
    alertingRule(model, alert.name, withOwnerLabels(alert.kind, `(${alert.condition})${group.filter}`), group.for, labels, alert.templates),
  );
}

const isDisabled = (target: { readonly disabledAlerts?: readonly string[] }, key: string): boolean => target.disabledAlerts?.includes(key) ?? false;

/** Every service's `for` for the alert with spec key `key`, and whether it is switched off. */
export function serviceSettings(model: Model, key: string, forOf: (service: ServiceModel) => string | undefined): TargetSettings[] {
  return model.services.map((service) => ({ target: serviceTarget(service), for: forOf(service), disabled: isDisabled(service, key) }));
}

/** The same for pipelines; `applies` leaves out pipelines the alert does not cover (no required fields...). */
export function pipelineSettings(
  model: Model,
  key: string,
  forOf: (pipeline: PipelineModel) => string | undefined,
  applies: (pipeline: PipelineModel) => boolean = () => true,
): TargetSettings[] {
  return model.pipelines.map((pipeline) => ({
    target: pipelineTarget(pipeline),
    for: forOf(pipeline),
    disabled: isDisabled(pipeline, key) || !applies(pipeline),
  }));
}

/** A service parameter with its default and every service's value. */
export function serviceParameter(model: Model, alert: string, parameter: string, defaultValue: number, pick: (service: ServiceModel) => number): ParameterValues {
  return { alert, parameter, kind: 'service', defaultValue, values: model.services.map((service) => ({ target: serviceTarget(service), value: pick(service) })) };
}

/** A pipeline parameter with its default and the value of every pipeline it applies to. */
export function pipelineParameter(
  model: Model,
  alert: string,
  parameter: string,
  defaultValue: number,
  pick: (pipeline: PipelineModel) => number | undefined,
): ParameterValues {
  const values = model.pipelines.flatMap((pipeline) => {
    const value = pick(pipeline);
    return value === undefined ? [] : [{ target: pipelineTarget(pipeline), value }];
  });
  return { alert, parameter, kind: 'pipeline', defaultValue, values };
}
