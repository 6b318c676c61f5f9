/**
 * Bounded work for hostile input: each input class, generated at its worst up to 5 MB, is fed
 * to the whole `pnpm generate` process (`node packages/generator/bin/generate.mjs`) under
 * /usr/bin/time; prints wall time, peak RSS and the exit code per class, the median of 3 runs,
 * against the target of 5 s and 1 GB. PASS/FAIL is printed; the exit code stays 0. The first
 * line is the bare process start (`--help`), which every figure includes.
 *
 *   pnpm bench:spec     (also run by `pnpm bench`)
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot, maxFieldsPerObject, maxSamplesPerWindow } from '@vigil/generator';
import { largeSpec } from './generate.js';

const maxBytes = 5 * 1024 * 1024;
const targetSeconds = 5;
const targetMegabytes = 1024;
const runs = 3;

const base = (): Record<string, unknown> => JSON.parse(JSON.stringify(largeSpec(3))) as Record<string, unknown>;

/** Each class: a file name (its extension picks the parser) and its content at the worst size. */
export function inputClasses(): { readonly name: string; readonly file: string; readonly content: string | Buffer }[] {
  const nested = 'a: ' + '['.repeat(maxBytes / 2 - 8) + ']'.repeat(maxBytes / 2 - 8);
  const aliasBomb = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 20 }, (_, index) => `a${index + 1}: &a${index + 1} [${Array(10).fill(`*a${index}`).join(', ')}]`)].join('\n');
  const unknownFields = Object.fromEntries(Array.from({ length: 250_000 }, (_, index) => [`f${index}`, index]));
  const longName = { ...base(), services: [{ name: 'a'.repeat(maxBytes - 1000), targets: ['a:1'] }] };
  const edge = base() as { prometheus?: unknown; services: Record<string, unknown>[]; pipelines: Record<string, unknown>[] };
  edge.prometheus = { scrapeInterval: '1s', evaluationInterval: '1s' };
  for (const service of edge.services) service.alerts = { unhandledErrorsBurst: { window: '30d', for: '30d' }, serviceDown: { for: '30d' } };
  for (const pipeline of edge.pipelines) pipeline.zeroItemsWindow = '30d';
  // Exactly at the bounds the spec validation enforces: accepted, so this is real generation work.
  const atLimit = base() as { prometheus?: unknown; services: Record<string, unknown>[]; pipelines: Record<string, unknown>[]; kubernetes?: unknown };
  atLimit.prometheus = { scrapeInterval: '1s', evaluationInterval: '1s' };
  const limitWindow = `${maxSamplesPerWindow}s`;
  for (const service of atLimit.services) service.alerts = { unhandledErrorsBurst: { window: limitWindow, for: limitWindow }, serviceDown: { for: limitWindow } };
  for (const pipeline of atLimit.pipelines) pipeline.zeroItemsWindow = limitWindow;
  atLimit.kubernetes = { namespace: 'vigil', labels: Object.fromEntries(Array.from({ length: maxFieldsPerObject }, (_, index) => [`k${index}`, 'v'])) };
  const binary = Buffer.alloc(maxBytes);
  for (let index = 0; index < binary.length; index++) binary[index] = (index * 7919 + 13) % 256;
  return [
    { name: 'binary', file: 'binary.yaml', content: binary },
    { name: 'YAML nested 2.5M deep', file: 'nested.yaml', content: nested },
    { name: 'YAML alias bomb', file: 'aliases.yaml', content: aliasBomb },
    { name: '250k unknown fields (refused)', file: 'unknown.json', content: JSON.stringify(unknownFields) },
    { name: '5 MB name', file: 'long-name.json', content: JSON.stringify(longName) },
    { name: 'edge: 1s scrape, 30d windows (refused)', file: 'edge.json', content: JSON.stringify(edge) },
    { name: `at the bounds: 1s scrape, ${maxSamplesPerWindow}s windows, ${maxFieldsPerObject}-field object`, file: 'at-limit.json', content: JSON.stringify(atLimit) },
    { name: 'valid: 1,000 services', file: 'large.json', content: JSON.stringify(largeSpec(1000)) },
  ];
}

/** Wall and CPU (user + system) seconds: on a shared machine the CPU figure is the one other jobs do not move. */
function timed(args: readonly string[]): Promise<{ seconds: number; cpuSeconds: number; megabytes: number; code: number }> {
  return new Promise((resolve) => {
    execFile('/usr/bin/time', ['-f', 'vigil-bench %e %M %U %S', process.execPath, ...args], { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (error, _stdout, stderr) => {
      const match = /vigil-bench ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : -1;
      resolve({ seconds: match ? Number(match[1]) : Number.NaN, cpuSeconds: match ? Number(match[3]) + Number(match[4]) : Number.NaN, megabytes: match ? Number(match[2]) / 1024 : Number.NaN, code });
    });
  });
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const launcher = join(findRepoRoot(), 'packages', 'generator', 'bin', 'generate.mjs');
  const workspace = await mkdtemp(join(tmpdir(), 'vigil-bench-bounds-'));
  try {
    await timed([launcher, '--help']);
    const bare = [];
    for (let run = 0; run < runs; run++) bare.push(await timed([launcher, '--help']));
    console.log(`process start alone (--help): ${median(bare.map((result) => result.seconds)).toFixed(2)} s (CPU ${median(bare.map((result) => result.cpuSeconds)).toFixed(2)} s), ${median(bare.map((result) => result.megabytes)).toFixed(0)} MB`);
    console.log(`input class (exit code): median wall s, peak RSS MB over ${runs} runs; target <= ${targetSeconds} s and <= ${targetMegabytes} MB`);
    for (const input of inputClasses()) {
      const path = join(workspace, input.file);
      await writeFile(path, input.content);
      const results = [];
      for (let run = 0; run < runs; run++) results.push(await timed([launcher, '--config', path, '--out', join(workspace, `out-${run}`)]));
      const seconds = median(results.map((result) => result.seconds));
      const megabytes = median(results.map((result) => result.megabytes));
      const pass = seconds <= targetSeconds && megabytes <= targetMegabytes;
      const cpuSeconds = median(results.map((result) => result.cpuSeconds));
      console.log(`  ${input.name} (${(input.content.length / 1024).toFixed(0)} kB, exit ${results[0]!.code}): ${seconds.toFixed(2)} s (CPU ${cpuSeconds.toFixed(2)} s), ${megabytes.toFixed(0)} MB ${pass ? 'PASS' : 'FAIL'}`);
    }
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
