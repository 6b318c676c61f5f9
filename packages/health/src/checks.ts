import { performance } from 'node:perf_hooks';
import { describeError, maskSecrets } from './secrets.js';
import { withTimeout } from './timeout.js';
import type { HealthMetrics } from './metrics.js';

export type Criticality = 'critical' | 'warning';

/** Figures a check reports beside pass/fail, e.g. a pg pool's totalCount/idleCount/waitingCount. */
export type CheckDetails = Readonly<Record<string, number | string | boolean | null>>;

/**
 * What a check function may return. Returning nothing (or details) means it passed; a
 * check fails by throwing or by exceeding its timeout.
 */
export type CheckReturn = void | { readonly details?: CheckDetails };

export interface HealthCheck {
  /** Unique name; the `check` label of `health_check_status` and the key in every report. */
  readonly name: string;
  /** Throws (or rejects) when the dependency is unhealthy. The signal aborts when the timeout expires. */
  readonly run: (signal: AbortSignal) => Promise<CheckReturn> | CheckReturn;
  /** Time after which a run counts as failed. Default 2000 ms. */
  readonly timeoutMs?: number;
  /** `critical` fails readiness, `warning` only reports. Default `critical`. */
  readonly criticality?: Criticality;
  /**
   * Reuse a result for this long, so frequent probes (several orchestrators, load balancers,
   * a request flood) do not multiply queries against a dependency. Default: the Health's
   * `cacheTtlMs` (1000 ms). 0 runs the check on every probe (concurrent probes still share one run).
   */
  readonly cacheTtlMs?: number;
  /** Figures read without running the check (pool sizes); reported in diagnostics even when the run fails. */
  readonly details?: () => CheckDetails | undefined;
}

export interface CheckResult {
  readonly name: string;
  readonly criticality: Criticality;
  readonly status: 'pass' | 'fail';
  /** Duration of the run that produced this result, in milliseconds. */
  readonly latencyMs: number;
  /** Masked failure description; absent when passing. */
  readonly error?: string;
  readonly details?: CheckDetails;
  /** ISO time at which the run finished. */
  readonly checkedAt: string;
}

export const defaultCheckTimeoutMs = 2000;
/** How long a result is reused unless the check or the Health says otherwise. */
export const defaultCacheTtlMs = 1000;

export interface CheckRunnerOptions {
  /** Applies when the check sets no `cacheTtlMs`. Default {@link defaultCacheTtlMs}. */
  readonly defaultCacheTtlMs?: number;
  /** Clock in milliseconds (tests). */
  readonly now?: () => number;
}

/**
 * Runs one check with its timeout, TTL cache and single-flight sharing, and records its metrics.
 * At most one run of a check is ever outstanding: a run that outlived its timeout keeps the
 * slot until it really settles, and probes meanwhile fail at once instead of starting another
 * run, so a hung dependency cannot be sent one more query per probe.
 */
export class CheckRunner {
  readonly name: string;
  readonly criticality: Criticality;
  private readonly timeoutMs: number;
  private readonly cacheTtlMs: number;
  private inFlight: Promise<CheckResult> | undefined;
  private cached: { result: CheckResult; expiresAt: number } | undefined;
  private lastResult: CheckResult | undefined;
  /** Start time of a run that timed out but has not settled yet. */
  private abandonedSince: number | undefined;
  private readonly now: () => number;

  constructor(
    private readonly check: HealthCheck,
    private readonly metrics: HealthMetrics | undefined,
    options: CheckRunnerOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    if (!check.name || typeof check.name !== 'string') {
      throw new TypeError('@vigil/health: a check needs a non-empty string `name`');
    }
    if (typeof check.run !== 'function') {
      throw new TypeError(`@vigil/health: check "${check.name}": \`run\` must be a function`);
    }
    this.name = check.name;
    this.criticality = check.criticality ?? 'critical';
    if (this.criticality !== 'critical' && this.criticality !== 'warning') {
      throw new TypeError(
        `@vigil/health: check "${check.name}": criticality must be "critical" or "warning", got ${JSON.stringify(check.criticality)}`,
      );
    }
    this.timeoutMs = positive(check.timeoutMs ?? defaultCheckTimeoutMs, check.name, 'timeoutMs');
    this.cacheTtlMs = nonNegative(check.cacheTtlMs ?? options.defaultCacheTtlMs ?? defaultCacheTtlMs, check.name, 'cacheTtlMs');
    // Export the series from registration, before the first run, as NaN ("unknown, pending"):
    // a label set without a value is never exported, and 0 would page for a check not yet run.
    this.metrics?.checkStatus.labels({ check: this.name, criticality: this.criticality }).set(Number.NaN);
  }

  /** The most recent result, without running anything. */
  get last(): CheckResult | undefined {
    return this.lastResult;
  }

  run(): Promise<CheckResult> {
    if (this.cached && this.now() < this.cached.expiresAt) return Promise.resolve(this.cached.result);
    if (this.inFlight) return this.inFlight;
    if (this.abandonedSince !== undefined) return Promise.resolve(this.stillRunning(this.abandonedSince));
    const run = this.execute().finally(() => {
      if (this.inFlight === run) this.inFlight = undefined;
    });
    this.inFlight = run;
    return run;
  }

  private async execute(): Promise<CheckResult> {
    const started = this.now();
    let status: 'pass' | 'fail' = 'pass';
    let error: string | undefined;
    let details: CheckDetails | undefined;
    let runSettled = false;
    try {
      const returned = await withTimeout(`check "${this.name}"`, this.timeoutMs, (signal) => {
        const running = Promise.resolve().then(() => this.check.run(signal));
        const release = (): void => {
          runSettled = true;
          if (this.abandonedSince === started) this.abandonedSince = undefined;
        };
        running.then(release, release);
        return running;
      });
      if (returned && typeof returned === 'object' && returned.details) details = returned.details;
    } catch (thrown) {
      status = 'fail';
      error = describeError(thrown);
      // The run goes on in the background; it keeps the check's one slot until it settles.
      if (!runSettled) this.abandonedSince = started;
    }
    const latencyMs = this.now() - started;
    try {
      const staticDetails = this.check.details?.();
      if (staticDetails) details = { ...staticDetails, ...details };
    } catch {
      // Pool figures are a courtesy; a getter that throws must not turn a result into a crash.
    }
    const result: CheckResult = {
      name: this.name,
      criticality: this.criticality,
      status,
      latencyMs: Math.round(latencyMs * 100) / 100,
      ...(error === undefined ? {} : { error }),
      ...(details === undefined ? {} : { details: maskDetails(details) }),
      checkedAt: new Date().toISOString(),
    };
    this.metrics?.checkStatus.set({ check: this.name, criticality: this.criticality }, status === 'pass' ? 1 : 0);
    this.metrics?.checkDuration.observe({ check: this.name }, latencyMs / 1000);
    this.lastResult = result;
    if (this.cacheTtlMs > 0) this.cached = { result, expiresAt: this.now() + this.cacheTtlMs };
    return result;
  }

  /** The answer while an earlier run that timed out is still pending: fail now, start nothing. */
  private stillRunning(since: number): CheckResult {
    const result: CheckResult = {
      name: this.name,
      criticality: this.criticality,
      status: 'fail',
      latencyMs: 0,
      error: `check "${this.name}" timed out after ${this.timeoutMs}ms; its run started ${Math.round(this.now() - since)}ms ago is still pending, so no new run was started`,
      checkedAt: new Date().toISOString(),
    };
    this.metrics?.checkStatus.set({ check: this.name, criticality: this.criticality }, 0);
    this.lastResult = result;
    return result;
  }
}

/** Details are free-form; a string one may carry a connection string. */
function maskDetails(details: CheckDetails): CheckDetails {
  const masked: Record<string, number | string | boolean | null> = {};
  for (const [key, value] of Object.entries(details)) masked[key] = typeof value === 'string' ? maskSecrets(value) : value;
  return masked;
}

function positive(value: number, check: string, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`@vigil/health: check "${check}": ${field} must be a positive number of milliseconds, got ${String(value)}`);
  }
  return value;
}

function nonNegative(value: number, check: string, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`@vigil/health: check "${check}": ${field} must be zero or a positive number of milliseconds, got ${String(value)}`);
  }
  return value;
}
