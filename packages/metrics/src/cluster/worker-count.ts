/**
 * How many workers fit: min(CPU workers, memory limit / memory per worker), from the cgroup
 * limits when the process runs in a container and from the host otherwise. The decision is
 * exposed as `cluster_workers_planned{limited_by}`.
 */
import { availableParallelism, totalmem } from 'node:os';
import type { Registry } from 'prom-client';
import { readCgroupLimits, type CgroupLimits } from '../cgroup.js';
import { clusterFamiliesFor } from './families.js';

export interface WorkerCountInput {
  /** Memory one worker needs at its peak (heap limit plus native memory), in bytes. */
  readonly perWorkerMemoryBytes: number;
  /** Memory kept out of the budget for the primary and the runtime; default 0. */
  readonly reservedMemoryBytes?: number;
  /** Upper bound whatever the limits say. */
  readonly maxWorkers?: number;
}

export interface WorkerCountPlan {
  readonly workers: number;
  readonly limitedBy: 'cpu' | 'memory';
  readonly cpuWorkers: number;
  readonly memoryWorkers: number;
}

/** The pure decision, from known limits: at least one worker, whatever the limits say. */
export function workerCountFor(input: WorkerCountInput, limits: { readonly cpuCores: number; readonly memoryBytes: number }): WorkerCountPlan {
  if (!(input.perWorkerMemoryBytes > 0) || !Number.isFinite(input.perWorkerMemoryBytes)) {
    throw new RangeError(`@vigil/metrics: perWorkerMemoryBytes must be a positive number of bytes, got ${JSON.stringify(input.perWorkerMemoryBytes)}`);
  }
  const cpuWorkers = Math.max(1, Math.floor(limits.cpuCores));
  const budget = limits.memoryBytes - (input.reservedMemoryBytes ?? 0);
  const memoryWorkers = Math.max(1, Math.floor(budget / input.perWorkerMemoryBytes));
  let workers = Math.min(cpuWorkers, memoryWorkers);
  if (input.maxWorkers !== undefined) workers = Math.max(1, Math.min(workers, Math.floor(input.maxWorkers)));
  return { workers, limitedBy: memoryWorkers < cpuWorkers ? 'memory' : 'cpu', cpuWorkers, memoryWorkers };
}

export interface PlanWorkerCountOptions extends WorkerCountInput {
  /** Where `cluster_workers_planned` goes (the aggregator's registry); none when absent. */
  readonly registry?: Registry;
  /** cgroup filesystem root; default `/sys/fs/cgroup`. */
  readonly cgroupRoot?: string;
  /** Limits already read, instead of reading the cgroup filesystem. */
  readonly limits?: CgroupLimits;
}

/** Reads the container (or host) limits, decides, and reports the decision as a gauge. */
export async function planWorkerCount(options: PlanWorkerCountOptions): Promise<WorkerCountPlan> {
  const limits = options.limits ?? (await readCgroupLimits(options.cgroupRoot));
  const plan = workerCountFor(options, {
    cpuCores: Math.min(limits.cpuCores ?? Infinity, availableParallelism()),
    memoryBytes: Math.min(limits.memoryBytes ?? Infinity, totalmem()),
  });
  if (options.registry !== undefined) {
    const gauge = clusterFamiliesFor(options.registry).workersPlanned;
    gauge.seriesFor([plan.limitedBy]).value = plan.workers;
  }
  return plan;
}
