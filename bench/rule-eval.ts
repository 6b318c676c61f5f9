/**
 * Rule-evaluation cost at fleet scale, both rule shapes side by side on the same real Prometheus
 * binary and the same synthetic fleet (bench/synthetic-fleet.ts, loopback only):
 *  - baseline: the rules as rendered at commit 334c422 (one rule per service or pipeline per alert,
 *    thresholds inlined), stored in bench/fixtures/baseline-rules-N.tar.gz for the spec
 *    `largeSpec(N)` of bench/generate.ts;
 *  - current: the rules this workspace renders for `largeSpec(N)`.
 * Both run at once, one Prometheus each, sampled at the same instants (load from other processes
 * falls on both alike; ratios are medians of per-cycle ratios). Each Prometheus scrapes N services
 * every 15 s and evaluates every 15 s (groups that set a slower interval, every interval); after a warm-up, the bench reads each group's and each rule's
 * last evaluation time from /api/v1/rules once per cycle. A group's cost per 15 s cycle is its
 * evaluation time times 15 s / its interval (a group run every minute costs a quarter of its time
 * per cycle). It reports the median per-cycle sum over alerting groups, recording groups and all
 * groups, the costliest groups and rules, Prometheus' CPU (its process_cpu_seconds_total over the
 * sampled cycles) and RSS, read from its own /metrics, rules loaded and alerts firing.
 *
 * 10,000 targets do not fit this machine (RSS grows with the fleet), so the recording cost there
 * is extrapolated linearly from the largest N measured (each recording rule's cost grows with the
 * series it reads and writes; with 100 and 1,000 measured the bench prints the growth exponent
 * between them, 1 for linear), with the number of Prometheus shards that keeps all groups under
 * half the interval.
 *
 *   pnpm bench:rule-eval          (sizes: VIGIL_RULE_EVAL_SIZES=100,1000; cycles: VIGIL_RULE_EVAL_CYCLES=6)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel, renderModel, writeGeneratedFiles } from '@vigil/generator';
import { ruleFileOrder, rulesGenerator } from '../packages/generator/src/rules/generator.js';
import { startPrometheus, waitUntil, type PrometheusInstance, type RuleGroupsOptions } from '../packages/testkit/src/index.js';
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
  /** Per sampled cycle, aligned across shapes measured side by side. */
  readonly alertingSums: readonly number[];
  readonly recordingSums: readonly number[];
  readonly alertingSeconds: number;
  readonly recordingSeconds: number;
  readonly allSeconds: number;
  readonly cpuCores: number;
  readonly rssMiB: number;
  readonly firing: number;
  /** Median cost per cycle of each group ("file;group") and each rule ("group: rule #index"). */
  readonly groupCosts: ReadonlyMap<string, number>;
  readonly ruleCosts: ReadonlyMap<string, number>;
  /** Largest median evaluation time of one group, against its own interval: [seconds, interval]. */
  readonly slowestGroup: readonly [string, number, number];
}

const fleetTargets = 10_000;
/** All groups of one Prometheus should take at most this share of the interval. */
const evaluationBudget = 0.5;

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

/** /api/v1/rules with a long timeout: 12,000 rules on a loaded machine take seconds to list. */
const ruleListing: RuleGroupsOptions = { timeoutMs: 60_000 };

interface CycleSample {
  /** Cost per 15 s cycle of each group, keyed "file;group". */
  readonly groups: Map<string, number>;
  /** Cost per 15 s cycle of each rule, keyed "group: rule #index". */
  readonly rules: Map<string, number>;
  /** Last evaluation time of each group, with its interval. */
  readonly durations: Map<string, readonly [number, number]>;
}

/** One cycle's evaluation times from /api/v1/rules, as cost per 15 s cycle (time x 15 s / the group's interval). */
async function cycleSample(prometheus: PrometheusInstance): Promise<CycleSample> {
  const sample: CycleSample = { groups: new Map(), rules: new Map(), durations: new Map() };
  for (const group of await prometheus.ruleGroups(ruleListing)) {
    const interval = group.interval ?? intervalSeconds;
    const share = intervalSeconds / interval;
    const key = `${group.file};${group.name}`;
    sample.groups.set(key, (group.evaluationTime ?? 0) * share);
    sample.durations.set(key, [group.evaluationTime ?? 0, interval]);
    group.rules.forEach((rule, index) => sample.rules.set(`${group.name}: ${rule.name} #${index + 1}`, (rule.evaluationTime ?? 0) * share));
  }
  return sample;
}

function medians(samples: readonly Map<string, number>[]): Map<string, number> {
  const result = new Map<string, number>();
  for (const key of samples[0]?.keys() ?? []) result.set(key, median(samples.map((sample) => sample.get(key) ?? 0)));
  return result;
}

interface Shape {
  readonly shape: string;
  readonly ruleFiles: readonly string[];
}

interface Running extends Shape {
  readonly prometheus: PrometheusInstance;
  readonly alerting: ReadonlySet<string>;
  readonly rules: number;
  readonly slowestInterval: number;
}

async function start(shape: Shape, scrapeConfigs: readonly Record<string, unknown>[]): Promise<Running> {
  const prometheus: PrometheusInstance = await startPrometheus({
    config: { global: { scrape_interval: `${intervalSeconds}s`, evaluation_interval: `${intervalSeconds}s` }, scrape_configs: [...scrapeConfigs] },
    rulesFiles: shape.ruleFiles,
    readyTimeoutMs: 120_000,
    launcher: 'local',
  });
  const groups = await prometheus.ruleGroups(ruleListing);
  return {
    ...shape,
    prometheus,
    alerting: new Set(groups.filter((group) => group.rules.some((rule) => rule.type === 'alerting')).map((group) => `${group.file};${group.name}`)),
    rules: groups.reduce((total, group) => total + group.rules.length, 0),
    slowestInterval: Math.max(intervalSeconds, ...groups.map((group) => group.interval ?? intervalSeconds)),
  };
}

/**
 * Both shapes at once, each on its own Prometheus scraping the same fleet, sampled at the same
 * instants: load from other processes on the shared machine falls on both alike, and the ratios
 * are medians of per-cycle ratios.
 */
async function measureSideBySide(size: number, shapes: readonly Shape[], scrapeConfigs: readonly Record<string, unknown>[]): Promise<Measurement[]> {
  const running: Running[] = [];
  try {
    for (const shape of shapes) running.push(await start(shape, scrapeConfigs));
    for (const run of running) {
      await waitUntil(async () => [...(await cycleSample(run.prometheus)).durations.values()].some(([seconds]) => seconds > 0), {
        timeoutMs: 120_000,
        description: `a first rule evaluation (${run.shape})`,
      });
    }
    // Warm-up: past the first evaluation of groups at a slower interval too.
    await sleep(Math.max(3 * intervalSeconds, ...running.map((run) => 1.5 * run.slowestInterval)) * 1000);
    const cpuBefore = await Promise.all(running.map((run) => ownMetric(run.prometheus, 'process_cpu_seconds_total')));
    const sampledFrom = Date.now();
    const samples: CycleSample[][] = running.map(() => []);
    for (let cycle = 0; cycle < cycles; cycle++) {
      const now = await Promise.all(running.map((run) => cycleSample(run.prometheus)));
      now.forEach((sample, index) => samples[index]!.push(sample));
      await sleep(intervalSeconds * 1000);
    }
    const seconds = (Date.now() - sampledFrom) / 1000;
    return await Promise.all(
      running.map(async (run, index): Promise<Measurement> => {
        const cpuCores = ((await ownMetric(run.prometheus, 'process_cpu_seconds_total')) - cpuBefore[index]!) / seconds;
        const rssBytes = await ownMetric(run.prometheus, 'process_resident_memory_bytes');
        const firing = (await run.prometheus.alerts()).filter((alert) => alert.state === 'firing').length;
        const own = samples[index]!;
        const sumOf = (sample: CycleSample, pick: (group: string) => boolean): number =>
          [...sample.groups].reduce((total, [group, cost]) => total + (pick(group) ? cost : 0), 0);
        const alertingSums = own.map((sample) => sumOf(sample, (group) => run.alerting.has(group)));
        const recordingSums = own.map((sample) => sumOf(sample, (group) => !run.alerting.has(group)));
        const slowest = [...own[0]!.durations.keys()]
          .map((group): [string, number, number] => [group, median(own.map((sample) => sample.durations.get(group)?.[0] ?? 0)), own[0]!.durations.get(group)![1]])
          .sort((a, b) => b[1] / b[2] - a[1] / a[2])[0] ?? ['', 0, intervalSeconds];
        return {
          shape: run.shape,
          size,
          rules: run.rules,
          ruleBytes: run.ruleFiles.reduce((total, file) => total + statSync(file).size, 0),
          alertingSums,
          recordingSums,
          alertingSeconds: median(alertingSums),
          recordingSeconds: median(recordingSums),
          allSeconds: median(alertingSums.map((value, cycle) => value + recordingSums[cycle]!)),
          cpuCores,
          rssMiB: rssBytes / 2 ** 20,
          firing,
          groupCosts: medians(own.map((sample) => sample.groups)),
          ruleCosts: medians(own.map((sample) => sample.rules)),
          slowestGroup: slowest,
        };
      }),
    );
  } finally {
    for (const run of running) await run.prometheus.stop();
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
        const shapes: Shape[] = [{ shape: 'current', ruleFiles: await currentRules(size, workDir) }];
        if (existsSync(join(fixtures, `baseline-rules-${size}.tar.gz`))) shapes.unshift({ shape: 'baseline (334c422)', ruleFiles: baselineRules(size, workDir) });
        rows.push(...(await measureSideBySide(size, shapes, scrapeConfigs)));
      } finally {
        await fleet.close();
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  console.log(`rule evaluation per ${intervalSeconds}s cycle (median of ${cycles} cycles; shapes side by side, one Prometheus each), synthetic fleet of N services + N pipelines`);
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
  const top = (costs: ReadonlyMap<string, number>, count: number): string =>
    [...costs]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, cost]) => `    ${cost.toFixed(4)} s  ${name}`)
      .join('\n');
  for (const row of rows) {
    console.log(`\n${row.shape}, N=${row.size}: costliest groups and rules (median seconds per ${intervalSeconds}s cycle)`);
    console.log(top(row.groupCosts, 8));
    console.log(top(row.ruleCosts, 8));
  }
  for (const size of sizes) {
    const baseline = rows.find((row) => row.size === size && row.shape.startsWith('baseline'));
    const current = rows.find((row) => row.size === size && row.shape === 'current')!;
    if (baseline === undefined) continue;
    // Medians of per-cycle ratios: both shapes were sampled at the same instants.
    const perCycle = (pick: (row: Measurement, cycle: number) => number): number =>
      median(baseline.alertingSums.map((_, cycle) => pick(baseline, cycle) / pick(current, cycle)));
    const evalRatio = perCycle((row, cycle) => row.alertingSums[cycle]!);
    const allRatio = perCycle((row, cycle) => row.alertingSums[cycle]! + row.recordingSums[cycle]!);
    const sizeRatio = baseline.ruleBytes / current.ruleBytes;
    console.log(
      `N=${size}: alert evaluation ${evalRatio.toFixed(1)}x cheaper, recording groups ${perCycle((row, cycle) => row.recordingSums[cycle]!).toFixed(1)}x, all groups ${allRatio.toFixed(1)}x, rule files ${sizeRatio.toFixed(1)}x smaller (median per-cycle ratios)`,
    );
    if (size === 1000) {
      verdict('alert evaluation at 1,000 services >= 5x cheaper than the per-service shape', evalRatio >= 5, `${evalRatio.toFixed(1)}x`);
      verdict('rule files at 1,000 services >= 10x smaller', sizeRatio >= 10, `${sizeRatio.toFixed(1)}x`);
      verdict('all groups at 1,000 services cost less than the per-service shape', allRatio > 1, `${allRatio.toFixed(1)}x`);
    }
  }
  const measured = rows.filter((row) => row.shape === 'current').sort((a, b) => a.size - b.size);
  const largest = measured.at(-1);
  if (largest !== undefined) {
    const scale = fleetTargets / largest.size;
    const smallest = measured[0]!;
    const exponent =
      measured.length > 1 && smallest.recordingSeconds > 0
        ? ` (growth exponent of the recording groups from N=${smallest.size} to N=${largest.size}: ${(Math.log(largest.recordingSeconds / smallest.recordingSeconds) / Math.log(largest.size / smallest.size)).toFixed(2)})`
        : '';
    const recording = largest.recordingSeconds * scale;
    const all = largest.allSeconds * scale;
    const shards = Math.max(1, Math.ceil(all / (evaluationBudget * intervalSeconds)));
    const [group, seconds, interval] = largest.slowestGroup;
    console.log(`\nat ${fleetTargets} services + ${fleetTargets} pipelines, extrapolated linearly from N=${largest.size}${exponent}:`);
    console.log(`  recording groups ${recording.toFixed(2)} s, all groups ${all.toFixed(2)} s per ${intervalSeconds}s cycle; slowest group ${group}: ${(seconds * scale).toFixed(2)} s of its ${interval}s interval`);
    console.log(`  Prometheus shards to keep all groups under ${evaluationBudget * 100}% of the interval: ${shards}`);
    verdict(
      `recording groups at ${fleetTargets} services (extrapolated) well under the ${intervalSeconds}s interval (<= ${evaluationBudget * 100}%)`,
      recording <= evaluationBudget * intervalSeconds,
      `${recording.toFixed(2)} s; shards for all groups: ${shards}`,
    );
  }
  printVerdicts();
}

await main();
