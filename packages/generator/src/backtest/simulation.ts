/**
 * The simulated world of one scenario: every scrape target of a spec (services, the pipelines
 * they run, exporters), their processes (starts, deploys, crashes), what Prometheus scraped
 * (failed scrapes, its own restarts) and the series they expose, sample by sample, exactly as
 * `@vigil/metrics`, `@vigil/health`, prom-client's default metrics and the exporters expose them.
 */
import { catalog, defaultNodeMetrics, latencyBucketsSeconds } from '@vigil/metrics/catalog';
import type { ExporterDependencyModel, Model, PipelineModel, ServiceModel } from '../model/types.js';
import { seriesName, type Sample } from '../rules/series.js';
import { durationSeconds } from '../spec/duration.js';
import { Random } from './random.js';
import { bursty, diurnal, flat, type RateProfile } from './traffic.js';

export type Labels = Readonly<Record<string, string>>;
export type Signal = (t: number) => number;

/** Samples of every series, by promtool series name; steps not set are absent. */
class Recorder {
  readonly series = new Map<string, Sample[]>();

  put(name: string, labels: Labels, step: number, value: number): void {
    const key = seriesName(name, labels);
    let samples = this.series.get(key);
    if (samples === undefined) {
      samples = [];
      this.series.set(key, samples);
    }
    samples[step] = value;
  }

  /**
   * Absent steps become a staleness marker right after a sample (the target vanished, as
   * Prometheus marks it), else a plain gap; while Prometheus itself is down nothing is written.
   */
  finish(steps: number, prometheusDown: readonly boolean[]): Map<string, Sample[]> {
    const done = new Map<string, Sample[]>();
    for (const [key, sparse] of [...this.series].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const samples: Sample[] = [];
      for (let step = 0; step < steps; step++) {
        const value = sparse[step];
        if (value !== undefined) samples.push(value);
        else if (!prometheusDown[step] && typeof samples[step - 1] === 'number') samples.push('stale');
        else samples.push(null);
      }
      done.set(key, samples);
    }
    return done;
  }
}

interface Incarnation {
  readonly start: number;
  end: number;
}

/** A scrape target: its processes over time and the scrapes that failed. */
export class TargetSim {
  readonly incarnations: Incarnation[];
  /** [from, to) in seconds where scrapes fail although the process runs. */
  readonly failedScrapes: [number, number][] = [];
  /** [from, to) in seconds where the process runs but exposes only runtime metrics. */
  readonly lostInstrumentation: [number, number][] = [];

  constructor(
    readonly job: string,
    readonly instance: string,
    horizon: number,
    firstStart: number,
  ) {
    this.incarnations = [{ start: firstStart, end: horizon }];
  }

  private running(t: number): Incarnation | undefined {
    return this.incarnations.find((life) => life.start <= t && t < life.end);
  }

  /** The process exits at `at` and a new one starts `downSeconds` later (a deploy or a crash). */
  restart(at: number, downSeconds: number): this {
    const life = this.running(at);
    if (life === undefined) return this;
    const end = life.end;
    life.end = at;
    this.incarnations.push({ start: at + downSeconds, end });
    this.incarnations.sort((a, b) => a.start - b.start);
    return this;
  }

  /** The process exits at `from` and nothing restarts it until `to` (a new process then, if given). */
  stop(from: number, to?: number): this {
    const life = this.running(from);
    if (life === undefined) return this;
    const end = life.end;
    life.end = from;
    if (to !== undefined && to < end) {
      this.incarnations.push({ start: to, end });
      this.incarnations.sort((a, b) => a.start - b.start);
    }
    return this;
  }

  failScrapes(from: number, seconds: number): this {
    this.failedScrapes.push([from, from + seconds]);
    return this;
  }

  loseInstrumentation(from: number, to: number): this {
    this.lostInstrumentation.push([from, to]);
    return this;
  }

  /** What a scrape at `t` sees: the running process (its index), or nothing. */
  scrape(t: number): { readonly index: number; readonly life: Incarnation; readonly instrumented: boolean } | undefined {
    if (this.failedScrapes.some(([from, to]) => t >= from && t < to)) return undefined;
    const index = this.incarnations.findIndex((life) => life.start <= t && t < life.end);
    if (index < 0) return undefined;
    const instrumented = !this.lostInstrumentation.some(([from, to]) => t >= from && t < to);
    return { index, life: this.incarnations[index]!, instrumented };
  }

  /** Seconds of (from, to] during which some process ran. */
  aliveSeconds(from: number, to: number): number {
    let alive = 0;
    for (const life of this.incarnations) alive += Math.max(0, Math.min(to, life.end) - Math.max(from, life.start));
    return alive;
  }

  restartTimes(): number[] {
    return this.incarnations.slice(1).map((life) => life.start);
  }
}

/** A service: HTTP traffic (RED), runtime metrics, health checks, unhandled errors. */
export class ServiceSim extends TargetSim {
  requestRate: RateProfile = () => 0;
  /** Share of requests answered 5xx: 0.02% on a healthy day (well inside a 99.9% objective). */
  errorRatio: Signal = () => 0.0002;
  /** Median request latency in seconds; requests are log-normal with `latencySigma`. */
  latencyMedian: Signal = () => 0.08;
  latencySigma = 0.5;
  /** Operations of workers and pipelines (`timedOperation`), per second; none for APIs. */
  operationRate: RateProfile = () => 0;
  operationMedian: Signal = () => 0.15;
  /** Resident memory given the time and the seconds since the process started. */
  memoryBytes: (t: number, uptime: number) => number = (_t, uptime) => 150e6 + 20e6 * Math.min(1, uptime / 3600);
  memoryLimitBytes = 512 * 1024 * 1024;
  cpuLimitCores = 1;
  /** CPU used, in cores. */
  cpuCores: Signal = () => 0.05;
  eventLoopLagP99: Signal = () => 0.012;
  unhandledErrorRate: Signal = () => 0;
  /** health_check_status per critical check: 1 passing, 0 failing. */
  readonly checks = new Map<string, Signal>();
  /**
   * For a service run as a node:cluster (`superviseWorkers` keeping worker slots 0 and 1): the
   * times worker slot 1 crashed and was started again, while the primary (this target's process)
   * stays up. Empty for a single-process service, which then exposes no per-worker series.
   */
  readonly workerRestarts: number[] = [];

  constructor(
    readonly model: ServiceModel,
    start: number,
    horizon: number,
  ) {
    super(model.job, model.targets[0] ?? `${model.job}:9464`, horizon, start);
    for (const check of model.healthChecks) this.checks.set(check, () => 1);
  }
}

export class PipelineSim {
  itemRate: RateProfile = () => 0;
  validationErrorRatio: Signal = () => 0.004;
  /** Share of created items missing each required field. */
  fieldMissingRatio: (t: number, field: string) => number = () => 0.002;
  readonly requiredFields: readonly string[];

  constructor(
    readonly model: PipelineModel,
    readonly owner: ServiceSim,
  ) {
    this.requiredFields = model.alerts.fieldCoverageDrop?.requiredFields ?? [];
  }
}

export class ExporterSim extends TargetSim {
  /** 1 when the exporter reaches its database, 0 when it does not. */
  reachable: Signal = () => 1;

  constructor(
    readonly model: ExporterDependencyModel,
    start: number,
    horizon: number,
  ) {
    super(model.job, model.targets[0] ?? `${model.job}:9100`, horizon, start);
  }
}

export interface WorldOptions {
  /** Hour from the epoch at which the services and Prometheus start (nothing is scraped before). */
  readonly fromHour: number;
  /** Hours simulated after `fromHour`. */
  readonly hours: number;
  readonly stepSeconds: number;
  readonly seed: number;
}

const hour = 3600;

/** Everything of a spec, simulated with normal traffic until a scenario adds noise and faults. */
export class World {
  readonly random: Random;
  readonly steps: number;
  /** Seconds at which monitoring starts. */
  readonly start: number;
  readonly horizon: number;
  readonly services: ServiceSim[];
  readonly pipelines: PipelineSim[];
  readonly exporters: ExporterSim[];
  /** [from, to) in seconds while Prometheus itself was down (no sample, no rule evaluation in reality). */
  readonly prometheusDown: [number, number][] = [];

  constructor(
    readonly model: Model,
    readonly options: WorldOptions,
  ) {
    this.random = new Random(options.seed);
    this.start = options.fromHour * hour;
    this.horizon = this.start + options.hours * hour;
    this.steps = Math.floor(this.horizon / options.stepSeconds) + 1;
    if (this.start > 0) this.prometheusDown.push([0, this.start]);
    const roles = serviceRoles(model);
    this.services = model.services.map((service) => {
      const sim = new ServiceSim(service, this.start, this.horizon);
      const random = this.random.fork(`service:${service.name}`);
      const perSecond = service.name === roles.lowTraffic ? lowTrafficRequestsPerSecond : service.name === roles.main ? 5 : 1;
      sim.requestRate = service.name === roles.lowTraffic ? flat(perSecond, random) : diurnal(perSecond, random);
      sim.cpuCores = (t) => 0.03 + 0.04 * (sim.requestRate(t) / Math.max(perSecond, 1e-9)) ** 0.5;
      if (service.kind === 'worker') {
        const jobs = diurnal(0.5, random.fork('operations'));
        sim.operationRate = jobs;
      }
      return sim;
    });
    this.pipelines = model.pipelines.map((pipeline) => {
      const owner = this.service(pipeline.service);
      const sim = new PipelineSim(pipeline, owner);
      const random = this.random.fork(`pipeline:${pipeline.name}`);
      sim.itemRate =
        pipeline.expectedItemsPerDay === undefined
          ? bursty(random, {
              itemsPerBurst: 400,
              burstMinutes: 10,
              // A healthy bursty pipeline stays well inside its zero-items window.
              longestQuietSeconds: Math.floor(0.6 * durationSeconds(pipeline.alerts.noItemsCreated.window)),
              days: Math.ceil((options.fromHour + options.hours) / 24),
            })
          : diurnal(pipeline.expectedItemsPerDay / 86_400, random);
      return sim;
    });
    // Pipelines run in their service's process: its operations are the pipeline's items.
    for (const service of this.services) {
      const own = this.pipelines.filter((pipeline) => pipeline.owner === service);
      if (own.length > 0) service.operationRate = (t) => own.reduce((sum, pipeline) => sum + pipeline.itemRate(t), 0);
    }
    this.exporters = model.dependencies
      .filter((dependency): dependency is ExporterDependencyModel => dependency.kind !== 'healthCheck')
      .map((dependency) => new ExporterSim(dependency, this.start, this.horizon));
  }

  at(hours: number): number {
    return Math.round(hours * hour);
  }

  service(name: string): ServiceSim {
    const found = this.services.find((service) => service.model.name === name);
    if (found === undefined) throw new Error(`backtest: no service named "${name}" in the spec`);
    return found;
  }

  pipeline(name: string): PipelineSim {
    const found = this.pipelines.find((pipeline) => pipeline.model.name === name);
    if (found === undefined) throw new Error(`backtest: no pipeline named "${name}" in the spec`);
    return found;
  }

  targets(): TargetSim[] {
    return [...this.services, ...this.exporters];
  }

  restartPrometheus(at: number, seconds: number): void {
    this.prometheusDown.push([at, at + seconds]);
  }

  /** Every series, one sample per step (promtool's input). */
  render(): Map<string, Sample[]> {
    const recorder = new Recorder();
    const step = this.options.stepSeconds;
    const down = Array.from({ length: this.steps }, (_, i) => this.prometheusDown.some(([from, to]) => i * step >= from && i * step < to));
    for (const service of this.services) {
      renderService(recorder, service, this.pipelines.filter((pipeline) => pipeline.owner === service), this.steps, step, down, this.random.fork(`render:${service.job}`));
    }
    for (const exporter of this.exporters) renderExporter(recorder, exporter, this.steps, step, down);
    return recorder.finish(this.steps, down);
  }
}

/** About two requests a minute: a back-office service. */
export const lowTrafficRequestsPerSecond = 2 / 60;

/** Which service carries the main API traffic and which is the low-traffic one. */
export function serviceRoles(model: Model): { readonly main?: string; readonly lowTraffic?: string } {
  const main = (model.services.find((service) => service.kind === 'api') ?? model.services[0])?.name;
  const lowTraffic = model.services.find((service) => service.kind === 'worker' && service.name !== main)?.name;
  return { ...(main === undefined ? {} : { main }), ...(lowTraffic === undefined ? {} : { lowTraffic }) };
}

const buckets = [...latencyBucketsSeconds, Number.POSITIVE_INFINITY];

function normalCdf(z: number): number {
  // Abramowitz-Stegun 7.1.26 through erf; plenty for bucket shares.
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Cumulative histogram state of one label set in one process. */
class HistogramState {
  readonly counts = new Array<number>(buckets.length).fill(0);
  sum = 0;

  /** `count` observations, log-normal around `median`: multinomial over the buckets. */
  observe(random: Random, count: number, median: number, sigma: number): void {
    let left = count;
    let below = 0;
    let cumulative = 0;
    for (let i = 0; i < buckets.length; i++) {
      const share = i === buckets.length - 1 ? 1 : normalCdf(Math.log(buckets[i]! / median) / sigma);
      const inBucket = left === 0 ? 0 : share >= 1 ? left : random.binomial(left, Math.min(1, (share - below) / Math.max(1e-12, 1 - below)));
      left -= inBucket;
      cumulative += inBucket;
      below = share;
      this.counts[i] = this.counts[i]! + cumulative;
    }
    this.sum += count * median * Math.exp((sigma * sigma) / 2);
  }

  get count(): number {
    return this.counts.at(-1)!;
  }

  record(recorder: Recorder, name: string, labels: Labels, step: number): void {
    buckets.forEach((le, i) => recorder.put(`${name}_bucket`, { ...labels, le: le === Number.POSITIVE_INFINITY ? '+Inf' : String(le) }, step, this.counts[i]!));
    recorder.put(`${name}_sum`, labels, step, round(this.sum, 3));
    recorder.put(`${name}_count`, labels, step, this.count);
  }
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** One process's counters: they start at 0 in every new process (a counter reset). */
class ProcessState {
  readonly histograms = new Map<string, HistogramState>();
  readonly counters = new Map<string, number>();
  readonly lastItem = new Map<string, number>();

  histogram(key: string): HistogramState {
    let state = this.histograms.get(key);
    if (state === undefined) {
      state = new HistogramState();
      this.histograms.set(key, state);
    }
    return state;
  }

  add(key: string, delta: number): number {
    const value = (this.counters.get(key) ?? 0) + delta;
    this.counters.set(key, value);
    return value;
  }
}

function renderService(recorder: Recorder, service: ServiceSim, pipelines: readonly PipelineSim[], steps: number, stepSeconds: number, prometheusDown: readonly boolean[], random: Random): void {
  const target = { job: service.job, instance: service.instance };
  const http = catalog.httpRequestDuration.name;
  const operation = catalog.operationDuration.name;
  const route = service.model.kind === 'pipeline' ? '/ingest' : service.model.kind === 'worker' ? '/jobs' : '/orders';
  let process: ProcessState | undefined;
  let processIndex = -1;
  for (let step = 0; step < steps; step++) {
    const t = step * stepSeconds;
    const from = t - stepSeconds;
    // Work happens whether or not Prometheus scrapes; counters see it at the next scrape.
    const alive = step === 0 ? 0 : service.aliveSeconds(from, t);
    const seen = service.scrape(t);
    if (seen !== undefined && seen.index !== processIndex) {
      process = new ProcessState();
      processIndex = seen.index;
      // A new process reports 0 (no item yet) until it creates its own first item
      // (PipelineMetrics): it never reports an item it did not create.
    }
    const life = service.incarnations.find((candidate) => candidate.start <= t && t < candidate.end);
    // Between scrapes the running process keeps counting, even if this scrape failed.
    if (life !== undefined && process !== undefined && service.incarnations.indexOf(life) === processIndex && alive > 0) {
      const requests = random.poisson(service.requestRate(t) * alive);
      const errors = random.binomial(requests, Math.min(1, service.errorRatio(t)));
      const ok = requests - errors;
      if (ok > 0) process.histogram('200').observe(random, ok, service.latencyMedian(t), service.latencySigma);
      if (errors > 0) process.histogram('500').observe(random, errors, service.latencyMedian(t) * 0.6, service.latencySigma);
      const operations = random.poisson(service.operationRate(t) * alive * (pipelines.length > 0 ? 0 : 1));
      if (operations > 0) process.histogram('op').observe(random, operations, service.operationMedian(t), 0.6);
      process.add('cpu', service.cpuCores(t) * alive);
      const unhandled = random.poisson(service.unhandledErrorRate(t) * alive);
      if (unhandled > 0) process.add('unhandled', unhandled);
      for (const pipeline of pipelines) {
        const name = pipeline.model.name;
        const created = random.poisson(pipeline.itemRate(t) * alive);
        process.add(`items:${name}`, created);
        if (created > 0) {
          // The latest of `created` uniform arrival times within the alive part of the step.
          const latest = t - alive * (1 - random.next() ** (1 / created));
          process.lastItem.set(name, Math.max(process.lastItem.get(name) ?? 0, latest));
          const pipelineOperations = process.histogram('op');
          pipelineOperations.observe(random, created, service.operationMedian(t), 0.6);
        }
        const rejected = random.poisson(pipeline.itemRate(t) * alive * pipeline.validationErrorRatio(t));
        if (rejected > 0) process.add(`rejected:${name}`, rejected);
        for (const field of pipeline.requiredFields) {
          process.add(`missing:${name}:${field}`, random.binomial(created, pipeline.fieldMissingRatio(t, field)));
        }
      }
    }
    if (prometheusDown[step]) continue;
    recorder.put('up', target, step, seen === undefined ? 0 : 1);
    if (seen === undefined || process === undefined) continue;
    // prom-client's default metrics: always exposed by a running process.
    recorder.put(defaultNodeMetrics.processStartTime.name, target, step, Math.floor(seen.life.start));
    recorder.put(defaultNodeMetrics.processResidentMemory.name, target, step, Math.round(service.memoryBytes(t, t - seen.life.start)));
    recorder.put(defaultNodeMetrics.processCpuSeconds.name, target, step, round(process.counters.get('cpu') ?? 0, 3));
    recorder.put(defaultNodeMetrics.eventLoopLagP99.name, target, step, round(service.eventLoopLagP99(t), 4));
    recorder.put(catalog.containerMemoryLimit.name, target, step, service.memoryLimitBytes);
    recorder.put(catalog.containerCpuLimit.name, target, step, service.cpuLimitCores);
    for (const [check, status] of service.checks) recorder.put(catalog.healthCheckStatus.name, { ...target, check, criticality: 'critical' }, step, status(t) >= 0.5 ? 1 : 0);
    if (service.workerRestarts.length > 0) renderWorkers(recorder, service, target, step, t, seen.life.start);
    if (!seen.instrumented) continue;
    // Labelled histograms and counters appear at their first observation in a process.
    for (const [status, state] of process.histograms) {
      if (status === 'op') continue;
      state.record(recorder, http, { ...target, method: 'GET', route, status_code: status }, step);
    }
    const operations = process.histograms.get('op');
    if (operations !== undefined) operations.record(recorder, operation, { ...target, operation: pipelines.length > 0 ? 'create_item' : 'process_job', outcome: 'success' }, step);
    const unhandled = process.counters.get('unhandled');
    if (unhandled !== undefined) recorder.put(catalog.unhandledErrors.name, { ...target, kind: 'unhandledRejection' }, step, unhandled);
    for (const pipeline of pipelines) {
      const name = pipeline.model.name;
      const labels = { ...target, pipeline: name, item_type: 'item' };
      // Created-items and field counters exist from the pipeline's construction (value 0).
      recorder.put(catalog.itemsCreated.name, { ...labels, source: 'default' }, step, process.counters.get(`items:${name}`) ?? 0);
      for (const field of pipeline.requiredFields) {
        recorder.put(catalog.itemFieldMissing.name, { ...labels, field }, step, process.counters.get(`missing:${name}:${field}`) ?? 0);
      }
      const rejected = process.counters.get(`rejected:${name}`);
      if (rejected !== undefined) recorder.put(catalog.itemValidationErrors.name, { ...labels, reason: 'schema' }, step, rejected);
      recorder.put(catalog.pipelineLastItemCreated.name, { ...target, pipeline: name }, step, round(process.lastItem.get(name) ?? 0, 3));
    }
  }
}

/**
 * What a cluster primary exposes per worker slot: each worker's own start time (the slot's
 * `worker` label) and the supervisor's restarts of the slot since the primary started.
 */
function renderWorkers(recorder: Recorder, service: ServiceSim, target: Labels, step: number, t: number, primaryStart: number): void {
  for (const slot of ['0', '1']) {
    const restarts = slot === '1' ? service.workerRestarts.filter((at) => at >= primaryStart && at <= t) : [];
    const labels = { ...target, worker: slot };
    recorder.put(defaultNodeMetrics.processStartTime.name, labels, step, Math.floor(restarts.at(-1) ?? primaryStart));
    recorder.put(catalog.clusterWorkerRestarts.name, labels, step, restarts.length);
  }
}

function renderExporter(recorder: Recorder, exporter: ExporterSim, steps: number, stepSeconds: number, prometheusDown: readonly boolean[]): void {
  const target = { job: exporter.job, instance: exporter.instance };
  const metric = exporter.model.kind === 'postgres' ? 'pg_up' : exporter.model.kind === 'redis' ? 'redis_up' : undefined;
  for (let step = 0; step < steps; step++) {
    if (prometheusDown[step]) continue;
    const t = step * stepSeconds;
    const seen = exporter.scrape(t);
    recorder.put('up', target, step, seen === undefined ? 0 : 1);
    if (seen !== undefined && metric !== undefined) recorder.put(metric, target, step, exporter.reachable(t) >= 0.5 ? 1 : 0);
  }
}
