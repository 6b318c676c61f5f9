import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Memory limit of the container the process runs in. In a container `os.totalmem()` reports
 * the host's memory, so a service at 95% of its 512 MiB limit would look idle; the limit
 * that the OOM killer enforces is the cgroup's.
 */
export interface ContainerMemory {
  /** Limit in bytes, or null when the cgroup sets none (or there is no cgroup). */
  readonly limitBytes: number | null;
  /** Current usage charged to the cgroup, when readable. */
  readonly usageBytes: number | null;
  readonly source: 'cgroup-v2' | 'cgroup-v1' | 'none';
}

export interface CgroupPaths {
  /** Mount point of the cgroup hierarchy. Default `/sys/fs/cgroup`. */
  readonly root?: string;
  /** The process's cgroup membership file. Default `/proc/self/cgroup`. */
  readonly procSelfCgroup?: string;
}

/** Above this a v1 limit means "unlimited" (the kernel reports PAGE_COUNTER_MAX rounded to pages). */
const v1UnlimitedThreshold = 2 ** 60;

export async function readContainerMemory(paths: CgroupPaths = {}): Promise<ContainerMemory> {
  const root = paths.root ?? '/sys/fs/cgroup';
  const membership = (await readText(paths.procSelfCgroup ?? '/proc/self/cgroup')) ?? '';
  const lines = membership.split('\n').filter(Boolean);

  const v2Line = lines.find((line) => line.startsWith('0::'));
  const v1Line = lines.find((line) => line.split(':')[1]?.split(',').includes('memory'));

  if (v1Line) {
    const group = v1Line.split(':').slice(2).join(':');
    const dirs = candidates(join(root, 'memory'), group);
    const limit = await firstNumber(dirs.map((dir) => join(dir, 'memory.limit_in_bytes')));
    if (limit !== undefined) {
      const usage = await firstNumber(dirs.map((dir) => join(dir, 'memory.usage_in_bytes')));
      return { limitBytes: limit >= v1UnlimitedThreshold ? null : limit, usageBytes: usage ?? null, source: 'cgroup-v1' };
    }
  }
  if (v2Line !== undefined || lines.length === 0) {
    const group = v2Line === undefined ? '/' : v2Line.slice(3);
    const dirs = candidates(root, group);
    const limitText = await firstText(dirs.map((dir) => join(dir, 'memory.max')));
    if (limitText !== undefined) {
      const usage = await firstNumber(dirs.map((dir) => join(dir, 'memory.current')));
      const limit = limitText === 'max' ? null : toNumber(limitText);
      return { limitBytes: limit ?? null, usageBytes: usage ?? null, source: 'cgroup-v2' };
    }
  }
  return { limitBytes: null, usageBytes: null, source: 'none' };
}

/**
 * The process's own cgroup directory first, then the hierarchy root: inside a container with
 * a cgroup namespace the membership path is `/` and the root *is* the container's group, while
 * without a namespace the path names the group under the host's root.
 */
function candidates(base: string, group: string): string[] {
  const own = join(base, group);
  return own === base ? [base] : [own, base];
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

async function firstText(paths: string[]): Promise<string | undefined> {
  for (const path of paths) {
    const text = await readText(path);
    if (text !== undefined && text !== '') return text;
  }
  return undefined;
}

async function firstNumber(paths: string[]): Promise<number | undefined> {
  for (const path of paths) {
    const value = toNumber((await readText(path)) ?? '');
    if (value !== undefined) return value;
  }
  return undefined;
}

function toNumber(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  return Number(text);
}
