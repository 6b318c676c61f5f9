/**
 * `pnpm generate` at fleet scale: specs of 1,000, 4,000 and 10,000 services, each with as many
 * pipelines (bench/generate.ts `largeSpec`), written as JSON in a temp directory. Each size runs
 * the whole process `pnpm generate` starts (`node packages/generator/bin/generate.mjs --config
 * SPEC --out TMPDIR`, fresh output directory each run) under GNU time, and reports the median
 * wall time, median peak RSS and the output size. Target at 10,000 + 10,000: <= 5 s and <= 1 GB.
 * PASS/FAIL is printed; the exit code stays 0.
 *
 *   pnpm bench:generate-scale     (sizes: VIGIL_GENERATE_SIZES=1000,4000,10000; runs: VIGIL_GENERATE_RUNS=3)
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findRepoRoot } from '@vigil/generator';
import { largeSpec } from './generate.js';
import { median, printVerdicts, verdict } from './support.js';

const run = promisify(execFile);
const sizes = (process.env.VIGIL_GENERATE_SIZES ?? '1000,4000,10000').split(',').map(Number);
const runs = Number(process.env.VIGIL_GENERATE_RUNS ?? 3);
const timeBinary = '/usr/bin/time';
const targetSeconds = 5;
const targetBytes = 1e9;

interface Sample {
  readonly seconds: number;
  /** User + system CPU seconds: on the shared 2-core machine, wall time mostly measures the other jobs. */
  readonly cpuSeconds: number;
  readonly rssBytes: number;
}

async function directoryBytes(path: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/** One `pnpm generate` process under GNU time: wall seconds and peak resident set size. */
async function generateOnce(repoRoot: string, specPath: string, out: string): Promise<Sample> {
  const { stderr } = await run(
    timeBinary,
    ['-f', 'VIGIL_TIME %e %M %U %S', process.execPath, join(repoRoot, 'packages', 'generator', 'bin', 'generate.mjs'), '--config', specPath, '--out', out],
    { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 },
  );
  const match = /VIGIL_TIME (\S+) (\d+) (\S+) (\S+)/.exec(stderr);
  if (match === null) throw new Error(`${timeBinary} printed no timing: ${stderr.slice(-500)}`);
  return { seconds: Number(match[1]), rssBytes: Number(match[2]) * 1024, cpuSeconds: Number(match[3]) + Number(match[4]) };
}

async function main(): Promise<void> {
  try {
    await run(timeBinary, ['-f', '%e', 'true']);
  } catch {
    throw new Error(`${timeBinary} (GNU time) is needed to read peak RSS: apt-get install time`);
  }
  const repoRoot = findRepoRoot();
  const workspace = await mkdtemp(join(tmpdir(), 'vigil-bench-generate-scale-'));
  const rows: { size: number; seconds: number; cpuSeconds: number; rssMiB: number; outputMB: number; runs: string }[] = [];
  try {
    // Untimed: makes sure the launcher's cached bundle is current.
    await run(process.execPath, [join(repoRoot, 'packages', 'generator', 'bin', 'generate.mjs'), '--help'], { cwd: repoRoot, timeout: 120_000 });
    for (const size of sizes) {
      const specPath = join(workspace, `spec-${size}.json`);
      await writeFile(specPath, JSON.stringify(largeSpec(size)));
      const samples: Sample[] = [];
      let outputBytes = 0;
      for (let round = 0; round < runs; round++) {
        const out = join(workspace, `out-${size}-${round}`);
        samples.push(await generateOnce(repoRoot, specPath, out));
        outputBytes = await directoryBytes(out);
        await rm(out, { recursive: true, force: true });
      }
      const seconds = median(samples.map((sample) => sample.seconds));
      const rssBytes = median(samples.map((sample) => sample.rssBytes));
      rows.push({ size, seconds, cpuSeconds: median(samples.map((sample) => sample.cpuSeconds)), rssMiB: rssBytes / 2 ** 20, outputMB: outputBytes / 1e6, runs: samples.map((sample) => sample.seconds.toFixed(2)).join(', ') });
      if (size === 10_000) {
        verdict('generation at 10,000 services + 10,000 pipelines <= 5 s', seconds <= targetSeconds, `${seconds.toFixed(2)} s`);
        verdict('generation at 10,000 services + 10,000 pipelines <= 1 GB peak RSS', rssBytes <= targetBytes, `${(rssBytes / 1e9).toFixed(2)} GB`);
      }
    }
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
  console.log(`pnpm generate per fleet size (N services + N pipelines), median of ${runs} runs`);
  console.table(
    rows.map((row) => ({
      N: row.size,
      'wall (s)': row.seconds.toFixed(2),
      'CPU user+sys (s)': row.cpuSeconds.toFixed(2),
      'peak RSS (MiB)': row.rssMiB.toFixed(0),
      'output (MB)': row.outputMB.toFixed(1),
      runs: row.runs,
    })),
  );
  printVerdicts();
}

await main();
