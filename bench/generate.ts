/**
 * `pnpm generate` at scale: builds specs of 1,000 services + 1,000 pipelines and of 2,000 + 2,000
 * (JSON, in a temp directory), then times the WHOLE process (`node
 * packages/generator/bin/generate.mjs --config SPEC --out TMPDIR`, fresh output directory each run) several times and reports the
 * median wall time of each size and their ratio. Targets: <= 2 s for 1,000, ratio <= 2.2
 * (linear). PASS/FAIL is printed; the exit code stays 0. The process is the one `pnpm generate`
 * starts (`node packages/generator/bin/generate.mjs`); one untimed run first makes sure its
 * cached bundle is current, so a rebuild after a source change is not counted.
 *
 *   pnpm exec tsx --conditions=vigil-source bench/generate.ts     (also run by `pnpm bench`)
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findRepoRoot, type MonitoringSpec } from '@vigil/generator';

const run = promisify(execFile);
const runs = 5;
const targetSeconds = 2;
const targetRatio = 2.2;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A spec with `count` services (a third each api, pipeline, worker) and `count` pipelines. */
export function largeSpec(count: number): MonitoringSpec {
  const kinds = ['api', 'pipeline', 'worker'] as const;
  const width = String(count).length;
  const id = (index: number): string => String(index).padStart(width, '0');
  const services = Array.from({ length: count }, (_, index) => ({
    name: `svc-${id(index)}`,
    kind: kinds[index % 3]!,
    team: index % 2 === 0 ? 'platform' : 'data',
    targets: [`svc-${id(index)}:9464`],
    ...(index % 5 === 0 ? { alerts: { highLatencyP95: { seconds: 0.5 }, highErrorRate: { ratio: 0.05, for: '10m' } } } : {}),
  }));
  const pipelineServices = services.filter((service) => service.kind === 'pipeline');
  const pipelines = Array.from({ length: count }, (_, index) => ({
    name: `pipe-${id(index)}`,
    service: pipelineServices[index % pipelineServices.length]!.name,
    ...(index % 2 === 0 ? { expectedItemsPerDay: 1000 + index, requiredFields: ['id', 'price', 'currency'] } : { zeroItemsWindow: '12h' }),
  }));
  return {
    runbookUrl: 'https://github.com/vigil-dev/vigil/blob/main/alerts/runbooks/{alert}.md',
    teams: [
      { name: 'platform', pageReceivers: ['platform-pager'], ticketReceivers: ['platform-chat'] },
      { name: 'data', pageReceivers: ['data-pager'], ticketReceivers: ['data-chat'] },
    ],
    receivers: [
      { name: 'platform-pager', type: 'pagerduty', routingKeyFile: '/etc/alertmanager/secrets/pagerduty-platform' },
      { name: 'data-pager', type: 'pagerduty', routingKeyFile: '/etc/alertmanager/secrets/pagerduty-data' },
      { name: 'platform-chat', type: 'webhook', url: 'http://chat-bridge:8080/platform' },
      { name: 'data-chat', type: 'webhook', url: 'http://chat-bridge:8080/data' },
    ],
    services,
    pipelines,
    dependencies: [
      { name: 'postgres', kind: 'postgres', targets: ['postgres-exporter:9187'], address: 'postgres:5432' },
      { name: 'redis', kind: 'redis', targets: ['redis-exporter:9121'], address: 'redis:6379' },
      { name: 'primary-db', kind: 'healthCheck', check: 'postgres', services: services.slice(0, 50).map((service) => service.name) },
    ],
  };
}

function launcherPath(repoRoot: string): string {
  return join(repoRoot, 'packages', 'generator', 'bin', 'generate.mjs');
}

async function timeGenerate(repoRoot: string, specPath: string, workspace: string, label: string): Promise<number[]> {
  const times: number[] = [];
  for (let round = 0; round < runs; round++) {
    const out = join(workspace, `${label}-out-${round}`);
    const started = process.hrtime.bigint();
    await run(process.execPath, [launcherPath(repoRoot), '--config', specPath, '--out', out], {
      cwd: repoRoot,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 120_000,
    });
    times.push(Number(process.hrtime.bigint() - started) / 1e9);
    await rm(out, { recursive: true, force: true });
  }
  return times;
}

async function main(): Promise<void> {
  const repoRoot = findRepoRoot();
  const workspace = await mkdtemp(join(tmpdir(), 'vigil-bench-generate-'));
  try {
    const sizes = [1000, 2000] as const;
    const medians = new Map<number, number>();
    const warmUpStarted = process.hrtime.bigint();
    await run(process.execPath, [launcherPath(repoRoot), '--help'], { cwd: repoRoot, timeout: 120_000 });
    const warmUp = Number(process.hrtime.bigint() - warmUpStarted) / 1e9;
    for (const size of sizes) {
      const specPath = join(workspace, `spec-${size}.json`);
      await writeFile(specPath, JSON.stringify(largeSpec(size)));
      const times = await timeGenerate(repoRoot, specPath, workspace, String(size));
      medians.set(size, median(times));
      console.log(
        `generate ${size} services + ${size} pipelines: median ${median(times).toFixed(2)} s wall (runs: ${times.map((t) => t.toFixed(2)).join(', ')})`,
      );
    }
    // Context on a shared machine: starting the process at all, which the targets include.
    const bare: number[] = [];
    for (let round = 0; round < runs; round++) {
      const started = process.hrtime.bigint();
      await run(process.execPath, [launcherPath(repoRoot), '--help'], { cwd: repoRoot, timeout: 60_000 });
      bare.push(Number(process.hrtime.bigint() - started) / 1e9);
    }
    console.log(`  (for context: \`pnpm generate --help\` takes a median ${median(bare).toFixed(2)} s here;`);
    console.log(`   the untimed first run took ${warmUp.toFixed(2)} s, including a bundle rebuild if sources had changed)`);
    const small = medians.get(1000)!;
    const ratio = medians.get(2000)! / small;
    console.log(`  1,000 + 1,000: ${small.toFixed(2)} s (target <= ${targetSeconds} s) ${small <= targetSeconds ? 'PASS' : 'FAIL'}`);
    console.log(`  2,000 / 1,000 ratio: ${ratio.toFixed(2)} (target <= ${targetRatio}) ${ratio <= targetRatio ? 'PASS' : 'FAIL'}`);
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith("generate.ts")) await main();
