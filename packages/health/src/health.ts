import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Registry } from 'prom-client';
import { CheckRunner, defaultCacheTtlMs, type CheckResult, type Criticality, type HealthCheck } from './checks.js';
import { readContainerMemory, type CgroupPaths, type ContainerMemory } from './cgroup.js';
import { healthMetrics } from './metrics.js';

export type OverallStatus = 'pass' | 'warn' | 'fail';

export interface LivenessReport {
  readonly status: 'pass' | 'fail';
  readonly uptimeSeconds: number;
  /** p99 event-loop delay over the last sampling window, in milliseconds. */
  readonly eventLoopDelayMs: number;
  readonly error?: string;
}

export interface ReadinessReport {
  readonly status: 'pass' | 'fail';
  readonly shuttingDown: boolean;
  /** Critical checks that failed, with their masked errors. */
  readonly failing: ReadonlyArray<{ readonly name: string; readonly error: string }>;
}

export interface MemoryReport {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  readonly externalBytes: number;
  readonly container: ContainerMemory;
  /** RSS as a share of the container limit; null without a limit. */
  readonly rssOfLimit: number | null;
}

export interface DiagnosticsReport {
  readonly status: OverallStatus;
  readonly service?: string;
  readonly version: string;
  readonly pid: number;
  readonly uptimeSeconds: number;
  readonly shuttingDown: boolean;
  readonly checks: readonly CheckResult[];
  readonly memory: MemoryReport;
  readonly eventLoopDelayMs: number;
}

export interface HealthOptions {
  readonly checks?: readonly HealthCheck[];
  /** prom-client registry for `health_check_*`; default prom-client's global registry. `null` disables metrics. */
  readonly registry?: Registry | null;
  readonly service?: string;
  /** Reported in diagnostics. Default `$SERVICE_VERSION`, then `$npm_package_version`, then `unknown`. */
  readonly version?: string;
  /** Liveness fails when the event loop's p99 delay exceeds this. Default 5000 ms. */
  readonly maxEventLoopDelayMs?: number;
  /** Where to read cgroup files (tests point this at a fixture tree). */
  readonly cgroup?: CgroupPaths;
  /**
   * Runs every check in the background this often, so `health_check_status` stays current
   * when nothing probes (a scrape alone never runs a check). Shares in-flight runs with
   * probes and honours each check's `cacheTtlMs`. Stops at `close()` and when shutdown
   * begins. Default 15 000 ms; 0 disables.
   */
  readonly refreshIntervalMs?: number;
  /**
   * How long a check's result is reused when the check sets no `cacheTtlMs` of its own: within
   * it, every probe (concurrent or repeated, any endpoint) shares one run, so a flood of
   * requests costs the dependency one query. Default 1000 ms; 0 runs checks on every probe.
   */
  readonly cacheTtlMs?: number;
}

export const defaultRefreshIntervalMs = 15_000;

/**
 * The health of one process: its checks, liveness, readiness and diagnostics. Endpoint
 * adapters (node:http, Express, Fastify) and graceful shutdown all drive this one object.
 */
export class Health {
  private readonly runners = new Map<string, CheckRunner>();
  private readonly registry: Registry | null | undefined;
  private readonly maxEventLoopDelayMs: number;
  private readonly version: string;
  private readonly service: string | undefined;
  private readonly cgroup: CgroupPaths | undefined;
  private readonly loopDelay: IntervalHistogram;
  private loopDelayWindowStart = Date.now();
  private previousWindowDelayMs = 0;
  private shutdownStarted = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly cacheTtlMs: number;

  constructor(options: HealthOptions = {}) {
    const refreshIntervalMs = options.refreshIntervalMs ?? defaultRefreshIntervalMs;
    if (typeof refreshIntervalMs !== 'number' || !Number.isFinite(refreshIntervalMs) || refreshIntervalMs < 0) {
      throw new TypeError(
        `@vigil/health: createHealth: refreshIntervalMs must be 0 (off) or a positive number of milliseconds, got ${String(refreshIntervalMs)}`,
      );
    }
    const cacheTtlMs = options.cacheTtlMs ?? defaultCacheTtlMs;
    if (typeof cacheTtlMs !== 'number' || !Number.isFinite(cacheTtlMs) || cacheTtlMs < 0) {
      throw new TypeError(`@vigil/health: createHealth: cacheTtlMs must be 0 (off) or a positive number of milliseconds, got ${String(cacheTtlMs)}`);
    }
    this.cacheTtlMs = cacheTtlMs;
    this.registry = options.registry;
    this.maxEventLoopDelayMs = options.maxEventLoopDelayMs ?? 5000;
    this.version = options.version ?? process.env.SERVICE_VERSION ?? process.env.npm_package_version ?? 'unknown';
    this.service = options.service;
    this.cgroup = options.cgroup;
    // Sampling happens in libuv, not on a JS timer: it adds no work to the loop it measures.
    this.loopDelay = monitorEventLoopDelay({ resolution: 20 });
    this.loopDelay.enable();
    for (const check of options.checks ?? []) this.addCheck(check);
    if (refreshIntervalMs > 0) {
      this.refreshTimer = setInterval(() => void this.refresh(), refreshIntervalMs);
      // A background refresh must never be what keeps a process alive.
      this.refreshTimer.unref();
    }
  }

  addCheck(check: HealthCheck): this {
    if (!check || typeof check !== 'object') throw new TypeError(`@vigil/health: addCheck expects a check object, got ${String(check)}`);
    if (this.runners.has(check.name)) {
      throw new Error(`@vigil/health: a check named "${check.name}" is already registered`);
    }
    const metrics = this.registry === null ? undefined : healthMetrics(this.registry);
    this.runners.set(check.name, new CheckRunner(check, metrics, { defaultCacheTtlMs: this.cacheTtlMs }));
    return this;
  }

  get checkNames(): string[] {
    return [...this.runners.keys()];
  }

  get shuttingDown(): boolean {
    return this.shutdownStarted;
  }

  /** Readiness fails from now on; called by graceful shutdown on the first signal. */
  beginShutdown(): void {
    this.shutdownStarted = true;
    // Checks may touch pools the shutdown hooks are about to close.
    this.stopRefresh();
  }

  /** The process and its event loop only: never a dependency, so an outage cannot make an orchestrator restart every pod. */
  live(): LivenessReport {
    const delayMs = this.eventLoopDelayMs();
    const uptimeSeconds = Math.round(process.uptime() * 1000) / 1000;
    if (delayMs > this.maxEventLoopDelayMs) {
      return {
        status: 'fail',
        uptimeSeconds,
        eventLoopDelayMs: delayMs,
        error: `event loop delay p99 ${delayMs}ms exceeds ${this.maxEventLoopDelayMs}ms`,
      };
    }
    return { status: 'pass', uptimeSeconds, eventLoopDelayMs: delayMs };
  }

  /** All critical checks. Fails from the moment shutdown begins, without running them. */
  async ready(): Promise<ReadinessReport> {
    if (this.shutdownStarted) {
      return { status: 'fail', shuttingDown: true, failing: [{ name: 'shutdown', error: 'the process is shutting down' }] };
    }
    const critical = [...this.runners.values()].filter((runner) => runner.criticality === 'critical');
    const results = await Promise.all(critical.map((runner) => runner.run()));
    const failing = results
      .filter((result) => result.status === 'fail')
      .map((result) => ({ name: result.name, error: result.error ?? 'failed' }));
    // Shutdown may have begun while the checks ran.
    if (this.shutdownStarted) {
      failing.push({ name: 'shutdown', error: 'the process is shutting down' });
    }
    return { status: failing.length === 0 ? 'pass' : 'fail', shuttingDown: this.shutdownStarted, failing };
  }

  /** Every check (critical and warning), memory against the cgroup limit, uptime and version. */
  async diagnostics(): Promise<DiagnosticsReport> {
    const [checks, container] = await Promise.all([
      Promise.all([...this.runners.values()].map((runner) => runner.run())),
      readContainerMemory(this.cgroup),
    ]);
    const usage = process.memoryUsage();
    return {
      status: overallStatus(checks, this.shutdownStarted),
      ...(this.service === undefined ? {} : { service: this.service }),
      version: this.version,
      pid: process.pid,
      uptimeSeconds: Math.round(process.uptime() * 1000) / 1000,
      shuttingDown: this.shutdownStarted,
      checks,
      memory: {
        rssBytes: usage.rss,
        heapUsedBytes: usage.heapUsed,
        heapTotalBytes: usage.heapTotal,
        externalBytes: usage.external,
        container,
        rssOfLimit: container.limitBytes ? Math.round((usage.rss / container.limitBytes) * 10_000) / 10_000 : null,
      },
      eventLoopDelayMs: this.eventLoopDelayMs(),
    };
  }

  /** Runs one check by name (start-up phases reuse the readiness checks). */
  runCheck(name: string): Promise<CheckResult> {
    const runner = this.runners.get(name);
    if (!runner) throw new Error(`@vigil/health: no check named "${name}" (known: ${this.checkNames.join(', ') || 'none'})`);
    return runner.run();
  }

  /**
   * Runs every check now (shared with any probe in flight; a check within its `cacheTtlMs`
   * is not run again), updating `health_check_status`. Never rejects.
   */
  async refresh(): Promise<void> {
    await Promise.all([...this.runners.values()].map((runner) => runner.run().catch(() => undefined)));
  }

  /** Stops the background refresh and the event-loop sampler. */
  close(): void {
    this.stopRefresh();
    this.loopDelay.disable();
  }

  private stopRefresh(): void {
    clearInterval(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  /**
   * p99 over a window of about 10 s: reset after each window so one old stall does not fail
   * liveness forever, yet a stall is still visible to the next probe.
   */
  private eventLoopDelayMs(): number {
    const now = Date.now();
    if (now - this.loopDelayWindowStart > 10_000) {
      this.previousWindowDelayMs = nanosToMs(this.loopDelay.percentile(99));
      this.loopDelay.reset();
      this.loopDelayWindowStart = now;
    }
    return Math.max(nanosToMs(this.loopDelay.percentile(99)), this.previousWindowDelayMs);
  }
}

function nanosToMs(nanos: number): number {
  return Number.isFinite(nanos) ? Math.round(nanos / 1e5) / 10 : 0;
}

export function overallStatus(checks: readonly CheckResult[], shuttingDown = false): OverallStatus {
  if (shuttingDown) return 'fail';
  const failed = (criticality: Criticality) => checks.some((c) => c.criticality === criticality && c.status === 'fail');
  if (failed('critical')) return 'fail';
  if (failed('warning')) return 'warn';
  return 'pass';
}

export function createHealth(options: HealthOptions = {}): Health {
  return new Health(options);
}
