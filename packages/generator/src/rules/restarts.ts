/**
 * Process restarts, as ServiceRestarting (P2) and ServiceRestartingPersistently (P1) count them,
 * from two signals per process slot (one instance, or one worker slot of a cluster instance):
 *
 * - how many times its `process_start_time_seconds` took a new value within a window. Every
 *   process exports its own start time, so a new value is a new process, whatever ended the old
 *   one: a crash, an OOM kill, a deploy. A cluster primary exposes each worker's start time with
 *   the worker's stable slot label (`worker`), so a worker slot that crash-loops is counted on its
 *   own, next to the primary that stays up;
 * - `cluster_worker_restarts_total{worker}`, the restarts `superviseWorkers` made in that slot.
 *   It also counts the workers that die before their first scrape (never seen by a start time).
 *
 * When both move for one slot they count the same restarts, so the slot's count is the larger of
 * the two, never their sum. A deploy restarts every process once (and resets the supervisor's
 * counter, which increase() handles), far under the thresholds; a failed scrape or a Prometheus
 * restart leaves the start time unchanged and counts nothing.
 */
import { defaultNodeMetrics } from '@vigil/metrics/catalog';
import { catalog } from '@vigil/metrics/catalog';
import { restartDelayMs } from '@vigil/metrics/cluster';
import type { Duration, Model, Priority, ServiceModel } from '../model/types.js';
import { serviceDefaults } from '../model/defaults.js';
import { durationSeconds } from '../spec/duration.js';
import { kindAlertRules, promtoolTest, quietChecks, serviceLabels, serviceParameter, serviceSettings, testClock, testInterval, windowTestInterval, type AlertTemplates } from './common.js';
import { compare, settingsParameters, type ParameterValues, type TargetSettings } from './parameters.js';
import { SeriesBuilder, seriesName, testTime } from './series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest } from './types.js';

export const restartDefaults = serviceDefaults.alerts.serviceRestarting;

const startTimeMetric = defaultNodeMetrics.processStartTime.name;
const supervisorRestartsMetric = catalog.clusterWorkerRestarts.name;
/** Set on each signal only so `or` keeps both; dropped again by the `max`. */
const signalLabel = 'restart_signal';

/**
 * Restarts of each process slot within `window` (a fleet-wide literal: PromQL ranges cannot be
 * series): the larger of the start-time changes and the supervisor's whole restarts. `floor`
 * drops the fraction increase() extrapolates, so the value is a count of restarts. `matchers`
 * (PromQL label matchers) narrow both selectors, for dashboards.
 */
export function restartsExpression(window: Duration | '$__rate_interval', matchers = ''): string {
  const selector = matchers === '' ? '' : `{${matchers}}`;
  const processes = `label_replace(changes(${startTimeMetric}${selector}[${window}]), "${signalLabel}", "process_start_time", "", "")`;
  const supervisor = `label_replace(floor(increase(${supervisorRestartsMetric}${selector}[${window}])), "${signalLabel}", "supervisor", "", "")`;
  return `max without (${signalLabel}) (\n  ${processes}\n  or\n  ${supervisor}\n)`;
}

/** Both alerts share the spec key `serviceRestarting` (its `for`, and `false` to switch both off). */
export const restartSettings = (model: Model): TargetSettings[] => serviceSettings(model, 'serviceRestarting', (service) => service.alerts.serviceRestarting.for);

/** What differs between the ticket and the page. */
export interface RestartAlertShape {
  readonly name: string;
  readonly priority: Priority;
  readonly window: Duration;
  /** The threshold's `parameter` label (snake_case) and its per-service value. */
  readonly parameter: string;
  /** The spec field under `alerts.serviceRestarting` that sets the threshold. */
  readonly specField: 'restarts' | 'persistentRestarts';
  readonly title: string;
  /** The runbook's first sentence after the count: what this tier means for the on-call. */
  readonly stakes: string;
}

const thresholdOf = (shape: RestartAlertShape, service: ServiceModel): number => service.alerts.serviceRestarting[shape.specField];

export function restartTemplates(shape: RestartAlertShape, threshold: ParameterValues): AlertTemplates {
  return {
    summary: [{ label: 'service' }, ' (', { label: 'instance' }, { optionalLabel: 'worker', prefix: ' worker ' }, ') restarted ', { value: 'g4' }, ` times within ${shape.window}`],
    description: [
      'Instance ',
      { label: 'instance' },
      { optionalLabel: 'worker', prefix: ', cluster worker slot ' },
      ' (job ',
      { label: 'job' },
      ') started ',
      { value: 'g4' },
      ` new processes within the last ${shape.window} (threshold `,
      { parameter: threshold, format: 'g4' },
      '). It is crashing, being OOM-killed, or redeployed in a loop; every restart drops in-flight work.',
    ],
  };
}

export function restartThreshold(model: Model, shape: RestartAlertShape): ParameterValues {
  return serviceParameter(model, shape.name, shape.parameter, restartDefaults[shape.specField], (service) => thresholdOf(shape, service));
}

export function restartRules(model: Model, shape: RestartAlertShape): AlertingRule[] {
  const threshold = restartThreshold(model, shape);
  return kindAlertRules(model, {
    name: shape.name,
    kind: 'service',
    priority: shape.priority,
    condition: compare(restartsExpression(shape.window), '>=', threshold),
    settings: restartSettings(model),
    templates: restartTemplates(shape, threshold),
  });
}

/** One restart alert (the ticket or the page): rules, tests, parameters and runbook from its shape. */
export function restartAlert(shape: RestartAlertShape): AlertDefinition {
  return {
    name: shape.name,
    priority: shape.priority,
    severity: shape.priority === 'P1' ? 'critical' : 'warning',
    title: shape.title,
    runbook: {
      meaning:
        `One process slot of the service restarted at least \`${shape.specField}\` (default ${restartDefaults[shape.specField]}) times within the last ${shape.window}. ` +
        'A slot is an instance, or one worker slot (label `worker`) of an instance that runs as a cluster: a crash-looping worker alerts on its own while its primary stays up. ' +
        'Restarts are counted from changes of the slot\'s process_start_time_seconds and, for workers kept by `superviseWorkers`, from cluster_worker_restarts_total, which also counts workers that die before their first scrape; the larger of the two counts, never their sum. ' +
        `${shape.stakes} A deploy restarts each process once, so deploys stay under the threshold.`,
      causes: [
        'The process crashes: an uncaught exception or unhandled rejection that exits, a failed start-up check, a poison message retried at start-up.',
        "The process is OOM-killed when it reaches its memory limit (look at MemoryHigh and the container's last exit code, 137).",
        'A liveness probe or supervisor kills it (probe timeout under load, event loop blocked), or a deploy job redeploys in a loop.',
      ],
      firstChecks: [
        'Read the exit reason of the last processes: container status and exit code, or for a cluster worker the primary\'s log of the worker\'s exit code and signal; the last log lines before each restart.',
        'Graph process_start_time_seconds, cluster_worker_restarts_total and process_resident_memory_bytes of the instance (per `worker` for a cluster): memory climbing to the limit before each restart means OOM.',
        'Check for a deploy or a configuration change just before the first restart, and roll it back if the restarts began with it.',
      ],
    },
    rules: (model) => restartRules(model, shape),
    tests: (model) => restartTests(model, shape),
    parameters: (model) => [restartThreshold(model, shape), ...settingsParameters(shape.name, 'service', restartSettings(model))],
  };
}

// ---- promtool tests -------------------------------------------------------------------------

/** Labels of one process slot's series: the instance, and the cluster worker slot if any. */
interface Slot {
  readonly instance: string;
  readonly worker?: string;
}

const slotLabels = (service: ServiceModel, slot: Slot): Record<string, string> => ({
  job: service.job,
  instance: slot.instance,
  ...(slot.worker === undefined ? {} : { worker: slot.worker }),
});

/**
 * `process_start_time_seconds` of one process slot sampled every `step` seconds: a new process
 * at each of `restartSteps` (the value becomes that step's time), missed scrapes at `gaps`, and
 * from `goneFrom` on no sample at all (a worker whose replacements never report).
 */
export function startTimeSeries(
  service: ServiceModel,
  slot: Slot,
  step: number,
  length: number,
  restartSteps: readonly number[],
  gaps: readonly number[] = [],
  goneFrom = Number.POSITIVE_INFINITY,
): { name: string; values: string } {
  const values = new SeriesBuilder();
  let start = 1;
  for (let i = 0; i < length; i++) {
    if (restartSteps.includes(i)) start = i * step;
    if (i === goneFrom) values.stale();
    else if (gaps.includes(i) || i > goneFrom) values.gap(1);
    else values.constant(start, 1);
  }
  return { name: seriesName(startTimeMetric, slotLabels(service, slot)), values: values.encode() };
}

/**
 * `cluster_worker_restarts_total` of one worker slot: 0 from the primary's start, the number of
 * `restartTimes` (seconds) at or before each sample; a missed scrape at each of `gaps`, and back
 * to 0 from `resetAt` (a new primary, e.g. a deploy) with the restarts after it counted again.
 */
function supervisorRestartsSeries(
  service: ServiceModel,
  slot: Slot,
  step: number,
  length: number,
  restartTimes: readonly number[],
  gaps: readonly number[] = [],
  resetAt = Number.POSITIVE_INFINITY,
): { name: string; values: string } {
  const values = new SeriesBuilder();
  for (let i = 0; i < length; i++) {
    const from = i >= resetAt ? resetAt * step : Number.NEGATIVE_INFINITY;
    if (gaps.includes(i)) values.gap(1);
    else values.constant(restartTimes.filter((time) => time > from && time <= i * step).length, 1);
  }
  return { name: seriesName(supervisorRestartsMetric, slotLabels(service, slot)), values: values.encode() };
}

/** Steps in a window at a test interval. */
export const windowSteps = (window: Duration, stepSeconds: number): number => Math.round(durationSeconds(window) / stepSeconds);

interface TestContext {
  readonly model: Model;
  readonly shape: RestartAlertShape;
  readonly service: ServiceModel;
  readonly restarts: number;
  readonly templates: AlertTemplates;
  readonly labelsOf: (slot: Slot) => Record<string, string>;
}

/**
 * When an alert whose condition turns true at `trueSeconds` is checked. promtool evaluates the
 * rules every `evaluation` seconds (the file's first test interval) from 0, whatever a test's
 * own sample interval: the alert is active from the first evaluation at or after the condition,
 * and fires at the first one a whole `for` later.
 */
interface FiringTimes {
  readonly activeAt: number;
  readonly firesAt: number;
  readonly evaluation: number;
}

function firingTimes(evaluation: number, forDuration: Duration, trueSeconds: number): FiringTimes {
  const activeAt = Math.ceil(trueSeconds / evaluation) * evaluation;
  return { activeAt, firesAt: activeAt + Math.ceil(durationSeconds(forDuration) / evaluation) * evaluation, evaluation };
}

/** Quiet before the condition, pending until `for` has passed, then firing with the count of `restartTimes` in the window. */
function firingChecks(context: TestContext, times: FiringTimes, slot: Slot, restartTimes: readonly number[]) {
  const windowSeconds = durationSeconds(context.shape.window);
  const value = restartTimes.filter((time) => time <= times.firesAt && time > times.firesAt - windowSeconds).length;
  return [
    { at: times.activeAt - times.evaluation, alerts: [] },
    ...(times.firesAt > times.activeAt ? [{ at: times.firesAt - times.evaluation, alerts: [] }] : []),
    { at: times.firesAt, alerts: [{ labels: context.labelsOf(slot), value }] },
  ];
}

/**
 * Tests for one service: a single-process crash loop fires once `for` has passed; a burst of one
 * restart fewer, a rolling deploy and a Prometheus restart never fire. For a cluster instance: a
 * worker slot dying every 2 minutes fires with its `worker` label, counted once whether the start
 * time, the supervisor's counter or both see it, and a worker dying before its first scrape is
 * counted by the supervisor; a day with a deploy of every process never fires.
 */
export function restartTests(model: Model, shape: RestartAlertShape): PromtoolTest[] {
  const service = model.services[0];
  if (service === undefined) return [];
  const restarts = thresholdOf(shape, service);
  const templates = restartTemplates(shape, restartThreshold(model, shape));
  const context: TestContext = {
    model,
    shape,
    service,
    restarts,
    templates,
    labelsOf: (slot) => ({ ...serviceLabels(service, shape.priority), ...slotLabels(service, slot) }),
  };
  // The single-process tests come first: their interval is the file's evaluation interval.
  const single = singleProcessTests(context);
  return [...single, ...clusterWorkerTests(context, durationSeconds(single[0]!.interval))];
}

function singleProcessTests(context: TestContext): PromtoolTest[] {
  const { model, shape, service, restarts, templates } = context;
  // At least 60 samples per window, and a sample per restart: restarts are placed at fractions of it.
  const clock = testClock(windowTestInterval(testInterval(model, service), shape.window, Math.max(60, restarts + 2)), service.alerts.serviceRestarting.for);
  const window = windowSteps(shape.window, clock.step);
  const instance: Slot = { instance: service.targets[0]! };
  const other: Slot = { instance: `${service.targets[0]!}-b` };

  const spacing = Math.max(1, Math.floor(window / (restarts + 1)));
  const loop = Array.from({ length: restarts }, (_, i) => 10 + i * spacing);
  const last = loop.at(-1)!;
  const length = last + clock.forSteps + 5;
  const firing = promtoolTest(
    model,
    `${shape.name}: ${restarts} restarts ${spacing} steps apart fire ${service.alerts.serviceRestarting.for} after the last`,
    clock,
    shape.name,
    templates,
    [startTimeSeries(service, instance, clock.step, length, loop)],
    firingChecks(context, firingTimes(clock.step, service.alerts.serviceRestarting.for, last * clock.step), instance, loop.map((step) => step * clock.step)),
  );

  const burst = (from: number): number[] => Array.from({ length: restarts - 1 }, (_, i) => from + i * 2);
  const later = 10 + window + 2 * restarts;
  const healthyLength = later + window;
  const prometheusRestart = [later + 5, later + 6, later + 7, later + 8];
  const healthy = promtoolTest(
    model,
    `${shape.name}: ${restarts - 1} restarts in a burst and again a window later, a rolling deploy and a Prometheus restart; never fires`,
    clock,
    shape.name,
    templates,
    [
      startTimeSeries(service, instance, clock.step, healthyLength, [...burst(10), ...burst(later)], prometheusRestart),
      startTimeSeries(service, other, clock.step, healthyLength, [11, later + 1], prometheusRestart),
    ],
    quietChecks(clock, 0, healthyLength - 1, 1),
  );
  return [firing, healthy];
}

/**
 * Restart times (seconds) of a worker that dies half a second after each start, first at
 * `firstDeath`, restarted by `superviseWorkers` after its default backoff; while `more` holds.
 */
function startupCrashLoop(firstDeath: number, more: (times: readonly number[]) => boolean): number[] {
  const times: number[] = [];
  for (let crash = 1, time = firstDeath; times.length === 0 || more(times); crash++) {
    time += restartDelayMs(crash) / 1000;
    times.push(time);
    time += 0.5;
  }
  return times;
}

/** How often the crash-looping worker of the cluster tests dies. */
const workerLoopSeconds = 120;

function clusterWorkerTests(context: TestContext, evaluation: number): PromtoolTest[] {
  const { model, shape, service, restarts, templates } = context;
  const instance = service.targets[0]!;
  const primary: Slot = { instance, worker: 'primary' };
  const steady: Slot = { instance, worker: '0' };
  const looping: Slot = { instance, worker: '1' };
  const forDuration = service.alerts.serviceRestarting.for;

  // A scrape every 15s, as Prometheus does by default: 8 scrapes per life of the looping worker.
  const clock = testClock(windowTestInterval(testInterval(model, service), `${workerLoopSeconds}s`, 8), forDuration);
  const windowSeconds = durationSeconds(shape.window);
  // Every 2 minutes, or as often as a threshold above 2 minutes' worth needs within the window.
  const loopSteps = Math.min(workerLoopSeconds / clock.step, Math.floor(windowSeconds / (restarts + 1) / clock.step));
  const loopEvery = testTime(loopSteps * clock.step);
  const stepsTo = (times: FiringTimes): number => Math.ceil(times.firesAt / clock.step) + 3;
  const upAll = (slot: Slot, steps: number) => startTimeSeries(service, slot, clock.step, steps, []);
  const tests: PromtoolTest[] = [];

  if (loopSteps >= 1) {
    // Each worker lives its period, dies, and is back a second later (its backoff reset: it ran
    // past `stableMs`), just before a scrape; the loop goes on past the checks.
    const loopFires = firingTimes(evaluation, forDuration, (4 + (restarts - 1) * loopSteps) * clock.step);
    const length = stepsTo(loopFires);
    const loop = Array.from({ length: Math.ceil((length - 4) / loopSteps) }, (_, i) => 4 + i * loopSteps);
    const loopTimes = loop.map((step) => step * clock.step - 1);
    tests.push(
      promtoolTest(
        model,
        `${shape.name}: cluster worker slot 1 dies every ${loopEvery} under a supervisor of the service's own (start times only); fires for worker 1 alone`,
        clock,
        shape.name,
        templates,
        [upAll(primary, length), upAll(steady, length), startTimeSeries(service, looping, clock.step, length, loop)],
        firingChecks(context, loopFires, looping, loopTimes),
      ),
      promtoolTest(
        model,
        `${shape.name}: cluster worker slot 1 dies every ${loopEvery} under superviseWorkers; start times and the supervisor count the same restarts once`,
        clock,
        shape.name,
        templates,
        [
          upAll(primary, length),
          upAll(steady, length),
          startTimeSeries(service, looping, clock.step, length, loop),
          supervisorRestartsSeries(service, steady, clock.step, length, []),
          supervisorRestartsSeries(service, looping, clock.step, length, loopTimes),
        ],
        firingChecks(context, loopFires, looping, loopTimes),
      ),
    );
  }

  // A worker that throws at start-up dies half a second in, before any scrape sees it: only the
  // supervisor counts its restarts, spaced by its backoff (1s, 2s, 4s... up to 30s).
  const firstDeath = 4 * clock.step + 7;
  const startupTimes = startupCrashLoop(firstDeath, (times) => times.length < restarts);
  // The backoff allows at most two restarts a minute: a threshold beyond that within the window
  // cannot be reached this way, and there is nothing to test.
  const startupReachable = startupTimes.at(-1)! - firstDeath < windowSeconds;
  if (startupReachable) {
    const startupFires = firingTimes(evaluation, forDuration, Math.ceil(startupTimes.at(-1)! / clock.step) * clock.step);
    startupTimes.push(...startupCrashLoop(firstDeath, (times) => times.at(-1)! <= startupFires.firesAt).slice(startupTimes.length));
    const length = stepsTo(startupFires);
    tests.push(
      promtoolTest(
        model,
        `${shape.name}: cluster worker slot 1 dies at start-up before any scrape; the supervisor's count fires for worker 1`,
        clock,
        shape.name,
        templates,
        [
          upAll(primary, length),
          upAll(steady, length),
          startTimeSeries(service, looping, clock.step, length, [], [], 5),
          supervisorRestartsSeries(service, steady, clock.step, length, []),
          supervisorRestartsSeries(service, looping, clock.step, length, startupTimes),
        ],
        firingChecks(context, startupFires, looping, startupTimes),
      ),
    );
  }
  return [...tests, clusterDeployDay(context)];
}

/**
 * A normal stretch for a cluster instance: slot 0 crashes `restarts - 2` times (each seen by both
 * signals) and a deploy restarts the primary and every worker once (start times change, the new
 * primary's counters start at 0). Slot 0 then has `restarts - 1` restarts: quiet. Summing the two
 * signals instead of taking the larger would count `2 * restarts - 3` and fire.
 */
function clusterDeployDay(context: TestContext): PromtoolTest {
  const { model, shape, service, restarts, templates } = context;
  const clock = testClock(windowTestInterval(testInterval(model, service), shape.window, 60), service.alerts.serviceRestarting.for);
  const window = windowSteps(shape.window, clock.step);
  const instance = service.targets[0]!;
  const slots: Slot[] = [
    { instance, worker: 'primary' },
    { instance, worker: '0' },
    { instance, worker: '1' },
  ];
  const crashes = Array.from({ length: Math.max(0, restarts - 2) }, (_, i) => 10 + i * 3);
  const crashTimes = crashes.map((step) => step * clock.step - 1);
  const deploy = 10 + Math.floor(window / 2);
  const length = deploy + window + 5;
  // The deploy: one missed scrape while the new processes start.
  const gaps = [deploy];
  const series = slots.flatMap((slot) => {
    const crashed = slot.worker === '0';
    const start = startTimeSeries(service, slot, clock.step, length, [...(crashed ? crashes : []), deploy + 1], gaps);
    if (slot.worker === 'primary') return [start];
    return [start, supervisorRestartsSeries(service, slot, clock.step, length, crashed ? crashTimes : [], gaps, deploy + 1)];
  });
  return promtoolTest(
    model,
    `${shape.name}: a cluster instance whose worker 0 crashes ${crashes.length} time(s) and whose every process a deploy restarts once; never fires`,
    clock,
    shape.name,
    templates,
    series,
    quietChecks(clock, 0, length - 1, 1),
  );
}
