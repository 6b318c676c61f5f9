/**
 * Container limits from cgroups: v2 (`memory.max`, `cpu.max`) first, then v1
 * (`memory/memory.limit_in_bytes`, `cpu/cpu.cfs_quota_us` / `cpu.cfs_period_us`).
 * A missing file or an unlimited value yields `undefined`, and the gauge has no sample.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CgroupLimits {
  readonly memoryBytes: number | undefined;
  readonly cpuCores: number | undefined;
}

// cgroup v1 reports "no limit" as the largest page-aligned 64-bit value, around 2^63.
const v1UnlimitedThreshold = 2 ** 60;

async function readTrimmed(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** The cgroup v2 directory of this process, from /proc/self/cgroup ("0::/path"). */
async function v2Directory(root: string, procSelfCgroup: string): Promise<string> {
  const membership = await readTrimmed(procSelfCgroup);
  const line = membership?.split('\n').find((entry) => entry.startsWith('0::'));
  const relative = line?.slice(3) ?? '/';
  return join(root, relative);
}

async function firstExisting(paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) {
    const content = await readTrimmed(path);
    if (content !== undefined) return content;
  }
  return undefined;
}

export function parseV2Memory(content: string | undefined): number | undefined {
  if (content === undefined || content === 'max') return undefined;
  const bytes = Number(content);
  return Number.isFinite(bytes) && bytes > 0 ? bytes : undefined;
}

export function parseV2Cpu(content: string | undefined): number | undefined {
  if (content === undefined) return undefined;
  const [quota, period = '100000'] = content.split(/\s+/);
  if (quota === undefined || quota === 'max') return undefined;
  const cores = Number(quota) / Number(period);
  return Number.isFinite(cores) && cores > 0 ? cores : undefined;
}

export async function readCgroupLimits(root = '/sys/fs/cgroup', procSelfCgroup = '/proc/self/cgroup'): Promise<CgroupLimits> {
  const own = await v2Directory(root, procSelfCgroup);
  const v2Memory = await firstExisting([join(own, 'memory.max'), join(root, 'memory.max')]);
  const v2Cpu = await firstExisting([join(own, 'cpu.max'), join(root, 'cpu.max')]);
  let memoryBytes = parseV2Memory(v2Memory);
  let cpuCores = parseV2Cpu(v2Cpu);

  if (v2Memory === undefined) {
    const limit = Number(await readTrimmed(join(root, 'memory', 'memory.limit_in_bytes')));
    memoryBytes = Number.isFinite(limit) && limit > 0 && limit < v1UnlimitedThreshold ? limit : undefined;
  }
  if (v2Cpu === undefined) {
    const quota = Number(await readTrimmed(join(root, 'cpu', 'cpu.cfs_quota_us')));
    const period = Number(await readTrimmed(join(root, 'cpu', 'cpu.cfs_period_us')));
    cpuCores = quota > 0 && period > 0 ? quota / period : undefined;
  }
  return { memoryBytes, cpuCores };
}
