import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCgroupLimits } from '../src/index.js';
import { findSamples, sampleValue } from './helpers/exposition.js';
import { isolatedVigil, samplesOf } from './helpers/vigil.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

async function fakeCgroup(files: Record<string, string>): Promise<{ root: string; procSelfCgroup: string }> {
  const root = await mkdtemp(join(tmpdir(), 'vigil-cgroup-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  const procSelfCgroup = join(root, 'proc-self-cgroup');
  await writeFile(procSelfCgroup, files['proc'] ?? '0::/\n');
  return { root, procSelfCgroup };
}

describe('cgroup limits', () => {
  it('reads cgroup v2 memory.max and cpu.max of the process cgroup', async () => {
    const { root, procSelfCgroup } = await fakeCgroup({
      proc: '0::/app.slice/service\n',
      'app.slice/service/memory.max': '536870912\n',
      'app.slice/service/cpu.max': '150000 100000\n',
    });
    expect(await readCgroupLimits(root, procSelfCgroup)).toEqual({ memoryBytes: 536870912, cpuCores: 1.5 });
  });

  it('reports no limit for cgroup v2 "max"', async () => {
    const { root, procSelfCgroup } = await fakeCgroup({ 'memory.max': 'max\n', 'cpu.max': 'max 100000\n' });
    expect(await readCgroupLimits(root, procSelfCgroup)).toEqual({ memoryBytes: undefined, cpuCores: undefined });
  });

  it('falls back to cgroup v1 files, where -1 and ~2^63 mean unlimited', async () => {
    const limited = await fakeCgroup({
      'memory/memory.limit_in_bytes': '268435456\n',
      'cpu/cpu.cfs_quota_us': '50000\n',
      'cpu/cpu.cfs_period_us': '100000\n',
    });
    expect(await readCgroupLimits(limited.root, limited.procSelfCgroup)).toEqual({ memoryBytes: 268435456, cpuCores: 0.5 });
    const unlimited = await fakeCgroup({
      'memory/memory.limit_in_bytes': '9223372036854771712\n',
      'cpu/cpu.cfs_quota_us': '-1\n',
      'cpu/cpu.cfs_period_us': '100000\n',
    });
    expect(await readCgroupLimits(unlimited.root, unlimited.procSelfCgroup)).toEqual({ memoryBytes: undefined, cpuCores: undefined });
  });

  it('exposes the limits as gauges, and no sample when unlimited', async () => {
    const limited = await fakeCgroup({ 'memory.max': '1073741824\n', 'cpu.max': '200000 100000\n' });
    const vigil = isolatedVigil({ cgroupRoot: limited.root });
    const samples = await samplesOf(vigil);
    expect(sampleValue(samples, 'container_memory_limit_bytes')).toBe(1073741824);
    expect(sampleValue(samples, 'container_cpu_limit_cores')).toBe(2);

    const unlimited = await fakeCgroup({ 'memory.max': 'max\n', 'cpu.max': 'max 100000\n' });
    const open = await samplesOf(isolatedVigil({ cgroupRoot: unlimited.root }));
    expect(findSamples(open, 'container_memory_limit_bytes')).toHaveLength(0);
    expect(findSamples(open, 'container_cpu_limit_cores')).toHaveLength(0);
  });
});
