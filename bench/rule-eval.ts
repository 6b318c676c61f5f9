/**
 * Rule-evaluation cost at fleet scale, both rule shapes side by side on the same real Prometheus
 * binary and the same synthetic fleet (bench/synthetic-fleet.ts, loopback only):
 *  - baseline: the rules as rendered at commit 334c422 (one rule per service or pipeline per alert,
 *    thresholds inlined), stored in bench/fixtures/baseline-rules-N.tar.gz for the spec
 *    `largeSpec(N)` of bench/generate.ts;
 *  - current: the rules this workspace renders for `largeSpec(N)`.
 * For each, Prometheus scrapes N services every 15 s and evaluates every 15 s; after a warm-up,
 * the bench samples `prometheus_rule_group_last_duration_seconds` once per cycle and reports the
 * median per-cycle sum over alerting groups, recording groups and all groups, Prometheus' CPU
 * (its process_cpu_seconds_total over the sampled cycles) and RSS, read from its own /metrics, rules loaded and alerts firing.
 *
 *   pnpm bench:rule-eval          (sizes: VIGIL_RULE_EVAL_SIZES=100,1000; cycles: VIGIL_RULE_EVAL_CYCLES=6)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel, renderModel, writeGeneratedFiles } from '@vigil/generator';
import { ruleFileOrder, rulesGenerator } from '../packages/generator/src/rules/generator.js';
import { startPrometheus, waitUntil, type PrometheusInstance } from '../packages/testkit/src/index.js';
import { largeSpec } from './generate.js';
import { median, printVerdicts, verdict } from './support.js';
import { startSyntheticFleet } from './synthetic-fleet.js';

const sizes = (process.env.VIGIL_RULE_EVAL_SIZES ?? '100,1000').split(',').map(Number);
const cycles = Number(process.env.VIGIL_RULE_EVAL_CYCLES ?? 6);
const intervalSeconds = 15;
const fixtures = new URL('./fixtures/', import.meta.url).pathname;

interface Measurement {
  readonly shape: string;
  readonly size: number;
  readonly rules: number;
  readonly ruleBytes: number;
  readonly alertingSeconds: number;
  readonly recordingSeconds: number;
  readonly allSeconds: number;
  readonly cpuCores: number;
  readonly rssMiB: number;
  readonly firing: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function baselineRules(size: number, workDir: string): string[] {
  const directory = join(workDir, `baseline-${size}`);
  execFileSync('mkdir', ['-p', directory]);
  execFileSync('tar', ['-xzf', join(fixtures, `baseline-rules-${size}.tar.gz`), '-C', directory]);
  return ['recording-rules.yml', 'p1-page.yml', 'p2-ticket.yml'].map((name) => join(directory, name));
}

async function currentRules(size: number, workDir: string): Promise<string[]> {
  const directory = join(workDir, `current-${size}`);
  const model = buildModel(largeSpec(size), `bench-${size}.json`);
  await writeGeneratedFiles(renderModel(model, [rulesGenerator]), { outDir: directory, source: model.source });
  return ruleFileOrder.map((path) => join(directory, path));
}

/** One of Prometheus' own process metrics, read from its /metrics (no self-scrape needed). */
async function ownMetric(prometheus: PrometheusInstance, name: string): Promise<number> {
  const text = await (await fetch(`${prometheus.url}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  if (match === null) throw new Error(`Prometheus exposes no ${name}`);
  return Number(match[1]);
}

/** prometheus_rule_group_last_duration_seconds per rule_group ("file;group"), from Prometheus' own /metrics. */
async function groupDurations(prometheus: PrometheusInstance): Promise<Map<string, number>> {
  const text = await (await fetch(`${prometheus.url}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
  const durations = new Map<string, number>();
  for (const match of text.matchAll(/^prometheus_rule_group_last_duration_seconds\{rule_group="((?:[^"\\]|\\.)*)"\} (\S+)$/gm)) {
    durations.set(match[1]!, Number(match[2]));
  }
  return durations;
}

async function measure(shape: string, size: number, ruleFiles: readonly string[], scrapeConfigs: readonly Record<string, unknown>[]): Promise<Measurement> {
  const prometheus: PrometheusInstance = await startPrometheus({
    config: { global: { scrape_interval: `${intervalSeconds}s`, evaluation_interval: `${intervalSeconds}s` }, scrape_configs: [...scrapeConfigs] },
    rulesFiles: ruleFiles,
    readyTimeoutMs: 120_000,
    launcher: 'local',
  });
  try {
    const groups = await prometheus.ruleGroups();
    const alerting = new Set(groups.filter((group) => group.rules.some((rule) => rule.type === 'alerting')).map((group) => `${group.file};${group.name}`));
    const rules = groups.reduce((total, group) => total + group.rules.length, 0);
    await waitUntil(async () => (await groupDurations(prometheus)).size > 0 && [...(await groupDurations(prometheus)).values()].some((value) => value > 0), {
      timeoutMs: 120_000,
      description: 'a first rule evaluation',
    });
    await sleep(3 * intervalSeconds * 1000);
    const cpuBefore = await ownMetric(prometheus, 'process_cpu_seconds_total');
    const sampledFrom = Date.now();
    const alertingSums: number[] = [];
    const recordingSums: number[] = [];
    for (let cycle = 0; cycle < cycles; cycle++) {
      let alertingSum = 0;
      let recordingSum = 0;
      for (const [group, value] of await groupDurations(prometheus)) {
        if (alerting.has(group)) alertingSum += value;
        else recordingSum += value;
      }
      alertingSums.push(alertingSum);
      recordingSums.push(recordingSum);
      await sleep(intervalSeconds * 1000);
    }
    const cpuCores = ((await ownMetric(prometheus, 'process_cpu_seconds_total')) - cpuBefore) / ((Date.now() - sampledFrom) / 1000);
    const rssBytes = await ownMetric(prometheus, 'process_resident_memory_bytes');
    const firing = (await prometheus.alerts()).filter((alert) => alert.state === 'firing').length;
    const alertingSeconds = median(alertingSums);
    const recordingSeconds = median(recordingSums);
    return {
      shape,
      size,
      rules,
      ruleBytes: ruleFiles.reduce((total, file) => total + statSync(file).size, 0),
      alertingSeconds,
      recordingSeconds,
      allSeconds: median(alertingSums.map((value, index) => value + recordingSums[index]!)),
      cpuCores,
      rssMiB: rssBytes / 2 ** 20,
      firing,
    };
  } finally {
    await prometheus.stop();
  }
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'vigil-rule-eval-'));
  const rows: Measurement[] = [];
  try {
    for (const size of sizes) {
      const spec = largeSpec(size);
      const fleet = await startSyntheticFleet(spec);
      try {
        const scrapeConfigs = spec.services.map((service) => ({
          job_name: service.name,
          metrics_path: '/metrics',
          params: { service: [service.name] },
          static_configs: [{ targets: [fleet.target] }],
        }));
        rows.push(await measure('baseline (334c422)', size, baselineRules(size, workDir), scrapeConfigs));
        rows.push(await measure('current', size, await currentRules(size, workDir), scrapeConfigs));
      } finally {
        await fleet.close();
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  console.log(`rule evaluation per ${intervalSeconds}s cycle (median of ${cycles} cycles), synthetic fleet of N services + N pipelines`);
  console.table(
    rows.map((row) => ({
      shape: row.shape,
      N: row.size,
      rules: row.rules,
      'rule files (MB)': (row.ruleBytes / 1e6).toFixed(2),
      'alerting groups (s)': row.alertingSeconds.toFixed(3),
      'recording groups (s)': row.recordingSeconds.toFixed(3),
      'all groups (s)': row.allSeconds.toFixed(3),
      'CPU (cores)': row.cpuCores.toFixed(2),
      'RSS (MiB)': row.rssMiB.toFixed(0),
      firing: row.firing,
    })),
  );
  for (const size of sizes) {
    const baseline = rows.find((row) => row.size === size && row.shape.startsWith('baseline'))!;
    const current = rows.find((row) => row.size === size && row.shape === 'current')!;
    const evalRatio = baseline.alertingSeconds / current.alertingSeconds;
    const sizeRatio = baseline.ruleBytes / current.ruleBytes;
    console.log(`N=${size}: alert evaluation ${evalRatio.toFixed(1)}x cheaper, rule files ${sizeRatio.toFixed(1)}x smaller, all groups ${(baseline.allSeconds / current.allSeconds).toFixed(1)}x`);
    if (size === 1000) {
      verdict('alert evaluation at 1,000 services >= 5x cheaper than the per-service shape', evalRatio >= 5, `${evalRatio.toFixed(1)}x`);
      verdict('rule files at 1,000 services >= 10x smaller', sizeRatio >= 10, `${sizeRatio.toFixed(1)}x`);
    }
  }
  printVerdicts();
}

await main();
