/**
 * The shape every meta, host and exporter alert shares: one rule per watched scope (the
 * stack's own jobs, the hosts job, an exporter dependency), labels from the scope, and two
 * promtool tests built the same way: a healthy series that turns faulty at a known step (the
 * alert must not fire before its `for` can have passed, and must fire with an exact value once
 * the look-back window lies wholly in the fault), and a healthy series that must never fire.
 */
import type { Duration, ExporterAlertParameters, ExporterDependencyModel, Model, Priority } from '../model/types.js';
import { durationSeconds } from '../spec/duration.js';
import { alertingRule, promtoolTest, quietChecks, selector, testClock, tierSeverity, type AlertTemplates } from './common.js';
import { SeriesBuilder, seriesName, testTime } from './series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest, RunbookText } from './types.js';

/** What one rule watches: its job and the `service`/`team` labels its alert carries. */
export interface MetaScope {
  readonly job: string;
  readonly service: string;
  readonly team: string;
}

export interface MetaSeries {
  readonly name: string;
  readonly values: string;
}

/** A test case in whole steps of `step` seconds. */
export interface MetaTestCase {
  /** Sample and evaluation interval in seconds. */
  readonly step: number;
  /** Samples per series. */
  readonly length: number;
  /** The first step whose samples are faulty (the expression is false on every window ending before it). */
  readonly faultAt: number;
  /** Steps after `faultAt` until the look-back window lies wholly in the fault, so the value is exact. */
  readonly windowSteps: number;
  readonly series: readonly MetaSeries[];
  /** Labels the expression's result carries (job, instance, ...); the rule's own labels are added. */
  readonly outputLabels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetaAlertSpec {
  readonly name: string;
  readonly priority: Priority;
  readonly title: string;
  readonly runbook: RunbookText;
  readonly templates: AlertTemplates;
  /** The scopes the alert watches in this model; none renders no rule. */
  scopes(model: Model): readonly MetaScope[];
  expr(scope: MetaScope, model: Model): string;
  forDuration(scope: MetaScope, model: Model): Duration | undefined;
  /** The faulty case for the first scope. */
  firing(scope: MetaScope, model: Model): MetaTestCase;
  /** Healthy series (restarts, gaps, normal noise) of the first scope that must never fire. */
  healthy(scope: MetaScope, model: Model): { readonly series: readonly MetaSeries[]; readonly length: number; readonly step: number };
}

export function scopeLabels(scope: MetaScope, priority: Priority): Record<string, string> {
  return { priority, service: scope.service, severity: tierSeverity[priority], team: scope.team };
}

/** A meta-alert's `for`: the profile's `durations.for` when set (tests), else the alert's default. */
export function metaFor(model: Model, fallback: Duration | undefined): Duration | undefined {
  return model.selfMonitoring.forOverride ?? fallback;
}

export function defineMetaAlert(spec: MetaAlertSpec): AlertDefinition {
  const rules = (model: Model): AlertingRule[] =>
    spec.scopes(model).map((scope) =>
      alertingRule(model, spec.name, spec.expr(scope, model), spec.forDuration(scope, model), scopeLabels(scope, spec.priority), spec.templates),
    );
  const tests = (model: Model): PromtoolTest[] => {
    const scope = spec.scopes(model)[0];
    if (scope === undefined) return [];
    const forDuration = spec.forDuration(scope, model);
    const fault = spec.firing(scope, model);
    const clock = testClock(testTime(fault.step), forDuration);
    const labels = { ...fault.outputLabels, ...scopeLabels(scope, spec.priority) };
    const firesBy = fault.faultAt + fault.windowSteps + clock.forSteps;
    if (firesBy >= fault.length) throw new Error(`${spec.name}: test series too short (${fault.length} samples, fires by step ${firesBy})`);
    const firing = promtoolTest(
      model,
      `${spec.name}: fault from step ${fault.faultAt} fires within the window plus for`,
      clock,
      spec.name,
      spec.templates,
      fault.series,
      [
        { at: (fault.faultAt - 1) * clock.step, alerts: [] },
        // Pending can start at the fault step at the earliest, so `for` cannot have passed yet.
        ...(clock.forSteps > 0 ? [{ at: (fault.faultAt + clock.forSteps - 1) * clock.step, alerts: [] }] : []),
        { at: firesBy * clock.step, alerts: [{ labels, value: fault.value }] },
      ],
    );
    const healthy = spec.healthy(scope, model);
    const healthyClock = testClock(testTime(healthy.step), forDuration);
    const quiet = promtoolTest(
      model,
      `${spec.name}: healthy series never fire`,
      healthyClock,
      spec.name,
      spec.templates,
      healthy.series,
      quietChecks(healthyClock, 0, healthy.length - 1, Math.max(1, Math.floor(healthy.length / 20))),
    );
    return [firing, quiet];
  };
  return {
    name: spec.name,
    priority: spec.priority,
    severity: tierSeverity[spec.priority],
    title: spec.title,
    runbook: spec.runbook,
    rules,
    tests,
  };
}

/** The stack's own scopes: Prometheus, and Alertmanager when Prometheus sends to one. */
export function prometheusScopes(model: Model): MetaScope[] {
  return model.selfMonitoring.prometheusTargets.length === 0
    ? []
    : [{ job: 'prometheus', service: 'prometheus', team: model.selfMonitoring.team }];
}

export function alertmanagerScopes(model: Model): MetaScope[] {
  return model.selfMonitoring.alertmanagerTargets.length === 0
    ? []
    : [{ job: 'alertmanager', service: 'alertmanager', team: model.selfMonitoring.team }];
}

export function hostScopes(model: Model): MetaScope[] {
  return model.hosts === undefined ? [] : [{ job: model.hosts.job, service: model.hosts.job, team: model.hosts.team }];
}

/** Steps in a look-back window of `window` at `step` seconds. */
export function windowSteps(window: Duration, step: number): number {
  return Math.ceil(durationSeconds(window) / step);
}

/** Length of a test whose fault starts at `faultAt`: the window, the `for` and a few steps to spare. */
export function caseLength(faultAt: number, window: number, forDuration: Duration | undefined, step: number): number {
  const forSteps = forDuration === undefined ? 0 : Math.ceil(durationSeconds(forDuration) / step);
  return faultAt + window + forSteps + 3;
}

/**
 * A counter that stays flat, then rises by `perStep` each step from `faultAt`: `increase` over
 * `window` is exactly windowSteps * perStep, and `rate` perStep / step, once the window lies in
 * the rise.
 */
export function counterCase(options: {
  readonly series: string;
  readonly window: Duration;
  readonly step: number;
  readonly perStep: number;
  readonly fn: 'increase' | 'rate';
  readonly forDuration: Duration | undefined;
  readonly outputLabels: Readonly<Record<string, string>>;
}): MetaTestCase {
  const faultAt = 10;
  const window = windowSteps(options.window, options.step);
  const length = caseLength(faultAt, window, options.forDuration, options.step);
  const values = new SeriesBuilder().constant(3, faultAt).ramp(3, options.perStep, length - faultAt).encode();
  return {
    step: options.step,
    length,
    faultAt,
    windowSteps: window,
    series: [{ name: options.series, values }],
    outputLabels: options.outputLabels,
    value: options.fn === 'increase' ? window * options.perStep : options.perStep / options.step,
  };
}

/** A healthy counter: flat, a restart (reset to 0), a scrape gap, flat again. */
export function healthyCounter(series: string, step: number, length = 60): { series: MetaSeries[]; length: number; step: number } {
  const values = new SeriesBuilder().constant(7, 20).gap(1).constant(0, 15).gap(4).padTo(length).encode();
  return { series: [{ name: series, values }], length, step };
}

/** A gauge at `healthy` that switches to `faulty` at `faultAt`; `windowSteps` for `*_over_time` windows. */
export function gaugeCase(options: {
  readonly series: string;
  readonly healthy: number;
  readonly faulty: number;
  readonly step: number;
  readonly windowSteps: number;
  readonly forDuration: Duration | undefined;
  readonly outputLabels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly extraSeries?: readonly MetaSeries[];
}): MetaTestCase {
  const faultAt = 10;
  const length = caseLength(faultAt, options.windowSteps, options.forDuration, options.step);
  const values = new SeriesBuilder().constant(options.healthy, faultAt).constant(options.faulty, length - faultAt).encode();
  return {
    step: options.step,
    length,
    faultAt,
    windowSteps: options.windowSteps,
    series: [{ name: options.series, values }, ...(options.extraSeries ?? [])],
    outputLabels: options.outputLabels,
    value: options.value,
  };
}

/**
 * An alert on a counter that should not move: `sum by (<labels>) (fn(metric{job}[window])) > 0`.
 * `sampleLabels` are the labels of the test series besides `job` (kept in the result when in `by`).
 */
export function defineCounterAlert(options: {
  readonly name: string;
  readonly priority: Priority;
  readonly title: string;
  readonly runbook: RunbookText;
  readonly templates: AlertTemplates;
  readonly metric: string;
  readonly fn: 'increase' | 'rate';
  readonly window: Duration;
  readonly by: readonly string[];
  /** Omit to fire at once. */
  readonly defaultFor?: Duration;
  readonly scopes: (model: Model) => readonly MetaScope[];
  readonly sampleLabels: Readonly<Record<string, string>>;
  /** Test sample interval in seconds; default 60. */
  readonly testStep?: number;
}): AlertDefinition {
  const step = options.testStep ?? 60;
  const by = ['job', ...options.by];
  const series = (scope: MetaScope): string => seriesName(options.metric, { job: scope.job, ...options.sampleLabels });
  const kept = (scope: MetaScope): Record<string, string> =>
    Object.fromEntries(Object.entries({ job: scope.job, ...options.sampleLabels }).filter(([label]) => by.includes(label)));
  return defineMetaAlert({
    name: options.name,
    priority: options.priority,
    title: options.title,
    runbook: options.runbook,
    templates: options.templates,
    scopes: options.scopes,
    expr: (scope) => `sum by (${by.join(', ')}) (${options.fn}(${selector(options.metric, { job: scope.job })}[${options.window}])) > 0`,
    forDuration: (_scope, model) => metaFor(model, options.defaultFor),
    firing: (scope, model) =>
      counterCase({
        series: series(scope),
        window: options.window,
        step,
        perStep: 2,
        fn: options.fn,
        forDuration: metaFor(model, options.defaultFor),
        outputLabels: kept(scope),
      }),
    healthy: (scope) => healthyCounter(series(scope), step),
  });
}

/** An alert that a reload-success gauge stayed 0 over a whole window: `max_over_time(metric{job}[window]) == 0`. */
export function defineReloadFailedAlert(options: {
  readonly name: string;
  readonly title: string;
  readonly runbook: RunbookText;
  readonly component: string;
  readonly metric: string;
  readonly instance: string;
  readonly scopes: (model: Model) => readonly MetaScope[];
}): AlertDefinition {
  const window = '5m';
  const step = 60;
  const defaultFor = '10m';
  const series = (scope: MetaScope): string => seriesName(options.metric, { job: scope.job, instance: options.instance });
  return defineMetaAlert({
    name: options.name,
    priority: 'P2',
    title: options.title,
    runbook: options.runbook,
    templates: {
      summary: [`${options.component} `, { label: 'instance' }, ' failed to reload its configuration'],
      description: [
        `${options.component} `,
        { label: 'instance' },
        ` has reported a failed configuration reload for ${window} (last reload successful: `,
        { value: 'g4' },
        '); it keeps running the previous configuration.',
      ],
    },
    scopes: options.scopes,
    expr: (scope) => `max_over_time(${selector(options.metric, { job: scope.job })}[${window}]) == 0`,
    forDuration: (_scope, model) => metaFor(model, defaultFor),
    firing: (scope, model) =>
      gaugeCase({
        series: series(scope),
        healthy: 1,
        faulty: 0,
        step,
        windowSteps: windowSteps(window, step),
        forDuration: metaFor(model, defaultFor),
        outputLabels: { job: scope.job, instance: options.instance },
        value: 0,
      }),
    healthy: (scope) => ({
      // A failed reload fixed within the window, and a restart gap.
      series: [{ name: series(scope), values: new SeriesBuilder().constant(1, 10).constant(0, 3).constant(1, 10).gap(3).padTo(40).encode() }],
      length: 40,
      step,
    }),
  });
}

/** Filesystems that are full or read-only by design (images), ignored by the filesystem alerts. */
export const ignoredFilesystemTypes = 'squashfs|iso9660|erofs';

/** A node-exporter filesystem series of the hosts job, as alerts select it. */
export function filesystemSelector(metric: string, job: string): string {
  return selector(metric, { job }, {}).replace(/}$/, `,fstype!~${JSON.stringify(ignoredFilesystemTypes)}}`);
}

/** Labels of one test filesystem. */
export function testFilesystem(job: string): Record<string, string> {
  return { device: '/dev/vdb', fstype: 'ext4', instance: 'db-host:9100', job, mountpoint: '/var/lib/postgresql' };
}

/** The hosts' parameters; rules and tests only run with a hosts section. */
export function hostParameters(model: Model): NonNullable<Model['hosts']>['alerts'] {
  if (model.hosts === undefined) throw new Error('host alert rendered without a hosts section');
  return model.hosts.alerts;
}

/** One scope per exporter dependency of `kind` (its job, named and owned as the spec says). */
export function exporterScopes(kind: 'postgres' | 'redis', predicate: (dependency: ExporterDependencyModel) => boolean = () => true) {
  return (model: Model): MetaScope[] =>
    model.dependencies.flatMap((dependency) =>
      dependency.kind === kind && predicate(dependency) ? [{ job: dependency.job, service: dependency.name, team: dependency.team }] : [],
    );
}

/** The resolved thresholds of the exporter dependency behind a scope. */
export function exporterParameters(model: Model, scope: MetaScope): ExporterAlertParameters {
  const dependency = model.dependencies.find((candidate) => candidate.kind !== 'healthCheck' && candidate.job === scope.job);
  if (dependency === undefined || dependency.kind === 'healthCheck' || dependency.alerts === undefined) {
    throw new Error(`no exporter alert parameters for job ${scope.job}`);
  }
  return dependency.alerts;
}
