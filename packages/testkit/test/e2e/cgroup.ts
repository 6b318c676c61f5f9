import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temp directory laid out like a cgroup v2 root, for the example service's VIGIL_CGROUP_ROOT. */
export interface CgroupRoot {
  readonly path: string;
  readonly memoryLimitBytes: number;
  readonly cpuLimitCores: number;
  remove(): void;
}

/**
 * Hosts (and CI runners) without a container limit export no `container_*_limit` series; a
 * cgroup root with `memory.max` and `cpu.max` gives the limit gauges, and every panel reading
 * them, real values, read through the same code path as in a container.
 */
export function createCgroupRoot(limits: { memoryBytes?: number; cpuQuotaMicros?: number; cpuPeriodMicros?: number } = {}): CgroupRoot {
  const memoryLimitBytes = limits.memoryBytes ?? 536_870_912;
  const quota = limits.cpuQuotaMicros ?? 100_000;
  const period = limits.cpuPeriodMicros ?? 100_000;
  const path = mkdtempSync(join(tmpdir(), 'vigil-cgroup-'));
  writeFileSync(join(path, 'memory.max'), `${memoryLimitBytes}\n`);
  writeFileSync(join(path, 'cpu.max'), `${quota} ${period}\n`);
  return { path, memoryLimitBytes, cpuLimitCores: quota / period, remove: () => rmSync(path, { recursive: true, force: true }) };
}
