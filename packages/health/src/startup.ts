import { performance } from 'node:perf_hooks';
import type { Registry } from 'prom-client';
import type { CheckReturn, Criticality } from './checks.js';
import { jsonLineLogger, memoryMB, type Logger } from './log.js';
import { healthMetrics } from './metrics.js';
import { describeError } from './secrets.js';
import { TimeoutError, withTimeout } from './timeout.js';

/**
 * One step of a phase: an initialiser (open the pool, run migrations) or a check. A
 * HealthCheck has this shape, so readiness checks can be reused as start-up steps.
 */
export interface StartupStep {
  readonly name: string;
  readonly run: (signal: AbortSignal) => Promise<CheckReturn | unknown> | CheckReturn | unknown;
  /** Default: whatever remains of the phase's timeout. */
  readonly timeoutMs?: number;
  /** A failing `warning` step is logged and start-up goes on. Default `critical`. */
  readonly criticality?: Criticality;
}

export interface StartupPhase {
  readonly name: string;
  readonly steps: readonly StartupStep[];
  /** Time budget for all steps of the phase. Default 30 000 ms. */
  readonly timeoutMs?: number;
}

export interface StartupOptions {
  /** Registry for `startup_phase_duration_seconds`; default prom-client's global registry, `null` for none. */
  readonly registry?: Registry | null;
  /** Receives one record per step (and one at the end). Default: JSON lines on stdout. */
  readonly log?: Logger;
}

export interface StartupStepReport {
  readonly phase: string;
  readonly step: string;
  readonly status: 'ok' | 'warning' | 'failed';
  readonly durationMs: number;
  readonly error?: string;
}

export interface StartupReport {
  readonly durationMs: number;
  readonly steps: readonly StartupStepReport[];
}

/** Start-up stopped at a critical step. The message names the phase, the step and the (masked) cause. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
  constructor(
    readonly phase: string,
    readonly step: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`start-up failed in phase "${phase}" at step "${step}": ${reason}`, options);
  }
}

export const defaultPhaseTimeoutMs = 30_000;

/**
 * Runs phases in order, steps in order, and stops at the first failing critical step by
 * throwing a StartupError: nothing is caught and carried on from. Each step logs one line
 * (phase, step, status, durationMs, memoryMB, pid); each phase records its duration.
 */
export async function startup(phases: readonly StartupPhase[], options: StartupOptions = {}): Promise<StartupReport> {
  validate(phases);
  const log = options.log ?? jsonLineLogger;
  const metrics = options.registry === null ? undefined : healthMetrics(options.registry ?? undefined);
  const started = performance.now();
  const reports: StartupStepReport[] = [];

  for (const phase of phases) {
    const phaseStarted = performance.now();
    const phaseBudget = phase.timeoutMs ?? defaultPhaseTimeoutMs;
    try {
      for (const step of phase.steps) {
        const remaining = phaseBudget - (performance.now() - phaseStarted);
        const report = await runStep(phase, step, remaining, log);
        reports.push(report);
        if (report.status === 'failed') {
          throw new StartupError(phase.name, step.name, report.error ?? 'failed');
        }
      }
    } finally {
      metrics?.startupPhaseDuration.observe({ phase: phase.name }, (performance.now() - phaseStarted) / 1000);
    }
  }

  const durationMs = round(performance.now() - started);
  log({ event: 'startup_complete', status: 'ok', durationMs, memoryMB: memoryMB(), pid: process.pid });
  return { durationMs, steps: reports };
}

async function runStep(phase: StartupPhase, step: StartupStep, phaseRemainingMs: number, log: Logger): Promise<StartupStepReport> {
  const stepStarted = performance.now();
  const criticality = step.criticality ?? 'critical';
  const phaseBudgetMs = phase.timeoutMs ?? defaultPhaseTimeoutMs;
  // Whichever limit is tighter is the one a timeout error names.
  const limitedByPhase = step.timeoutMs === undefined || phaseRemainingMs < step.timeoutMs;
  let error: string | undefined;
  try {
    if (phaseRemainingMs <= 0) throw new TimeoutError(`phase "${phase.name}"`, phaseBudgetMs);
    if (limitedByPhase) {
      await withTimeout(`phase "${phase.name}"`, phaseRemainingMs, (signal) => step.run(signal), phaseBudgetMs);
    } else {
      await withTimeout(`step "${step.name}"`, step.timeoutMs as number, (signal) => step.run(signal));
    }
  } catch (thrown) {
    error = describeError(thrown);
  }
  const status: StartupStepReport['status'] = error === undefined ? 'ok' : criticality === 'warning' ? 'warning' : 'failed';
  const report: StartupStepReport = {
    phase: phase.name,
    step: step.name,
    status,
    durationMs: round(performance.now() - stepStarted),
    ...(error === undefined ? {} : { error }),
  };
  log({ event: 'startup_step', ...report, memoryMB: memoryMB(), pid: process.pid });
  return report;
}

export interface StartupOrExitOptions extends StartupOptions {
  /** Default `process.exit`. Injected in tests. */
  readonly exit?: (code: number) => void;
}

/**
 * `startup()` for a service's entry point: on failure it logs one `startup_failed` line
 * naming the phase, step and cause, and exits with code 1. If the injected `exit` returns,
 * the error is rethrown so no code after start-up runs.
 */
export async function startupOrExit(phases: readonly StartupPhase[], options: StartupOrExitOptions = {}): Promise<StartupReport> {
  const log = options.log ?? jsonLineLogger;
  try {
    return await startup(phases, options);
  } catch (error) {
    const record =
      error instanceof StartupError
        ? { event: 'startup_failed', phase: error.phase, step: error.step, error: error.message }
        : { event: 'startup_failed', error: describeError(error) };
    log({ ...record, pid: process.pid });
    (options.exit ?? ((code: number) => process.exit(code)))(1);
    throw error;
  }
}

function validate(phases: readonly StartupPhase[]): void {
  if (!Array.isArray(phases)) throw new TypeError('@vigil/health: startup() expects an array of phases');
  const names = new Set<string>();
  phases.forEach((phase, index) => {
    const where = `startup phases[${index}]`;
    if (!phase || typeof phase.name !== 'string' || phase.name === '') throw new TypeError(`@vigil/health: ${where}: \`name\` must be a non-empty string`);
    if (names.has(phase.name)) throw new TypeError(`@vigil/health: ${where}: duplicate phase name "${phase.name}"`);
    names.add(phase.name);
    if (!Array.isArray(phase.steps)) throw new TypeError(`@vigil/health: ${where} ("${phase.name}"): \`steps\` must be an array`);
    if (phase.timeoutMs !== undefined && !(phase.timeoutMs > 0)) {
      throw new TypeError(`@vigil/health: ${where} ("${phase.name}"): timeoutMs must be a positive number, got ${String(phase.timeoutMs)}`);
    }
    phase.steps.forEach((step: StartupStep, stepIndex: number) => {
      const stepWhere = `${where}.steps[${stepIndex}]`;
      if (!step || typeof step.name !== 'string' || step.name === '') throw new TypeError(`@vigil/health: ${stepWhere}: \`name\` must be a non-empty string`);
      if (typeof step.run !== 'function') throw new TypeError(`@vigil/health: ${stepWhere} ("${step.name}"): \`run\` must be a function`);
    });
  });
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
