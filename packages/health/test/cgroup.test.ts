import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealth, readContainerMemory } from '../src/index.js';

const dirs: string[] = [];
async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'vigil-cgroup-'));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('container memory', () => {
  it('reads a cgroup v2 limit from the namespace root', async () => {
    const root = await tree({ 'proc/cgroup': '0::/\n', 'sys/memory.max': '536870912\n', 'sys/memory.current': '104857600\n' });
    expect(await readContainerMemory({ root: join(root, 'sys'), procSelfCgroup: join(root, 'proc/cgroup') })).toEqual({
      limitBytes: 536870912,
      usageBytes: 104857600,
      source: 'cgroup-v2',
    });
  });

  it('reads a cgroup v2 limit from the process group when there is no namespace', async () => {
    const root = await tree({
      'proc/cgroup': '0::/kubepods/pod1/abc\n',
      'sys/memory.max': 'max\n',
      'sys/kubepods/pod1/abc/memory.max': '268435456\n',
      'sys/kubepods/pod1/abc/memory.current': '1000\n',
    });
    expect(await readContainerMemory({ root: join(root, 'sys'), procSelfCgroup: join(root, 'proc/cgroup') })).toEqual({
      limitBytes: 268435456,
      usageBytes: 1000,
      source: 'cgroup-v2',
    });
  });

  it('reports no limit for cgroup v2 "max"', async () => {
    const root = await tree({ 'proc/cgroup': '0::/\n', 'sys/memory.max': 'max\n' });
    const memory = await readContainerMemory({ root: join(root, 'sys'), procSelfCgroup: join(root, 'proc/cgroup') });
    expect(memory).toMatchObject({ limitBytes: null, source: 'cgroup-v2' });
  });

  it('reads a cgroup v1 limit and treats the huge default as unlimited', async () => {
    const limited = await tree({
      'proc/cgroup': '5:devices:/\n4:memory:/docker/abc\n0::/\n',
      'sys/memory/docker/abc/memory.limit_in_bytes': '1073741824\n',
      'sys/memory/docker/abc/memory.usage_in_bytes': '2048\n',
    });
    expect(await readContainerMemory({ root: join(limited, 'sys'), procSelfCgroup: join(limited, 'proc/cgroup') })).toEqual({
      limitBytes: 1073741824,
      usageBytes: 2048,
      source: 'cgroup-v1',
    });
    const unlimited = await tree({
      'proc/cgroup': '4:memory:/\n',
      'sys/memory/memory.limit_in_bytes': '9223372036854771712\n',
    });
    const memory = await readContainerMemory({ root: join(unlimited, 'sys'), procSelfCgroup: join(unlimited, 'proc/cgroup') });
    expect(memory).toMatchObject({ limitBytes: null, source: 'cgroup-v1' });
  });

  it('reports no cgroup when none is readable', async () => {
    const root = await tree({ 'proc/cgroup': '' });
    expect(await readContainerMemory({ root: join(root, 'nowhere'), procSelfCgroup: join(root, 'proc/cgroup') })).toEqual({
      limitBytes: null,
      usageBytes: null,
      source: 'none',
    });
  });

  it('puts RSS against the container limit in diagnostics', async () => {
    const root = await tree({ 'proc/cgroup': '0::/\n', 'sys/memory.max': String(4 * 1024 ** 3) });
    const health = createHealth({ registry: null, cgroup: { root: join(root, 'sys'), procSelfCgroup: join(root, 'proc/cgroup') } });
    const diagnostics = await health.diagnostics();
    health.close();
    expect(diagnostics.memory.container.limitBytes).toBe(4 * 1024 ** 3);
    expect(diagnostics.memory.rssOfLimit).toBeCloseTo(diagnostics.memory.rssBytes / (4 * 1024 ** 3), 3);
  });
});
