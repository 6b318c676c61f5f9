/**
 * A small cluster supervisor: keeps `workers` processes running, starts a crashed one again
 * after an exponential backoff, and counts each restart in `cluster_worker_restarts_total{worker}`
 * by slot (what the ServiceRestarting alerts read next to the slot's `process_start_time_seconds`).
 * Each worker gets a slot number in `VIGIL_WORKER_SLOT`; its replacement gets the same slot, so
 * per-worker series keep their `worker` label.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Registry } from 'prom-client';
import { clusterFamiliesFor } from './families.js';

export const workerSlotEnv = 'VIGIL_WORKER_SLOT';

export interface BackoffOptions {
  /** Delay before the first restart of a slot; default 1000 ms. It doubles per crash in a row. */
  readonly initialMs?: number;
  /** Longest delay; default 30,000 ms. */
  readonly maxMs?: number;
  /** A worker that ran this long before crashing starts its slot's backoff over; default 60,000 ms. */
  readonly stableMs?: number;
}

export interface SupervisorOptions {
  /** How many workers to keep running (see `planWorkerCount`). */
  readonly workers: number;
  /** Where `cluster_worker_restarts_total` goes: the aggregator's registry. */
  readonly registry: Registry;
  readonly backoff?: BackoffOptions;
  /** How long `stop()` lets a disconnected worker finish before killing it; default 10,000 ms. */
  readonly stopGraceMs?: number;
  /** Extra environment for every worker. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface Supervisor {
  /** Restarts after a crash so far. */
  readonly restarts: number;
  /** The running workers by slot. */
  workers(): ReadonlyMap<number, Worker>;
  /**
   * Stops restarting and disconnects every worker, which closes their servers so they finish
   * what they are doing; one still running after `stopGraceMs` is killed. Resolves when all exited.
   */
  stop(): Promise<void>;
}

function positive(value: number, name: string): number {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`@vigil/metrics: superviseWorkers ${name} must be a positive number, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** The delay before restarting a slot that has crashed `crashesInARow` times (1 = the first). */
export function restartDelayMs(crashesInARow: number, backoff: BackoffOptions = {}): number {
  const initial = backoff.initialMs ?? 1000;
  const max = backoff.maxMs ?? 30_000;
  return Math.min(max, initial * 2 ** Math.max(0, crashesInARow - 1));
}

/** Runs in the cluster primary: forks the workers and keeps them running. */
export function superviseWorkers(options: SupervisorOptions): Supervisor {
  if (!cluster.isPrimary) throw new Error('@vigil/metrics: superviseWorkers() runs in the cluster primary');
  if (!Number.isInteger(options.workers) || options.workers < 1) {
    throw new RangeError(`@vigil/metrics: superviseWorkers workers must be a positive integer, got ${JSON.stringify(options.workers)}`);
  }
  const backoff = options.backoff ?? {};
  positive(backoff.initialMs ?? 1000, 'backoff.initialMs');
  positive(backoff.maxMs ?? 30_000, 'backoff.maxMs');
  const stableMs = positive(backoff.stableMs ?? 60_000, 'backoff.stableMs');
  const stopGraceMs = positive(options.stopGraceMs ?? 10_000, 'stopGraceMs');
  const restartCounters = clusterFamiliesFor(options.registry).workerRestarts;
  const running = new Map<number, Worker>();
  const crashesInARow = new Map<number, number>();
  const pending = new Set<NodeJS.Timeout>();
  let restarts = 0;
  let stopping = false;

  const start = (slot: number): void => {
    // Touched at every start, so each slot's series exists at 0 before its first crash: a series
    // born at 1 would hide that first restart from increase().
    const restartCounter = restartCounters.seriesFor([String(slot)]);
    const startedAt = performance.now();
    const worker = cluster.fork({ ...options.env, [workerSlotEnv]: String(slot) });
    running.set(slot, worker);
    worker.once('exit', () => {
      if (running.get(slot) === worker) running.delete(slot);
      if (stopping) return;
      // A worker disconnected on purpose (a rolling restart) is replaced at once, uncounted.
      if (worker.exitedAfterDisconnect) {
        start(slot);
        return;
      }
      const inARow = performance.now() - startedAt >= stableMs ? 1 : (crashesInARow.get(slot) ?? 0) + 1;
      crashesInARow.set(slot, inARow);
      const timer = setTimeout(() => {
        pending.delete(timer);
        if (stopping) return;
        restarts += 1;
        restartCounter.inc();
        start(slot);
      }, restartDelayMs(inARow, backoff));
      pending.add(timer);
    });
  };
  for (let slot = 0; slot < options.workers; slot++) start(slot);

  return {
    get restarts() {
      return restarts;
    },
    workers: () => new Map(running),
    async stop() {
      stopping = true;
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
      await Promise.all(
        [...running.values()].map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (worker.isDead()) return resolve();
              const kill = setTimeout(() => worker.kill('SIGKILL'), stopGraceMs);
              worker.once('exit', () => {
                clearTimeout(kill);
                resolve();
              });
              worker.disconnect();
            }),
        ),
      );
    },
  };
}
